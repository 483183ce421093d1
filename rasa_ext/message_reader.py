"""A Rasa NLU component, after the intent classifier: what the message says beyond its intent.

- `feeling` (an entity): how the person says they feel (understanding/feelings.py), so that the
  answer acknowledges it in one line before the facts.
- the subject it names decides the question when the intent ignores it (understanding/
  routing.py): "how do I get a job in HR?" is about HR.
- `statement` (an intent): a message that asks nothing (venting, a success story, thanks to
  others) and that the classifier could only read as "why people leave" or not at all. It gets a
  short human reply and one next step (actions/statement.py), not a list of facts.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from understanding.feelings import asks_something, feeling
from understanding.routing import STATEMENT, route

# Readings a message that asks nothing falls into when the classifier has nothing better: the
# venting-shaped topics, "unsure", and the replies to a question nobody asked.
STATEMENT_READINGS = {"nlu_fallback", "why_leave", "why_stay", "out_of_scope", "abuse", "affirm",
                      "deny", "followup", "careers_fit_me", "transferable_skills"}
# With a feeling named, a reading this unsure is not trusted over "it's a statement".
SURE = 0.8
NEVER_STATEMENTS = {"greet", "goodbye", "stop", "start_plan", "bot_challenge", "help"}


def _set_intent(message: Message, name: str) -> None:
    message.set(INTENT, {INTENT_NAME_KEY: name, "confidence": 1.0}, add_to_output=True)
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
    message.set(INTENT_RANKING_KEY, [{INTENT_NAME_KEY: name, "confidence": 1.0}] + ranking,
                add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class MessageReader(GraphComponent):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> MessageReader:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text and not text.startswith("/"):
                self._read(message, text)
        return messages

    @staticmethod
    def _read(message: Message, text: str) -> None:
        felt = feeling(text)
        if felt:
            message.set(ENTITIES, message.get(ENTITIES, []) + [
                {"entity": "feeling", "value": felt, "confidence": 1.0,
                 "extractor": MessageReader.__name__}], add_to_output=True)
        intent = message.get(INTENT) or {}
        name, confidence = intent.get(INTENT_NAME_KEY) or "", intent.get("confidence") or 0.0
        asks = asks_something(text)
        if not asks and name not in NEVER_STATEMENTS and (
                name in STATEMENT_READINGS or (felt and confidence < SURE)
                or (felt == "grateful" and name == "thanks")):
            name = STATEMENT
        entities: dict[str, list[str]] = defaultdict(list)
        for e in message.get(ENTITIES) or []:
            entities[e["entity"]].append(e["value"])
        routed = route(name, entities, text, asks)
        if routed != (intent.get(INTENT_NAME_KEY) or ""):
            _set_intent(message, routed)
