"""The plan's questions: each answer becomes knowledge-base ids; an answer that can't be used is
asked again, then defaulted with a note; a question asked instead is answered."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge_base
from actions.plan_form import (
    ELSEWHERE,
    NOT_SURE,
    ActionAskPlanPriorities,
    ActionAskPlanRegion,
    ActionAskPlanRole,
    ActionAskPlanTarget,
    ValidatePlanForm,
    parse_priorities,
    parse_years,
)
from plans.profile import priority_ids, priority_label
from tests.actions_support import domain, rendered, run, tracker


@pytest.fixture(autouse=True)
def loaded(kb):
    knowledge_base.use(kb)
    yield
    knowledge_base.use(None)


def answer(slot: str, value: Any, intent: str = "nlu_fallback", confidence: float = 0.4,
           entities: dict[str, Any] | None = None, misses: int = 0
           ) -> tuple[dict[str, Any], CollectingDispatcher]:
    """validate_<slot> on an answer to that question."""
    t = tracker(intent, entities=entities, text=str(value),
                slots={"requested_slot": slot, "plan_misses": misses})
    t.latest_message["intent"]["confidence"] = confidence
    dispatcher = CollectingDispatcher()
    result = getattr(ValidatePlanForm(), f"validate_{slot}")(value, dispatcher, t, domain())
    return result, dispatcher


@pytest.mark.parametrize("text, years", [
    ("3", 3), ("3 years", 3), ("about five years now", 5), ("six months", 0), ("18 months", 1),
    ("a year and a half", 1), ("a couple of years", 2), ("2.5 yrs", 2), ("just started", 0),
])
def test_years_are_read_from_how_people_say_them(text, years):
    assert parse_years(text) == years
    assert answer("plan_years", text)[0]["plan_years"] == years


@pytest.mark.parametrize("text", ["never", "70 years", "loads", ""])
def test_years_that_make_no_sense_are_not_taken(text):
    assert parse_years(text) is None


@pytest.mark.parametrize("text, expected", [
    ("pay and working from home", ["pay", "remote"]),
    ("less stress, honestly", ["less_stress"]),
    ("room to grow and more money", ["pay", "growth"]),
    ("all of them", list(priority_ids())),
])
def test_priorities_are_read_from_free_text(text, expected):
    assert parse_priorities(text) == expected


def test_a_list_slot_filled_from_text_is_read_as_text():
    # Rasa fills a list slot from text as a one-item list
    result, _ = answer("plan_priorities", ["pay and working from home"])
    assert result["plan_priorities"] == ["pay", "remote"]


def test_all_inside_a_sentence_is_not_all_priorities():
    assert parse_priorities("I don't care about pay at all") == ["pay"]


def test_a_role_comes_from_the_entity_the_pipeline_found(kb):
    result, dispatcher = answer("plan_role", "I'm a TL", entities={"role": "team_lead"})
    assert result["plan_role"] == "team_lead" and result["plan_misses"] == 0
    assert dispatcher.messages == []


def test_strengths_become_skill_ids(kb):
    skills = [s.id for s in kb.transferable_skills()[:2]]
    result, _ = answer("plan_strengths", "patient and calm", entities={"skill": skills})
    assert result["plan_strengths"] == skills


@pytest.mark.parametrize("text", ["not sure", "no idea tbh", "you pick", "idk"])
def test_not_sure_of_the_target_asks_for_suggestions(text):
    assert answer("plan_target", text)[0]["plan_target"] == NOT_SURE


def test_a_target_career_is_its_id(kb):
    career = kb.careers()[0].id
    assert answer("plan_target", "that one", entities={"career": career})[0] == {
        "plan_target": career, "plan_misses": 0}


def test_a_place_the_documents_do_not_cover_can_be_said():
    assert answer("plan_region", "somewhere else")[0]["plan_region"] == ELSEWHERE
    assert answer("plan_region", "Germany", entities={"region": "western_europe"})[0][
        "plan_region"] == "western_europe"


def test_an_answer_it_cannot_use_is_asked_again_then_defaulted(kb):
    result, dispatcher = answer("plan_role", "banana")
    assert result == {"plan_role": None, "plan_misses": 1}
    assert [m["response"] for m in dispatcher.messages] == ["utter_plan_answer_not_understood"]

    result, dispatcher = answer("plan_role", "banana again", misses=1)
    first = kb.ladder()[0]
    assert result == {"plan_role": first.id, "plan_misses": 0}
    note = rendered(dispatcher.messages[0])
    assert dispatcher.messages[0]["response"] == "utter_plan_answer_defaulted"
    assert first.name in note


def test_strengths_default_to_the_commonest_transferable_skills(kb):
    result, dispatcher = answer("plan_strengths", "dunno", misses=1)
    assert result["plan_strengths"] == [s.id for s in kb.transferable_skills()[:3]]
    assert kb.transferable_skills()[0].name.lower() in rendered(dispatcher.messages[0])


def test_a_question_instead_of_an_answer_is_answered_and_not_counted(kb):
    manager = kb.role("manager")
    result, dispatcher = answer("plan_years", "what does a manager make?", intent="ask_salary",
                                confidence=0.95, entities={"role": "manager"})
    assert result["plan_years"] is None and "plan_misses" not in result
    assert result.get("role") == "manager"
    assert [m["response"] for m in dispatcher.messages] == ["utter_salary_role"]
    assert manager.name in rendered(dispatcher.messages[0])


def test_an_answer_that_reads_like_a_question_is_still_an_answer():
    # "pay" is read as a salary question, but it answers "what matters most?"
    result, dispatcher = answer("plan_priorities", "pay", intent="ask_salary", confidence=0.97)
    assert result["plan_priorities"] == ["pay"] and dispatcher.messages == []


def test_a_value_filled_in_passing_is_ignored_when_it_is_no_answer():
    t = tracker("greet", text="hello", slots={"requested_slot": "plan_role"})
    result = ValidatePlanForm().validate_plan_region("hello", CollectingDispatcher(), t, domain())
    assert result == {"plan_region": None}


def test_the_form_validates_what_the_latest_message_filled(kb):
    """Through rasa_sdk's own form validation: the slot set this turn is read and replaced."""
    events = [{"event": "user", "text": "3 years"},
              {"event": "slot", "name": "plan_years", "value": "3 years"}]
    t = Tracker("tester", {"requested_slot": "plan_years", "plan_years": "3 years"},
                {"text": "3 years", "intent": {"name": "ask_years", "confidence": 0.9},
                 "entities": []}, events, False, None, {"name": "plan_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    out = asyncio.run(ValidatePlanForm().run(dispatcher, t, domain()))
    assert {"event": "slot", "timestamp": None, "name": "plan_years", "value": 3} in out


def test_the_role_question_offers_the_ladder(kb):
    reply = run(ActionAskPlanRole(), tracker("start_plan"))
    assert [b["title"] for b in reply.buttons] == [r.name for r in kb.ladder()]


def test_the_target_question_offers_careers_for_the_strengths_and_not_sure(kb):
    skills = [kb.careers()[-1].skill_ids[0]]
    reply = run(ActionAskPlanTarget(), tracker("start_plan", slots={"plan_strengths": skills}))
    titles = [b["title"] for b in reply.buttons]
    assert titles[:-1] == [m.career.name for m in kb.paths_for(skills)][:len(titles) - 1]
    assert titles[-1] == "Not sure"


def test_the_region_question_offers_the_documents_regions(kb):
    reply = run(ActionAskPlanRegion(), tracker("start_plan"))
    assert [b["title"] for b in reply.buttons][:-1] == [r.name for r in kb.regions()]


def test_every_question_of_the_form_is_validated():
    from actions.plan_form import PLAN_SLOTS

    assert tuple(domain()["forms"]["plan_form"]["required_slots"]) == PLAN_SLOTS
    for slot in PLAN_SLOTS:
        assert callable(getattr(ValidatePlanForm(), f"validate_{slot}"))


def test_the_priority_buttons_are_the_plans_priorities_and_read_back_as_them():
    reply = run(ActionAskPlanPriorities(), tracker("start_plan"))
    titles = [b["title"] for b in reply.buttons]
    assert titles == [priority_label(p) for p in priority_ids()]
    assert [parse_priorities(b["payload"]) for b in reply.buttons] == [[p] for p in priority_ids()]


def test_an_answer_that_fits_another_question_is_kept_for_it():
    # "project management" to "what matters most?": the career, kept; the question again
    result, dispatcher = answer("plan_priorities", ["project management"],
                                entities={"career": "project_management"})
    assert result == {"plan_priorities": None, "plan_target": "project_management"}
    assert [m["response"] for m in dispatcher.messages] == ["utter_plan_answer_kept"]
    # "less stress" to "what are you good at?": a priority, kept
    result, _ = answer("plan_strengths", ["less stress"])
    assert result["plan_strengths"] is None and result["plan_priorities"]


def test_a_question_asked_instead_is_not_taken_as_another_answer():
    result, dispatcher = answer("plan_role", "how do I get into HR?", intent="skills_for_career",
                                confidence=0.95, entities={"career": "hr_recruitment"})
    assert "plan_target" not in result
    assert [m["response"] for m in dispatcher.messages] == ["utter_skills_for_career"]


def test_where_was_i_recalls_the_answers_and_go_back_reopens_the_last(kb):
    from actions.plan_questions import ActionPlanFormBack, ActionPlanRecap

    slots = {"plan_role": "team_lead", "plan_years": 4, "requested_slot": "plan_strengths"}
    reply = run(ActionPlanRecap(), tracker("plan_resume", slots=slots))
    assert kb.role("team_lead").name in reply.text and "4 years" in reply.text
    back = run(ActionPlanFormBack(), tracker("plan_back", slots=slots))
    assert back.events == [{"event": "slot", "timestamp": None, "name": "plan_years",
                            "value": None}]
    first = run(ActionPlanFormBack(), tracker("plan_back", slots={"requested_slot": "plan_role"}))
    assert first.responses == ["utter_plan_at_start"] and first.events == []


def test_strengths_in_ones_own_words_are_read_by_meaning_and_said_back(kb):
    t = tracker("nlu_fallback", text="coaching people, scheduling, reporting",
                entities={"skill_meant": ["leadership_coaching", "organization",
                                          "time_management"]},
                slots={"requested_slot": "plan_strengths", "plan_misses": 0})
    dispatcher = CollectingDispatcher()
    result = ValidatePlanForm().validate_plan_strengths(["coaching people, scheduling, reporting"],
                                                        dispatcher, t, domain())
    assert result["plan_strengths"] == ["leadership_coaching", "organization", "time_management"]
    said = [rendered(m) for m in dispatcher.messages]
    assert len(said) == 1 and kb.skill("leadership_coaching").name in said[0]
    assert "go back" in said[0]


def test_a_country_without_figures_answers_where_you_work():
    result, _ = answer("plan_region", "India", entities={"country": "india"})
    assert result["plan_region"] == ELSEWHERE
