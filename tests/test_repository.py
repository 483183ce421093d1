"""The read API the actions use."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from knowledge.repository import CareerKnowledge, UnknownEntry


def test_ladder_and_next_levels(kb):
    assert kb.role("team_lead").name == "Customer Service Team Lead"
    assert (kb.role("team_lead").median_usd, kb.role("team_lead").average_usd) == (62000, 65000)
    assert kb.next_role("team_lead").id == "manager"
    assert kb.next_role("director") is None
    assert kb.role_below("manager").id == "team_lead"
    assert kb.role_below(kb.ladder()[0].id) is None


def test_unknown_ids_raise_a_clear_error(kb):
    with pytest.raises(UnknownEntry, match="no role with id 'data_scientist'"):
        kb.role("data_scientist")
    with pytest.raises(UnknownEntry, match="no facts of kind 'horoscopes'"):
        kb.facts("horoscopes")
    with pytest.raises(UnknownEntry):
        kb.paths_for(["juggling"])


def test_answers_carry_their_sources_with_titles(kb):
    (median,) = [p for p in kb.pay_figures() if p.id == "bls_median_annual_2023"]
    assert median.publisher == "U.S. Bureau of Labor Statistics" and median.as_of == "May 2023"
    cite = median.sources[0]
    assert cite.doc.startswith("002_")
    assert cite.title == "Complete Customer Service Professional Career Guide"
    assert cite.section == "Key Facts & Statistics"


def test_records_are_frozen(kb):
    role = kb.role("manager")
    with pytest.raises(dataclasses.FrozenInstanceError):
        role.median_usd = 1  # type: ignore[misc]


def test_pay_figures_grouped_by_the_question_they_answer(kb):
    hourly = kb.pay_figures("hourly_pay")
    assert {p.id for p in hourly} == {"median_hourly", "hourly_range_003"}
    assert len(kb.pay_figures()) >= 7


@pytest.mark.parametrize("country, region, named", [
    ("Germany", "western_europe", True),
    ("netherlands", "western_europe", True),
    ("France", "western_europe", False),
    ("Poland", "eastern_europe", False),
    ("Mexico", "latin_america", False),
])
def test_a_country_finds_the_region_that_covers_it(kb, country, region, named):
    found, c = kb.region_for_country(country)
    assert found.id == region and c.named_by_source is named


def test_countries_without_figures_and_unknown_countries(kb):
    region, country = kb.region_for_country("Philippines")
    assert region is None and country.named_by_source  # named by 003, no pay anywhere
    assert kb.region_for_country("Atlantis") == (None, None)


def test_paths_for_skills_ranks_careers_by_shared_skills(kb):
    matches = kb.paths_for(["communication", "empathy", "conflict_resolution"])
    assert matches, "a customer-service skill set fits some career"
    counts = [len(mt.shared_skills) for mt in matches]
    assert counts == sorted(counts, reverse=True)
    for mt in matches:
        assert {s.id for s in mt.shared_skills} <= {"communication", "empathy",
                                                    "conflict_resolution"}
        assert {s.id for s in mt.shared_skills} <= set(mt.career.skill_ids)


def test_skills_and_careers_link_both_ways(kb):
    for career in kb.careers():
        for skill_id in career.skill_ids:
            assert career.id in kb.skill(skill_id).career_ids
    assert kb.transferable_skills() == kb.skills("transferable")
    hr = kb.transferable_skills("hr_recruitment")
    assert hr and all("hr_recruitment" in s.career_ids for s in hr)


def test_steps_keep_the_documents_order(kb):
    steps = kb.facts("steps_in")
    assert [f.figures[0].low for f in steps[:1]] == [1]  # Step 1: 1-2 months
    assert kb.fact("steps_in", steps[0].id) == steps[0]


def test_links_between_entries_resolve(kb):
    for kind in kb.kinds():
        for fact in kb.facts(kind):
            for ref in fact.see:
                target, _, ident = ref.partition("/")
                getter = {"pay": kb.pay, "roles": kb.role, "skills": kb.skill,
                          "careers": kb.career, "regions": kb.region}.get(target)
                assert (getter(ident) if getter else kb.fact(target, ident)) is not None


def test_names_resolve_to_canonical_ids(kb):
    assert kb.resolve("ROLE", "TL") == kb.resolve("ROLE", "Team  Leader") == "team_lead"
    assert kb.resolve("REGION", "Germany") == "western_europe"
    assert kb.resolve("ROLE", "astronaut") is None


def test_answers_come_from_memory_after_loading(built, tmp_path):
    url, _ = built
    copy = tmp_path / "copy.db"
    shutil.copy(url.removeprefix("sqlite:///"), copy)
    kb = CareerKnowledge.load(f"sqlite:///{copy}")
    copy.unlink()  # the database is gone; the loaded knowledge base still answers
    assert kb.role("director").median_usd == 118000
    assert kb.counts()["roles"] == 7
