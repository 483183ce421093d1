"""The entity pipeline: a blank English spaCy pipeline with an EntityRuler whose patterns are
the knowledge base's names and aliases, so "TL", "team leader" and "Team Lead" all give the
entity ROLE with the id `team_lead`, and "Germany" gives REGION `western_europe`.

No pretrained model is needed or downloaded: the build writes this pipeline to var/nlp, and Rasa
(or anything else) loads it from there with `spacy.load(path)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Span

from knowledge import spelling
from knowledge.places import PLACE as WORLD_PLACE
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
    nlp = spacy.load(path)
    _speller(nlp)  # its word lists are made here, at start, not on someone's first message
    return nlp


# "i make 16/hr", "20 an hr": hours, not HR
_HOURS_BEFORE = re.compile(r"(?:\d\s*|/\s*|\bper\s+|\d\s*(?:an?|each)\s+)$")


def _hours(text: str, ent: Entity) -> bool:
    return ent.text.lower() in ("hr", "hrs") and bool(_HOURS_BEFORE.search(text[:ent.start]))


def extract(nlp: Language, text: str) -> list[Entity]:
    """The knowledge-base entities in a message, in order, misspelt names included ("team
    leed", "cananda": knowledge/spelling.py)."""
    found = [e for e in (_entity(ent, ent.start_char, ent.end_char, ent.text)
                         for ent in nlp(text).ents) if not _hours(text, e)]
    fixes = [f for f in _speller(nlp).fixes(text)
             if not any(e.start <= f.start < e.end for e in found)]
    if not fixes:
        return found
    # Each misspelt word is read as its closest word, unless a next closest one makes a name
    # that reaches past the word, with the words around it: "team leed" is "team lead", though
    # "leeds" is closer; "bein a" is not Bern. Read together: "projct managment".
    chosen = [f.word for f in fixes]
    for i, fix in enumerate(fixes):
        closest = _covered(_made_by(nlp, text, fixes, chosen, found))
        for word in fix.others:
            made = _made_by(nlp, text, fixes, chosen[:i] + [word] + chosen[i + 1:], found)
            if _covered(made) > closest and any(
                    e.start <= fix.start < e.end and e.end - e.start > fix.end - fix.start
                    for e in made):
                chosen[i], closest = word, _covered(made)
    made = _made_by(nlp, text, fixes, chosen, found)
    kept = [e for e in found if not any(m.start <= e.start and e.end <= m.end for m in made)]
    return sorted(kept + made, key=lambda e: e.start)


def _covered(ents: list[Entity]) -> int:
    return sum(e.end - e.start for e in ents)


def _made_by(nlp: Language, text: str, fixes: list[spelling.Fix], words: list[str],
             found: list[Entity]) -> list[Entity]:
    """The knowledge-base names that reading the misspelt words as `words` makes, in the
    original's offsets: those that cover a misspelt word and swallow, rather than cut into,
    what was found as written ("traning specialist" replaces "specialist"). The world's places
    are left out: a misspelt word is too often a small town's name ("salery": Salé)."""
    corrected, spans = spelling.apply(
        text, [spelling.Fix(f.start, f.end, w) for f, w in zip(fixes, words, strict=True)])
    made = []
    for ent in nlp(corrected).ents:
        start = spelling.to_original(ent.start_char, spans, end=False)
        end = spelling.to_original(ent.end_char, spans, end=True)
        if ent.label_ != WORLD_PLACE and any(start <= f.start < end for f in fixes) and all(
                e.end <= start or end <= e.start or (start <= e.start and e.end <= end)
                for e in found):
            made.append(_entity(ent, start, end, text[start:end]))
    return made


def _entity(ent: Span, start: int, end: int, written: str) -> Entity:
    ident, _, country = ent.ent_id_.partition(_COUNTRY_SEPARATOR)
    if ent.label_ == "COUNTRY":
        country = ident
    return Entity(ent.label_, ident, written, start, end, country or None)


# One speller per loaded pipeline, built from its own patterns' words
_SPELLERS: dict[int, tuple[Language, spelling.Speller]] = {}


def _speller(nlp: Language) -> spelling.Speller:
    held = _SPELLERS.get(id(nlp))
    if held is None or held[0] is not nlp:
        ruler = nlp.get_pipe("entity_ruler")
        names = [p["pattern"] for p in ruler.patterns  # type: ignore[attr-defined]
                 if isinstance(p["pattern"], str) and p["label"] != WORLD_PLACE]
        held = _SPELLERS[id(nlp)] = (nlp, spelling.Speller(names))
    return held[1]
