"""The action server's plan store: opened once, on first use (DATABASE_URL, else var/plans.db)."""

from __future__ import annotations

import threading

from plans.store import PlanStore

_lock = threading.Lock()
_store: PlanStore | None = None


def plans() -> PlanStore:
    global _store
    if _store is None:
        with _lock:
            if _store is None:
                store = PlanStore()
                store.create_all()
                _store = store
    return _store


def use(store: PlanStore | None) -> None:
    """Replaces the store (tests use a temporary database)."""
    global _store
    _store = store
