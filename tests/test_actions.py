"""The custom actions as functions of a tracker: each answer's figures are the knowledge base's,
each factual answer names its source, and follow-ups keep the context."""

from __future__ import annotations

import pytest

from actions import knowledge_base
from actions.answer import answers
from actions.followup import ActionFollowup
from actions.statement import ActionStatement
from knowledge.formatting import amount
from tests.actions_support import band_text, run, tracker


@pytest.fixture(autouse=True)
def loaded(kb):
    knowledge_base.use(kb)
    yield
    knowledge_base.use(None)


def usd(value: float) -> str:
    return amount(value, "USD")


def answer(topic: str, **kw):
    return run(answers()[topic], tracker(topic, **kw))


@pytest.mark.parametrize("role_id", ["representative", "team_lead", "manager", "director"])
def test_pay_for_a_level_is_the_knowledge_bases(kb, role_id):
    role = kb.role(role_id)
    reply = answer("ask_salary", entities={"role": role_id})
    assert usd(role.median_usd) in reply.text and usd(role.average_usd) in reply.text
    assert role.name in reply.text and f"level {role.level} of {len(kb.ladder())}" in reply.text
    assert f"“{role.sources[0].title}”" in reply.text
    assert reply.slot("role") == role_id and reply.slot("last_topic") == "ask_salary"


def test_general_pay_gives_both_medians_each_with_its_source(kb):
    text = answer("ask_salary").text
    for p in kb.pay_figures("median_annual_pay"):
        line = next(line for line in text.splitlines() if usd(p.figure.low) in line)
        assert f"“{p.sources[0].title}”" in line
    assert "don't agree" in text


def test_pay_for_a_career_the_documents_do_not_price_says_so(kb):
    reply = answer("ask_salary", entities={"career": "hr_recruitment"})
    assert "don't give a salary for Human resources and recruitment" in reply.text
    assert "$" not in reply.text


@pytest.mark.parametrize("job", ["data scientist", "airline pilot"])
def test_pay_for_a_job_the_documents_do_not_cover_says_so(job):
    reply = answer("ask_salary", entities={"unknown_job": job})
    assert reply.responses == ["utter_salary_job_unknown"]
    assert "don't give pay for" in reply.text and job in reply.text and "$" not in reply.text


def test_a_move_into_a_job_the_documents_do_not_cover_says_so_and_names_theirs(kb):
    reply = answer("skills_for_career", entities={"unknown_job": "software engineer"})
    assert reply.responses == ["utter_job_unknown"] and "software engineer" in reply.text
    assert all(c.name in reply.text for c in kb.careers())
    assert reply.slot("career") is None


def test_pay_in_general_is_not_mistaken_for_an_unknown_job():
    reply = run(answers()["ask_salary"],
                tracker("ask_salary", text="what's the median pay in customer service"))
    assert reply.responses == ["utter_salary_general"]


def test_pay_in_a_named_country(kb):
    reply = answer("ask_salary_region",
                   entities={"region": "western_europe", "country": "germany"})
    (band,) = kb.region("western_europe").pay
    assert f"€{band.low:,.0f}-€{band.high:,.0f}" in reply.text
    assert f"{usd(band.usd_low)}-{usd(band.usd_high)}" in reply.text
    assert "don't name" not in reply.text
    assert reply.slot("region") == "western_europe"


def test_pay_in_a_country_the_documents_do_not_name_offers_its_region(kb):
    reply = answer("ask_salary_region", entities={"region": "western_europe", "country": "france"})
    assert "don't name France" in reply.text and "Germany, Netherlands" in reply.text
    assert band_text(kb, "western_europe") in reply.text


def test_pay_in_a_country_without_figures_never_invents_one():
    reply = answer("ask_salary_region", entities={"country": "philippines"})
    assert "don't give any salary figures for Philippines" in reply.text
    assert "$" not in reply.text and "€" not in reply.text
    assert reply.buttons  # offers the regions it does cover


def test_a_region_without_figures_says_what_the_source_says(kb):
    reply = answer("ask_salary_region", entities={"region": "canada"})
    assert kb.region("canada").note in reply.text and "$" not in reply.text


def test_a_role_abroad_says_the_figures_are_not_by_level(kb):
    reply = answer("ask_salary", entities={"role": "team_lead", "region": "japan"})
    assert "aren't given by level" in reply.text and band_text(kb, "japan") in reply.text
    # the level's figure is a US one: never given for Japan
    assert usd(kb.role("team_lead").median_usd) not in reply.text


