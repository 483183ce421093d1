"""The base of every action that answers a question: it records the topic for follow-ups and
registers itself, so "and a manager?" can be answered by the last question's action."""

from __future__ import annotations

import importlib
import pkgutil
from abc import ABCMeta, abstractmethod
from functools import cache
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import intent_titles
from actions.context import (
    PAY_TOPICS,
    PLACE_TOPICS,
    asks_of_the_last_place,
    continues,
    last_subject,
    matches,
    mentioned,
    remember,
)
from actions.feeling import acknowledge
from actions.knowledge_base import knowledge
from actions.replies import button, say
from knowledge.repository import CareerKnowledge, UnknownEntry

# topic (the intent an answer serves) -> the action that answers it; see answers()
_ANSWERS: dict[str, Answer] = {}
# Questions about moving into a job: one the knowledge base does not know is said to be outside
# its sources, not answered with another career.
ABOUT_A_MOVE = {"skills_for_career", "career_options", "how_to_start", "transferable_skills",
                "careers_fit_me", "steps_to_leave", "ask_years", "ask_role_duties"}
# A question that points back at the conversation's subject ("how long does it take to get
# there?", "what skills would I need for that?") is the question for that kind of subject:
# (the intent read, the kind of the last subject) -> the topic that answers it.
REDIRECTS = {("how_to_start", "role"): "ask_years",
             ("skills_for_career", "role"): "ask_role_duties",
             ("transferable_skills", "role"): "ask_role_duties",
             ("how_to_start", "career"): "career_timeline",
             ("ask_years", "career"): "career_timeline",
             # "is it worth it?" right after a degree's cost is about the degree; after a
             # level, it is that level against the one below
             ("why_stay", "ask_education"): "ask_education",
             ("why_stay", "role"): "compare_roles",
             # "how long do they take?", "what do they cost?" after certifications: theirs
             ("ask_years", "ask_education"): "ask_education",
             ("ask_salary", "ask_education"): "ask_education"}

# An intent read with less confidence than UNSURE loses to an entry of another topic at least
# CLOSE_ENTRY close (cosine similarity) and closer than the intent's confidence: chosen on the
# dev split of the real messages ("breaking out of customer service?" stays the steps out, read
# at 0.71, over why people leave at 0.65).
UNSURE = 0.8
CLOSE_ENTRY = 0.55
SUBJECTS = ("role", "career", "region", "country", "place")
ANSWERED_AS = "answered_as"


def registered() -> dict[str, Answer]:
    """Every answer, also those only reached from another question (REDIRECTS)."""
    _import_all()
    return _ANSWERS


@cache
def _import_all() -> None:
    """Defining an Answer registers it, so every module of the package is imported first (as
    rasa_sdk does when it serves the package); once, not on every turn."""
    package = importlib.import_module(__package__ or "actions")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")


def answers() -> dict[str, Answer]:
    """Every answering action by the intent it answers."""
    _import_all()
    return {topic: a for topic, a in _ANSWERS.items() if a.asked_as_intent}


def closer_entry(tracker: Tracker, topic: str) -> str | None:
    """The knowledge-base entry to answer with instead of `topic`'s answer: one about another
    topic, much closer in meaning to the message than the classifier was sure of its intent.
    Only for a message read as that intent by the classifier alone, naming no subject and not
    leaning on the conversation (those are routed by what they name, understanding/routing)."""
    intent = tracker.latest_message.get("intent") or {}
    found = matches(tracker)
    if intent.get("name") != topic or not found or continues(tracker) or any(
            mentioned(tracker, e) for e in SUBJECTS):
        return None
    from actions.entries import topic_of  # imports the answers: not at the top

    ref, score = found[0]
    confidence = float(intent.get("confidence") or 0)
    if confidence < UNSURE and score >= max(CLOSE_ENTRY, confidence) and topic_of(ref) != topic:
        return ref
    return None


class Answer(Action, metaclass=ABCMeta):
    """Subclasses set `topic` (the intent they answer) and implement `answer`. Abstract, so
    rasa_sdk registers only the concrete answers."""

    topic: ClassVar[str] = ""
    # False for an answer only reached from another question (REDIRECTS), not an intent
    asked_as_intent: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.topic:
            _ANSWERS[cls.topic] = cls()

    def name(self) -> str:
        return f"action_answer_{self.topic}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        # "I'm exhausted, what else could I do?": the feeling is acknowledged before the facts
        acknowledge(dispatcher, tracker)
        job = mentioned(tracker, "unknown_job")
        if job and self.topic in ABOUT_A_MOVE:
            # "can I become a software engineer?": said plainly, with the moves they do cover
            kb = knowledge()
            say(dispatcher, "utter_job_unknown", [button("careers_to_move_into", "/career_options"),
                                                  button("which_fits_me", "/careers_fit_me")],
                job=job[0], careers=", ".join(c.name for c in kb.careers()))
            return []
        if self.topic not in PAY_TOPICS | PLACE_TOPICS and asks_of_the_last_place(tracker):
            # "which industries hire the most there" after Hungary's pay: not given by country
            say(dispatcher, "utter_topic_not_by_place",
                [button("pay_in_that_country", "/ask_salary_region"),
                 button("what_can_you_do", "/help")], topic=intent_titles().get(self.topic, ""))
            return []
        closer = closer_entry(tracker, self.topic)
        if closer is not None:
            # "how long till she's job ready" read, unsure, as the years to a level, while the
            # knowledge base holds that very fact: the fact
            from actions.entries import answer_entry  # imports the answers: not at the top

            return answer_entry(dispatcher, knowledge(), closer, [])
        instead = _ANSWERS.get(REDIRECTS.get((self.topic, last_subject(tracker) or ""))
                               or REDIRECTS.get((self.topic, tracker.get_slot("last_topic")))
                               or "")
        if instead is not None and continues(tracker) and not any(
                mentioned(tracker, e) for e in ("role", "career")):
            # "how long does it take to get there?" after the team lead: the years to it
            return await instead.run_unacknowledged(dispatcher, tracker)
        return await self.run_unacknowledged(dispatcher, tracker)

    async def run_unacknowledged(self, dispatcher: CollectingDispatcher,
                                 tracker: Tracker) -> list[EventType]:
        try:
            subjects = self.answer(dispatcher, tracker, knowledge())
        except UnknownEntry:
            # an id the knowledge base doesn't have, typed as "/ask_salary{"role": "ceo"}"
            say(dispatcher, "utter_unknown_subject", [button("what_can_you_do", "/help")])
            return []
        # an answer that handed the question to another ("how long to become a trainer" is a
        # move's timeline) is remembered as that one, so the follow-up keeps its subject
        return remember(subjects.pop(ANSWERED_AS, self.topic), **subjects)

    @abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               kb: CareerKnowledge) -> dict[str, Any]:
        """Sends the answer; returns the subjects it was about ({"role": "manager"}) so the
        next follow-up continues from them."""
