"""rasa_ext/diet_in_numpy.py gives the intent scores TensorFlow gives, for the trained model, and
steps aside when it would not."""

from __future__ import annotations

import asyncio
import logging

import numpy as np
import pytest
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.training_data.loading import load_data

import rasa_ext.diet_in_numpy as diet_in_numpy
from settings import PROJECT_ROOT

MODEL = PROJECT_ROOT / "models" / "career-coach.tar.gz"
ODD = ["", "x" * 3000, "日本語のメッセージです", "<script>alert(1)</script>",
       "'; DROP TABLE users; --", "next", "/start_plan"]


@pytest.fixture(scope="module")
def agent():
    if not MODEL.exists():
        pytest.skip("no trained model: make train")
    from rasa.core.agent import Agent

    return Agent.load(str(MODEL))


def _parse_all(agent, texts):
    async def run():
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(run())


def test_numpy_and_tensorflow_give_the_same_scores(agent, monkeypatch):
    compared = []

    def both(diet, message):
        theirs = diet_in_numpy._original_predict(diet, message)
        ours = diet_in_numpy.IntentScorer(diet).scores(message)
        compared.append((ours.flatten(), np.asarray(theirs["i_scores"]).flatten()))
        return theirs

    monkeypatch.setattr(DIETClassifier, "_predict", both)
    texts = [m.get("text") for m in load_data(
        str(PROJECT_ROOT / "tests" / "nlu" / "blind_heldout.yml")).intent_examples] + ODD
    _parse_all(agent, texts)
    assert len(compared) == len(texts)
    for ours, theirs in compared:
        assert np.allclose(ours, theirs, atol=1e-5)
        assert ours.argmax() == theirs.argmax()


def test_the_installed_path_answers_like_tensorflow(agent, monkeypatch):
    texts = ["what does a team lead make?", "how long until I'm a manager", "hola"]
    fast = _parse_all(agent, texts)
    monkeypatch.setattr(DIETClassifier, "_predict", diet_in_numpy._original_predict)
    slow = _parse_all(agent, texts)
    for a, b in zip(fast, slow, strict=True):
        assert a["intent"]["name"] == b["intent"]["name"]
        assert a["intent"]["confidence"] == pytest.approx(b["intent"]["confidence"], abs=1e-5)
        assert [r["name"] for r in a["intent_ranking"]] == [r["name"] for r in b["intent_ranking"]]


def test_scores_that_disagree_with_tensorflow_switch_it_off(agent, monkeypatch, caplog):
    diet = next(node._component for node in agent.processor.graph_runner._instantiated_nodes
                .values() if isinstance(getattr(node, "_component", None), DIETClassifier))
    monkeypatch.delattr(diet, "_intent_scorer", raising=False)
    monkeypatch.setattr(diet_in_numpy.IntentScorer, "scores",
                        lambda self, message: np.full((1, 1, len(self.labels)), 1.0))
    with caplog.at_level(logging.WARNING):
        parsed = _parse_all(agent, ["what does a team lead make?"])[0]
    assert "using TensorFlow" in caplog.text
    assert diet._intent_scorer is None
    assert parsed["intent"]["confidence"] < 1.0  # TensorFlow's scores, not the wrong ones
    monkeypatch.delattr(diet, "_intent_scorer")
