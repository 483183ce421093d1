"""A Rasa NLU featurizer that adds a pretrained sentence embedding to each message's text.

DIET then classifies intents from the bag-of-words and character n-gram counts (what the person
literally wrote) together with this embedding (what it means), so a paraphrase it was never
trained on still lands near the examples it was. The embedding is all-MiniLM-L6-v2 run with
NumPy (rasa_ext/sentence_encoder.py); nothing is trained here and nothing downloads.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_ext.sentence_encoder import shared_encoder


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config()}

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self._encoder = shared_encoder()

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SentenceEmbeddingFeaturizer:
        return cls(config, execution_context.node_name)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> SentenceEmbeddingFeaturizer:
        # Rasa loads (rather than creates) components to predict with: start the encoder
        # process now, so that it loads its weights while Rasa loads the rest of the model
        from rasa_ext.encode_ahead import start_encoder_process

        start_encoder_process()
        return cls.create(config, model_storage, resource, execution_context)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    def process(self, messages: list[Message]) -> list[Message]:
        # Only messages with text: training data also holds responses and bare intents.
        with_text = [m for m in messages if m.get(TEXT) is not None]
        if with_text:
            # Unit-length rows have components around 1/sqrt(384); scaled to about 1, they weigh
            # like the count features next to them (and like a language model's hidden states,
            # which is what DIET's defaults are tuned for).
            vectors = self._encoder.encode([m.get(TEXT) for m in with_text]) * np.sqrt(
                self._encoder.dim)
            for message, vector in zip(with_text, vectors, strict=True):
                self.add_features_to_message(None, vector.reshape(1, -1), TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
