"""The plan builder: steps in order, every figure traceable to the record it cites, gaps that
leave out what the person has, pay only from the knowledge base, plain words on what is missing."""

from __future__ import annotations

import pytest

from knowledge.formatting import amount, figure
from knowledge.repository import CareerKnowledge, UnknownEntry
from plans.builder import STEP_ORDER, build_plan
from plans.lookup import record
from plans.plan import Plan, unique_citations
from plans.profile import Profile
from tests.plan_support import EXPECTED_ORDER, PROFILES, record_numbers, step_numbers

ALL = pytest.mark.parametrize("name", sorted(PROFILES))


@pytest.fixture(scope="module")
def plans(kb) -> dict[str, Plan]:
    return {name: build_plan(profile, kb) for name, profile in PROFILES.items()}


def usd(value: float) -> str:
    return amount(value, "USD")


def refs_of(plan: Plan, step_id: str, kind: str) -> set[str]:
    return {r.partition("/")[2] for r in plan.step(step_id).refs if r.startswith(f"{kind}/")}


# --- shape ----------------------------------------------------------------------------------

@ALL
def test_the_steps_come_in_the_plan_order(plans, name) -> None:
    assert tuple(s.id for s in plans[name].steps) == EXPECTED_ORDER == STEP_ORDER


@ALL
def test_every_step_is_complete_and_cites_the_records_it_uses(plans, kb, name) -> None:
    documents = kb.documents()
    for step in plans[name].steps:
        assert step.title and step.detail and step.why and step.refs, step.id
        # The citations are exactly the sources of the records the step rests on.
        assert step.citations == unique_citations(
            c for ref in step.refs for c in record(kb, ref).sources)
        assert all(documents[c.doc] == c.title for c in step.citations)


@ALL
def test_every_figure_in_a_step_is_in_a_record_it_cites(plans, kb, name) -> None:
    plan = plans[name]
    allowed_from_profile = {float(plan.profile.years_in_service or 0)}
    for step in plan.steps:
        held = set().union(*(record_numbers(kb, ref) for ref in step.refs))
        stray = step_numbers(step) - held - allowed_from_profile
        assert not stray, f"{name}/{step.id}: {sorted(stray)} are in no cited record"


@ALL
def test_the_same_profile_gives_the_same_plan(plans, kb, built, name) -> None:
    assert build_plan(PROFILES[name], kb) == plans[name]
    # and from a freshly loaded knowledge base, not just the same objects
    assert build_plan(PROFILES[name], CareerKnowledge.load(built[0])) == plans[name]


# --- what they have, what they lack ---------------------------------------------------------

@ALL
def test_strengths_are_the_ones_the_target_values(plans, kb, name) -> None:
    plan = plans[name]
    valued = set(plan.target.skill_ids)
    shared = valued & set(plan.profile.strengths)
    for skill_id in shared:
        assert kb.skill(skill_id).name in plan.step("strengths").detail
    if plan.profile.strengths and not valued:
        assert "don't say which skills" in plan.step("strengths").detail


@ALL
def test_gaps_leave_out_skills_the_person_already_has(plans, kb, name) -> None:
    plan = plans[name]
    gap_skills = refs_of(plan, "gaps", "skills")
    assert not gap_skills & set(plan.profile.strengths)
    # every skill the career values that the person hasn't named is a gap
    assert set(plan.target.skill_ids) - set(plan.profile.strengths) <= gap_skills
    for skill_id in plan.profile.strengths:
        assert f"{kb.skill(skill_id).name}: " not in plan.step("gaps").detail


def test_what_the_documents_say_to_add_becomes_a_gap_unless_already_there(kb) -> None:
    sales = kb.career("sales_account_management")
    assert "negotiation skills" in sales.to_add  # the premise: a phrase that names a skill
    has_it = build_plan(PROFILES["rep_to_sales"], kb)  # names negotiation
    lacks_it = build_plan(Profile("representative", target_career_id=sales.id,
                                  strengths=("communication",)), kb)
    assert "negotiation" not in refs_of(has_it, "gaps", "skills")
    assert "negotiation" in refs_of(lacks_it, "gaps", "skills")
    # a phrase that names no skill is given as the documents word it
    assert "sales techniques" in lacks_it.step("gaps").detail


