"""Rasa's Redis lock store, with every change to a lock made atomically. ``ops.endpoints`` names it
in the endpoints file when REDIS_URL is set.

Several Rasa servers keep the messages of one conversation in order with a ticket lock in Redis
(``rasa.core.lock.TicketLock``): each message takes a ticket and waits for its turn. Rasa 3.6's
``RedisLockStore`` changes a lock by reading it, changing it in the server's memory and writing
it back, so two servers issuing tickets at the same moment can both get the same number, and a
server finishing its turn can delete the lock while another one queues. Then two messages of
one person are processed at once and one of them is lost from the conversation: the scale test
shows it (tests/test_scale.py; Rasa issue 9213; Rasa's fix, its ``ConcurrentRedisLockStore``,
is in Rasa Pro only). Here each change runs in a Redis transaction that watches the lock's key
and starts again if another server changed it meanwhile (redis-py's ``transaction``); the
tickets and their order are Rasa's own.

A ticket also lives only as long as its server: Rasa gives each ticket a fixed lifetime (60 s),
so when a Rasa server dies with messages in hand, their conversations stay locked for up to a
minute (the scale test measured it). Here a ticket is issued for ``LEASE`` seconds (10;
TICKET_LOCK_LIFETIME, Rasa's variable, changes it) and its server extends it every
``LEASE / 3`` seconds while the message waits and while it is processed: a message may take as
long as it needs, and a dead server's tickets go within ``LEASE`` seconds.

When Redis is down or hangs, a message fails within about a second with a ``LockError`` saying
so, and the channel gives the person its kind "try again" (channels/turns.py); meanwhile the
server goes on with its other conversations. redis-py's client blocks, so every Redis call of a
turn runs in a worker thread, never on the server's event loop; a reply that does not come
within ``SOCKET_TIMEOUT`` seconds (also the limit on connecting) is an error, and a failed
connection (Redis restarting, a pooled connection it dropped) is tried again ``ATTEMPTS`` times
in all, after a short pause.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import redis
from rasa.core import lock_store as rasa_locks
from rasa.core.lock import TicketLock
from rasa.utils.endpoints import EndpointConfig

import settings

T = TypeVar("T")
# seconds: TICKET_LOCK_LIFETIME, else (and, as for Rasa, when it is 0) 10
LEASE = float(settings.get("TICKET_LOCK_LIFETIME") or settings.default("TICKET_LOCK_LIFETIME"))
# A lock's command takes Redis well under a millisecond; one that has not answered in a second
# is not going to, and the person should hear "try again" rather than wait (Rasa's default is
# 10 s, and without a connect timeout an unreachable host takes minutes).
SOCKET_TIMEOUT = 1.0
ATTEMPTS = 3  # connection failures only: a command that timed out may have been applied
BACKOFF = 0.05  # seconds before the second attempt, doubled before each next one
# Threads of their own: while Redis hangs they wait, and the server's other work that needs a
# thread (name lookups for its HTTP calls) must not queue behind them.
_threads = ThreadPoolExecutor(max_workers=32, thread_name_prefix="redis-lock")
logger = logging.getLogger(__name__)


class RedisUnavailable(rasa_locks.LockError):
    """Redis cannot be reached or does not answer: the message cannot take its turn."""


class RedisLockStore(rasa_locks.RedisLockStore):
    """Rasa's ``RedisLockStore`` (same keys in endpoints.yml: url, port, db, username, password,
    use_ssl, key_prefix, socket_timeout) with atomic changes, tickets kept alive by their
    server, short timeouts and no Redis call on the event loop."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        # Rasa builds a lock store named by its module path from the endpoint config only.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        # redis-py also waits this long for a connection (its socket_connect_timeout default)
        kwargs.setdefault("socket_timeout", SOCKET_TIMEOUT)
        super().__init__(**kwargs)
        options = self.red.connection_pool.connection_kwargs
        self._where = f"{options.get('host')}:{options.get('port')}"
        self._timeout = options.get("socket_timeout")

    def _redis(self, call: Callable[[], T]) -> T:
        """``call()``, again after a pause when the connection failed (``ATTEMPTS`` in all);
        Redis's errors become ``RedisUnavailable``."""
        attempt = 1
        while True:
            try:
                return call()
            except redis.AuthenticationError as error:  # no use trying again
                raise RedisUnavailable(f"Redis at {self._where} refused us: {error}") from error
            except redis.ConnectionError as error:
                if attempt == ATTEMPTS:
                    raise RedisUnavailable(f"Redis at {self._where} cannot be reached "
                                           f"({ATTEMPTS} attempts): {error}") from error
            except redis.TimeoutError as error:
                raise RedisUnavailable(f"Redis at {self._where} did not answer within "
                                       f"{self._timeout} s: {error}") from error
            except redis.RedisError as error:
                raise RedisUnavailable(f"Redis at {self._where} failed: {error}") from error
            time.sleep(BACKOFF * 2 ** (attempt - 1))
            attempt += 1

    @staticmethod
    async def _off_loop(function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in a worker thread: redis-py blocks, and a Redis that hangs
        must not stop the server's other conversations."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(_threads, functools.partial(function, *args))

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        stored = self._redis(lambda: self.red.get(self.key_prefix + conversation_id))
        return TicketLock.from_dict(json.loads(stored)) if stored else None

    def _change(self, conversation_id: str,
                change: Callable[[TicketLock | None], tuple[TicketLock | None, T]]) -> T:
        """Applies ``change`` to the stored lock atomically: it gets the lock (None when there
        is none) and returns the lock to store (None: delete it) and a result."""
        key = self.key_prefix + conversation_id

        def transaction(pipe: Any) -> T:
            stored = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(stored)) if stored else None
            new_lock, result = change(lock)
            pipe.multi()
            if new_lock is None:
                pipe.delete(key)
            else:
                pipe.set(key, new_lock.dumps())
            return result

        result: T = self._redis(
            lambda: self.red.transaction(transaction, key, value_from_callable=True))
        return result

    @contextlib.asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LEASE,
                   wait_time_in_seconds: float = 1) -> AsyncIterator[TicketLock]:
        """Rasa's ``LockStore.lock``, with the ticket extended while it is held or awaited, and
        every Redis call in a worker thread."""
        ticket = await self._issue(conversation_id, lock_lifetime)
        keeper = asyncio.create_task(self._keep(conversation_id, ticket, lock_lifetime))
        try:
            yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            keeper.cancel()
            await self._give_back(conversation_id, ticket)

    async def _issue(self, conversation_id: str, lifetime: float) -> int:
        """``issue_ticket`` in a worker thread. When the message is given up meanwhile (its
        client went away), the thread may issue the ticket all the same: it is then given
        back, or the person's next message would wait for its lease."""
        issuing = _threads.submit(self.issue_ticket, conversation_id, lifetime)
        try:
            return await asyncio.wrap_future(issuing)
        except asyncio.CancelledError:
            issuing.add_done_callback(functools.partial(self._give_back_issued,
                                                        conversation_id))
            raise

    def _give_back_issued(self, conversation_id: str, issuing: Future[int]) -> None:
        # may run on the event loop (when the ticket was already issued): Redis in a thread
        if not issuing.cancelled() and issuing.exception() is None:
            _threads.submit(self._give_back_now, conversation_id, issuing.result())

    async def _acquire_lock(self, conversation_id: str, ticket: int,
                            wait_time_in_seconds: float) -> TicketLock:
        """Rasa's ``LockStore._acquire_lock``: waits until ``ticket`` is served."""
        while True:
            lock = await self._off_loop(self.get_lock, conversation_id)
            if lock is None:  # expired meanwhile
                break
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            await self._off_loop(self.update_lock, conversation_id)
        raise rasa_locks.LockError(
            f"Could not acquire lock for conversation_id '{conversation_id}'.")

    async def _give_back(self, conversation_id: str, ticket: int) -> None:
        await self._off_loop(self._give_back_now, conversation_id, ticket)

    def _give_back_now(self, conversation_id: str, ticket: int) -> None:
        try:
            self.cleanup(conversation_id, ticket)
        except rasa_locks.LockError:
            # The message has been answered (or given up): failing it now would only make
            # the person send it again. Nobody extends the ticket any more, so it goes within
            # LEASE seconds.
            logger.warning("could not give back the lock of %s", conversation_id,
                           exc_info=True)

    async def _keep(self, conversation_id: str, ticket: int, lifetime: float) -> None:
        def extend(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            for held in lock.tickets if lock is not None else ():
                if held.number == ticket:
                    held.expires = time.time() + lifetime
            return lock, None

        while True:
            await asyncio.sleep(lifetime / 3)
            try:
                await self._off_loop(self._change, conversation_id, extend)
            except Exception:  # Redis unreachable for a moment: the next try may work
                logger.warning("could not extend the lock of %s", conversation_id,
                               exc_info=True)

    def issue_ticket(self, conversation_id: str,
                     lock_lifetime: float = LEASE) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        return self._change(conversation_id, issue)

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Removes the ticket, and the lock when no one else holds a ticket: in one step, so
        that a ticket issued meanwhile by another server is never deleted with it."""

        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish)