def test_and_in_a_country_after_a_levels_pay_gives_that_countrys_pay_only(kb):
    t = tracker("followup", entities={"region": "japan"}, text="and in japan?",
                slots={"last_topic": "ask_salary", "role": "team_lead"})
    reply = run(ActionFollowup(), t)
    assert band_text(kb, "japan") in reply.text
    assert usd(kb.role("team_lead").median_usd) not in reply.text


def test_no_place_asks_which_with_a_button_per_region(kb):
    reply = answer("ask_salary_region")
    assert len(reply.buttons) == len(kb.regions())


def test_compare_two_levels(kb):
    reply = answer("compare_roles", entities={"role": ["manager", "team_lead"]})
    lead, manager = kb.role("team_lead"), kb.role("manager")
    assert reply.text.index(lead.name) < reply.text.index(manager.name)
    assert usd(lead.median_usd) in reply.text and usd(manager.median_usd) in reply.text
    # a difference would be a figure no source states
    assert usd(manager.median_usd - lead.median_usd) not in reply.text


def test_compare_with_one_level_uses_the_last_one():
    reply = answer("compare_roles", entities={"role": "director"}, slots={"role": "associate"})
    assert "Customer Service Associate" in reply.text and "Director" in reply.text


def test_the_ladder_lists_every_level_in_order(kb):
    text = answer("ask_ladder").text
    positions = [text.index(r.name + ":") for r in kb.ladder()]
    assert positions == sorted(positions)


def test_years_to_a_level_and_the_next_step(kb):
    text = answer("ask_years", entities={"role": "manager"}).text
    manager = kb.role("manager")
    assert f"{manager.years_low}-{manager.years_high} years" in text
    assert kb.role("director").name in text
    assert "top of the ladder" in answer("ask_years", entities={"role": "director"}).text


def test_what_a_role_does(kb):
    text = answer("ask_role_duties", entities={"role": "team_lead"}).text
    assert kb.role("team_lead").duties in text and kb.role("team_lead").focus in text


def test_careers_that_fit_the_persons_strengths(kb):
    reply = answer("careers_fit_me", entities={"skill": ["empathy", "conflict_resolution"]})
    best = kb.paths_for(["empathy", "conflict_resolution"])[0].career
    assert best.name in reply.text and reply.slot("career") == best.id
    assert answer("careers_fit_me").responses == ["utter_ask_strengths"]
    # strengths in their own words ("good with people and computers"): the skills they mean
    reply = answer("careers_fit_me", entities={"skill_meant": ["digital_fluency",
                                                               "interpersonal_skills"]})
    best = kb.paths_for(["digital_fluency", "interpersonal_skills"])[0].career
    assert reply.responses == ["utter_careers_fit_me"] and best.name in reply.text


def test_skills_for_a_career(kb):
    career = kb.career("sales_account_management")
    text = answer("skills_for_career", entities={"career": career.id}).text
    assert career.why_fit in text
    assert all(kb.skill(s).name in text for s in career.skill_ids)
    assert all(item in text for item in career.to_add)


def test_the_steps_out_are_all_there_in_order(kb):
    text = answer("steps_to_leave").text
    for i, step in enumerate(kb.facts("steps_out"), 1):
        assert f"{i}. {step.title}" in text


def test_the_outlook_gives_each_view_with_its_own_source(kb):
    text = answer("ask_outlook").text
    growth = next(line for line in text.splitlines() if "3%" in line)
    decline = next(line for line in text.splitlines() if "decline of 5%" in line)
    assert "Complete Customer Service Professional Career Guide" in growth
    assert "Leaving customer service" in decline


def test_a_named_metric_is_answered_alone(kb):
    text = answer("ask_metrics", entities={"metric": "average_handle_time"}).text
    assert kb.fact("metrics", "average_handle_time").text in text
    assert kb.fact("metrics", "net_promoter_score").title not in text


def test_a_target_for_a_measure_the_sources_give_none_for_is_said_to_be_missing(kb):
    aht = kb.fact("metrics", "average_handle_time")
    reply = answer("ask_metrics", entities={"metric": aht.id},
                   text="whats a normal AHT target then")
    assert reply.responses == ["utter_no_figure_for"] and aht.title in reply.text
    assert aht.text not in reply.text  # no fact block in its place


