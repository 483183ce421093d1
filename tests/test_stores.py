"""The Rasa server's stores (rasa_ext/tracker_store.py, rasa_ext/lock_store.py) when PostgreSQL or
Redis is down or hangs: the turn fails within about the timeout with a clear error (the channel then
gives its kind reply), nothing is kept in memory instead, and the server's event loop goes on
meanwhile. And "forget me" deletes the conversation and the person's cached sentences."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Awaitable, Iterator
from typing import Any, TypeVar

import pytest
import redis
from rasa.core.lock_store import LockError
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Restarted,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import create_engine, text

from ops.endpoints import lock_store
from plans.forgetting import FORGET_KEY
from rasa_ext import lock_store as ops_locks
from rasa_ext.lock_store import RedisLockStore, RedisUnavailable
from rasa_ext.sentence_encoder import shared_encoder
from rasa_ext.tracker_store import ConversationStoreError, InMemoryTrackerStore, SQLTrackerStore
from tests.scale_support import REDIS, redis_prefix

T = TypeVar("T")
TICK = 0.01


@pytest.fixture()
def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def silent_port() -> Iterator[int]:
    """A local port where connections are accepted (by the kernel) and never answered."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield int(server.getsockname()[1])


async def timed(work: Awaitable[T]) -> tuple[T | BaseException, float, float]:
    """(the result or the error, seconds taken, the longest the event loop was kept from
    running a task that ticks every TICK seconds meanwhile)."""
    ticks: list[float] = []

    async def tick() -> None:
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(TICK)

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0)
    began = time.monotonic()
    try:
        outcome: T | BaseException = await work
    except Exception as error:
        outcome = error
    took = time.monotonic() - began
    ticker.cancel()
    ticks.append(time.monotonic())
    return outcome, took, max(b - a for a, b in zip(ticks, ticks[1:], strict=False))


def turn(sender: str, *texts: str, start: float = 1.0, forget: bool = False
         ) -> DialogueStateTracker:
    """A tracker of one conversation session in which the person wrote ``texts``."""
    events: list[Any] = [SessionStarted(timestamp=start),
                         ActionExecuted("action_listen", timestamp=start)]
    for number, said in enumerate(texts, 1):
        events += [UserUttered(said, {"name": "ask_salary", "confidence": 1.0},
                               timestamp=start + number),
                   BotUttered("an answer", timestamp=start + number),
                   ActionExecuted("action_listen", timestamp=start + number)]
    if forget:
        events.append(Restarted(timestamp=start + len(texts) + 1,
                                metadata={FORGET_KEY: True}))
    return DialogueStateTracker.from_events(sender, events)


def postgres_store(port: int) -> SQLTrackerStore:
    return SQLTrackerStore(Domain.empty(), dialect="postgresql", host="127.0.0.1", port=port,
                           db="careercoach", username="postgres")


# --- PostgreSQL down or hanging ------------------------------------------------------------

@pytest.mark.parametrize("port_kind", ["closed_port", "silent_port"])
def test_a_database_that_is_down_or_hangs_fails_the_turn_and_nothing_stays_in_memory(
        port_kind, request, monkeypatch):
    monkeypatch.setenv("DB_CONNECT_TIMEOUT", "1")
    store = postgres_store(request.getfixturevalue(port_kind))
    # as Rasa's Agent wraps the store it loads from the endpoints file
    wrapped = FailSafeTrackerStore(store)

    async def scenario() -> list[tuple[Any, float, float]]:
        return [await timed(wrapped.retrieve("someone")),
                await timed(wrapped.save(turn("someone", "what does a team lead make?"))),
                await timed(wrapped.save(turn("someone", "forget me", forget=True))),
                await timed(wrapped.keys())]

    for outcome, took, blocked in asyncio.run(scenario()):
        assert isinstance(outcome, ConversationStoreError), outcome
        # libpq waits at least 2 s for a connection (a timeout of 1 counts as 2)
        assert took < 4.0
        assert blocked < 0.5  # the server's other conversations went on meanwhile
    assert wrapped._fallback_tracker_store is None  # nothing went to memory instead


