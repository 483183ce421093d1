"""Two Rasa NLU components around the intent classifier: it reads a long message's question,
everything after it the whole message.

`QuestionFocus` (first in the pipeline) puts the sentences that ask in the place of a long
message that also tells (understanding/focus.py); `WholeMessage` (right after the classifier)
puts the whole message back, so that the entities, the search, the feeling, the statement and
the safety check read all of it. Training examples go through the same, so the classifier learns
from what it will be given.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from understanding.focus import main_question

# Where the whole message waits while the classifier reads its question
WHOLE = "whole_text"


# A featurizer by type, so that Rasa runs it on the training data too, before the tokenizer
@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class QuestionFocus(GraphComponent):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> QuestionFocus:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text and not text.startswith("/") and (question := main_question(text)):
                message.set(WHOLE, text)
                message.set(TEXT, question)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class WholeMessage(GraphComponent):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> WholeMessage:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            whole = message.data.pop(WHOLE, None)
            if whole is not None:
                message.set(TEXT, whole)
        return messages
