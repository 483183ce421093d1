"""Misspelt names of the knowledge base's entries, read as the names they misspell.

People write "is being a team leed worth it", "what does a suprvisor make in cananda". The entity
pipeline matches names exactly, so without this the role or place is missed and the bot answers
about nothing in particular, or says its sources don't cover "team leed". A word is read as a
misspelling only when it is not an English word (the sentence encoder's word list, which holds
the ~20,000 commonest whole words) and is close to a word of the knowledge base's names; the
caller keeps a correction only where it makes a name match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher, get_close_matches
from functools import cache, lru_cache

# Shorter words are too often something else ("hows", "wat") at one letter's distance
SHORTEST = 4
# difflib's ratio: "leed"/"lead" 0.75, "suprvisor"/"supervisor" 0.95, "japen"/"japan" 0.8
CUTOFF = 0.75
# How much closer an everyday word must be to win: "superviser" is a letter from "supervise"
# (0.95) and from "supervisor" (0.9), and in this domain it means the job
EVERYDAY_MARGIN = 0.06
_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Fix:
    start: int  # the misspelt word's offsets in the original text
    end: int
    word: str  # the name's word it stands for
    others: tuple[str, ...] = ()  # the next closest words, tried when `word` makes no name


@cache
def english_words() -> frozenset[str]:
    """Whole words of the sentence encoder's vocabulary (shipped with its wheel: no download)."""
    # the encoder knows where its wheel keeps the model (NumPy only: no Rasa is loaded)
    from rasa_ext.sentence_encoder import model_dir

    vocab = model_dir() / "vocab.txt"
    return frozenset(w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha())


class Speller:
    """Corrects words towards the words of a fixed set of names."""

    def __init__(self, names: Iterable[str]):
        words = {w.lower() for name in names for w in _WORD.findall(name)}
        self._names = sorted(w for w in words if len(w) >= SHORTEST)
        self._known = words | english_words()
        self._english_by_letter: dict[str, list[str]] = {}
        for w in english_words():
            self._english_by_letter.setdefault(w[0], []).append(w)
        self._closest = lru_cache(maxsize=8192)(self._closest_uncached)

    def _closest_uncached(self, word: str) -> tuple[str, ...]:
        """The names' words the word may misspell, closest first; none when an everyday word
        is clearly closer ("wrk" is "work"). Everyday words are compared by their first
        letter, which typing rarely gets wrong, to keep this quick."""
        names = get_close_matches(word, self._names, n=3, cutoff=CUTOFF)
        if not names:
            return ()
        english = get_close_matches(word, self._english_by_letter.get(word[0], []), n=1,
                                    cutoff=CUTOFF)
        if english and _ratio(word, english[0]) > _ratio(word, names[0]) + EVERYDAY_MARGIN:
            return ()
        return tuple(names)

    def fixes(self, text: str) -> list[Fix]:
        """The words of the text that misspell a name's word, with the word they stand for."""
        out = []
        for match in _WORD.finditer(text):
            word = match.group().lower()
            if len(word) < SHORTEST or word in self._known:
                continue
            # "tls", "csrs": a known word with a plural "s" is no misspelling
            if word.endswith("s") and word[:-1] in self._known:
                continue
            if closest := self._closest(word):
                out.append(Fix(match.start(), match.end(), closest[0], closest[1:]))
        return out


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


def apply(text: str, fixes: list[Fix]) -> tuple[str, list[tuple[int, int, int, int]]]:
    """The text with the fixes made, and for each fix its span in the original and in the new
    text, to map what is found in the new text back to where the person wrote it."""
    pieces, spans, last, shift = [], [], 0, 0
    for fix in fixes:
        pieces += [text[last:fix.start], fix.word]
        new_start = fix.start + shift
        spans.append((fix.start, fix.end, new_start, new_start + len(fix.word)))
        shift += len(fix.word) - (fix.end - fix.start)
        last = fix.end
    pieces.append(text[last:])
    return "".join(pieces), spans


def to_original(offset: int, spans: list[tuple[int, int, int, int]], end: bool) -> int:
    """An offset in the corrected text, in the original text (a corrected word maps whole)."""
    shift = 0
    for old_start, old_end, new_start, new_end in spans:
        if offset < new_start:
            break
        if offset < new_end or (end and offset == new_end):
            return old_end if end else old_start
        shift = old_end - new_end
    return offset + shift
