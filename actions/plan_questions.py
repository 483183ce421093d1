"""Moving about inside the plan's questions: "where was I?" recalls the answers so far, "go
back" reopens the last one; the questions then go on (rules in data/rules.yml)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge_base import knowledge
from actions.plan_form import ELSEWHERE, NOT_SURE, PLAN_SLOTS, QUESTION_NAMES, UNKNOWN_YEARS, known
from actions.replies import bullets, say
from knowledge.repository import CareerKnowledge
from plans.profile import priority_label


def described(slot: str, value: Any, kb: CareerKnowledge) -> str:
    """An answer as the person would recognise it."""
    if slot == "plan_role" and known(kb, "role", value):
        return kb.role(value).name
    if slot == "plan_years":
        return "not said" if value == UNKNOWN_YEARS else f"{value} years"
    if slot == "plan_strengths":
        return ", ".join(kb.skill(v).name for v in value if known(kb, "skill", v))
    if slot == "plan_priorities":
        return ", ".join(priority_label(v) for v in value)
    if slot == "plan_target":
        return "not sure yet" if value == NOT_SURE else kb.career(value).name
    if slot == "plan_region":
        return "somewhere else" if value == ELSEWHERE else kb.region(value).name
    return str(value)


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
            f"{QUESTION_NAMES[s][0].upper()}{QUESTION_NAMES[s][1:]}: "
            f"{described(s, tracker.get_slot(s), kb)}" for s in slots))
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
