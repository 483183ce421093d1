"""A Rasa NLU component, last in the pipeline: a message that needs care before career facts
(understanding/safety.py) gets that intent, whatever the classifier made of it.

Why last and why an override: the intent classifier learnt from career questions, so "I'm
thinking about suicide because of my job" reads to it like a question about leaving. The patterns
decide instead, with full confidence, and the rules answer (data/rules.yml), in the plan's
questions too.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.message_reader import set_intent
from understanding.safety import concern


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyClassifier(GraphComponent):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SafetyClassifier:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            found = concern(message.get(TEXT) or "")
            if found is not None:
                set_intent(message, found)
        return messages
