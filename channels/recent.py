"""A bounded memory of recently seen keys, to answer each delivery of a chat platform once."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable


class RecentKeys:
    """Remembers the last ``size`` keys it was shown (oldest forgotten first).

    Platforms deliver an event again when they think the first delivery failed, and Slack sends
    one message as two events; ``first_time`` tells them apart from new ones. Only the event loop
    calls it, so it needs no lock.
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
