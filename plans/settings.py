"""Where plans are kept. Defaults are embedded; production overrides come from the environment."""

from __future__ import annotations

import os

from knowledge.settings import VAR_DIR


def database_url() -> str:
    """The plans' database: DATABASE_URL (shared with the knowledge base, whose tables are
    prefixed kb_ while these are prefixed plan_), else a SQLite file of its own under var/."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'plans.db'}"
