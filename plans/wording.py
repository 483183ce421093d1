"""The plan's fixed wording (plans/wording.yml), read once and handed out by dotted key.

Keeping every connecting sentence in one data file means the wording can be reviewed and changed
without touching code, and code never grows its own phrasing next to the knowledge base's facts.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

WORDING_FILE = Path(__file__).resolve().parent / "wording.yml"


@cache
def _wording() -> dict[str, Any]:
    data = yaml.safe_load(WORDING_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{WORDING_FILE} must hold a mapping")
    return data


def entry(key: str) -> Any:
    """The raw value at a dotted key ("steps.pay.kb"); a KeyError names the missing key."""
    node: Any = _wording()
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"{WORDING_FILE.name} has no {key!r}")
        node = node[part]
    return node


def say(key: str, /, **values: Any) -> str:
    """The template at `key` filled with `values`; a placeholder without a value is an error,
    so a template and the code filling it cannot drift apart silently."""
    template = entry(key)
    if not isinstance(template, str):
        raise TypeError(f"{key!r} in {WORDING_FILE.name} is not a text")
    return template.format(**values)


def keys(key: str) -> tuple[str, ...]:
    """The names under a mapping, in file order (the priorities, for instance)."""
    return tuple(entry(key))


def ids(key: str) -> tuple[str, ...]:
    """A list of strings at `key`, or () where the key is absent (an optional list)."""
    try:
        value = entry(key)
    except KeyError:
        return ()
    return tuple(str(v) for v in value or ())


def joined(words: Iterable[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    items = list(words)
    if len(items) <= 1:
        return "".join(items)
    return entry("list.separator").join(items[:-1]) + entry("list.and") + items[-1]


def bullet(line: str) -> str:
    return f"{entry('list.bullet')}{line}"
