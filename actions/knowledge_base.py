"""The action server's knowledge base: loaded once, on first use, then answered from memory."""

from __future__ import annotations

import threading

from knowledge.repository import CareerKnowledge

_lock = threading.Lock()
_kb: CareerKnowledge | None = None


def knowledge() -> CareerKnowledge:
    """The loaded knowledge base (from DATABASE_URL, else var/knowledge.db)."""
    global _kb
    if _kb is None:
        with _lock:
            if _kb is None:
                _kb = CareerKnowledge.load()
    return _kb


def use(kb: CareerKnowledge | None) -> None:
    """Replaces the loaded knowledge base (tests load theirs from a temporary build)."""
    global _kb
    _kb = kb