@pytest.mark.parametrize("entities", [{"role": "representative"}, {}])
def test_an_hourly_question_gets_the_hourly_figures_not_the_yearly_median(kb, entities):
    text = answer("ask_salary", entities=entities,
                  text="whats the median hourly for a CSR these days").text
    assert usd(kb.pay("median_hourly").figure.low).rstrip("0") in text  # $20.59
    assert usd(kb.role("representative").median_usd) not in text


def test_an_hourly_question_about_another_level_is_not_given_the_first_levels_figure(kb):
    text = answer("ask_salary", entities={"role": "manager"},
                  text="what does a manager make per hour").text
    assert usd(kb.pay("median_hourly").figure.low).rstrip("0") not in text
    assert usd(kb.role("manager").median_usd) in text


def test_why_leave_shows_the_linked_figures(kb):
    text = answer("why_leave").text
    assert usd(kb.pay("median_hourly").figure.low).rstrip("0") in text  # $20.59


@pytest.mark.parametrize("topic, entities", [
    ("ask_salary", {}), ("ask_salary", {"role": "team_lead", "region": "japan"}),
    ("ask_salary_region", {"region": "canada"}), ("ask_salary_region", {"region": "us"}),
    ("transferable_skills", {}), ("skills_for_career", {"career": "marketing_cx_strategy"}),
    ("why_leave", {}), ("ask_outlook", {}), ("steps_to_leave", {}), ("how_to_start", {}),
])
def test_no_reply_has_a_blank_line(topic, entities):
    # channels split a text at blank lines: a reply would arrive in pieces, its source alone
    assert "\n\n" not in answer(topic, entities=entities).text


def test_a_follow_up_answers_the_last_question_with_the_new_subject(kb):
    t = tracker("followup", entities={"role": "manager"},
                slots={"last_topic": "ask_salary", "role": "team_lead"})
    reply = run(ActionFollowup(), t)
    assert usd(kb.role("manager").median_usd) in reply.text
    assert reply.slot("role") == "manager"


def test_a_follow_up_on_a_place_keeps_the_place_question(kb):
    t = tracker("followup", entities={"region": "japan"},
                slots={"last_topic": "ask_salary_region", "region": "western_europe",
                       "country": "france"})
    text = run(ActionFollowup(), t).text
    assert band_text(kb, "japan") in text and "France" not in text


def test_a_follow_up_asking_another_side_keeps_the_subject(kb):
    # "and the pay?" after how long a move into HR takes: HR's pay (which the documents lack)
    slots = {"last_topic": "career_timeline", "career": "hr_recruitment"}
    reply = run(ActionFollowup(), tracker("followup", text="and the pay?", slots=slots))
    assert reply.responses == ["utter_salary_career_unknown"]
    assert kb.career("hr_recruitment").name in reply.text
    # "how long does that take?" after a level's pay: the years to that level
    slots = {"last_topic": "ask_salary", "role": "team_lead"}
    reply = run(ActionFollowup(), tracker("followup", text="how long does that take?",
                                          slots=slots))
    lead = kb.role("team_lead")
    assert reply.slot("last_topic") == "ask_years"
    assert f"{lead.years_low}-{lead.years_high} years" in reply.text
    # "how do I start?" after a career: what to add for it
    slots = {"last_topic": "skills_for_career", "career": "hr_recruitment"}
    reply = run(ActionFollowup(), tracker("followup", text="how do i start", slots=slots))
    assert reply.slot("last_topic") == "skills_for_career"
    assert reply.slot("career") == "hr_recruitment"
    # "and the cons?" after a level's duties: the downsides the documents give of the work
    slots = {"last_topic": "ask_role_duties", "role": "team_lead"}
    reply = run(ActionFollowup(), tracker("followup", text="and the cons?", slots=slots))
    assert reply.slot("last_topic") == "why_leave"


def test_a_new_place_with_a_currency_gets_that_places_pay(kb):
    # "what about australia then, in aussie dollars" after the Philippines had no figures
    t = tracker("followup", entities={"region": "australia"},
                text="what about australia then, in aussie dollars",
                slots={"last_topic": "ask_salary_region", "country": "philippines"})
    reply = run(ActionFollowup(), t)
    assert band_text(kb, "australia") in reply.text and reply.slot("region") == "australia"


