"""Profiles that exercise the plan builder, and helpers to check a step's figures against the
knowledge-base records it rests on."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from knowledge.repository import CareerKnowledge
from plans.lookup import record
from plans.plan import Step
from plans.profile import Profile

# The order of the issue: (a) what you have, (b) gaps, (c) inside the company, (d) a mentor,
# (e) networking, (f) resume and cover letter, (g) interviews, (h) applying, (i) pay.
EXPECTED_ORDER = ("strengths", "gaps", "inside", "mentor", "network", "resume", "interview",
                  "apply", "pay")

PROFILES: dict[str, Profile] = {
    # a representative with the skills sales values, in the US (pay figures everywhere)
    "rep_to_sales": Profile(
        "representative", years_in_service=2, target_career_id="sales_account_management",
        strengths=("communication", "empathy", "negotiation"), priorities=("pay",),
        region_id="us"),
    # not sure where to go: the builder picks the best suggestion
    "not_sure": Profile(
        "associate", years_in_service=3, target_career_id=None,
        strengths=("patience", "adaptability", "conflict_resolution"),
        priorities=("pay", "growth"), country_id="germany"),
    # not sure and has said nothing else
    "not_sure_no_clues": Profile("representative"),
    # a target the documents say little about (no skills, nothing to add, no pay)
    "little_known_target": Profile(
        "senior_representative", years_in_service=4,
        target_career_id="organizational_development",
        strengths=("teamwork_collaboration", "creativity"), priorities=("growth", "remote"),
        region_id="western_europe"),
    # a region the documents give no pay figures for
    "region_without_pay": Profile(
        "team_lead", years_in_service=6, target_career_id="management",
        strengths=("leadership_coaching", "patience"), region_id="canada"),
    # a country the documents give no figures for, nor for a region around it
    "country_without_pay": Profile(
        "representative", target_career_id="technical_support",
        strengths=("basic_troubleshooting",), priorities=("less_stress",),
        country_id="philippines"),
    # no strengths named at all
    "no_strengths": Profile("representative", target_career_id="hr_recruitment"),
    # no strengths, and a target the documents link no skills to
    "no_strengths_little_known": Profile("associate", target_career_id="ux",
                                         priorities=("less_stress",)),
    # the top of the ladder, moving to a career the documents barely describe, paid in yen
    "director_out": Profile(
        "director", years_in_service=15, target_career_id="consulting_entrepreneurship",
        strengths=("leadership_coaching", "strategic_thinking"), region_id="japan"),
    # a country the documents don't name, covered by its region's figures
    "country_covered_by_region": Profile(
        "specialist", years_in_service=5, target_career_id="quality_assurance",
        strengths=("data_analysis", "communication"), priorities=("remote",),
        country_id="france"),
}

# "$37,020", "20.59", "1-3", "€25,000": every number as written in a text.
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def numbers_in(text: str) -> set[float]:
    return {float(n.replace(",", "")) for n in _NUMBER.findall(text) if n.strip(",")}


def _values(value: Any) -> set[float]:
    if isinstance(value, bool):
        return set()
    if isinstance(value, int | float):
        return {float(value)}
    if isinstance(value, str):
        return numbers_in(value)
    if isinstance(value, dict):
        return {n for k, v in value.items() if k != "sources" for n in _values(v)}
    if isinstance(value, list | tuple):
        return {n for v in value for n in _values(v)}
    return set()


def record_numbers(kb: CareerKnowledge, ref: str) -> set[float]:
    """Every number a knowledge-base record holds: its figures, its numeric fields and the
    numbers in its own text (its citations left out)."""
    found = record(kb, ref)
    assert dataclasses.is_dataclass(found)
    return _values(dataclasses.asdict(found))


def step_numbers(step: Step) -> set[float]:
    return numbers_in(f"{step.title}\n{step.detail}\n{step.why}")
