"""A Rasa NLU component, after the sentence featurizer: the knowledge-base entries closest in
meaning to the message (knowledge/search_index.py), as `kb_match` entities ("fact:why_leave/
burnout", confidence = cosine similarity), best first. The actions answer from them when the
intent is unsure (actions/search.py). Also the skills the message means (`skill_meant`), when it
names none by name, for the plan's "what are you good at?"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

import settings
from knowledge.search_index import SearchIndex

HITS = 3
# A skill is meant when this close in meaning, and not far below the closest one: chosen on
# strengths written for the plan ("coaching people, scheduling, reporting" -> leadership 0.56,
# organisation 0.39, time management 0.37; "hello" -> at most 0.23).
SKILL_AT = 0.35
SKILL_SPREAD = 0.2


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class KnowledgeSearch(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # where `make kb` wrote the index; default: settings.nlp_dir() (var/nlp)
        return {"index_path": None}

    def __init__(self, config: dict[str, Any]) -> None:
        path = config["index_path"]
        self._index = SearchIndex.load(Path(path) if path else settings.nlp_dir())

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> KnowledgeSearch:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            vector = self._sentence_vector(message, self._index.dim)
            if not text or text.startswith("/") or vector is None:
                continue
            hits = [{"entity": "kb_match", "value": hit.ref, "confidence": round(hit.score, 4)}
                    for hit in self._index.search(vector, HITS)]
            if not any(e.get("entity") == "skill" for e in message.get(ENTITIES, [])):
                # strengths in one's own words ("coaching people, scheduling"): the skills
                # they mean, for the plan's question (read there, and said back to confirm)
                skills = self._index.skills(vector, HITS)
                hits += [{"entity": "skill_meant", "value": h.ref,
                          "confidence": round(h.score, 4)} for h in skills
                         if h.score >= SKILL_AT and h.score >= skills[0].score - SKILL_SPREAD]
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(hits),
                        add_to_output=True)
        return messages

    def process_training_data(self, training_data: Any) -> Any:
        return training_data

    @staticmethod
    def _sentence_vector(message: Message, dim: int) -> np.ndarray | None:
        """The sentence embedding the featurizer added: the last `dim` dense columns (the
        index was embedded by the same encoder, so its width is the embedding's)."""
        _, sentence = message.get_dense_features(TEXT)
        if sentence is None:
            return None
        features = np.asarray(sentence.features).reshape(-1)
        return features[-dim:] if features.size >= dim else None