def test_rasas_agent_wraps_our_store_so_that_its_errors_come_through(closed_port,
                                                                     monkeypatch):
    from rasa.core.agent import Agent

    monkeypatch.setenv("DB_CONNECT_TIMEOUT", "1")
    wrapped = Agent._create_tracker_store(postgres_store(closed_port), Domain.empty())
    with pytest.raises(ConversationStoreError, match="conversation database failed"):
        asyncio.run(wrapped.retrieve("someone"))
    # Rasa's own stores still fall back as Rasa made them to
    from rasa.core.tracker_store import InMemoryTrackerStore as RasasInMemory

    assert FailSafeTrackerStore(RasasInMemory(Domain.empty()))._on_tracker_store_error is None


def test_the_engine_has_the_projects_limits_and_rasas_schema(monkeypatch):
    from rasa_ext.tracker_store import _engine_kwargs

    monkeypatch.setenv("DB_CONNECT_TIMEOUT", "3")
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "7")
    monkeypatch.setenv("POSTGRESQL_SCHEMA", "coach")
    kwargs = _engine_kwargs("postgresql://u@db:5432/careercoach")
    assert kwargs["pool_pre_ping"] is True
    assert kwargs["connect_args"]["connect_timeout"] == 3
    assert kwargs["connect_args"]["options"] == "-csearch_path=coach -c statement_timeout=7000"
    assert "pool_size" in kwargs  # Rasa's own settings stay
    assert _engine_kwargs("sqlite:///x.db") == {}


# --- forgetting ------------------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def sql_store(request, tmp_path) -> Iterator[SQLTrackerStore]:
    if request.param == "sqlite":
        store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    else:
        url = request.getfixturevalue("pg_url")
        store = SQLTrackerStore(Domain.empty(), host=url)
    yield store
    store.engine.dispose()


@pytest.fixture()
def cached() -> Any:
    encoder = shared_encoder()
    if not encoder._cache_size:
        pytest.skip("SENTENCE_CACHE_SIZE=0: nothing is cached")
    return encoder


def test_forget_deletes_the_conversation_and_its_cached_sentences(sql_store, cached):
    earlier, now, other = ("I earn too little, what pays more?", "forget me please",
                           "what does a manager do?")
    cached.encode([earlier, now, other])

    async def scenario() -> tuple[DialogueStateTracker | None, DialogueStateTracker | None]:
        # an earlier session, then this one; and someone else's conversation
        await sql_store.save(turn("leaver", earlier, start=1.0))
        await sql_store.save(turn("stayer", other, start=1.0))
        assert (await sql_store.retrieve("leaver")) is not None
        await sql_store.save(turn("leaver", now, start=100.0, forget=True))
        return await sql_store.retrieve("leaver"), await sql_store.retrieve("stayer")

    gone, kept = asyncio.run(scenario())
    assert gone is None and kept is not None
    with sql_store.engine.connect() as connection:
        rows = connection.execute(text("SELECT sender_id FROM events")).all()
    assert {sender for (sender,) in rows} == {"stayer"}
    assert not cached.has_cached(earlier) and not cached.has_cached(now)
    assert cached.has_cached(other)


def test_forget_in_memory_also_drops_the_cached_sentences(cached):
    store = InMemoryTrackerStore(Domain.empty())
    said, other = "I want out of customer service", "how long until I'm a team lead?"
    cached.encode([said, other])

    async def scenario() -> None:
        await store.save(turn("leaver", said))
        await store.save(turn("leaver", "yes", start=50.0, forget=True))

    asyncio.run(scenario())
    assert "leaver" not in store.store
    assert not cached.has_cached(said) and cached.has_cached(other)


