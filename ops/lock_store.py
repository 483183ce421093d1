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
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from rasa.core import lock_store as rasa_locks
from rasa.core.lock import TicketLock
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
LEASE = float(os.environ.get("TICKET_LOCK_LIFETIME", 0)) or 10.0
logger = logging.getLogger(__name__)


class RedisLockStore(rasa_locks.RedisLockStore):
    """Rasa's ``RedisLockStore`` (same keys in endpoints.yml: url, port, db, username, password,
    use_ssl, key_prefix, socket_timeout) with atomic changes and tickets kept alive by their
    server."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        # Rasa builds a lock store named by its module path from the endpoint config only.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

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

        result: T = self.red.transaction(transaction, key, value_from_callable=True)
        return result

    @contextlib.asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LEASE,
                   wait_time_in_seconds: float = 1) -> AsyncIterator[TicketLock]:
        """Rasa's ``LockStore.lock``, with the ticket extended while it is held or awaited."""
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        keeper = asyncio.create_task(self._keep(conversation_id, ticket, lock_lifetime))
        try:
            yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            keeper.cancel()
            self.cleanup(conversation_id, ticket)

    async def _keep(self, conversation_id: str, ticket: int, lifetime: float) -> None:
        def extend(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            for held in lock.tickets if lock is not None else ():
                if held.number == ticket:
                    held.expires = time.time() + lifetime
            return lock, None

        while True:
            await asyncio.sleep(lifetime / 3)
            try:
                self._change(conversation_id, extend)
            except Exception:  # Redis unreachable for a moment: the next try may work
                logger.warning("could not extend the lock of %s", conversation_id,
                               exc_info=True)

    def issue_ticket(self, conversation_id: str,
                     lock_lifetime: float = LEASE) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:
            raise rasa_locks.LockError(f"Error while acquiring lock. Error:\n{error}") from error

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
