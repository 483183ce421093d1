"""How every process of the project opens a database: the same limits on waiting everywhere.

With PostgreSQL, a connection attempt gives up after DB_CONNECT_TIMEOUT seconds (default 5) and a
statement after DB_STATEMENT_TIMEOUT seconds (default 10), and each pooled connection is checked
before use (a restarted server's dead connections are replaced), so a database that is down or
hangs costs a person one kind "try again", not a turn that never ends. SQLite needs none of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import make_url

import settings


def engine_options(url: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Keyword arguments for ``create_engine(url, ...)``: timeouts and checked connections.
    The variables come from ``env``, by default the environment."""
    if not make_url(url).get_backend_name().startswith("postgres"):
        return {}
    connect: int = settings.get("DB_CONNECT_TIMEOUT", env)
    statement: int = settings.get("DB_STATEMENT_TIMEOUT", env)
    return {"pool_pre_ping": True, "pool_timeout": connect,
            "connect_args": {"connect_timeout": connect,
                             "options": f"-c statement_timeout={statement * 1000}"}}
