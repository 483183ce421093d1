"""The entity pipeline: a blank English spaCy pipeline with an EntityRuler whose patterns are
the knowledge base's names and aliases, so "TL", "team leader" and "Team Lead" all give the
entity ROLE with the id `team_lead`, and "Germany" gives REGION `western_europe`.

No pretrained model is needed or downloaded: the build writes this pipeline to var/nlp, and Rasa
(or anything else) loads it from there with `spacy.load(path)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language

from knowledge.records import Phrase


@dataclass(frozen=True)
class Entity:
    label: str  # ROLE, REGION, CAREER, SKILL, INDUSTRY, COUNTRY, ...
    id: str  # the knowledge base's id, e.g. "team_lead"
    text: str  # as the person wrote it
    start: int  # character offsets in the message
    end: int
    country: str | None = None  # "france" when "France" was written (id: its region)


# The ruler keeps one id string per pattern; a country carries its region's id and its own.
_COUNTRY_SEPARATOR = "|"


def build_pipeline(phrases: Iterable[Phrase], before: Iterable[Phrase] = (),
                   followed_by: Iterable[str] = ()) -> Language:
    """A blank English pipeline matching the phrases case-insensitively; where matches overlap,
    the longest wins ("account manager" beats "manager"). The `before` phrases count only with
    one of the `followed_by` words after them ("Filipino workers", not "I speak Filipino")."""
    phrases = [Phrase(*p) for p in phrases]
    taken = {p.phrase.lower() for p in phrases}
    # People write plurals ("what do agents make?"); the blank pipeline has no lemmatizer, so
    # add the plural of each job-like name unless it already names something else.
    variants = [p._replace(phrase=plural) for p in phrases
                if p.label in PLURAL_LABELS
                and (plural := pluralize(p.phrase)) and plural.lower() not in taken]
    patterns = [
        {"label": p.label, "pattern": p.phrase,
         "id": _pattern_id(p)}
        for p in phrases + variants
    ] + [
        {"label": p.label, "id": _pattern_id(p),
         "pattern": [{"LOWER": p.phrase}, {"LOWER": {"IN": list(followed_by)}}]}
        for p in before
    ]
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]  # an EntityRuler, typed as Pipe
    return nlp


def _pattern_id(p: Phrase) -> str:
    return p.id if p.country in (None, p.id) else f"{p.id}{_COUNTRY_SEPARATOR}{p.country}"


PLURAL_LABELS = {"ROLE", "CAREER", "JOB_TITLE", "SPECIALIZATION"}


def pluralize(phrase: str) -> str | None:
    """"team lead" -> "team leads"; None where a plain "s" would be wrong or odd."""
    last = phrase.rsplit(" ", 1)[-1]
    if not last.isalpha() or last.endswith(("s", "x", "y", "ch", "sh")) or len(last) < 2:
        return None
    return phrase + "s"


def load_pipeline(path: Path) -> Language:
    if not (path / "config.cfg").exists():
        raise FileNotFoundError(f"no entity pipeline at {path}: run `make kb` first")
    return spacy.load(path)


def extract(nlp: Language, text: str) -> list[Entity]:
    """The knowledge-base entities in a message, in order."""
    found = []
    for ent in nlp(text).ents:
        ident, _, country = ent.ent_id_.partition(_COUNTRY_SEPARATOR)
        if ent.label_ == "COUNTRY":
            country = ident
        found.append(Entity(ent.label_, ident, ent.text, ent.start_char, ent.end_char,
                            country or None))
    return found