def test_gaps_point_to_courses_with_their_cost_and_time(plans, kb) -> None:
    gaps = plans["rep_to_sales"].step("gaps")
    courses = kb.fact("training_options", "certifications_online_courses")
    assert "training_options/certifications_online_courses" in gaps.refs
    assert courses.figures  # the premise: the documents give the cost
    assert courses.text in gaps.detail
    assert all(amount(f.low, f.unit) in gaps.detail for f in courses.figures)
    assert set(courses.sources) <= set(gaps.citations)


def test_a_skill_named_by_a_course_points_to_that_course(kb) -> None:
    plan = build_plan(Profile("representative", target_career_id="management"), kb)
    gaps = plan.step("gaps")
    certificate = kb.fact("certifications", "conflict_resolution")
    line = next(x for x in gaps.detail.splitlines()
                if x.lstrip("• ").startswith(kb.skill("conflict_resolution").name + ":"))
    assert certificate.title in line and "certifications/conflict_resolution" in gaps.refs


# --- pay ------------------------------------------------------------------------------------

@ALL
def test_pay_now_is_the_ladders_figure_for_their_level(plans, kb, name) -> None:
    plan = plans[name]
    role = kb.role(plan.profile.current_role_id)
    pay = plan.step("pay").detail
    assert usd(role.median_usd) in pay and usd(role.average_usd) in pay


@ALL
def test_where_the_documents_disagree_on_pay_both_figures_are_given(plans, kb, name) -> None:
    medians = kb.pay_figures("median_annual_pay")
    assert len({p.figure.low for p in medians}) > 1  # the premise: they disagree
    pay = plans[name].step("pay")
    for p in medians:
        assert figure(p.figure) in pay.detail and f"pay/{p.id}" in pay.refs


def test_a_region_with_figures_gets_them_all(plans, kb) -> None:
    pay = plans["rep_to_sales"].step("pay").detail
    for band in kb.region("us").pay:
        assert f"{usd(band.low)}-{usd(band.high)}" in pay
    japan = plans["director_out"].step("pay").detail
    band = kb.region("japan").pay[0]
    assert band.usd_low is not None  # the premise: the document converts yen to dollars
    assert amount(band.low, band.currency) in japan and usd(band.usd_low) in japan


@pytest.mark.parametrize("name, place", [("region_without_pay", "Canada"),
                                         ("country_without_pay", "Philippines")])
def test_a_place_without_figures_is_said_plainly(plans, kb, name, place) -> None:
    plan = plans[name]
    assert not any(r.pay for r in kb.regions() if r.name == place)  # the premise
    pay = plan.step("pay")
    assert f"no pay figures for {place}" in pay.detail
    assert any(place in m for m in plan.missing)
    # no regional figure slipped in: the money in the step is the ladder's and the general pay
    own = {f"roles/{plan.profile.current_role_id}"} | {r for r in pay.refs if r.startswith("pay/")}
    levels = {r for r in pay.refs if r.startswith("roles/")}
    held = set().union(*(record_numbers(kb, r) for r in own | levels))
    assert step_numbers(pay) <= held | {float(plan.profile.years_in_service or 0)}


def test_a_country_the_documents_do_not_name_says_whose_figures_cover_it(plans, kb) -> None:
    pay = plans["country_covered_by_region"].step("pay").detail
    assert "France isn't named" in pay and kb.region("western_europe").name in pay


def test_a_target_without_pay_figures_says_so_and_quotes_what_the_documents_say(kb) -> None:
    plan = build_plan(Profile("representative", target_career_id="technical_support"), kb)
    pay = plan.step("pay")
    career = kb.career("technical_support")
    assert not career.figures and not [r for r in career.see if r.startswith("roles/")]
    assert f"no pay figure for {career.name}" in pay.detail
    assert any(f"no pay figure for {career.name}." in m for m in plan.missing)
    assert "paid more" in pay.detail and f"careers/{career.id}" in pay.refs


def test_a_target_linked_to_ladder_levels_gets_the_levels_above_them(plans, kb) -> None:
    plan = plans["region_without_pay"]  # a team lead moving into management
    pay = plan.step("pay").detail
    own = kb.role("team_lead")
    for ref in kb.career("management").see:
        level = kb.role(ref.partition("/")[2])
        if level.level > own.level:
            assert f"{level.name}: median {usd(level.median_usd)}" in pay
        else:
            assert f"{level.name}: median" not in pay
    # the ladder is US pay; for Canada the documents have no figures by level
    assert "don't give pay by level for Canada" in pay


def test_the_top_of_the_ladder_has_no_level_above(plans) -> None:
    plan = plans["director_out"]
    assert "top of the customer service ladder" in plan.step("inside").detail


