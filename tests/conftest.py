"""Shared fixtures: a knowledge base built by the production loader into a temporary SQLite file,
and the source documents (../shared/seeds, which CI has beside the project)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import settings
from knowledge.build import build
from knowledge.documents import Document, read_documents
from knowledge.repository import CareerKnowledge
from tests.postgres_support import throwaway_database


@pytest.fixture(scope="session")
def documents() -> dict[str, Document]:
    docs = read_documents(settings.seeds_dir())
    if not docs:
        if os.environ.get("CI"):
            pytest.fail(f"the source documents are missing from {settings.seeds_dir()}")
        pytest.skip(f"source documents not found in {settings.seeds_dir()} (set SEEDS_DIR)")
    return docs


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> tuple[str, Path]:
    """(database URL, entity pipeline folder) of a fresh build."""
    folder = tmp_path_factory.mktemp("kb")
    url = f"sqlite:///{folder / 'knowledge.db'}"
    build(url, nlp_dir=folder / "nlp", log=lambda *_: None)
    return url, folder / "nlp"


@pytest.fixture(scope="session")
def kb(built) -> CareerKnowledge:
    return CareerKnowledge.load(built[0])


@pytest.fixture
def pg_url():
    """A new, empty PostgreSQL database (tests/postgres_support.py), dropped afterwards."""
    with throwaway_database() as url:
        yield url


@pytest.fixture(scope="session")
def nlp(built):
    from knowledge.entities import load_pipeline

    return load_pipeline(built[1])


# What the channel tests ask over Slack and Telegram, and the figures the answers must carry.
@pytest.fixture(scope="session")
def salary(kb) -> str:
    """The team lead's median, as the bot writes it ("what does a team lead make?")."""
    from knowledge.formatting import amount

    return amount(kb.role("team_lead").median_usd, "USD")


@pytest.fixture(scope="session")
def years(kb) -> str:
    """The years to manager, as the bot writes them ("how long until I'm a manager?")."""
    manager = kb.role("manager")
    return f"{manager.years_low}-{manager.years_high} years"
