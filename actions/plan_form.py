"""The plan's questions (plan_form in domain.yml): each answer is turned into knowledge-base ids.

An answer it can't use is asked again; after two in a row a sensible default is taken, and said.
A question asked instead of an answer ("what does a manager make?") is answered, and the form
asks again: that is why every slot is filled from any text and sorted out here, rather than by
excluding question intents (an answer like "pay" or "I'm good with people" reads as a question).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answer import answers
from actions.context import mentioned
from actions.knowledge_base import knowledge
from actions.replies import button, phrase, say
from knowledge.repository import CareerKnowledge, UnknownEntry
from plans.profile import priority_ids, priority_label, priority_words
from understanding.feelings import asks_something

# A message read as a question with at least this confidence is answered, not taken as an answer;
# one shaped like a question ("what does a manager make?") with at least the second.
QUESTION_CONFIDENCE = 0.8
QUESTION_SHAPED_CONFIDENCE = 0.5
# A question the classifier is unsure of, answered about the career or level it names
SUBJECT_QUESTIONS = (("career", "skills_for_career"), ("role", "ask_role_duties"))
MISSES_BEFORE_DEFAULT = 2
MAX_YEARS = 50
NOT_SURE = "not_sure"  # plan_target: suggest careers
ELSEWHERE = "elsewhere"  # plan_region: a place the documents don't cover
UNKNOWN_YEARS = "unknown"  # plan_years: not said
# The questions, in the order plan_form asks them (domain.yml)
PLAN_SLOTS = ("plan_role", "plan_years", "plan_strengths", "plan_priorities", "plan_target",
              "plan_region")
# The questions an answer to another one can fill (see answer_to_another_question).
CROSS_READ = ("plan_target", "plan_role", "plan_region", "plan_strengths", "plan_priorities")


@cache
def vocabulary() -> dict[str, Any]:
    return yaml.safe_load((Path(__file__).parent / "plan_answers.yml").read_text())


def question_name(slot: str) -> str:
    """How a question is named when an answer is kept for another, or the answers are
    recalled ("your role")."""
    return phrase(f"plan_form.questions.{slot}")


def text_of(value: Any) -> str:
    """A slot's raw answer as text: a list slot (strengths, priorities) filled from text holds
    the message as a one-item list."""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return "" if value is None else str(value)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9.']+", text.lower())


def says_any(text: str, phrases: list[str]) -> bool:
    """Whether one of the phrases occurs in the text as whole words."""
    padded = f" {' '.join(words(text))} "
    return any(f" {' '.join(words(p))} " in padded for p in phrases)


def parse_years(text: str) -> int | None:
    """Whole years from "3", "3 years", "six months", "about a year and a half"."""
    tokens = words(text)
    numbers: dict[str, int] = vocabulary()["numbers"]
    for i, token in enumerate(tokens):
        value: float | None = None
        if re.fullmatch(r"\d+(\.\d+)?", token):
            value = float(token)
        elif token in ("a", "an"):
            # "a year" is one; "a couple of years" is the couple's
            if i + 1 < len(tokens) and tokens[i + 1].startswith(("year", "month")):
                value = 1
        elif token in numbers:
            value = numbers[token]
        if value is None:
            continue
        unit = next((t for t in tokens[i + 1:i + 3] if t.startswith(("year", "yr", "month"))),
                    "year")
        years = int(value // 12) if unit.startswith("month") else int(value)
        return years if 0 <= years <= MAX_YEARS else None
    if says_any(text, vocabulary()["just_started"]):
        return 0
    return None


def parse_priorities(text: str) -> list[str]:
    vocab = vocabulary()
    phrases = [p for p in vocab["all_priorities"] if p != "all"]
    if says_any(text, phrases) or words(text) == ["all"]:
        return list(priority_ids())
    return [p for p in priority_ids() if says_any(text, list(priority_words(p)))]


def known(kb: CareerKnowledge, lookup: str, value: Any) -> bool:
    """Whether a slot value is already a knowledge-base id (a button, or an earlier message)."""
    try:
        getattr(kb, lookup)(value)
        return True
    except (UnknownEntry, TypeError):
        return False


def named_or_said(value: Any, tracker: Tracker, kb: CareerKnowledge, entity: str,
                  special: str, phrases: str) -> Any:
    """A knowledge-base id the message names (or a button sent), else the special answer
    ("not sure", "somewhere else") when the message says one of its phrases."""
    found = mentioned(tracker, entity)
    if found:
        return found[0]
    if value == special or known(kb, entity, value):
        return value
    return special if says_any(text_of(value), vocabulary()[phrases]) else None


class ValidatePlanForm(FormValidationAction):
    def name(self) -> str:
        return "validate_plan_form"

    # --- one method per question: the value, or None when the answer can't be used ---

    def read_plan_role(self, value: Any, tracker: Tracker, kb: CareerKnowledge) -> Any:
        roles = mentioned(tracker, "role")
        if roles:
            return roles[0]
        return value if known(kb, "role", value) else None

    def read_plan_years(self, value: Any, tracker: Tracker, kb: CareerKnowledge) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return int(value) if 0 <= value <= MAX_YEARS else None
        return parse_years(text_of(value))

    def read_plan_strengths(self, value: Any, tracker: Tracker, kb: CareerKnowledge) -> Any:
        skills = mentioned(tracker, "skill") or mentioned(tracker, "skill_meant")
        if skills:
            return skills
        if isinstance(value, list) and value and all(known(kb, "skill", v) for v in value):
            return value
        return None

    def read_plan_priorities(self, value: Any, tracker: Tracker, kb: CareerKnowledge) -> Any:
        if isinstance(value, list) and value and set(value) <= set(priority_ids()):
            return value
        return parse_priorities(text_of(value)) or None

    def read_plan_target(self, value: Any, tracker: Tracker, kb: CareerKnowledge) -> Any:
        return named_or_said(value, tracker, kb, "career", NOT_SURE, "not_sure")

    def read_plan_region(self, value: Any, tracker: Tracker, kb: CareerKnowledge) -> Any:
        if not mentioned(tracker, "region") and (mentioned(tracker, "country")
                                                 or mentioned(tracker, "place")):
            # "India": a country the documents give no figures for; the plan says so
            return ELSEWHERE
        return named_or_said(value, tracker, kb, "region", ELSEWHERE, "elsewhere")

    def answer_to_another_question(self, slot: str, value: Any, tracker: Tracker,
                                   kb: CareerKnowledge) -> tuple[str, Any] | None:
        """The question still open that the answer fits, with what it reads as. Only the
        questions whose answers can't be mistaken: a role, a career, a region, a strength or
        a priority named; not years (any number would do)."""
        for other in CROSS_READ:
            if other == "plan_strengths" and not mentioned(tracker, "skill"):
                continue  # skills only meant, not named, are no answer to another question
            if other != slot and tracker.get_slot(other) in (None, []):
                read = getattr(self, f"read_{other}")(value, tracker, kb)
                if read not in (None, [], NOT_SURE, ELSEWHERE):
                    return other, read
        return None

    # --- what to take after two answers it couldn't use, and how to say it ---

    def default_for(self, slot: str, kb: CareerKnowledge) -> tuple[Any, str]:
        key = f"plan_form.defaults.{slot}"
        if slot == "plan_role":
            first = kb.ladder()[0]
            return first.id, phrase(key, role=first.name)
        if slot == "plan_years":
            return UNKNOWN_YEARS, phrase(key)
        if slot == "plan_strengths":
            common = kb.transferable_skills()[:3]
            return [s.id for s in common], phrase(
                key, skills=", ".join(s.name.lower() for s in common))
        if slot == "plan_priorities":
            return list(priority_ids()), phrase(key, priorities=", ".join(
                priority_label(p).lower() for p in priority_ids()))
        if slot == "plan_target":
            return NOT_SURE, phrase(key)
        return ELSEWHERE, phrase(key)

    def _validate(self, slot: str, value: Any, dispatcher: CollectingDispatcher,
                  tracker: Tracker) -> dict[str, Any]:
        kb = knowledge()
        reader = getattr(self, f"read_{slot}")
        read = reader(value, tracker, kb)
        if read is not None:
            if slot == "plan_strengths" and not mentioned(tracker, "skill") and mentioned(
                    tracker, "skill_meant") and tracker.get_slot("requested_slot") == slot:
                # read by meaning, not by name: said back, so a wrong reading can be changed
                say(dispatcher, "utter_plan_strengths_read",
                    skills=", ".join(kb.skill(s).name for s in read))
            return {slot: read, "plan_misses": 0}
        if tracker.get_slot("requested_slot") != slot:
            return {slot: None}  # filled in passing by something that isn't an answer: ignore
        text = tracker.latest_message.get("text") or ""
        kept = None if asks_something(text) else self.answer_to_another_question(
            slot, value, tracker, kb)
        if kept:
            # "project management" asked what matters most: it's the target; kept for it
            other, read_value = kept
            say(dispatcher, "utter_plan_answer_kept", question=question_name(other))
            return {slot: None, other: read_value}
        intent = tracker.latest_message.get("intent") or {}
        question = answers().get(intent.get("name") or "")
        confidence = intent.get("confidence") or 0
        if (question is None or confidence < QUESTION_SHAPED_CONFIDENCE) and asks_something(text):
            # "wait whats a CSM actually do again", read as nothing sure: what it names decides
            named = next((topic for kind, topic in SUBJECT_QUESTIONS if mentioned(tracker, kind)),
                         None)
            question, confidence = (answers()[named], 1.0) if named else (question, confidence)
        if question is not None and (confidence >= QUESTION_CONFIDENCE or (
                asks_something(text) and confidence >= QUESTION_SHAPED_CONFIDENCE)):
            # A question instead of an answer: answer it; the form then asks again.
            try:
                subjects = question.answer(dispatcher, tracker, kb)
            except UnknownEntry:
                say(dispatcher, "utter_unknown_subject")
                subjects = {}
            # what was answered is the conversation's topic: "and the pay?" after the form
            return {slot: None, "last_topic": question.topic,
                    **{k: v for k, v in subjects.items() if k in ("role", "career")}}
        misses = int(tracker.get_slot("plan_misses") or 0) + 1
        if misses >= MISSES_BEFORE_DEFAULT:
            default, described = self.default_for(slot, kb)
            say(dispatcher, "utter_plan_answer_defaulted", value=described)
            return {slot: default, "plan_misses": 0}
        say(dispatcher, "utter_plan_answer_not_understood")
        return {slot: None, "plan_misses": misses}


# rasa_sdk finds a slot's validation by the name validate_<slot>; every question is validated
# the same way (read_<slot>, then _validate), so the methods are made here rather than written
# out six times.
def _validator(slot: str) -> Any:
    def validate(self: ValidatePlanForm, value: Any, dispatcher: CollectingDispatcher,
                 tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self._validate(slot, value, dispatcher, tracker)

    validate.__name__ = f"validate_{slot}"
    return validate


for _slot in PLAN_SLOTS:
    setattr(ValidatePlanForm, f"validate_{_slot}", _validator(_slot))


class ActionAskPlanRole(Action):
    """The first question, with the ladder's levels as buttons."""

    def name(self) -> str:
        return "action_ask_plan_role"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        say(dispatcher, "utter_ask_plan_role", [(r.name, r.name) for r in knowledge().ladder()])
        return []


