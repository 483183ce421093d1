"""Wording files: the sentences and short phrases a person reads, kept out of the code.

A wording file is YAML of nested mappings whose leaves are templates; code asks for one by dotted
key and fills its {placeholders} (`Wording.say`). Each feature has one: the plan's is
plans/wording.yml (the module functions below), the actions' is actions/wording.yml (loaded by
actions/replies.py); the replies themselves are domain.yml's responses. What a plan is made of
(which entries, which priorities) is data of its own, plans/content.yml (plans/content.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml


class KeyedFile:
    """A YAML file of nested mappings, read once on first use, its values handed out by dotted
    key ("steps.pay.title")."""

    def __init__(self, path: Path):
        self.path = path

    @cached_property
    def data(self) -> dict[str, Any]:
        data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{self.path} must hold a mapping")
        return data

    def entry(self, key: str) -> Any:
        """The raw value at a dotted key; a KeyError names the missing key."""
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(f"{self.path.name} has no {key!r}")
            node = node[part]
        return node

    def keys(self, key: str) -> tuple[str, ...]:
        """The names under a mapping, in file order."""
        return tuple(self.entry(key))

    def ids(self, key: str) -> tuple[str, ...]:
        """A list of strings at `key`, or () where the key is absent (an optional list)."""
        try:
            value = self.entry(key)
        except KeyError:
            return ()
        return tuple(str(v) for v in value or ())


class Wording(KeyedFile):
    """A wording file: every leaf is a template."""

    def say(self, key: str, /, **values: Any) -> str:
        """The template at `key` filled with `values`; a placeholder without a value is an error,
        so a template and the code filling it cannot drift apart silently."""
        template = self.entry(key)
        if not isinstance(template, str):
            raise TypeError(f"{key!r} in {self.path.name} is not a text")
        return template.format(**values)


# The plan's fixed wording: step titles, the sentences that join knowledge-base facts together,
# the Markdown export.
PLAN_WORDING = Wording(Path(__file__).resolve().parent / "wording.yml")


def entry(key: str) -> Any:
    """The raw value at a dotted key of plans/wording.yml."""
    return PLAN_WORDING.entry(key)


def say(key: str, /, **values: Any) -> str:
    """The template at `key` of plans/wording.yml, filled with `values`."""
    return PLAN_WORDING.say(key, **values)


def joined(words: Iterable[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    items = list(words)
    if len(items) <= 1:
        return "".join(items)
    return say("list.separator").join(items[:-1]) + say("list.and") + items[-1]


def bullet(line: str) -> str:
    """A list item, as every list the person reads shows one (the plan's and the answers')."""
    return say("list.bullet") + line


def years(low: int, high: int | None) -> str:
    """A level's usual experience: "1-3 years", "10+ years" (the answers' and the plan's)."""
    if high is None:
        return say("years.open", low=low)
    return say("years.range", low=low, high=high)
