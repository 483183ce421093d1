"""Career Coach's settings: every environment variable the project uses, read, checked and
documented in one place. The variables are the table in settings/table.py (name, parser,
default, who reads it, what it does); docs/configuration.md is that table
(``python -m settings --docs``), and tests/test_settings.py checks that they agree and that no
other module reads ``os.environ``.

    import settings
    settings.get("PLAN_LINK_TTL")        # 3600, or the variable's value, checked, as a number
    settings.get("REDIS_URL", env)       # from a mapping rather than this process's environment
    settings.nlp_dir()                   # a value whose default is worked out

A variable is read when it is asked for (tests set them after import), except
``CAREER_COACH_VAR``, read once at import as ``VAR_DIR``. An empty or blank variable counts as
unset. A value that cannot be used raises ``SettingError`` (a ``ValueError``) naming the
variable, the value (never a secret's; a URL's password masked) and what is expected.

    python -m settings NAME...        prints the values, as the code sees them
    python -m settings --check        checks every variable that is set
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from settings.parsers import mask_password
from settings.table import PROJECT_ROOT, SETTINGS, USERS, Setting

__all__ = [
    "KNOWLEDGE_DATA_DIR", "PROJECT_ROOT", "SETTINGS", "USERS", "VAR_DIR", "Setting",
    "SettingError", "check", "default", "environ", "get", "is_set", "knowledge_database_url",
    "link_ttl", "nlp_dir", "plans_database_url", "real_messages_file", "seeds_dir", "setting",
    "shown", "text",
]

BY_NAME: dict[str, Setting] = {item.name: item for item in SETTINGS}
if len(BY_NAME) != len(SETTINGS):
    raise RuntimeError("settings/table.py names a variable twice")

# The knowledge base's source data (YAML), shipped with the code: not a setting.
KNOWLEDGE_DATA_DIR = PROJECT_ROOT / "knowledge" / "data"


class SettingError(ValueError):
    """An environment variable is set to a value that cannot be used; the text says which,
    the value, and what is expected."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def setting(name: str) -> Setting:
    """The table's row for ``name``; KeyError for a variable that is not in the table."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"{name} is not in the settings table: add it to settings/table.py, "
                       "with its default and what it does") from None


def environ() -> dict[str, str]:
    """A copy of this process's environment: for a child process's, or for the functions that
    take the variables as a mapping."""
    return dict(os.environ)


def text(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """The variable's text, stripped; None when it is unset or blank. Not checked."""
    setting(name)
    source: Mapping[str, str] = os.environ if env is None else env
    value = (source.get(name) or "").strip()
    return value or None


def is_set(name: str, env: Mapping[str, str] | None = None) -> bool:
    return text(name, env) is not None


def get(name: str, env: Mapping[str, str] | None = None) -> Any:
    """The variable's value (from ``env``, by default this process's environment), parsed and
    checked; its default when unset. SettingError when the value cannot be used."""
    item = setting(name)
    value = text(name, env)
    if value is None:
        return item.default
    try:
        return item.parse(value)
    except ValueError as error:
        raise SettingError(name, _message(item, value, str(error) or item.parse.expected)
                           ) from None


def default(name: str) -> Any:
    """The table's default for ``name`` (None when it is worked out or there is none)."""
    return setting(name).default


def shown(name: str, env: Mapping[str, str] | None = None) -> str:
    """The value as text, as a shell would set it ("" when there is none)."""
    value = get(name, env)
    return "" if value is None else setting(name).parse.show(value)


def check(env: Mapping[str, str] | None = None) -> list[SettingError]:
    """Every variable of the table that is set to a value that cannot be used."""
    errors = []
    for item in SETTINGS:
        try:
            get(item.name, env)
        except SettingError as error:
            errors.append(error)
    return errors


def _message(item: Setting, value: str, expected: str) -> str:
    if item.secret:
        return f"{item.name} must be {expected} (the value set is not shown: it is a secret)"
    value = mask_password(value) if item.parse.has_password else value
    return f"{item.name} must be {expected}, not {value!r}"


# --- where things live, and the values whose defaults are worked out ---

VAR_DIR: Path = get("CAREER_COACH_VAR")


def knowledge_database_url() -> str:
    """The knowledge base's database: DATABASE_URL, else a SQLite file under var/."""
    return get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'knowledge.db'}"


def plans_database_url() -> str:
    """The plans' database: DATABASE_URL (shared with the knowledge base, whose tables are
    prefixed kb_ while these are prefixed plan_), else a SQLite file of its own under var/."""
    return get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'plans.db'}"


def seeds_dir() -> Path:
    """The source documents: SEEDS_DIR, else ../shared/seeds beside the project."""
    path: Path = get("SEEDS_DIR")
    return path


def real_messages_file() -> Path:
    """Messages people really wrote, for judging the bot end to end (benchmarks/real_eval):
    REAL_MESSAGES, else ../shared/real_messages/messages.tsv beside the project."""
    path: Path = get("REAL_MESSAGES")
    return path


def nlp_dir() -> Path:
    """Where the build writes the spaCy entity pipeline (Rasa's SpacyNLP loads it from here):
    KNOWLEDGE_NLP_DIR, else var/nlp."""
    path: Path | None = get("KNOWLEDGE_NLP_DIR")
    return path if path is not None else VAR_DIR / "nlp"


def link_ttl() -> int:
    """Seconds a plan's download link works: PLAN_LINK_TTL, else one hour."""
    seconds: int = get("PLAN_LINK_TTL")
    return seconds
