"""Writes the Rasa server's endpoints file from the environment. ``scripts/run.sh`` runs it before
every start; defaults are embedded, production settings come from environment variables only.

    python -m ops.endpoints [--out var/endpoints.yml]

action_endpoint  ACTIONS_URL, else http://ACTIONS_HOST:ACTIONS_PORT/webhook (127.0.0.1:5055).
                 With several action servers, the load balancer's URL (deploy/: nginx).
tracker_store    TRACKER_STORE_URL (e.g. postgresql://user:secret@db:5432/careercoach): Rasa's SQL
                 tracker store on that database (``rasa_ext.tracker_store.SQLTrackerStore``: Rasa's
                 own, waiting at most DB_CONNECT_TIMEOUT / DB_STATEMENT_TIMEOUT seconds, failing
                 the turn when the database fails rather than going on in memory, and forgetting
                 a conversation on request). Unset: Rasa's in-memory tracker store (forgetting
                 on request too), which one process only can use.
lock_store       REDIS_URL (redis://[:password@]host:6379/1, rediss:// for TLS): Rasa's Redis
                 lock store, so that several Rasa servers process one conversation's messages
                 one after another (``rasa_ext.lock_store.RedisLockStore``, see there: a Redis that
                 is down or hangs fails the turn within about a second). REDIS_KEY_PREFIX
                 (letters and digits) separates several bots on one Redis database. Unset: Rasa's
                 in-memory lock store, which one process only can use.

The variables are read and checked by ``settings`` (settings/table.py says what each must be);
a value that cannot be used is a ``ConfigError`` naming it. A password in a URL is written into
the file, which is created with mode 600 under the git-ignored var/.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import settings
from channels.rasa_files import write_rasa_yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TRACKER_STORE_CLASS = "rasa_ext.tracker_store.SQLTrackerStore"
MEMORY_TRACKER_STORE_CLASS = "rasa_ext.tracker_store.InMemoryTrackerStore"
LOCK_STORE_CLASS = "rasa_ext.lock_store.RedisLockStore"


# A variable is set but cannot be used; its text says which, and what is wrong.
ConfigError = settings.SettingError


def action_endpoint(env: Mapping[str, str]) -> dict[str, Any]:
    url = settings.get("ACTIONS_URL", env)
    if url is None:
        host = settings.get("ACTIONS_HOST", env)
        if host in ("0.0.0.0", "::"):  # the interface it listens on, not an address to call
            host = "127.0.0.1"
        url = f"http://{host}:{settings.get('ACTIONS_PORT', env)}/webhook"
    # The domain goes only to the actions that ask for it (send_domain in domain.yml): the
    # others don't read it, and serialising it for every call is a cost of every turn.
    return {"url": url, "enable_selective_domain": True}


def tracker_store(env: Mapping[str, str]) -> dict[str, Any]:
    """Rasa's SQLTrackerStore keys (dialect, url, port, db, username, password, query) from
    TRACKER_STORE_URL (checked by settings: PostgreSQL with its host and database, or an SQLite
    file); without it the in-memory store."""
    url = settings.get("TRACKER_STORE_URL", env)
    if url is None:
        return {"type": MEMORY_TRACKER_STORE_CLASS}
    parts = urlsplit(url)
    dialect = parts.scheme
    if dialect in ("postgres", "postgresql+psycopg2"):  # Heroku's spelling; the default driver
        dialect = "postgresql"
    config: dict[str, Any] = {"type": TRACKER_STORE_CLASS, "dialect": dialect}
    if dialect.startswith("sqlite"):
        config["db"] = unquote(parts.path[1:])
        return config
    config["url"] = parts.hostname
    if parts.port:
        config["port"] = parts.port
    config["db"] = unquote(parts.path.lstrip("/"))
    if parts.username:
        config["username"] = unquote(parts.username)
    if parts.password:
        config["password"] = unquote(parts.password)
    query = dict(parse_qsl(parts.query))
    if query:
        config["query"] = query
    return config


def lock_store(env: Mapping[str, str]) -> dict[str, Any] | None:
    """Rasa's RedisLockStore keys (url, port, db, username, password, use_ssl, key_prefix) from
    REDIS_URL (checked by settings); None (the in-memory lock store) without it."""
    url = settings.get("REDIS_URL", env)
    if url is None:
        return None
    parts = urlsplit(url)
    config: dict[str, Any] = {"type": LOCK_STORE_CLASS, "url": parts.hostname,
                              "port": parts.port or 6379,
                              "db": int(parts.path.strip("/") or "0")}
    if parts.username:
        config["username"] = unquote(parts.username)
    if parts.password:
        config["password"] = unquote(parts.password)
    if parts.scheme == "rediss":
        config["use_ssl"] = True
    prefix = settings.get("REDIS_KEY_PREFIX", env)  # letters and digits (Rasa's rule)
    if prefix is not None:
        config["key_prefix"] = prefix
    return config


def endpoints(env: Mapping[str, str]) -> dict[str, Any]:
    config: dict[str, Any] = {"action_endpoint": action_endpoint(env),
                              "tracker_store": tracker_store(env)}
    lock = lock_store(env)
    if lock is not None:
        config["lock_store"] = lock
    return config


def describe(config: Mapping[str, Any]) -> str:
    """One line for the log, without passwords."""
    tracker = config["tracker_store"]
    if tracker["type"] == MEMORY_TRACKER_STORE_CLASS:
        where = "in memory"
    elif tracker["dialect"].startswith("sqlite"):
        where = f"SQLite {tracker['db']}"
    else:
        where = f"{tracker['dialect']} {tracker['url']}:{tracker.get('port', 5432)}/{tracker['db']}"
    lock = config.get("lock_store")
    locks = f"Redis {lock['url']}:{lock['port']}/{lock['db']}" if lock else "in memory"
    return (f"actions: {config['action_endpoint']['url']}; conversations: {where}; "
            f"locks: {locks}")


def write(path: Path, config: Mapping[str, Any]) -> None:
    write_rasa_yaml(path, dict(config), written_by="python -m ops.endpoints")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "var" / "endpoints.yml")
    args = parser.parse_args(argv)
    try:
        config = endpoints(settings.environ())
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    write(args.out, config)
    print(describe(config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
