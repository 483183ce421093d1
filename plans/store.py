"""Plans kept per conversation (sender id) through SQLAlchemy 1.4 in 2.0 style.

One short session per unit of work, never a shared one; every command reads the row, moves the
progress and writes it back inside one transaction, so two turns of the same conversation cannot
lose each other's step. Nothing happens at import: the engine is made by `PlanStore(...)` and
the tables by `create_all()`.

The tables are prefixed `plan_` and have their own metadata, so they can share a database with the
knowledge base (whose rebuild never touches them) and `DATABASE_URL` serves both.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

import settings
from channels.senders import legacy_id
from knowledge.database import engine_options
from plans import links
from plans.plan import Plan, Step
from plans.profile import Profile
from plans.progress import Progress
from plans.saved import SavedPlan

__all__ = ["PlanStore", "SavedPlan", "links_table", "metadata", "plans_table"]

# Bumped when the stored shape of a plan changes, so old rows can be told apart and migrated.
FORMAT = 1

metadata = MetaData()

plans_table = Table(
    "plan_plans", metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("format", Integer, nullable=False),
    Column("profile", JSON, nullable=False),
    Column("target_career_id", String(64), nullable=False),
    Column("target_name", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("chosen_because", Text),
    Column("missing", JSON, nullable=False),
    Column("steps", JSON, nullable=False),  # as built: stable if the knowledge base changes
    Column("current_index", Integer, nullable=False),
    Column("done_ids", JSON, nullable=False),
    Column("skipped_ids", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # the id of the message that last moved the progress: the same message again (a client
    # that lost the reply and sent it again) does not move it twice
    Column("last_move", String(128)),
)

# A plan's download links (plans/links.py): the token's hash, never the token.
links_table = Table(
    "plan_links", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# Columns added after the first release, with their SQL type, added to older tables by
# `create_all` (the table itself is made by SQLAlchemy when it is missing).
_ADDED_COLUMNS = {"last_move": "VARCHAR(128)"}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _utc(moment: datetime) -> datetime:
    # SQLite hands timestamps back without a zone (they were written in UTC); PostgreSQL in the
    # session's zone. Either way the snapshot speaks UTC.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    in_memory = database in (None, "", ":memory:")
    if not in_memory:
        # The default file lives under the git-ignored var/, which a fresh checkout lacks.
        Path(str(database)).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, future=True,
        # The action server answers turns from several threads.
        connect_args={"check_same_thread": False, "timeout": 30},
        # An in-memory database lives in one connection, so every thread must share it.
        **({"poolclass": StaticPool} if in_memory else {}),
    )

    # pysqlite starts transactions late and only for writes, so a read-then-write unit of work
    # in two processes can deadlock. Taking the write lock at BEGIN makes them queue instead
    # (SQLAlchemy's documented recipe for pysqlite transactions).
    @event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _row_values(plan: Plan) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "profile": plan.profile.to_dict(),
        "target_career_id": plan.target.id,
        "target_name": plan.target.name,
        "summary": plan.summary,
        "chosen_because": plan.chosen_because,
        "missing": list(plan.missing),
        "steps": [s.to_dict() for s in plan.steps],
    }


def _saved(row: Mapping[str, Any]) -> SavedPlan:
    return SavedPlan(
        sender_id=row["sender_id"],
        profile=Profile.from_dict(row["profile"]),
        target_career_id=row["target_career_id"],
        target_name=row["target_name"],
        summary=row["summary"],
        chosen_because=row["chosen_because"],
        missing=tuple(row["missing"]),
        steps=tuple(Step.from_dict(s) for s in row["steps"]),
        current_index=row["current_index"],
        done_ids=tuple(row["done_ids"]),
        skipped_ids=tuple(row["skipped_ids"]),
        created_at=_utc(row["created_at"]),
        updated_at=_utc(row["updated_at"]),
    )


class PlanStore:
    """Plans by sender id in the database at `database_url` (default:
    settings.plans_database_url())."""

    def __init__(self, database_url: str | None = None):
        url = database_url or settings.plans_database_url()
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        self.engine = _sqlite_engine(url) if self.is_sqlite else create_engine(
            url, future=True, **engine_options(url))
        self._sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)
        # SQLite takes one writer at a time anyway; queueing threads here keeps them from
        # spinning on its busy timeout (and protects the single in-memory connection).
        self._lock: contextlib.AbstractContextManager[Any] = (
            threading.Lock() if self.is_sqlite else contextlib.nullcontext())

    def create_all(self) -> None:
        """Creates the plan_ tables where they are missing, and the columns added since a
        table was made; other tables are left alone."""
        metadata.create_all(self.engine)
        with self.engine.begin() as connection:
            present = {c["name"] for c in inspect(connection).get_columns(plans_table.name)}
            for name, sql_type in _ADDED_COLUMNS.items():
                if name not in present:
                    connection.execute(text(
                        f"ALTER TABLE {plans_table.name} ADD COLUMN {name} {sql_type}"))

    def dispose(self) -> None:
        self.engine.dispose()

    @contextlib.contextmanager
    def _unit_of_work(self) -> Iterator[Session]:
        with self._lock, self._sessions.begin() as session:
            yield session

    # --- whole plans -----------------------------------------------------------------------

    def save(self, sender_id: str, plan: Plan) -> SavedPlan:
        """Stores the plan for this conversation, replacing any earlier plan and its progress."""
        now = _now()
        values = {**_row_values(plan), "current_index": 0, "done_ids": [], "skipped_ids": [],
                  "last_move": None, "created_at": now, "updated_at": now}
        with self._unit_of_work() as session:
            session.execute(self._upsert(sender_id, values))
        return self._snapshot(sender_id, values)

    def _upsert(self, sender_id: str, values: dict[str, Any]) -> Any:
        # INSERT ... ON CONFLICT DO UPDATE: two saves racing for a new sender cannot both
        # insert. Both supported databases speak it.
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(plans_table).values(sender_id=sender_id, **values)
        return stmt.on_conflict_do_update(index_elements=[plans_table.c.sender_id],
                                          set_=values)

    @staticmethod
    def _snapshot(sender_id: str, values: Mapping[str, Any]) -> SavedPlan:
        return _saved({"sender_id": sender_id, **values})

    @staticmethod
    def _row(session: Session, sender_id: str, for_update: bool = False,
             adopt: bool = True) -> Any:
        """The conversation's row, adopting (once) a plan saved under the bare id it had before
        channels had namespaces (channels/senders.py says which bare id it may adopt)."""
        query = select(plans_table).where(plans_table.c.sender_id == sender_id)
        if for_update:
            query = query.with_for_update()
        row = session.execute(query).mappings().first()
        old = legacy_id(sender_id) if row is None and adopt else None
        if old is not None:
            adopted = session.execute(update(plans_table).where(plans_table.c.sender_id == old)
                                      .values(sender_id=sender_id))
            if adopted.rowcount:
                row = session.execute(query).mappings().first()
        return row

    def has_plan(self, sender_id: str) -> bool:
        """Whether a plan is saved under exactly this id (no legacy id adopted)."""
        with self._unit_of_work() as session:
            return session.execute(select(plans_table.c.sender_id)
                                   .where(plans_table.c.sender_id == sender_id)).first() is not None

    def load(self, sender_id: str, adopt: bool = True) -> SavedPlan | None:
        """The conversation's plan; ``adopt=False`` for a reader that may not write (the page
        server's database user), which then does not look for a plan from before namespaces."""
        with self._unit_of_work() as session:
            row = self._row(session, sender_id, adopt=adopt)
            return _saved(row) if row is not None else None

    def delete(self, sender_id: str) -> bool:
        """Forgets the plan, its progress and its download links; False when there was no
        plan."""
        with self._unit_of_work() as session:
            row = self._row(session, sender_id, for_update=True)
            session.execute(delete(links_table).where(links_table.c.sender_id == sender_id))
            if row is None:
                return False
            session.execute(delete(plans_table).where(plans_table.c.sender_id == sender_id))
            return True

    # --- download links --------------------------------------------------------------------

    def link_for(self, sender_id: str, ttl: int | None = None) -> str:
        """A new download link's token for this conversation's plan, valid ``ttl`` seconds
        (default PLAN_LINK_TTL); expired links are swept on the way."""
        token = links.new_token()
        now = _now()
        expires = now + timedelta(seconds=settings.link_ttl() if ttl is None else ttl)
        with self._unit_of_work() as session:
            session.execute(delete(links_table).where(links_table.c.expires_at <= now))
            session.execute(links_table.insert().values(
                token_hash=links.token_hash(token), sender_id=sender_id, expires_at=expires))
        return token

    def sender_for_link(self, token: str) -> str | None:
        """The conversation a download link opens, or None (unknown, forgotten or expired)."""
        if not links.TOKEN_PATTERN.fullmatch(token):
            return None
        with self._unit_of_work() as session:
            row = session.execute(select(links_table.c.sender_id, links_table.c.expires_at)
                                  .where(links_table.c.token_hash == links.token_hash(token))
                                  ).first()
        if row is None or _utc(row.expires_at) <= _now():
            return None
        return str(row.sender_id)

    # --- moving through a plan -------------------------------------------------------------

    def _move(self, sender_id: str, move: Callable[[Progress], Progress],
              message_id: str | None = None) -> SavedPlan | None:
        """Reads, moves and writes the progress in one transaction (the row locked on
        PostgreSQL, the database on SQLite); None when the conversation has no plan. A
        ``message_id`` that already moved this plan moves it no further: the plan is returned
        as it stands."""
        with self._unit_of_work() as session:
            row = self._row(session, sender_id, for_update=True)
            if row is None:
                return None
            if message_id is not None and row["last_move"] == message_id:
                return _saved(row)
            moved = move(_saved(row).progress)
            values = {"current_index": moved.index,
                      "done_ids": list(moved.in_order(moved.done)),
                      "skipped_ids": list(moved.in_order(moved.skipped)),
                      "last_move": message_id,
                      "updated_at": _now()}
            session.execute(update(plans_table)
                            .where(plans_table.c.sender_id == sender_id).values(**values))
            return self._snapshot(sender_id, {**row, **values})

    def current(self, sender_id: str) -> SavedPlan | None:
        """The plan where it stands ("repeat that"): nothing moves."""
        return self.load(sender_id)

    repeat = current

    def next(self, sender_id: str, message_id: str | None = None) -> SavedPlan | None:
        """One step on; past the last step `finished` is set and `current` is None."""
        return self._move(sender_id, Progress.next, message_id)

    def back(self, sender_id: str, message_id: str | None = None) -> SavedPlan | None:
        """One step back; at the first step it stays there with `at_start` set."""
        return self._move(sender_id, Progress.back, message_id)

    def skip(self, sender_id: str, message_id: str | None = None) -> SavedPlan | None:
        """Sets the current step aside and moves to the next open one."""
        return self._move(sender_id, Progress.skip, message_id)

    def mark_done(self, sender_id: str, message_id: str | None = None) -> SavedPlan | None:
        """Marks the current step done and moves to the next step not done or skipped."""
        return self._move(sender_id, Progress.mark_done, message_id)

    def restart(self, sender_id: str, message_id: str | None = None) -> SavedPlan | None:
        """Back to step 1 with nothing done or skipped; the steps stay as they were built."""
        return self._move(sender_id, Progress.restart, message_id)
