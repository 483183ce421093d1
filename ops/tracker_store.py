"""Rasa's own tracker stores with two additions; ``ops.endpoints`` names them in the endpoints
file. Loaded by the Rasa server only.

- **Forgetting on request.** "Forget me" (``action_plan_delete``) returns a ``restart`` event
  marked ``{"forget": true}`` (``ops.forget.forget_event``). Rasa saves a turn's events after
  the turn, so rows deleted by the action itself would be written back at once; here the save
  that carries the marker deletes the conversation instead, inside the turn's lock. Nothing of
  it is kept: the person's next message starts a new conversation.
- **A database restart costs no turn** (SQL). Rasa's store keeps pooled connections without
  checking them; after PostgreSQL restarts (or drops connections) the next turn would fail to
  read the tracker, and Rasa would go on with an empty one, losing the conversation's context.
  Here every connection is checked as it leaves the pool (SQLAlchemy's ``pool_pre_ping``) and a
  dead one is replaced.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from rasa.core import tracker_store as rasa_stores
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import sessionmaker

from ops.forget import delete_events, is_forget_event

logger = logging.getLogger(__name__)


def _forgets(tracker: DialogueStateTracker) -> bool:
    """Whether this turn (the events since the person's latest message) asks to forget."""
    for event in reversed(tracker.events):
        if is_forget_event(event):
            return True
        if isinstance(event, UserUttered):
            return False
    return False


class SQLTrackerStore(rasa_stores.SQLTrackerStore):
    """Rasa's SQL tracker store (same table, same keys in endpoints.yml), with checked
    connections and forgetting on request."""

    engine: sa.engine.Engine

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True,
                                       **rasa_stores.create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if _forgets(tracker):
            with self.engine.begin() as connection:
                deleted = delete_events(connection, tracker.sender_id)
            logger.info("forgot conversation %s on request (%d events deleted)",
                        tracker.sender_id, deleted)
            return
        await super().save(tracker)


class InMemoryTrackerStore(rasa_stores.InMemoryTrackerStore):
    """Rasa's in-memory tracker store (one process only), forgetting on request."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        if _forgets(tracker):
            self.store.pop(tracker.sender_id, None)
            logger.info("forgot conversation %s on request", tracker.sender_id)
            return
        await super().save(tracker)
