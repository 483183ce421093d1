"""The personal plan once the questions are answered: build it, step through it, export it,
delete it. The plan itself comes from plans/ (a pure function of the profile and the knowledge
base); it is saved by sender id, so a person who comes back later continues where they were."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.context import mentioned
from actions.knowledge_base import knowledge
from actions.plan_form import ELSEWHERE, NOT_SURE, UNKNOWN_YEARS
from actions.plan_store import plans
from actions.replies import bullets, phrase, say, sources
from knowledge.repository import UnknownEntry
from plans.builder import build_plan
from plans.export import to_markdown
from plans.forgetting import FORGET_KEY, delete_conversation, forget_event
from plans.links import path_for
from plans.profile import Profile
from plans.saved import SavedPlan
from plans.store import PlanStore
from settings import link_ttl

logger = logging.getLogger(__name__)

# The answers of one plan's questions: cleared once the plan is built, so the next plan asks
# again. The place is kept: it is where the person works, not an answer to this plan only.
PLAN_ANSWERS = ("plan_role", "plan_years", "plan_strengths", "plan_priorities", "plan_target")


def profile_from(tracker: Tracker) -> Profile:
    years = tracker.get_slot("plan_years")
    target = tracker.get_slot("plan_target")
    region = tracker.get_slot("plan_region")
    return Profile(
        current_role_id=tracker.get_slot("plan_role"),
        years_in_service=None if years in (None, UNKNOWN_YEARS) else int(years),
        target_career_id=None if target in (None, NOT_SURE) else target,
        strengths=tuple(tracker.get_slot("plan_strengths") or ()),
        priorities=tuple(tracker.get_slot("plan_priorities") or ()),
        region_id=None if region in (None, ELSEWHERE) else region,
        country_id=consistent_country(tracker.get_slot("plan_country"), region),
    )


def consistent_country(country_id: str | None, region: str | None) -> str | None:
    """The country said in the conversation, if it agrees with the plan's region. A country
    asked about earlier ("pay in India?") must not contradict the region chosen for the plan
    ("United States"): the region, answered for the plan, wins."""
    if country_id is None:
        return None
    try:
        country = knowledge().country(country_id)
    except UnknownEntry:
        return None
    if region == ELSEWHERE:  # "India": kept, so the plan can say it has no figures there
        return country_id if country.region_id is None else None
    return country_id if region is None or country.region_id == region else None


def show_step(dispatcher: CollectingDispatcher, saved: SavedPlan) -> None:
    """The current step with where the person is ("Step 3 of 8"), or the end of the plan."""
    step = saved.current
    if step is None:
        say(dispatcher, "utter_plan_finished", done=len(saved.done_ids), total=saved.total)
        return
    status = (phrase("plan.done") if saved.is_done(step.id)
              else phrase("plan.skipped") if saved.is_skipped(step.id) else "")
    say(dispatcher, "utter_plan_step", position=saved.position.number, total=saved.total,
        status=status, title=step.title, detail=step.detail, why=step.why,
        sources=sources(step.citations))


def show_whole(dispatcher: CollectingDispatcher, saved: SavedPlan) -> None:
    def line(number: int, title: str, step_id: str) -> str:
        mark = (phrase("plan.mark_done") if saved.is_done(step_id)
                else phrase("plan.mark_skipped") if saved.is_skipped(step_id) else "")
        here = phrase("plan.you_are_here") if number == saved.position.number else ""
        return f"{number}. {mark}{title}{here}"

    steps = "\n".join(line(i, s.title, s.id) for i, s in enumerate(saved.steps, 1))
    say(dispatcher, "utter_plan_whole", career=saved.target_name, done=len(saved.done_ids),
        total=saved.total, position=saved.position.number or saved.total, steps=steps)


def unavailable(dispatcher: CollectingDispatcher) -> list[EventType]:
    say(dispatcher, "utter_plan_unavailable")
    return []


class ActionPlanBuild(Action):
    """After the last question: build the plan, save it, show the first step."""

    def name(self) -> str:
        return "action_plan_build"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        plan = build_plan(profile_from(tracker), knowledge())
        if plan.suggestions:
            say(dispatcher, "utter_plan_career_suggestions", career=plan.target_name,
                suggestions=bullets(f"{s.career.name}: {s.why}" for s in plan.suggestions))
        try:
            saved = plans().save(tracker.sender_id, plan)
        except SQLAlchemyError:
            return unavailable(dispatcher)
        say(dispatcher, "utter_plan_ready", career=saved.target_name, total=saved.total)
        show_step(dispatcher, saved)
        return [SlotSet(slot, None) for slot in PLAN_ANSWERS]


class ActionPlanStart(Action):
    """Before the plan's questions: someone who has a plan and names another career ("change my
    target to project management") gets their saved answers back with that target, so the
    questions are all answered and the plan is rebuilt at once, not asked for again."""

    def name(self) -> str:
        return "action_plan_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        careers = mentioned(tracker, "career")
        try:
            saved = plans().load(tracker.sender_id) if careers else None
        except SQLAlchemyError:
            saved = None
        if saved is None or saved.profile.target_career_id == careers[-1]:
            return []
        say(dispatcher, "utter_plan_retargeted", career=knowledge().career(careers[-1]).name)
        return answers_of(replace(saved.profile, target_career_id=careers[-1]))


def answers_of(profile: Profile) -> list[EventType]:
    """The plan's questions answered as the profile says (the inverse of profile_from)."""
    return [SlotSet("plan_role", profile.current_role_id),
            SlotSet("plan_years", UNKNOWN_YEARS if profile.years_in_service is None
                    else profile.years_in_service),
            SlotSet("plan_strengths", list(profile.strengths)),
            SlotSet("plan_priorities", list(profile.priorities)),
            SlotSet("plan_target", profile.target_career_id or NOT_SURE),
            SlotSet("plan_region", profile.region_id or ELSEWHERE),
            SlotSet("plan_country", profile.country_id)]


