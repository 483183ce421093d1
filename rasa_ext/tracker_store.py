"""Rasa's own tracker stores with these additions; ``ops.endpoints`` names them in the endpoints
file. Loaded by the Rasa server only.

- **Forgetting on request.** "Forget me" (``action_plan_delete``) returns a ``restart`` event
  marked ``{"forget": true}`` (``plans.forgetting.forget_event``). Rasa saves a turn's events after
  the turn, so rows deleted by the action itself would be written back at once; here the save
  that carries the marker deletes the conversation instead, inside the turn's lock, after
  dropping every message the person wrote in it from the sentence encoder's cache
  (``rasa_ext.sentence_encoder.forget``). Nothing of it is kept: the person's next message
  starts a new conversation. A deletion that fails fails the turn, so the person hears so.
- **A database that is down or hangs fails the turn, kindly** (SQL). Connections follow
  ``knowledge.database.engine_options``: connecting gives up after DB_CONNECT_TIMEOUT seconds, a
  statement after DB_STATEMENT_TIMEOUT, and every pooled connection is checked as it leaves the
  pool (after PostgreSQL restarts, a dead one is replaced rather than failing a turn). A
  failure raises ``ConversationStoreError``; the channel then gives the person its "try again"
  (channels/turns.py). Rasa wraps every tracker store in its ``FailSafeTrackerStore``, which
  would instead go on with an empty conversation when reading fails, and keep the conversation
  in this process's memory when writing fails (where the other servers cannot see it and a
  restart loses it); around these stores it lets the error through (``_fail_safe_init``).
- **The database off the event loop** (SQL). SQLAlchemy blocks, and Rasa's store calls it on
  the server's only thread: a database that hangs would stop every conversation of the server
  for the whole timeout, and the lock store's keeper with them (whose tickets would expire).
  Here each call runs in a worker thread.
- **Starting without the database** (SQL). Rasa's store waits at start until the database
  answers; here the server starts, its turns fail kindly, and the table is made on first use.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core import tracker_store as rasa_stores
from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import IntegrityError, ProgrammingError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from knowledge.database import engine_options
from plans.forgetting import delete_events, is_forget_event
from rasa_ext import patches, sentence_encoder

T = TypeVar("T")
logger = logging.getLogger(__name__)

# Threads of their own: while the database hangs they wait, and the server's other work that
# needs a thread (the lock store has its own; name lookups for HTTP calls) must not queue.
_threads = ThreadPoolExecutor(max_workers=32, thread_name_prefix="tracker-store")


class ConversationStoreError(RuntimeError):
    """The conversation could not be read, written or deleted: the turn fails."""


def _forgets(tracker: DialogueStateTracker) -> bool:
    """Whether this turn (the events since the person's latest message) asks to forget."""
    for event in reversed(tracker.events):
        if is_forget_event(event):
            return True
        if isinstance(event, UserUttered):
            return False
    return False


def _user_texts(events: Iterable[Event]) -> set[str]:
    """What the person wrote, in these events."""
    return {event.text for event in events if isinstance(event, UserUttered) and event.text}


def _reason(error: SQLAlchemyError) -> str:
    """The driver's message, without the statement and its parameters (a person's words)."""
    return str(getattr(error, "orig", None) or error).strip()


def _engine_kwargs(url: str | URL) -> dict[str, Any]:
    """Rasa's engine settings (pool size, PostgreSQL schema) with the project's limits; both
    may set libpq's ``options``, which are joined."""
    rasa = rasa_stores.create_engine_kwargs(url)
    ours = engine_options(str(url))
    rasa_args, our_args = rasa.get("connect_args", {}), ours.get("connect_args", {})
    kwargs = {**rasa, **ours}
    if rasa_args or our_args:
        options = " ".join(args["options"] for args in (rasa_args, our_args) if "options" in args)
        kwargs["connect_args"] = {**rasa_args, **our_args, **({"options": options} if options
                                                              else {})}
    return kwargs


class SQLTrackerStore(rasa_stores.SQLTrackerStore):
    """Rasa's SQL tracker store (same table, same keys in endpoints.yml except ``login_db``):
    bounded waits, errors that fail the turn, the database used off the event loop, and
    forgetting on request."""

    def __init__(self, domain: Domain | None = None, dialect: str = "sqlite",
                 host: str | None = None, port: int | None = None, db: str = "rasa.db",
                 username: str | None = None, password: str | None = None,
                 event_broker: EventBroker | None = None, login_db: str | None = None,
                 query: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if login_db is not None:
            raise ValueError("rasa_ext.tracker_store.SQLTrackerStore does not create its database "
                             "(login_db): create it beforehand")
        url = self.get_db_url(dialect, host, rasa_stores.validate_port(port), db, username,
                              password, None, query)
        self.engine = sa.create_engine(url, **_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)
        self._tables_made = False
        # Rasa's SQLTrackerStore.__init__ would wait here until the database answers
        rasa_stores.TrackerStore.__init__(self, domain, event_broker, **kwargs)
        try:
            self._make_tables()
        except SQLAlchemyError as error:
            logger.warning("The conversation database cannot be used (%s); messages fail with "
                           "a kind reply until it can.", _reason(error))

    def _make_tables(self) -> None:
        """Makes Rasa's events table if it is not there; once per process, at start or, when
        the database could not be reached then, at first use."""
        if self._tables_made:
            return
        try:
            self.Base.metadata.create_all(self.engine)
        except (ProgrammingError, IntegrityError) as error:
            # another Rasa server made it at the same moment (Rasa's store does the same)
            logger.info("Could not create tables: %s", _reason(error))
        self._tables_made = True

    @contextlib.contextmanager
    def session_scope(self) -> Iterator[Session]:
        """A session on the database, its table made. Unlike Rasa's, a missing PostgreSQL
        schema (POSTGRESQL_SCHEMA) fails the call, not the whole server."""
        self._make_tables()
        session = self.sessionmaker()
        try:
            try:
                rasa_stores.ensure_schema_exists(session)
            except ValueError as error:
                raise ConversationStoreError(
                    f"the PostgreSQL schema {error} does not exist") from error
            yield session
        finally:
            session.close()

    async def _in_thread(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in a worker thread; a database error becomes
        ``ConversationStoreError``."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(_threads, functools.partial(function, *args))
        except SQLAlchemyError as error:
            raise ConversationStoreError(
                f"the conversation database failed: {_reason(error)}") from error

    async def keys(self) -> Iterable[str]:
        return await self._in_thread(self._keys)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._in_thread(self._read, sender_id, False)

    async def retrieve_full_tracker(self, conversation_id: str
                                    ) -> DialogueStateTracker | None:
        return await self._in_thread(self._read, conversation_id, True)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if _forgets(tracker):
            await self._in_thread(self._forget, tracker)
            return
        await self.stream_events(tracker)
        await self._in_thread(self._write, tracker)

    def _keys(self) -> list[str]:
        with self.session_scope() as session:
            return [sender for (sender,) in
                    session.query(self.SQLEvent.sender_id).distinct().all()]

    def _read(self, sender_id: str, all_sessions: bool) -> DialogueStateTracker | None:
        """Rasa's ``_retrieve``: the latest session's events (all sessions' if asked)."""
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id,
                                     fetch_events_from_all_sessions=all_sessions).all()
            events = [json.loads(row.data) for row in rows]
        if not (self.domain and events):
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _write(self, tracker: DialogueStateTracker) -> None:
        """Rasa's ``save`` after streaming the events: the events not stored yet."""
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = event.as_dict()
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id, type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(
                        INTENT_NAME_KEY),
                    action_name=data.get("name"), data=json.dumps(data)))
            session.commit()

    def _forget(self, tracker: DialogueStateTracker) -> None:
        """Deletes the conversation, after dropping from the sentence encoder's cache what the
        person wrote in it (every session, as stored, and this turn)."""
        self._make_tables()
        with self.engine.begin() as connection:
            texts = _user_texts(tracker.events) | self._stored_texts(connection,
                                                                     tracker.sender_id)
            cached = sentence_encoder.forget(texts)
            deleted = delete_events(connection, tracker.sender_id)
        logger.info("forgot conversation %s on request (%d events deleted, %d cached "
                    "sentences dropped)", tracker.sender_id, deleted, cached)

    def _stored_texts(self, connection: Connection, sender_id: str) -> set[str]:
        rows = connection.execute(sa.select(self.SQLEvent.data).where(
            self.SQLEvent.sender_id == sender_id,
            self.SQLEvent.type_name == UserUttered.type_name))
        texts = (json.loads(data).get("text") for (data,) in rows)
        return {text for text in texts if isinstance(text, str) and text}


