"""Careers for someone who is not sure: the ones that fit best from their strengths and priorities,
each with a short "why" built from what the knowledge base says about it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.formatting import amount
from knowledge.records import Career, Citation, Role, Skill
from knowledge.repository import CareerKnowledge
from plans import content, wording
from plans.lookup import sentence_with
from plans.plan import Suggestion, unique_citations
from plans.profile import Profile, priority_label


@dataclass(frozen=True)
class Evidence:
    """What the documents say about a career on one of the person's priorities."""

    priority: str
    favourable: bool
    text: str  # the sentence shown to the person
    citations: tuple[Citation, ...]


def linked_levels_above(kb: CareerKnowledge, career: Career, role: Role) -> tuple[Role, ...]:
    """Levels of the career ladder the career links to (`see: roles/...`) above the person's own,
    lowest first: the pay a move there leads to, by the documents' own link."""
    linked = (kb.role(ref.partition("/")[2]) for ref in career.see if ref.startswith("roles/"))
    return tuple(sorted((r for r in linked if r.level > role.level), key=lambda r: r.level))


def evidence(kb: CareerKnowledge, career: Career, priority: str, role: Role) -> Evidence | None:
    """The documents' word on a career for one priority, or None where they say nothing."""
    spec = content.entry(f"priorities.{priority}")
    label = priority_label(priority)
    for favourable, key in ((True, "favour"), (False, "against")):
        sentence = sentence_with(career.why_fit, spec.get(key) or ())
        if sentence:
            return Evidence(priority, favourable, wording.say(
                f"suggestion.{key}", priority=label, evidence=sentence), career.sources)
    if spec.get("ladder_pay"):
        above = linked_levels_above(kb, career, role)
        if above:
            level = above[0]
            return Evidence(priority, True, wording.say(
                "suggestion.ladder_pay", priority=label, role=level.name,
                median=amount(level.median_usd, "USD")), level.sources)
    return None


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+", " ".join(text.split()), maxsplit=1)[0]


def _suggestion(kb: CareerKnowledge, profile: Profile, role: Role, career: Career,
                shared: tuple[Skill, ...]) -> Suggestion:
    found = {p: evidence(kb, career, p, role) for p in profile.priorities}
    said = [e for e in found.values() if e is not None]
    met = tuple(e.priority for e in said if e.favourable)
    against = tuple(e.priority for e in said if not e.favourable)
    lines = []
    if shared:
        lines.append(wording.say("suggestion.shared",
                                 skills=wording.joined(s.name for s in shared)))
    elif profile.strengths:
        lines.append(wording.say("suggestion.shared_none"))
    lines += [e.text for e in said]
    if not lines:
        lines.append(wording.say("suggestion.about", sentence=_first_sentence(career.why_fit)))
    lines += [wording.say("suggestion.unknown", priority=priority_label(p), career=career.name)
              for p, e in found.items() if e is None]
    return Suggestion(
        career=career, shared_skills=shared, priorities_met=met, priorities_against=against,
        # One point per strength the career values and per priority the documents speak for,
        # minus one per priority they speak against: simple enough to explain to the person.
        score=len(shared) + len(met) - len(against),
        why=" ".join(lines),
        citations=unique_citations([*career.sources, *(c for e in said for c in e.citations)]))


def suggest_careers(profile: Profile, kb: CareerKnowledge, n: int = 3,
                    role: Role | None = None) -> tuple[Suggestion, ...]:
    """The n careers that fit best, best first: most of the person's strengths valued, then most
    priorities the documents speak for; ties in the documents' order. `role`: the person's
    level, when the caller has already looked it up (the plan builder)."""
    if n < 1:
        return ()
    role = role or kb.role(profile.current_role_id)
    shared = {m.career.id: m.shared_skills for m in kb.paths_for(profile.strengths)}
    suggestions = [_suggestion(kb, profile, role, career, shared.get(career.id, ()))
                   for career in kb.careers()]
    # sorted() is stable and kb.careers() is in the documents' order, so ties keep that order
    # and the same profile always gets the same list.
    return tuple(sorted(suggestions, key=lambda s: -s.score)[:n])
