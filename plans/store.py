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
from datetime import datetime, timezone
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
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from plans import settings
from plans.plan import Plan, Step
from plans.profile import Profile
from plans.progress import Progress
from plans.saved import SavedPlan

__all__ = ["PlanStore", "SavedPlan", "metadata", "plans_table"]

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
)


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
    """Plans by sender id in the database at `database_url` (default: plans.settings)."""

    def __init__(self, database_url: str | None = None):
        url = database_url or settings.database_url()
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        self.engine = _sqlite_engine(url) if self.is_sqlite else create_engine(
            url, future=True, pool_pre_ping=True)
        self._sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)
        # SQLite takes one writer at a time anyway; queueing threads here keeps them from
        # spinning on its busy timeout (and protects the single in-memory connection).
        self._lock: contextlib.AbstractContextManager[Any] = (
            threading.Lock() if self.is_sqlite else contextlib.nullcontext())

    def create_all(self) -> None:
        """Creates the plan_ tables where they are missing; other tables are left alone."""
        metadata.create_all(self.engine)

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
                  "created_at": now, "updated_at": now}
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

    def load(self, sender_id: str) -> SavedPlan | None:
        with self._unit_of_work() as session:
            row = session.execute(
                select(plans_table).where(plans_table.c.sender_id == sender_id)
            ).mappings().first()
            return _saved(row) if row is not None else None

    def delete(self, sender_id: str) -> bool:
        """Forgets the plan and its progress; False when there was none."""
        with self._unit_of_work() as session:
            result = session.execute(
                delete(plans_table).where(plans_table.c.sender_id == sender_id))
            return bool(result.rowcount)

    # --- moving through a plan -------------------------------------------------------------

    def _move(self, sender_id: str, move: Callable[[Progress], Progress]) -> SavedPlan | None:
        """Reads, moves and writes the progress in one transaction (the row locked on
        PostgreSQL, the database on SQLite); None when the conversation has no plan."""
        with self._unit_of_work() as session:
            row = session.execute(
                select(plans_table).where(plans_table.c.sender_id == sender_id)
                .with_for_update()
            ).mappings().first()
            if row is None:
                return None
            moved = move(_saved(row).progress)
            values = {"current_index": moved.index,
                      "done_ids": list(moved.in_order(moved.done)),
                      "skipped_ids": list(moved.in_order(moved.skipped)),
                      "updated_at": _now()}
            session.execute(update(plans_table)
                            .where(plans_table.c.sender_id == sender_id).values(**values))
            return self._snapshot(sender_id, {**row, **values})

    def current(self, sender_id: str) -> SavedPlan | None:
        """The plan where it stands ("repeat that"): nothing moves."""
        return self.load(sender_id)

    repeat = current

    def next(self, sender_id: str) -> SavedPlan | None:
        """One step on; past the last step `finished` is set and `current` is None."""
        return self._move(sender_id, Progress.next)

    def back(self, sender_id: str) -> SavedPlan | None:
        """One step back; at the first step it stays there with `at_start` set."""
        return self._move(sender_id, Progress.back)

    def skip(self, sender_id: str) -> SavedPlan | None:
        """Sets the current step aside and moves to the next open one."""
        return self._move(sender_id, Progress.skip)

    def mark_done(self, sender_id: str) -> SavedPlan | None:
        """Marks the current step done and moves to the next step not done or skipped."""
        return self._move(sender_id, Progress.mark_done)

    def restart(self, sender_id: str) -> SavedPlan | None:
        """Back to step 1 with nothing done or skipped; the steps stay as they were built."""
        return self._move(sender_id, Progress.restart)