# intent -> what it does to the saved plan; any other intent (repeat, resume, show) only looks
MOVES: dict[str, Callable[[PlanStore, str, str | None], SavedPlan | None]] = {
    "plan_next": PlanStore.next,
    "plan_back": PlanStore.back,
    "plan_skip": PlanStore.skip,
    "plan_done": PlanStore.mark_done,
    "plan_restart": PlanStore.restart,
}


class ActionPlanStep(Action):
    """next, back, repeat, skip, done, start over, where was I, the whole plan."""

    def name(self) -> str:
        return "action_plan_step"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or "plan_resume"
        move = MOVES.get(intent)
        # the message's id makes a step idempotent: the same message sent again (its reply
        # was lost) shows the plan where that message left it instead of moving it again
        message_id = tracker.latest_message.get("message_id")
        try:
            before = plans().current(tracker.sender_id)
            saved = (before if before is None or move is None
                     else move(plans(), tracker.sender_id, message_id))
        except SQLAlchemyError:
            return unavailable(dispatcher)
        if before is None or saved is None:
            say(dispatcher, "utter_no_plan")
            return []
        if intent == "plan_show":
            show_whole(dispatcher, saved)
            return []
        if intent == "plan_back" and before.at_start:
            say(dispatcher, "utter_plan_at_start")
        if intent == "plan_restart":
            say(dispatcher, "utter_plan_restarted")
        show_step(dispatcher, saved)
        return []


class ActionPlanExport(Action):
    """The whole plan as Markdown, to copy or save."""

    def name(self) -> str:
        return "action_plan_export"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        on_page = tracker.get_latest_input_channel() == "socketio"
        try:
            saved = plans().load(tracker.sender_id)
            # On the website: a download link (served by the page, channels/webpage.py).
            token = plans().link_for(tracker.sender_id) if saved and on_page else None
        except SQLAlchemyError:
            return unavailable(dispatcher)
        if saved is None:
            say(dispatcher, "utter_no_plan")
            return []
        if token is not None:
            say(dispatcher, "utter_plan_download", link=path_for(token),
                minutes=link_ttl() // 60)
        else:
            say(dispatcher, "utter_plan_export", markdown=to_markdown(saved))
        return []


class ActionPlanDelete(Action):
    """After the person confirmed ("forget me"): the stored conversation, the plan, its progress
    and download links go, then the plan's answers; "deleted" is said only once that succeeded.
    The restart event marked to forget makes the Rasa server's tracker store drop this last turn
    too (and the conversation kept in its memory, and the sentence cache's copies of what the
    person wrote: rasa_ext/tracker_store.py), and the next message starts afresh. The marker in the
    reply tells the web page to clear the chat it saved (web/app.js)."""

    def name(self) -> str:
        return "action_plan_delete"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        try:
            delete_conversation(tracker.sender_id)
            deleted = plans().delete(tracker.sender_id)
        except Exception:  # a database that is down or refuses: nothing is claimed
            logger.exception("forgetting %s failed", tracker.sender_id)
            say(dispatcher, "utter_forget_failed")
            return []
        say(dispatcher, "utter_plan_deleted" if deleted else "utter_plan_nothing_to_delete")
        if tracker.get_latest_input_channel() == "socketio":
            dispatcher.utter_message(json_message={FORGET_KEY: True})
        return [*(SlotSet(slot, None) for slot in (*PLAN_ANSWERS, "plan_region", "plan_country")),
                forget_event()]
