"""What a plan is made of (plans/content.yml): the priorities and what counts for each, and the
knowledge-base entries each step draws on. How it reads is plans/wording.yml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plans.wording import KeyedFile

CONTENT = KeyedFile(Path(__file__).resolve().parent / "content.yml")


def entry(key: str) -> Any:
    """The raw value at a dotted key ("steps.pay.ladder_region")."""
    return CONTENT.entry(key)


def keys(key: str) -> tuple[str, ...]:
    """The names under a mapping, in file order (the priorities, for instance)."""
    return CONTENT.keys(key)


def ids(key: str) -> tuple[str, ...]:
    """A list of strings at `key` ("steps.gaps.routes"), or () where the key is absent."""
    return CONTENT.ids(key)
