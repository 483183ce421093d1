"""Moving about inside the plan's questions: "where was I?" recalls the answers so far, "go
back" reopens the last one; the questions then go on (rules in data/rules.yml)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge_base import knowledge
from actions.plan_form import ELSEWHERE, NOT_SURE, PLAN_SLOTS, UNKNOWN_YEARS, known, question_name
from actions.replies import bullets, phrase, say
from knowledge.repository import CareerKnowledge
from plans.profile import priority_label


def described(slot: str, value: Any, kb: CareerKnowledge) -> str:
    """An answer as the person would recognise it."""
    if slot == "plan_role" and known(kb, "role", value):
        return kb.role(value).name
    if slot == "plan_years" and value == UNKNOWN_YEARS:
        return phrase("plan_form.answers.years_unknown")
    if slot == "plan_years":
        return phrase("plan_form.answers.years", years=value)
    if slot == "plan_strengths":
        return ", ".join(kb.skill(v).name for v in value if known(kb, "skill", v))
    if slot == "plan_priorities":
        return ", ".join(priority_label(v) for v in value)
    if slot == "plan_target" and value == NOT_SURE:
        return phrase("plan_form.answers.target_unknown")
    if slot == "plan_target":
        return kb.career(value).name
    if slot == "plan_region" and value == ELSEWHERE:
        return phrase("plan_form.answers.region_elsewhere")
    if slot == "plan_region":
        return kb.region(value).name
    return str(value)


def capitalised(text: str) -> str:
    """"your role" -> "Your role": a question's name opening a line of the recap."""
    return text[:1].upper() + text[1:]


def answered(tracker: Tracker) -> list[str]:
    return [s for s in PLAN_SLOTS if tracker.get_slot(s) not in (None, [])]


class ActionPlanRecap(Action):
    def name(self) -> str:
        return "action_plan_recap"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        kb = knowledge()
        slots = answered(tracker)
        if not slots:
            say(dispatcher, "utter_plan_recap_nothing")
            return []
        say(dispatcher, "utter_plan_recap", answers=bullets(
            f"{capitalised(question_name(s))}: {described(s, tracker.get_slot(s), kb)}"
            for s in slots))
        return []


class ActionPlanFormBack(Action):
    def name(self) -> str:
        return "action_plan_form_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        requested = tracker.get_slot("requested_slot")
        before = [s for s in answered(tracker)
                  if requested not in PLAN_SLOTS or PLAN_SLOTS.index(s) < PLAN_SLOTS.index(
                      requested)]
        if not before:
            say(dispatcher, "utter_plan_at_start")
            return []
        # the form asks the first question without an answer: the one just reopened
        return [SlotSet(before[-1], None)]
