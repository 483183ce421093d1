"""The base of every action that answers a question: it records the topic for follow-ups and
registers itself, so "and a manager?" can be answered by the last question's action."""

from __future__ import annotations

import importlib
import pkgutil
from abc import ABCMeta, abstractmethod
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.context import remember
from actions.knowledge_base import knowledge
from actions.replies import say
from actions.statement import acknowledge
from knowledge.repository import CareerKnowledge, UnknownEntry

# topic (the intent an answer serves) -> the action that answers it; see answers()
_ANSWERS: dict[str, Answer] = {}


def answers() -> dict[str, Answer]:
    """Every answering action by topic. Defining an Answer registers it, so import every module
    of the package first (as rasa_sdk does when it serves the package)."""
    package = importlib.import_module(__package__ or "actions")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return _ANSWERS


class Answer(Action, metaclass=ABCMeta):
    """Subclasses set `topic` (the intent they answer) and implement `answer`. Abstract, so
    rasa_sdk registers only the concrete answers."""

    topic: ClassVar[str] = ""

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
        try:
            subjects = self.answer(dispatcher, tracker, knowledge())
        except UnknownEntry:
            # an id the knowledge base doesn't have, typed as "/ask_salary{"role": "ceo"}"
            say(dispatcher, "utter_unknown_subject", [("What can you do?", "/help")])
            return []
        return remember(self.topic, **subjects)

    @abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               kb: CareerKnowledge) -> dict[str, Any]:
        """Sends the answer; returns the subjects it was about ({"role": "manager"}) so the
        next follow-up continues from them."""
