"""Where plans are kept and how long a download link lasts. Defaults are embedded; production
overrides come from the environment."""

from __future__ import annotations

import os

from knowledge.settings import VAR_DIR

DEFAULT_LINK_TTL = 3600


def database_url() -> str:
    """The plans' database: DATABASE_URL (shared with the knowledge base, whose tables are
    prefixed kb_ while these are prefixed plan_), else a SQLite file of its own under var/."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'plans.db'}"


def link_ttl() -> int:
    """Seconds a plan's download link works: PLAN_LINK_TTL, else one hour."""
    value = os.environ.get("PLAN_LINK_TTL", "").strip() or str(DEFAULT_LINK_TTL)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"PLAN_LINK_TTL must be a whole number of seconds (1 or more), "
                         f"not {value!r}")
    return int(value)
