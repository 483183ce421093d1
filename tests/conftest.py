"""Shared fixtures: a knowledge base built by the production loader into a temporary SQLite file,
the source documents (../shared/seeds, which CI has beside the project), and for the browser tests
headless Chromium and the bot's greeting."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import settings
from knowledge.build import build
from knowledge.documents import Document, read_documents
from knowledge.repository import CareerKnowledge
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, TIMEOUT
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


# --- the browser tests (tests/browser_support.py) ---

@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright (never a downloaded browser); Playwright's
    assertions wait as long as one answer of the bot may take."""
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (make test installs Debian's chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def greeting() -> str:
    """The text the bot greets with (domain.yml)."""
    import yaml

    domain = yaml.safe_load((settings.PROJECT_ROOT / "domain.yml").read_text())
    return domain["responses"]["utter_greet"][0]["text"]