class InMemoryTrackerStore(rasa_stores.InMemoryTrackerStore):
    """Rasa's in-memory tracker store (one process only), forgetting on request."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        if _forgets(tracker):
            stored = await self.retrieve_full_tracker(tracker.sender_id)
            texts = _user_texts(tracker.events) | _user_texts(stored.events if stored else ())
            cached = sentence_encoder.forget(texts)
            self.store.pop(tracker.sender_id, None)
            logger.info("forgot conversation %s on request (%d cached sentences dropped)",
                        tracker.sender_id, cached)
            return
        await super().save(tracker)


def _raise(error: Exception) -> None:
    raise error


# Rasa's own, set by the fail_loudly patch when it replaces it (rasa_ext/patches.py)
_original_fail_safe_init = rasa_stores.FailSafeTrackerStore.__init__


def _fail_safe_init(self: rasa_stores.FailSafeTrackerStore,
                    tracker_store: rasa_stores.TrackerStore,
                    on_tracker_store_error: Callable[[Exception], None] | None = None,
                    fallback_tracker_store: rasa_stores.TrackerStore | None = None) -> None:
    """Rasa's ``FailSafeTrackerStore.__init__``; around these stores, the error callback
    raises the error again, so the turn fails instead of going on without the database."""
    if on_tracker_store_error is None and isinstance(
            tracker_store, (SQLTrackerStore, InMemoryTrackerStore)):
        on_tracker_store_error = _raise
    _original_fail_safe_init(self, tracker_store, on_tracker_store_error,
                             fallback_tracker_store)


# Rasa's Agent wraps the store it loads from the endpoints file after importing this module,
# which is why the patches are installed here too (once: rasa_ext/patches.py)
patches.install()