def test_pay_in_dollars_after_a_place_without_figures_or_a_levels_us_pay(kb):
    # "what's that in us dollars?" after Canada, which has no figures: still none
    t = tracker("followup", text="whats that in us dollars?",
                slots={"last_topic": "ask_salary", "role": "team_lead", "region": "canada"})
    reply = run(ActionFollowup(), t)
    assert reply.responses == ["utter_salary_region_no_figures"] and "$" not in reply.text
    # ... after a level's US pay: the same figures, already in dollars
    t = tracker("followup", text="whats that in us dollars?",
                slots={"last_topic": "ask_salary", "role": "team_lead"})
    reply = run(ActionFollowup(), t)
    assert reply.responses == ["utter_salary_role"]
    assert usd(kb.role("team_lead").median_usd) in reply.text


def test_an_hourly_figure_after_a_places_yearly_pay_is_said_to_be_missing(kb):
    # "how much is that an hour" after Australia: not the US hourly figures in its place
    t = tracker("followup", text="how much is that an hour",
                slots={"last_topic": "ask_salary_region", "region": "australia"})
    reply = run(ActionFollowup(), t)
    assert reply.responses == ["utter_no_figure_for"]
    assert kb.region("australia").name in reply.text
    assert "$" not in reply.text


def test_a_level_after_pay_in_a_place_is_that_levels_pay_there(kb):
    # "and a manager there?" after pay in Japan: not by level, so Japan's figures, said so
    t = tracker("followup", entities={"role": "manager"}, text="and a manager there?",
                slots={"last_topic": "ask_salary_region", "region": "japan"})
    reply = run(ActionFollowup(), t)
    assert "aren't given by level" in reply.text and band_text(kb, "japan") in reply.text


def test_a_careers_pay_beside_the_first_level_is_the_careers(kb):
    # "do trainers get paid much more than agents?": no figure for trainers, none in its place
    reply = answer("ask_salary", entities={"career": "training", "role": "representative"})
    assert reply.responses == ["utter_salary_career_unknown"]
    assert usd(kb.role("representative").median_usd) not in reply.text


def test_a_topic_asked_of_the_last_place_says_it_is_not_given_by_place():
    # "which industries hire the most there" after Hungary's pay
    reply = answer("ask_industries", text="which industries hire the most there",
                   slots={"last_topic": "ask_salary_region", "region": "eastern_europe",
                          "country": "hungary"})
    assert reply.responses == ["utter_topic_not_by_place"]
    # the same question with no place before it is answered
    reply = answer("ask_industries", text="which industries hire the most there")
    assert reply.responses != ["utter_topic_not_by_place"]


def test_how_long_or_how_much_after_certifications_is_about_them(kb):
    # "how long do they take" after certifications: read as the years to a level, it is theirs
    reply = answer("ask_years", text="how long do they take",
                   slots={"last_topic": "ask_education"})
    assert reply.slot("last_topic") == "ask_education"
    assert reply.responses == ["utter_topic_ask_education"]


def test_the_second_one_is_the_second_item_of_the_last_list(kb):
    listing = run(answers()["career_options"], tracker("career_options")).text
    second = kb.careers()[1]
    t = tracker("followup", entities={"ordinal": 2}, text="tell me more about the second one")
    t.events = [{"event": "bot", "text": listing}]
    reply = run(ActionFollowup(), t)
    assert reply.slot("career") == second.id and second.why_fit in reply.text
    # the last level of the ladder, after the ladder
    ladder = run(answers()["ask_ladder"], tracker("ask_ladder")).text
    t = tracker("followup", entities={"ordinal": -1}, text="what about the last one")
    t.events = [{"event": "bot", "text": ladder}]
    assert run(ActionFollowup(), t).slot("role") == kb.ladder()[-1].id
    # its pay, when that is what is asked
    t = tracker("followup", entities={"ordinal": 3}, text="whats the 3rd one pay")
    t.events = [{"event": "bot", "text": ladder}]
    reply = run(ActionFollowup(), t)
    third = kb.ladder()[2]
    assert reply.slot("role") == third.id and reply.responses == ["utter_salary_role"]
    assert amount(third.median_usd, "USD") in reply.text
    # no list before: said plainly
    t = tracker("followup", entities={"ordinal": 2}, text="the second one")
    assert run(ActionFollowup(), t).responses == ["utter_followup_without_topic"]


def test_the_second_one_of_what_the_person_named_side_by_side(kb):
    first, second = kb.careers()[0], kb.careers()[1]
    said = f"torn between {first.name} and {second.name}, which is easier"
    named = [{"entity": "career", "value": c.id, "start": said.index(c.name),
              "end": said.index(c.name) + len(c.name)} for c in (second, first)]
    t = tracker("followup", entities={"ordinal": 2}, text="tell me more about the second one")
    t.events = [{"event": "user", "text": said, "parse_data": {"entities": named}},
                {"event": "bot", "text": "Both are common moves."},
                {"event": "user", "text": "tell me more about the second one"}]
    assert run(ActionFollowup(), t).slot("career") == second.id


