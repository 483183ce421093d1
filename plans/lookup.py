"""Small read helpers over the knowledge base that the plan needs and the read API does not give
directly: an entry by its "kind/id" reference, the sentence of a text that says something, and
which skill a short phrase names."""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge.records import Career, Citation, Fact, PayFigure, Region, Role, Skill
from knowledge.repository import CareerKnowledge

Record = Fact | Career | Skill | Role | PayFigure | Region

# The knowledge base's own "kind/id" references (SCHEMA.md, `see:`) use these kinds for entries
# that are not topic facts.
_RECORD_KINDS = {"roles", "careers", "skills", "pay", "regions"}


def record(kb: CareerKnowledge, ref: str) -> Record:
    """The entry a "kind/id" reference names ("roles/team_lead", "steps_out/advisory_mentor")."""
    kind, _, ident = ref.partition("/")
    if not ident:
        raise ValueError(f"not a kind/id reference: {ref!r}")
    if kind == "roles":
        return kb.role(ident)
    if kind == "careers":
        return kb.career(ident)
    if kind == "skills":
        return kb.skill(ident)
    if kind == "pay":
        return kb.pay(ident)
    if kind == "regions":
        return kb.region(ident)
    return kb.fact(kind, ident)


def fact(kb: CareerKnowledge, ref: str) -> Fact:
    if ref.partition("/")[0] in _RECORD_KINDS:
        raise ValueError(f"{ref!r} is not a topic fact")
    found = record(kb, ref)
    assert isinstance(found, Fact)
    return found


def sources(kb: CareerKnowledge, refs: Iterable[str]) -> tuple[Citation, ...]:
    return tuple(c for ref in refs for c in record(kb, ref).sources)


def _pattern(phrase: str) -> re.Pattern[str]:
    # Word boundaries, so "communication" does not match "communications" and "patient" does
    # not match "patients".
    return re.compile(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)")


def mentions(text: str, phrases: Iterable[str]) -> bool:
    lowered = text.lower()
    return any(_pattern(p).search(lowered) for p in phrases if p)


def sentence_with(text: str, phrases: Iterable[str]) -> str | None:
    """The first sentence of `text` that contains one of the phrases, as written there."""
    wanted = [p for p in phrases if p]
    if not wanted:
        return None
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
        if mentions(sentence, wanted):
            return sentence
    return None


def skill_phrases(kb: CareerKnowledge) -> dict[str, tuple[str, ...]]:
    """Every skill's name and aliases (lower-case), by skill id."""
    out: dict[str, list[str]] = {s.id: [s.name.lower()] for s in kb.skills()}
    for phrase in kb.entity_phrases():
        if phrase.label == "SKILL" and phrase.id in out:
            out[phrase.id].append(phrase.phrase)
    return {ident: tuple(dict.fromkeys(names)) for ident, names in out.items()}


def skill_named(kb: CareerKnowledge, phrase: str) -> str | None:
    """The skill a short phrase from the documents names ("negotiation skills" -> negotiation),
    or None. The careers' "to add" lists are free phrases, and some say "... skills" where the
    skill's own name does not."""
    found = kb.resolve("SKILL", phrase)
    if found is None and phrase.lower().endswith(" skills"):
        found = kb.resolve("SKILL", phrase[: -len(" skills")])
    return found
