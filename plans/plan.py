"""What the builder returns: plain frozen dataclasses, each step carrying its sources."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from knowledge.records import Career, Citation, Skill
from plans.profile import Profile


def unique_citations(citations: Iterable[Citation]) -> tuple[Citation, ...]:
    """Each (document, section) once, in the order first cited."""
    seen: dict[tuple[str, str], Citation] = {}
    for c in citations:
        seen.setdefault((c.doc, c.section), c)
    return tuple(seen.values())


@dataclass(frozen=True)
class Step:
    id: str  # stable across builds ("gaps", "pay", ...): progress is kept by id
    title: str
    detail: str  # lines; a line starting with the list bullet is a list item
    why: str
    citations: tuple[Citation, ...]
    # The knowledge-base entries ("kind/id") whose facts the text uses, so anyone can check a
    # figure in the text against the record it came from.
    refs: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "detail": self.detail, "why": self.why,
            "citations": [{"doc": c.doc, "title": c.title, "section": c.section}
                          for c in self.citations],
            "refs": list(self.refs),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Step:
        return cls(
            id=data["id"], title=data["title"], detail=data["detail"], why=data["why"],
            citations=tuple(Citation(c["doc"], c["title"], c["section"])
                            for c in data.get("citations", ())),
            refs=tuple(data.get("refs", ())),
        )


@dataclass(frozen=True)
class Suggestion:
    """A career that could fit someone who is not sure, and why."""

    career: Career
    shared_skills: tuple[Skill, ...]  # the person's strengths this career values
    priorities_met: tuple[str, ...]  # priority ids the documents speak for
    priorities_against: tuple[str, ...]  # priority ids the documents speak against
    score: int
    why: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Plan:
    profile: Profile
    target: Career
    steps: tuple[Step, ...]
    summary: str  # who the plan is for, in words ("For a Customer Service Team Lead in ...")
    # Set when the person was not sure: why this career was picked for them.
    chosen_because: str | None = None
    suggestions: tuple[Suggestion, ...] = ()  # the careers considered, best first
    missing: tuple[str, ...] = ()  # what the documents don't say, in plain sentences

    @property
    def target_name(self) -> str:
        return self.target.name

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(f"the plan has no step {step_id!r}")