def test_the_downsides_of_a_career_the_documents_list_none_of_are_said_to_be_missing(kb):
    slots = {"last_topic": "skills_for_career", "career": "hr_recruitment"}
    reply = run(ActionFollowup(), tracker("followup", text="what about the downsides", slots=slots))
    assert reply.responses == ["utter_no_figure_for"]
    assert f"downsides of working in {kb.career('hr_recruitment').name}" in reply.text


def test_an_id_the_knowledge_base_does_not_have_gets_a_plain_reply():
    reply = answer("ask_salary", entities={"role": "ceo"})
    assert reply.responses == ["utter_unknown_subject"] and reply.events == []


def test_a_follow_up_with_nothing_before_answers_about_the_subject_it_names():
    # "what about tech support instead?" as a first question: the career itself
    reply = run(ActionFollowup(), tracker("followup", entities={"role": "manager"}))
    assert reply.slot("role") == "manager" and reply.slot("last_topic") == "ask_role_duties"
    reply = run(ActionFollowup(), tracker("followup", entities={"career": "technical_support"}))
    assert reply.slot("career") == "technical_support"
    assert reply.slot("last_topic") == "skills_for_career"
    # naming nothing either: what about it?
    assert run(ActionFollowup(), tracker("followup")).responses == [
        "utter_followup_without_topic"]


def test_answers_that_lead_to_a_plan_offer_one(kb):
    assert "/start_plan" in [b["payload"] for b in answer("steps_to_leave").buttons]
    career = kb.careers()[0]
    reply = answer("skills_for_career", entities={"career": career.id})
    assert f'/start_plan{{"career": "{career.id}"}}' in [b["payload"] for b in reply.buttons]
    assert "/start_plan" not in [b["payload"] for b in answer("ask_tools").buttons]


def test_pay_in_a_place_the_documents_do_not_cover_gives_no_other_places_figure(kb):
    t = tracker("ask_salary", text="what do call centre agents earn in dubai",
                entities={"role": "representative", "place": "United Arab Emirates"})
    t.latest_message["entities"][-1].update(start=35, end=40)
    reply = run(answers()["ask_salary"], t)
    assert reply.responses == ["utter_place_no_figures"]
    assert "dubai (United Arab Emirates)" in reply.text and "$" not in reply.text
    assert all(r.name in reply.text for r in kb.regions())


def test_another_currency_only_where_the_source_gives_it(kb):
    euros_after_us = run(ActionFollowup(), tracker("followup", text="and in euros?", slots={
        "last_topic": "ask_salary_region", "region": "us"}))
    assert euros_after_us.responses == ["utter_no_figure_for"] and "€" not in euros_after_us.text
    europe = next(r for r in kb.regions() if any(b.currency == "EUR" for b in r.pay))
    euros = run(ActionFollowup(), tracker("followup", text="in euros?", slots={
        "last_topic": "ask_salary_region", "region": europe.id}))
    assert band_text(kb, europe.id) in euros.text


def test_a_follow_up_naming_a_career_after_a_topic_about_none_answers_about_the_career(kb):
    t = tracker("followup", entities={"career": "hr_recruitment"},
                text="ok what about HR, what would I need?", slots={"last_topic": "why_leave"})
    reply = run(ActionFollowup(), t)
    assert reply.responses == ["utter_skills_for_career"]
    assert kb.career("hr_recruitment").name in reply.text
    assert reply.slot("career") == "hr_recruitment"


def test_the_next_level_is_the_one_above_the_role_named_or_talked_about(kb):
    # "im a csr, what's the next level up and what does it pay"
    reply = answer("ask_salary", entities={"role": "representative", "next_level": "above"})
    above = kb.next_role("representative")
    assert reply.slot("role") == above.id and above.name in reply.text
    # "what comes after team lead": the ladder's answer is that level
    reply = answer("ask_ladder", entities={"role": "team_lead", "next_level": "above"})
    assert reply.slot("role") == kb.next_role("team_lead").id
    assert kb.next_role("team_lead").name in reply.text
    # "and after that?" after the associate's years: the level above the associate
    reply = run(answers()["ask_years"], tracker("followup", entities={"next_level": "above"},
                                                slots={"role": above.id}, text="and after that?"))
    assert reply.slot("role") == kb.next_role(above.id).id


