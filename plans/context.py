"""Everything a plan's steps need to know about the person, looked up in the knowledge base once."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.records import Career, Country, Region, Role, Skill
from knowledge.repository import CareerKnowledge
from plans.profile import Profile


@dataclass(frozen=True)
class Context:
    kb: CareerKnowledge
    profile: Profile
    role: Role
    career: Career
    strengths: tuple[Skill, ...]  # the person's, in their own order
    career_skills: tuple[Skill, ...]  # the skills the documents link to the career
    region: Region | None  # the region whose figures apply (from the country when not given)
    country: Country | None

    @classmethod
    def of(cls, kb: CareerKnowledge, profile: Profile, career: Career, role: Role) -> Context:
        """Looks the profile's other ids up (the builder has looked up the role and the career);
        an unknown one raises the knowledge base's UnknownEntry naming it."""
        country = kb.country(profile.country_id) if profile.country_id else None
        region_id = profile.region_id
        if country is not None:
            # A country is the more precise answer; its region (or none) is the one whose
            # figures apply, and a region that contradicts it is a mistake upstream.
            if region_id is not None and region_id != country.region_id:
                raise ValueError(f"country {country.id!r} is not in region {region_id!r}")
            region_id = country.region_id
        return cls(
            kb=kb, profile=profile, role=role, career=career,
            strengths=tuple(kb.skill(s) for s in profile.strengths),
            career_skills=kb.transferable_skills(career.id),
            region=kb.region(region_id) if region_id else None,
            country=country,
        )

    @property
    def shared(self) -> tuple[Skill, ...]:
        """The person's strengths that the career values, in the person's order."""
        valued = {s.id for s in self.career_skills}
        return tuple(s for s in self.strengths if s.id in valued)

    @property
    def strength_ids(self) -> frozenset[str]:
        return frozenset(s.id for s in self.strengths)

    def own_lead_skills(self) -> tuple[Skill, ...]:
        """The person's strengths to lead with in applications: those the career values, else
        their transferable ones, else any they named; () when they named none."""
        transferable = tuple(s for s in self.strengths if "transferable" in s.categories)
        return self.shared or transferable or self.strengths
