"""How every process of the project opens a database: the same limits on waiting everywhere.

With PostgreSQL, a connection attempt gives up after DB_CONNECT_TIMEOUT seconds (default 5) and a
statement after DB_STATEMENT_TIMEOUT seconds (default 10), and each pooled connection is checked
before use (a restarted server's dead connections are replaced), so a database that is down or
hangs costs a person one kind "try again", not a turn that never ends. SQLite needs none of it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import make_url

DEFAULT_CONNECT_TIMEOUT = 5
DEFAULT_STATEMENT_TIMEOUT = 10


def _seconds(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip() or str(default)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of seconds (1 or more), not {value!r}")
    return int(value)


def engine_options(url: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Keyword arguments for ``create_engine(url, ...)``: timeouts and checked connections."""
    env = os.environ if env is None else env
    if not make_url(url).get_backend_name().startswith("postgres"):
        return {}
    connect = _seconds(env, "DB_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT)
    statement = _seconds(env, "DB_STATEMENT_TIMEOUT", DEFAULT_STATEMENT_TIMEOUT)
    return {"pool_pre_ping": True, "pool_timeout": connect,
            "connect_args": {"connect_timeout": connect,
                             "options": f"-c statement_timeout={statement * 1000}"}}
