"""Messages that need care before career facts: a crisis (suicide, self-harm, danger, a medical
emergency), or a matter outside the documents where someone else can help (legal questions,
harassment, discrimination, mental-health strain).

Recall comes first: a false alarm costs a kind reply, a miss can cost a life. So the crisis
patterns are broad (indirect forms, slang, misspellings) and the only exclusions are idioms that
say nothing about harm ("this job is killing me", "dying to leave", "a dead-end job"). Venting
about a hard shift is not a crisis: it gets empathy and help, not a hotline.

Patterns, not a trained model: they can be read, reviewed and tested one by one, and a new way
of saying it is one line of safety_patterns.yml (tests/safety/messages.yml holds what each must
catch and must not).
"""

from __future__ import annotations

import re
from difflib import get_close_matches
from functools import cache, lru_cache
from pathlib import Path

import yaml

CRISIS = "crisis"
LEGAL = "legal_question"
HARASSMENT = "harassment"
DISCRIMINATION = "discrimination"
STRAIN = "mental_strain"
# After a crisis, the concern a message with several is answered for: the most urgent first.
SIGNPOSTED = (HARASSMENT, DISCRIMINATION, LEGAL, STRAIN)

# Misspellings of the words the crisis patterns hinge on are folded back to them ("sucide",
# "suicidel", "myslef"): a close match to one of these, for words of six letters or more.
_FOLDED_WORDS = ("suicide", "suicidal", "myself", "overdose")
_SLANG = {"kms": "kill myself", "kmn": "kill myself", "unaliving": "unalive",
          "my self": "myself", "mysef": "myself", "self harm": "selfharm",
          "self-harm": "selfharm", "selfharming": "selfharm", "wanna": "want to",
          "gonna": "going to", "2 die": "to die", "2 live": "to live", "u": "you", "ur": "your",
          "cuz": "because", "bc": "because", "im": "i'm", "ive": "i've", "id": "i'd",
          "dont": "don't", "cant": "can't", "wont": "won't", "havent": "haven't", "hasnt": "hasn't",
          "didnt": "didn't", "isnt": "isn't", "wasnt": "wasn't", "doesnt": "doesn't",
          "couldnt": "couldn't", "wouldnt": "wouldn't"}


# every slang word at once, longest first ("my self" before "u"), as whole words
_SLANG_WORDS = re.compile("|".join(rf"(?<![a-z']){re.escape(s)}(?![a-z'])"
                                   for s in sorted(_SLANG, key=len, reverse=True)))


@lru_cache(maxsize=4096)
def _folded(word: str) -> str:
    """The key word a long word misspells, else the word (cached: difflib is slow per word)."""
    if len(word) >= 6 and word not in _FOLDED_WORDS:
        close = get_close_matches(word, _FOLDED_WORDS, n=1, cutoff=0.8)
        if close:
            return close[0]
    return word


@cache
def _patterns() -> dict[str, list[re.Pattern[str]]]:
    raw = yaml.safe_load((Path(__file__).parent / "safety_patterns.yml").read_text())
    return {kind: [re.compile(p) for p in patterns] for kind, patterns in raw.items()}


def normalise(text: str) -> str:
    """Lower case, curly quotes straight, letters repeated for emphasis cut to two ("sooo"),
    slang and misspellings of the key words folded to the words the patterns use."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"([a-z])\1{2,}", r"\1\1", text)
    text = re.sub(r"[^a-z0-9'%$ ]+", " ", text)
    text = _SLANG_WORDS.sub(lambda m: _SLANG[m.group(0)], text)
    words = [_folded(word) for word in text.split()]
    # "kill my self", "kil myself": the verb misspelt
    return re.sub(r"\bkil+ ?(?:my ?self|myself)\b", "kill myself", " ".join(words))


def _without(text: str, exclusions: list[re.Pattern[str]]) -> str:
    for pattern in exclusions:
        text = pattern.sub(" ", text)
    return text


def concern(text: str) -> str | None:
    """The most urgent concern the message raises (CRISIS or one of SIGNPOSTED), or None."""
    patterns = _patterns()
    plain = normalise(text)
    maybe_crisis = _without(plain, patterns["not_crisis"])
    if any(p.search(maybe_crisis) for p in patterns[CRISIS]):
        return CRISIS
    rest = _without(plain, patterns["not_signpost"])
    return next((kind for kind in SIGNPOSTED if any(p.search(rest) for p in patterns[kind])),
                None)
