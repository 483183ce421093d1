"""What a person tells the coach about themselves: the input of a transition plan.

Ids are knowledge-base ids (role, career, skill, region, country). The profile itself does not
look them up (it has no knowledge base at hand); the builder does, and an unknown id fails there
with the knowledge base's own `UnknownEntry`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from plans import content, wording


def priority_ids() -> tuple[str, ...]:
    """The fixed priority vocabulary ("pay", "less_stress", ...), in the order it is offered:
    defined once, in content.yml, with what counts for each."""
    return content.keys("priorities")


def priority_label(priority: str) -> str:
    """"less_stress" -> "Less stress" (wording.yml)."""
    if priority not in priority_ids():
        raise ValueError(f"unknown priority {priority!r}; known: {', '.join(priority_ids())}")
    return wording.say(f"priorities.{priority}")


def priority_words(priority: str) -> tuple[str, ...]:
    """The words of an answer that name the priority ("money" -> pay), lower case."""
    return content.ids(f"priorities.{priority}.words")


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    """Duplicates dropped, first mention kept: the order is the person's own."""
    return tuple(dict.fromkeys(values))


@dataclass(frozen=True)
class Profile:
    current_role_id: str
    years_in_service: int | None = None
    target_career_id: str | None = None  # None: "not sure", the builder suggests one
    strengths: tuple[str, ...] = field(default=())  # skill ids
    priorities: tuple[str, ...] = field(default=())  # priority_ids(), most important first
    region_id: str | None = None
    country_id: str | None = None

    def __post_init__(self) -> None:
        if not self.current_role_id:
            raise ValueError("a profile needs the current role")
        years = self.years_in_service
        # bool is an int in Python; True years of service would be a bug upstream.
        if years is not None and (isinstance(years, bool) or not isinstance(years, int)
                                  or years < 0):
            raise ValueError(f"years in customer service must be a whole number >= 0: {years!r}")
        # Lists from JSON or a form become tuples, so the profile stays hashable and frozen.
        object.__setattr__(self, "strengths", _unique(self.strengths))
        object.__setattr__(self, "priorities", _unique(self.priorities))
        for priority in self.priorities:
            priority_label(priority)  # raises on a priority outside the vocabulary

    @property
    def is_unsure(self) -> bool:
        return self.target_career_id is None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: strings, ints, None and lists only."""
        return {
            "current_role_id": self.current_role_id,
            "years_in_service": self.years_in_service,
            "target_career_id": self.target_career_id,
            "strengths": list(self.strengths),
            "priorities": list(self.priorities),
            "region_id": self.region_id,
            "country_id": self.country_id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Profile:
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown profile fields: {', '.join(sorted(unknown))}")
        return cls(
            current_role_id=data["current_role_id"],
            years_in_service=data.get("years_in_service"),
            target_career_id=data.get("target_career_id"),
            strengths=tuple(data.get("strengths") or ()),
            priorities=tuple(data.get("priorities") or ()),
            region_id=data.get("region_id"),
            country_id=data.get("country_id"),
        )
