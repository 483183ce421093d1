"""A throw-away PostgreSQL database for tests that need the real server (TEST_POSTGRES_URL),
skipped with the reason where it is absent, except on CI, where it must be there."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from typing import NoReturn

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

SERVER = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def unavailable(message: str) -> NoReturn:
    """Skip with the reason; on CI (CI=true), where every service must be there, fail."""
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI=true: these tests must run)")
    pytest.skip(message)


@contextlib.contextmanager
def throwaway_database(prefix: str = "career_coach_test", server: str = SERVER
                       ) -> Iterator[str]:
    """A new, empty database on the server, dropped afterwards; yields its URL."""
    admin = create_engine(server, future=True, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as err:  # refused, unknown host, bad credentials: all mean "not here"
        admin.dispose()
        unavailable(f"PostgreSQL not reachable at {server}: {getattr(err, 'orig', err)}")
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