def test_a_deletion_that_fails_fails_the_turn(tmp_path):
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    wrapped = FailSafeTrackerStore(store)
    asyncio.run(wrapped.save(turn("leaver", "hello")))
    with store.engine.begin() as connection:  # the database refuses every deletion from now
        connection.execute(text("CREATE TRIGGER refuse BEFORE DELETE ON events "
                                "BEGIN SELECT RAISE(ABORT, 'refused'); END"))
    with pytest.raises(ConversationStoreError, match="refused"):
        asyncio.run(wrapped.save(turn("leaver", "forget me", start=9.0, forget=True)))
    assert wrapped._fallback_tracker_store is None
    engine = create_engine(f"sqlite:///{tmp_path / 't.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM events")).scalar() > 0
    engine.dispose()


def local_lock_store(prefix: str) -> RedisLockStore:
    """A lock store on the test Redis, made as the endpoints file makes it."""
    config = lock_store({"REDIS_URL": REDIS, "REDIS_KEY_PREFIX": prefix})
    assert config is not None
    return RedisLockStore(endpoint_config=EndpointConfig.from_dict(config))


# --- Redis down or hanging ---------------------------------------------------------------

@pytest.mark.parametrize("port_kind", ["closed_port", "silent_port"])
def test_a_redis_that_is_down_or_hangs_fails_the_turn_quickly_without_blocking(port_kind,
                                                                                request):
    store = RedisLockStore(host="127.0.0.1", port=request.getfixturevalue(port_kind), db=1)

    async def take_lock() -> None:
        async with store.lock("someone"):
            raise AssertionError("the lock was granted without Redis")

    outcome, took, blocked = asyncio.run(timed(take_lock()))
    assert isinstance(outcome, RedisUnavailable) and isinstance(outcome, LockError)
    assert "127.0.0.1" in str(outcome)
    assert took < 2.0
    assert blocked < 0.5


def test_a_failed_connection_is_tried_a_few_times_with_short_pauses():
    store = RedisLockStore(host="127.0.0.1", port=1)
    calls: list[float] = []

    def refused() -> None:
        calls.append(time.monotonic())
        raise redis.ConnectionError("refused")

    with pytest.raises(RedisUnavailable, match="cannot be reached"):
        store._redis(refused)
    assert len(calls) == ops_locks.ATTEMPTS
    assert calls[-1] - calls[0] < 0.5

    def silent() -> None:
        calls.append(time.monotonic())
        raise redis.TimeoutError("no answer")

    calls.clear()
    with pytest.raises(RedisUnavailable, match="did not answer"):
        store._redis(silent)
    assert len(calls) == 1  # it may have been applied, and asking again costs another second


def test_the_lock_still_takes_turns_on_a_working_redis():
    with redis_prefix() as prefix:
        stores = [local_lock_store(prefix) for _ in range(2)]
        order: list[str] = []

        async def hold(store: RedisLockStore, name: str) -> None:
            async with store.lock("someone", wait_time_in_seconds=0.05):
                order.append(f"{name} in")
                await asyncio.sleep(0.2)
                order.append(f"{name} out")

        async def both() -> None:
            first = asyncio.create_task(hold(stores[0], "first"))
            await asyncio.sleep(0.05)
            await asyncio.gather(first, hold(stores[1], "second"))

        asyncio.run(both())
        assert order == ["first in", "first out", "second in", "second out"]
        assert stores[0].get_lock("someone") is None


def test_a_message_given_up_while_its_ticket_is_issued_gives_the_ticket_back():
    # the ticket is issued in a worker thread, which goes on when the message is given up
    # (its client went away); a ticket left behind would hold up the person's next message
    with redis_prefix() as prefix:
        store = local_lock_store(prefix)

        async def give_up() -> None:
            async def take() -> None:
                async with store.lock("someone"):
                    await asyncio.sleep(10)

            taking = asyncio.create_task(take())
            await asyncio.sleep(0)  # it is waiting for its ticket now
            taking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await taking

        asyncio.run(give_up())
        deadline = time.monotonic() + 2
        while store.get_lock("someone") is not None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert store.get_lock("someone") is None
