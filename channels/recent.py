"""Which deliveries of a chat platform were seen already, so that each is answered once.

Platforms deliver an event again when they think the first delivery failed, and Slack sends one
message as two events. ``RecentKeys`` remembers the last keys one process saw. ``Deliveries``
asks Redis when a Redis URL is configured (``REDIS_URL``), so that a retry or the second event
reaching another replica is recognised there too: each key is claimed with
``SET key 1 NX EX <ttl>``, which only one replica can win. Without Redis each process decides
alone.

Redis failing must not stop the bot nor hold a message for long: Redis is given
``REDIS_TIMEOUT`` seconds (to connect, and to answer), and when it fails the process's own
memory decides, with a warning, and Redis is not asked again for ``RETRY_AFTER`` seconds. That
memory records every key also while Redis works, so that it knows what this process answered
when Redis goes away.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Any

import redis.asyncio
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

REDIS_TIMEOUT = 1.0
RETRY_AFTER = 10.0
# longer than any platform keeps retrying (Slack: three retries within about five minutes); a key
# is about a hundred bytes in Redis
DELIVERY_TTL = 24 * 3600


class RecentKeys:
    """Remembers the last ``size`` keys it was shown (oldest forgotten first).

    ``first_time`` tells repeated deliveries apart from new ones. Only the event loop calls it,
    so it needs no lock.
    """

    def __init__(self, size: int = 10_000) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size = size
        self._keys: OrderedDict[Hashable, None] = OrderedDict()

    def first_time(self, *keys: Hashable | None) -> bool:
        """True when none of ``keys`` (None ignored) was seen before; remembers them all."""
        present = [key for key in keys if key is not None]
        seen = any(key in self._keys for key in present)
        for key in present:
            self._keys[key] = None
            self._keys.move_to_end(key)
        while len(self._keys) > self.size:
            self._keys.popitem(last=False)
        return not seen

    def __len__(self) -> int:
        return len(self._keys)


class Deliveries:
    """The deliveries one channel has seen: across every replica through Redis when
    ``redis_url`` is given, else in this process (see the module's notes)."""

    def __init__(self, channel: str, redis_url: str | None = None, *, key_prefix: str = "",
                 size: int = 10_000, ttl: int = DELIVERY_TTL) -> None:
        self.channel = channel
        self.local = RecentKeys(size)
        self.ttl = ttl
        # REDIS_KEY_PREFIX keeps several bots on one Redis database apart, as for the locks
        self.prefix = f"{key_prefix}:" if key_prefix else ""
        self.prefix += f"delivery:{channel}:"
        # No connection is made here: the first one is opened in the server's event loop.
        self._redis: Any = None if not redis_url else redis.asyncio.Redis.from_url(
            redis_url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT)
        self._redis_down_until = 0.0

    @property
    def shared(self) -> bool:
        """Whether the replicas share what they saw (a Redis URL is configured)."""
        return self._redis is not None

    async def first_time(self, *keys: Hashable | None) -> bool:
        """True when none of ``keys`` (None ignored) was seen before, by any replica when
        shared; remembers them all."""
        present = [key for key in keys if key is not None]
        local = self.local.first_time(*present)
        if self._redis is None or not present or time.monotonic() < self._redis_down_until:
            return local
        try:
            # the socket timeouts bound each step; this bounds the whole (a slow DNS lookup too)
            return await asyncio.wait_for(self._claim(present), timeout=2 * REDIS_TIMEOUT)
        except (RedisError, OSError, asyncio.TimeoutError) as error:
            self._redis_down_until = time.monotonic() + RETRY_AFTER
            logger.warning("%s: Redis cannot tell whether a delivery is new (%s: %s); this "
                           "process's own memory decides for the next %.0f s, so another "
                           "replica may answer a retry again", self.channel,
                           type(error).__name__, error, RETRY_AFTER)
            return local

    async def _claim(self, keys: Sequence[Hashable]) -> bool:
        """Claims every key in Redis in one round trip; True when this call set them all."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.set(self.redis_key(key), 1, nx=True, ex=self.ttl)
            claimed = await pipe.execute()
        return all(claimed)

    def redis_key(self, key: Hashable) -> str:
        # hashed: the parts come from the platform's payload, of any length
        return self.prefix + hashlib.sha256(repr(key).encode()).hexdigest()[:32]

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.close(close_connection_pool=True)
