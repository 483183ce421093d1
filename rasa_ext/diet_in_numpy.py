"""DIET's intent scores for one message computed with NumPy from the trained weights.

Why: with our configuration (config.yml: no transformer, no hidden layers, intents only) DIET's
prediction for a message is four small matrix products, but Rasa 3.6 gets it by building a
RasaModelData batch and calling a TensorFlow function, which costs about 4 ms of the Rasa
server's ~18 ms per turn (py-spy), almost all of it in TensorFlow's call machinery. Here the
same arithmetic reads the same weights:

    sentence = concat(sparse_counts @ K_sparse + b_sparse, sentence_embedding)
    hidden   = gelu(sentence @ (K_unify * mask) + b_unify)     (the last "token": without a
    text     = hidden @ K_embed + b_embed                       transformer it sees nothing
    scores   = softmax(similarity(text, label embeddings))      else)

A configuration it was not written for keeps Rasa's own path. And it checks itself: for the
first message each model parses, both paths run, and if their scores differ (more than 1e-4)
Rasa's path is used from then on and the log says so.

Installed by rasa_ext/patches.py (`install()`), which checks first that `DIETClassifier._predict`
is the one this was written for; an error in the NumPy path hands the call to TensorFlow's.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.special import erf

from rasa_ext import patches

logger = logging.getLogger(__name__)

TOLERANCE = 1e-4
_original_predict = DIETClassifier._predict


def _numpy(variable: Any) -> np.ndarray:
    return np.asarray(variable.numpy(), dtype=np.float32)


def _combining_layers(diet: DIETClassifier) -> dict[str, Any]:
    """The layers that turn the text's features into DIET's input, by name."""
    assert diet.model is not None
    sequence_layer = diet.model._tf_layers[f"sequence_layer.{TEXT}"]
    return sequence_layer._tf_layers["feature_combining"]._tf_layers


class IntentScorer:
    """The NumPy forward pass for one trained DIET model (see the module docstring)."""

    def __init__(self, diet: DIETClassifier):
        model = diet.model
        assert model is not None
        combining = _combining_layers(diet)
        to_dense = combining["sparse_dense.sentence"]._tf_layers["sparse_to_dense"]
        unify = combining["unify_dims_before_seq_sent_concat.sentence"]._ffn_layers[0]
        embed = model._tf_layers[f"embed.{TEXT}"]._dense
        self.sparse_kernel, self.sparse_bias = _numpy(to_dense.kernel), _numpy(to_dense.bias)
        self.unify_kernel = _numpy(unify.kernel) * _numpy(unify.kernel_mask)
        self.unify_bias = _numpy(unify.bias)
        self.embed_kernel, self.embed_bias = _numpy(embed.kernel), _numpy(embed.bias)
        self.cosine = diet.component_config["similarity_type"] == "cosine"
        labels = _numpy(model.all_labels_embed)
        self.labels = (labels / np.linalg.norm(labels, axis=-1, keepdims=True) if self.cosine
                       else labels)

    @staticmethod
    def supports(diet: DIETClassifier) -> bool:
        config = diet.component_config
        layers = config["number_of_transformer_layers"]
        hidden = config["hidden_layers_sizes"]
        if isinstance(layers, dict):
            layers = layers.get(TEXT, 0)
        if isinstance(hidden, dict):
            hidden = hidden.get(TEXT, [])
        if not (diet.model is not None and config["intent_classification"]
                and not config["entity_recognition"] and layers == 0 and not hidden
                and config["model_confidence"] == "softmax"
                and config["similarity_type"] in ("inner", "cosine")):
            return False
        try:
            combining = _combining_layers(diet)
        except (AttributeError, KeyError, TypeError):  # Rasa's layers are not as expected
            return False
        return ("sparse_dense.sentence" in combining
                and "unify_dims_before_seq_sent_concat.sentence" in combining)

    def scores(self, message: Message) -> np.ndarray | None:
        """Confidences for every intent, in DIET's label order; None: no sentence features."""
        _, sparse = message.get_sparse_features(TEXT)
        _, dense = message.get_dense_features(TEXT)
        if sparse is None or dense is None:
            return None
        counts = sparse.features.tocoo()
        if counts.shape[0] != 1:
            return None
        # one row of counts: the weighted sum of the kernel rows it names (SciPy's general
        # sparse-times-dense product costs ten times more for a single row)
        projected = counts.data.astype(np.float32) @ self.sparse_kernel[counts.col]
        sentence = np.concatenate([projected + self.sparse_bias, dense.features[0]])[None, :]
        hidden = sentence.astype(np.float32) @ self.unify_kernel + self.unify_bias
        hidden = 0.5 * hidden * (1.0 + erf(hidden / np.sqrt(2.0)))  # tf.nn.gelu, exact
        text = hidden @ self.embed_kernel + self.embed_bias
        if self.cosine:
            text = text / np.linalg.norm(text, axis=-1, keepdims=True)
        similarities = text @ self.labels.T
        exp = np.exp(similarities - similarities.max(-1, keepdims=True))
        return (exp / exp.sum(-1, keepdims=True)).reshape(1, 1, -1)


def _scorer(diet: DIETClassifier, message: Message) -> IntentScorer | None:
    if not hasattr(diet, "_intent_scorer"):
        scorer = IntentScorer(diet) if IntentScorer.supports(diet) else None
        if scorer is not None:
            ours = scorer.scores(message)
            theirs = _original_predict(diet, message)
            if ours is None or theirs is None or not np.allclose(
                    ours.flatten(), np.asarray(theirs["i_scores"]).flatten(), atol=TOLERANCE):
                logger.warning("DIET's intent scores computed with NumPy differ from "
                               "TensorFlow's; using TensorFlow.")
                scorer = None
        diet._intent_scorer = scorer
    return diet._intent_scorer


def _predict(self: DIETClassifier, message: Message) -> dict[str, Any] | None:
    try:
        if self._execution_context.should_add_diagnostic_data:
            scores = None  # diagnostics want TensorFlow's tensors
        else:
            scorer = _scorer(self, message)
            scores = scorer.scores(message) if scorer is not None else None
    except Exception as error:  # noqa: BLE001 - TensorFlow's path answers instead
        patches.failed_call("diet_in_numpy", error)
        scores = None
    if scores is None:
        return _original_predict(self, message)
    return {"i_scores": scores}
