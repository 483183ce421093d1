"""How a variable's text becomes its value. Each parser takes the text as set (stripped, never
empty: an empty variable counts as unset) and returns the value, or raises ``ValueError`` whose
text says what is expected ("a whole number, 1 or more"); ``settings.get`` turns that into an
error naming the variable and the value.

A parser's ``expected`` is what the value must be, in the words of that error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


class Parser:
    """Turns a variable's text into its value; ``ValueError`` (what is expected) if it cannot."""

    expected = "a value"
    # a URL that may hold a password: errors show it with the password masked
    has_password = False

    def __call__(self, text: str) -> Any:
        return text

    def show(self, value: Any) -> str:
        """The value as text, as a person would set it (bool as true/false, a list with commas)."""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (list, tuple)):
            return ",".join(str(item) for item in value)
        return str(value)


class Text(Parser):
    """Any text."""

    expected = "some text"


class Word(Parser):
    """Text without spaces: a host name, an identifier, a token."""

    expected = "text without spaces"

    def __init__(self, expected: str | None = None) -> None:
        if expected:
            self.expected = expected

    def __call__(self, text: str) -> str:
        if re.search(r"\s", text):
            raise ValueError(self.expected)
        return text


class Int(Parser):
    """A whole number (ASCII digits, an optional minus sign) within [low, high]."""

    def __init__(self, low: int | None = None, high: int | None = None, unit: str = "") -> None:
        self.low, self.high = low, high
        what = f"a whole number of {unit}" if unit else "a whole number"
        if low is not None and high is not None:
            self.expected = f"{what} from {low} to {high}"
        elif low is not None:
            self.expected = f"{what}, {low} or more"
        elif high is not None:
            self.expected = f"{what}, {high} or less"
        else:
            self.expected = what

    def __call__(self, text: str) -> int:
        if not re.fullmatch(r"-?[0-9]+", text):
            raise ValueError(self.expected)
        value = int(text)
        if (self.low is not None and value < self.low) or (
                self.high is not None and value > self.high):
            raise ValueError(self.expected)
        return value


class Port(Int):
    """A TCP port."""

    def __init__(self) -> None:
        super().__init__(1, 65535)
        self.expected = "a port number from 1 to 65535"


class Bool(Parser):
    """1/true/yes/on or 0/false/no/off, in any case."""

    expected = "one of " + "/".join(TRUE) + " or " + "/".join(FALSE)

    def __call__(self, text: str) -> bool:
        lowered = text.lower()
        if lowered in TRUE:
            return True
        if lowered in FALSE:
            return False
        raise ValueError(self.expected)


class FilePath(Parser):
    """A path (of a folder or a file); relative paths are relative to the working directory."""

    expected = "a path"

    def __call__(self, text: str) -> Path:
        if "\0" in text:
            raise ValueError(self.expected)
        return Path(text)


class Words(Parser):
    """A list separated by commas or spaces."""

    expected = "a list separated by commas or spaces"

    def __call__(self, text: str) -> list[str]:
        return text.replace(",", " ").split()


class Pattern(Parser):
    """Text that matches a regular expression as a whole."""

    def __init__(self, pattern: str, expected: str) -> None:
        self.pattern = re.compile(pattern)
        self.expected = expected

    def __call__(self, text: str) -> str:
        if not self.pattern.fullmatch(text):
            raise ValueError(self.expected)
        return text


class Check(Parser):
    """Text for which ``test`` is true."""

    def __init__(self, test: Callable[[str], bool], expected: str) -> None:
        self.test = test
        self.expected = expected

    def __call__(self, text: str) -> str:
        if not self.test(text):
            raise ValueError(self.expected)
        return text


def _split(text: str, expected: str) -> SplitResult:
    try:
        return urlsplit(text)
    except ValueError:  # e.g. an unclosed IPv6 address
        raise ValueError(expected) from None


def _port(parts: SplitResult) -> int | None:
    try:
        return parts.port
    except ValueError:
        raise ValueError("a URL whose port is a number from 1 to 65535") from None


class Url(Parser):
    """A URL with one of ``schemes`` and a host name."""

    def __init__(self, schemes: tuple[str, ...] = ("http", "https"), example: str = "",
                 expected: str | None = None) -> None:
        self.schemes = schemes
        kinds = " or ".join(f"{scheme}://" for scheme in schemes)
        self.expected = expected or f"a URL starting with {kinds}, naming a host" + (
            f", such as {example}" if example else "")

    def __call__(self, text: str) -> str:
        parts = _split(text, self.expected)
        if parts.scheme not in self.schemes or not parts.hostname or re.search(r"\s", text):
            raise ValueError(self.expected)
        _port(parts)
        return text


class DatabaseUrl(Parser):
    """An SQLAlchemy database URL: dialect[+driver]://..."""

    expected = "a database URL such as postgresql://user:secret@db:5432/careercoach or " \
               "sqlite:///path/to/file.db"
    has_password = True

    def __call__(self, text: str) -> str:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*(\+[A-Za-z0-9_]+)?://\S*", text):
            raise ValueError(self.expected)
        return text


POSTGRES_EXAMPLE = "postgresql://user:secret@db:5432/careercoach"


class TrackerStoreUrl(Parser):
    """Rasa's SQL tracker store: a PostgreSQL database (host and database named) or an SQLite
    file; ``postgres://`` and ``postgresql+psycopg2://`` are PostgreSQL too."""

    expected = (f"a postgresql:// URL such as {POSTGRES_EXAMPLE} (or sqlite:///path.db "
                "for one process)")
    has_password = True

    def __call__(self, text: str) -> str:
        parts = _split(text, self.expected)
        dialect = parts.scheme
        if not dialect or not (dialect.startswith(("postgres", "sqlite"))):
            raise ValueError(self.expected)
        if dialect.startswith("sqlite"):
            if not (parts.path.startswith("/") and parts.path[1:]):
                raise ValueError("sqlite:///path/to/file.db, naming a file")
            return text
        if not dialect.startswith("postgresql") and dialect != "postgres":
            raise ValueError(self.expected)
        if not parts.hostname or not parts.path.lstrip("/"):
            raise ValueError(f"a URL naming the host and the database, as in "
                             f"{POSTGRES_EXAMPLE}")
        _port(parts)
        return text


class RedisUrl(Parser):
    """A Redis server: redis:// (rediss:// for TLS), a host, and a database number."""

    expected = "a redis:// (or rediss://) URL such as redis://redis:6379/1"
    has_password = True

    def __call__(self, text: str) -> str:
        parts = _split(text, self.expected)
        if parts.scheme not in ("redis", "rediss") or not parts.hostname:
            raise ValueError(self.expected)
        _port(parts)
        database = parts.path.strip("/") or "0"
        if not re.fullmatch(r"[0-9]+", database):
            raise ValueError("a URL whose database is a number, as in redis://host:6379/1")
        return text


def mask_password(url: str) -> str:
    """``url`` with the password (if any) replaced by ***."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "(not shown: it may hold a password)" if "@" in url else url
    if password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return parts._replace(netloc=f"{user}:***@{host}").geturl()
