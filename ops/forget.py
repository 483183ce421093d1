"""Deleting a person's data: their plan and their conversation.

In the conversation, "forget me" (then "yes") runs ``action_plan_delete``: it deletes the plan and
returns ``forget_event()``, which the Rasa server's tracker store (``ops.tracker_store``) turns into
the deletion of the whole conversation once the turn is over.

For an administrator, by the conversation's sender id (the REST ``sender``, the website's session
id, the Slack or Telegram user):

    python -m ops.forget SENDER_ID        (make forget SENDER=...)

deletes the plan (DATABASE_URL, else var/plans.db) and the conversation in Rasa's SQL tracker store
(TRACKER_STORE_URL), and prints what it deleted. With REDIS_URL it first takes the conversation's
lock in Rasa's lock store, so a turn being processed finishes before the deletion and is not
written back after it. With the in-memory tracker store (no TRACKER_STORE_URL) the conversation
lives in the Rasa server's memory only and goes when the server stops.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, create_engine, delete, inspect
from sqlalchemy.engine import Connection, Engine, make_url

import settings
from knowledge.database import engine_options

FORGET_KEY = "forget"

# Rasa's SQLTrackerStore table (rasa/core/tracker_store.py, SQLEvent), as much as deleting needs
_events = Table("events", MetaData(), Column("sender_id", String(255), nullable=False))


def forget_event() -> dict[str, Any]:
    """A ``restart`` event marked to forget the conversation (an action returns it)."""
    return {"event": "restart", "timestamp": None, "metadata": {FORGET_KEY: True}}


def is_forget_event(event: Any) -> bool:
    """Whether a Rasa event (as the Rasa server holds it) is ``forget_event()``."""
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


@dataclass(frozen=True)
class Forgotten:
    sender_id: str
    plan: bool
    events: int | None  # None: the conversation is not in a database we can reach

    def report(self) -> str:
        plan = "deleted its plan" if self.plan else "no plan was saved"
        if self.events is None:
            conversation = ("the conversation is in the Rasa server's memory only (no "
                            "TRACKER_STORE_URL): it goes when the server stops")
        elif self.events:
            conversation = f"deleted the conversation ({self.events} events)"
        else:
            conversation = "no conversation was stored"
        return f"{self.sender_id}: {plan}; {conversation}"


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


def _delete(sender_id: str, env: Mapping[str, str]) -> Forgotten:
    from plans.store import PlanStore

    store = PlanStore(settings.get("DATABASE_URL", env))
    try:
        store.create_all()
        plan = store.delete(sender_id)
    finally:
        store.dispose()
    return Forgotten(sender_id, plan, delete_conversation(sender_id, env))


async def _delete_in_lock(sender_id: str, env: Mapping[str, str]) -> Forgotten:
    from ops.endpoints import lock_store
    from ops.lock_store import RedisLockStore

    config = lock_store(env)
    if config is None:
        return _delete(sender_id, env)
    kwargs = {k: v for k, v in config.items() if k not in ("type", "url")}
    locks = RedisLockStore(host=config["url"], **kwargs)
    async with locks.lock(sender_id):
        return _delete(sender_id, env)


def forget(sender_id: str, env: Mapping[str, str] | None = None) -> Forgotten:
    """Deletes the plan and the stored conversation of ``sender_id``."""
    return asyncio.run(_delete_in_lock(sender_id, settings.environ() if env is None else env))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Delete a person's plan and conversation by their sender id.")
    parser.add_argument("sender_id", help="the conversation's sender id")
    args = parser.parse_args(argv)
    if not args.sender_id.strip():
        parser.error("the sender id is empty")
    try:
        result = forget(args.sender_id)
    except Exception as error:  # a database or Redis that cannot be reached: say which
        print(f"error: nothing or not everything was deleted: {error}", file=sys.stderr)
        return 1
    print(result.report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
