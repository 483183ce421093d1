"""Forgetting a person: the part the action server shares with operations (ops/forget.py), here so
that the action server does not import the Rasa server's side (ops).

"Forget me" (``action_plan_delete``, actions/plan.py) deletes the stored conversation and the
plan, then returns ``forget_event()``: the Rasa server's tracker store (rasa_ext/tracker_store.py)
recognises it (``is_forget_event``) and deletes the rest of the conversation once the
turn is over. ``make forget`` (ops/forget.py) deletes the same conversation by sender id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, create_engine, delete, inspect
from sqlalchemy.engine import Connection, Engine, make_url

import settings
from knowledge.database import engine_options

# The key marking the restart event that asks to forget, and the reply that tells the web page
# to clear the chat it saved (web/app.js).
FORGET_KEY = "forget"

# Rasa's SQLTrackerStore table (rasa/core/tracker_store.py, SQLEvent), as much as deleting needs
_events = Table("events", MetaData(), Column("sender_id", String(255), nullable=False))


def forget_event() -> dict[str, Any]:
    """A ``restart`` event marked to forget the conversation (an action returns it)."""
    return {"event": "restart", "timestamp": None, "metadata": {FORGET_KEY: True}}


def is_forget_event(event: Any) -> bool:
    """Whether a Rasa event (as the Rasa server holds it) is ``forget_event()``: the Rasa
    server's tracker store (rasa_ext/tracker_store.py) deletes the conversation on it."""
    metadata = getattr(event, "metadata", None) or {}
    return getattr(event, "type_name", None) == "restart" and metadata.get(FORGET_KEY) is True


def delete_events(connection: Connection, sender_id: str) -> int:
    """Deletes the conversation's rows from Rasa's events table; returns how many there were."""
    result = connection.execute(delete(_events).where(_events.c.sender_id == sender_id))
    return int(result.rowcount or 0)


def tracker_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.drivername == "postgres":  # accepted by ops.endpoints, not by SQLAlchemy
        parsed = parsed.set(drivername="postgresql")
    return create_engine(parsed, future=True, **engine_options(str(parsed)))


def delete_conversation(sender_id: str, env: Mapping[str, str] | None = None) -> int | None:
    """Deletes the conversation from Rasa's SQL tracker store (TRACKER_STORE_URL); the number
    of events deleted, or None when conversations are kept in the Rasa server's memory."""
    tracker_url: str | None = settings.get("TRACKER_STORE_URL", env)
    if tracker_url is None:
        return None
    engine = tracker_engine(tracker_url)
    try:
        with engine.begin() as connection:
            stored = inspect(connection).has_table(_events.name)
            return delete_events(connection, sender_id) if stored else 0
    finally:
        engine.dispose()