def test_a_country_asked_about_picks_the_facts_that_name_it(kb):
    # "and in the UK?" after visas: the UK's points-based system, not the whole list again
    reply = answer("ask_visa", entities={"region": "western_europe",
                                         "country": "united_kingdom"})
    assert kb.fact("visas", "points_based_systems").text in reply.text
    assert kb.fact("visas", "express_entry").title not in reply.text
    assert reply.slot("country") == "united_kingdom"
    # a country no visa fact names: the list as it is; the country is remembered, so that
    # "and what would i earn there" is about it
    reply = answer("ask_visa", entities={"country": "japan"})
    assert kb.fact("visas", "express_entry").title in reply.text
    assert reply.slot("country") == "japan"


def test_a_statement_about_one_role_or_about_pay_gets_what_the_documents_say(kb):
    # "Call center supervisors are just glorified babysitters, change my mind."
    reply = run(ActionStatement(), tracker("statement", entities={"role": "team_lead"},
                                           text="supervisors are just glorified babysitters"))
    assert reply.slot("last_topic") == "ask_role_duties" and reply.slot("role") == "team_lead"
    # "8 Reasons why Call Center Agents should earn more": the pay of each level
    reply = run(ActionStatement(), tracker(
        "statement", entities={"role": "representative"},
        text="8 reasons why call center agents should earn more"))
    assert reply.slot("last_topic") == "ask_ladder"
    assert amount(kb.role("team_lead").median_usd, "USD") in reply.text
    # pay without a role ("leaving means a pay cut"): no list of levels
    reply = run(ActionStatement(), tracker("statement", text="leaving means a pay cut"))
    assert reply.slot("last_topic") != "ask_ladder"


def test_a_statement_gets_an_entry_only_when_it_is_clearly_about_it(kb):
    # "Now everything is timed. Everything.": a loosely related fact is no reply to a vent
    loose = run(ActionStatement(), tracker("statement", text="now everything is timed",
                                           matches=[("fact:why_leave/demoralizing_calls", 0.6)]))
    assert loose.responses == ["utter_acknowledge_said", "utter_statement_next"]
    close = run(ActionStatement(), tracker("statement", text="the calls are so demoralising",
                                           matches=[("fact:why_leave/demoralizing_calls", 0.8)]))
    assert kb.fact("why_leave", "demoralizing_calls").title in close.text


def test_someone_saying_who_they_are_gets_the_way_on_not_an_entry_it_resembles():
    reply = run(ActionStatement(), tracker(
        "statement", text="i'm in retail customer service, 3 years",
        matches=[("fact:job_readiness/entry_timeline", 0.9)]))
    assert reply.responses == ["utter_acknowledge_said", "utter_statement_next"]


def test_an_apology_gets_reassurance_and_the_way_on_not_an_entry_it_resembles():
    # "sorry if this is the wrong place to ask": close in meaning to some entry or not, no fact
    reply = run(ActionStatement(), tracker(
        "statement", entities={"feeling": "sorry"}, text="sorry if this is the wrong place",
        matches=[("fact:cons/strict_metrics", 0.9)]))
    assert reply.responses == ["utter_acknowledge_sorry", "utter_statement_next"]
    assert reply.slot("last_topic") is None


def test_a_statement_about_getting_out_gets_the_steps_out_after_one_acknowledgement(kb):
    reply = run(ActionStatement(), tracker(
        "statement", text="once you are in one it is fairly difficult to get out unless you go "
        "to another call centre"))
    assert reply.slot("last_topic") == "steps_to_leave"
    assert reply.responses[0] == "utter_acknowledge_said"
    assert sum(r.startswith("utter_acknowledge") for r in reply.responses) == 1
    # a statement about something else gets no steps out
    reply = run(ActionStatement(), tracker("statement", text="my manager is nice enough"))
    assert reply.slot("last_topic") != "steps_to_leave"


def test_is_it_worth_it_after_a_level_compares_it_with_the_level_below(kb):
    reply = run(answers()["why_stay"], tracker("why_stay", text="is it worth it?", slots={
        "role": "team_lead", "last_topic": "ask_role_duties"}))
    below = kb.ladder()[[r.id for r in kb.ladder()].index("team_lead") - 1]
    assert reply.slot("last_topic") == "compare_roles"
    for role in (kb.role("team_lead"), below):
        assert role.name in reply.text and amount(role.median_usd, "USD") in reply.text