class ActionAskPlanTarget(Action):
    """Which career: as buttons, the careers that value the strengths just named (else the
    documents' first ones), and "not sure"."""

    BUTTONS = 5

    def name(self) -> str:
        return "action_ask_plan_target"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        kb = knowledge()
        strengths = [s for s in tracker.get_slot("plan_strengths") or [] if known(kb, "skill", s)]
        careers = [m.career for m in kb.paths_for(strengths)] or list(kb.careers())
        # "not sure" as the person would say it, which reads back as NOT_SURE
        pairs = [(c.name, c.name) for c in careers[:self.BUTTONS]] + [
            button("not_sure", vocabulary()["not_sure"][0])]
        say(dispatcher, "utter_ask_plan_target", pairs)
        return []


class ActionAskPlanRegion(Action):
    """Where they work: the regions the documents cover as buttons, and "somewhere else"."""

    def name(self) -> str:
        return "action_ask_plan_region"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        pairs = [(r.name, r.name) for r in knowledge().regions()]
        # "somewhere else" as the person would say it, which reads back as ELSEWHERE
        say(dispatcher, "utter_ask_plan_region", pairs + [
            button("somewhere_else", vocabulary()["elsewhere"][0])])
        return []


class ActionAskPlanPriorities(Action):
    """What matters most: the plan's priorities as buttons, in their own words (plans/wording.yml),
    which read back as those priorities."""

    def name(self) -> str:
        return "action_ask_plan_priorities"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        labels = [priority_label(p) for p in priority_ids()]
        say(dispatcher, "utter_ask_plan_priorities", [(label, label) for label in labels])
        return []
