"""The source documents as the build checks them: their headings and the numbers they state."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

# A number as the documents write it: "$37,020", "$36k", "≈338,000", "JPY 3.5 million", "69%".
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s*(k|K|million)\b|(?=k\b))?"
)
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}
_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")\b", re.IGNORECASE)
# Headings are short lines; a paragraph is not a section to cite.
_HEADING_MAX = 120
_MULTIPLIER = {"k": 1_000, "K": 1_000, "million": 1_000_000}


def normalize_heading(line: str) -> str:
    """A line as a heading is cited: no surrounding or repeated spaces, no leading bullet."""
    return " ".join(line.strip().lstrip("•").split()).casefold()


def numbers_in(text: str, words: bool = True) -> set[float]:
    """Every number written in the text, with "k" and "million" applied, and (unless words is
    False) number words such as "four"."""
    found: set[float] = set()
    for whole, fraction, suffix in _NUMBER.findall(text):
        value = float(whole.replace(",", "") + (fraction or ""))
        found.add(round(value * _MULTIPLIER.get(suffix, 1), 6))
    if words:
        found.update(float(_WORDS[w.lower()]) for w in _WORD.findall(text))
    return found


@dataclass(frozen=True)
class Document:
    """One source document, read from the seeds folder."""

    name: str
    text: str

    @classmethod
    def read(cls, path: Path) -> Document:
        return cls(path.name, path.read_text(encoding="utf-8"))

    @cached_property
    def headings(self) -> frozenset[str]:
        lines = (normalize_heading(line) for line in self.text.splitlines())
        return frozenset(line for line in lines if 0 < len(line) <= _HEADING_MAX)

    @cached_property
    def numbers(self) -> frozenset[float]:
        return frozenset(numbers_in(self.text))

    def has_heading(self, section: str) -> bool:
        return normalize_heading(section) in self.headings

    def states(self, number: float) -> bool:
        """True when the document writes this number (a decline of 5% is written as 5%)."""
        return round(abs(number), 6) in self.numbers


def read_documents(folder: Path) -> dict[str, Document]:
    """The documents in the seeds folder by file name; empty when the folder is not there."""
    if not folder.is_dir():
        return {}
    return {p.name: Document.read(p) for p in sorted(folder.glob("*.txt"))}