# --- the person is not sure -----------------------------------------------------------------

def test_not_sure_builds_the_plan_for_the_best_suggestion_and_says_why(plans) -> None:
    plan = plans["not_sure"]
    best = plan.suggestions[0]
    assert plan.target == best.career and len(plan.suggestions) == 3
    assert plan.chosen_because and best.career.name in plan.chosen_because
    assert best.why in plan.chosen_because


def test_not_sure_with_nothing_to_go_on_says_the_pick_is_not_personal(plans, kb) -> None:
    plan = plans["not_sure_no_clues"]
    assert plan.target == kb.careers()[0]
    assert plan.chosen_because and "haven't named strengths or priorities" in plan.chosen_because


def test_a_chosen_target_has_no_chosen_because(plans) -> None:
    assert plans["rep_to_sales"].chosen_because is None and not plans["rep_to_sales"].suggestions


# --- what the documents don't say -----------------------------------------------------------

def test_a_target_the_documents_say_little_about_still_gets_a_plan_that_says_what_is_missing(
        plans, kb) -> None:
    plan = plans["little_known_target"]
    career = kb.career("organizational_development")
    assert not career.skill_ids and not career.to_add and not career.figures  # the premise
    assert [s.id for s in plan.steps] == list(EXPECTED_ORDER)
    name = career.name
    assert set(plan.missing) >= {f"The documents don't say which skills {name} draws on.",
                                 f"The documents don't say what to learn for {name}.",
                                 f"The documents give no pay figure for {name}."}
    # the general ways to learn are still offered, with their cost and time
    assert "training_options/certifications_online_courses" in plan.step("gaps").refs
    assert "training_options/self_study" in plan.step("gaps").refs


def test_a_priority_the_documents_are_silent_on_is_named_as_missing(plans) -> None:
    plan = plans["little_known_target"]
    assert any("working remotely" in m for m in plan.missing)


def test_no_strengths_offers_the_targets_skills_to_pick_from(plans, kb) -> None:
    plan = plans["no_strengths"]
    career = kb.career("hr_recruitment")
    strengths = plan.step("strengths").detail
    assert "haven't named your strengths" in strengths
    assert all(kb.skill(s).name in strengths for s in career.skill_ids)
    assert refs_of(plan, "gaps", "skills") == set(career.skill_ids)


def test_no_strengths_and_a_target_without_skills_offers_the_transferable_skills(plans, kb):
    plan = plans["no_strengths_little_known"]
    assert not plan.target.skill_ids  # the premise
    strengths = plan.step("strengths").detail
    assert all(s.name in strengths for s in kb.transferable_skills())


def test_someone_who_has_every_skill_the_target_values_has_no_gaps_but_ways_to_grow(kb):
    career = kb.career("healthcare_legal")
    plan = build_plan(Profile("representative", target_career_id=career.id,
                              strengths=career.skill_ids), kb)
    gaps = plan.step("gaps")
    assert "already have every skill" in gaps.detail
    assert not refs_of(plan, "gaps", "skills")
    assert "training_options/self_study" in gaps.refs


def test_a_remote_priority_adds_the_documents_advice_on_remote_jobs(plans) -> None:
    remote = plans["country_covered_by_region"].step("apply")
    not_remote = plans["rep_to_sales"].step("apply")
    assert "remote_work/remote_job_platforms" in remote.refs
    assert "remote_work/remote_job_platforms" not in not_remote.refs
    calm = plans["no_strengths_little_known"].step("apply")
    assert "wellbeing/employer_support" in calm.refs
    assert "wellbeing/employer_support" not in not_remote.refs


def test_years_in_service_are_used_when_given(plans) -> None:
    assert "4 years in customer service" in plans["little_known_target"].step("inside").detail
    assert "years in customer service" not in plans["no_strengths"].step("inside").detail


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", [
    Profile("representative", target_career_id="data_scientist"),
    Profile("astronaut"),
    Profile("representative", strengths=("juggling",)),
    Profile("representative", region_id="mars"),
])
def test_unknown_ids_fail_with_the_knowledge_bases_error(kb, profile) -> None:
    with pytest.raises(UnknownEntry):
        build_plan(profile, kb)


def test_a_country_outside_the_region_given_is_an_error(kb) -> None:
    with pytest.raises(ValueError, match="not in region"):
        build_plan(Profile("representative", region_id="us", country_id="germany"), kb)
