"""The NumPy sentence encoder computes all-MiniLM-L6-v2's embeddings, and the featurizer hands
them to DIET."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.sentence_encoder import shared_encoder
from rasa_ext.sentence_featurizer import SentenceEmbeddingFeaturizer


@pytest.fixture(scope="module")
def encoder():
    return shared_encoder()


def test_paraphrases_are_close_and_other_sentences_are_not(encoder):
    # The pair sentence-transformers' own documentation scores with this model (about 0.755
    # with PyTorch); a wrong layer order, pooling or tokenizer lands far from it.
    food, bread, horse = encoder.encode(["A man is eating food.",
                                         "A man is eating a piece of bread.",
                                         "A man is riding a horse."])
    assert float(food @ bread) == pytest.approx(0.755, abs=0.01)
    assert float(food @ horse) < 0.3
    pay, earn, ai = encoder.encode(["what does a team lead make", "how much do TLs earn",
                                    "will AI replace me"])
    assert float(pay @ earn) > float(pay @ ai)


def test_rows_are_unit_length_and_repeats_give_the_same_vector(encoder):
    first = encoder.encode(["hello there", "", "x" * 5000])
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    again = encoder.encode(["x" * 5000, "hello there"])
    assert np.allclose(again[0], first[2]) and np.allclose(again[1], first[0])


def test_the_featurizer_adds_one_scaled_sentence_feature_to_text_only(encoder):
    featurizer = SentenceEmbeddingFeaturizer(
        SentenceEmbeddingFeaturizer.get_default_config(), "sentence")
    with_text, without = Message(data={TEXT: "how much in Germany?"}), Message(data={})
    featurizer.process([with_text, without])
    dense = with_text.get_dense_features(TEXT)
    assert dense[0] is None and dense[1].features.shape == (1, encoder.dim)
    expected = encoder.encode(["how much in Germany?"])[0] * np.sqrt(encoder.dim)
    assert np.allclose(dense[1].features[0], expected)
    assert without.features == []


def test_the_cache_can_be_turned_off(monkeypatch):
    from rasa_ext.sentence_encoder import SentenceEncoder

    monkeypatch.setenv("SENTENCE_CACHE_SIZE", "0")
    uncached = SentenceEncoder()
    first = uncached.encode(["hello there"])
    assert len(uncached._cache) == 0
    assert np.allclose(uncached.encode(["hello there"]), first)


def test_messages_encoded_together_get_the_vectors_they_get_alone(monkeypatch):
    # the forward pass stacks several messages' tokens; attention and pooling must still see
    # each message's own tokens only
    from rasa_ext.sentence_encoder import SentenceEncoder

    monkeypatch.setenv("SENTENCE_CACHE_SIZE", "0")
    encoder = SentenceEncoder()
    texts = ["next", "what does a team lead make in Germany?",
             "I have been answering phones for six years and I am tired, what else can I do "
             "with what I know about customers and software?", ""]
    together = encoder.encode(texts)
    alone = np.array([encoder.encode([text])[0] for text in texts])
    assert np.allclose(together, alone, atol=1e-5)
    assert float(together[0] @ together[1]) < 0.9  # not one message's vector copied


def test_short_and_long_messages_take_products_that_agree(monkeypatch):
    # short messages multiply row by row (GEMV_ROWS), long ones all rows at once
    import rasa_ext.sentence_encoder as module

    monkeypatch.setenv("SENTENCE_CACHE_SIZE", "0")
    encoder = module.SentenceEncoder()
    texts = ["how long until I'm a manager", "is customer service a dying field"]
    assert all(len(encoder.tokenizer.encode(t).ids) <= module.GEMV_ROWS for t in texts)
    by_rows = encoder.encode(texts)
    monkeypatch.setattr(module, "GEMV_ROWS", 0)
    at_once = encoder.encode(texts)
    assert np.allclose(by_rows, at_once, atol=1e-5)


def test_many_long_texts_keep_the_cache_under_its_byte_limit(monkeypatch):
    from rasa_ext.sentence_encoder import DEFAULT_CACHE_BYTES, SentenceEncoder

    monkeypatch.delenv("SENTENCE_CACHE_BYTES", raising=False)
    assert SentenceEncoder()._cache_limit == DEFAULT_CACHE_BYTES == 64 * 1024 * 1024
    monkeypatch.setenv("SENTENCE_CACHE_BYTES", "1234")
    assert SentenceEncoder()._cache_limit == 1234

    limit = 100_000
    encoder = SentenceEncoder(cache_size=1000, cache_limit_bytes=limit)
    texts = [f"message {i}: " + "why is my pay so low " * 1000 for i in range(40)]  # ~21 KB
    for start in range(0, len(texts), 8):
        encoder.encode(texts[start:start + 8])
    entries = [len(text.encode()) + vector.nbytes for text, vector in encoder._cache.items()]
    assert encoder.cached_bytes == sum(entries) <= limit
    assert 0 < len(entries) < len(texts)  # bounded by bytes, long before the count
    assert encoder.has_cached(texts[-1]) and not encoder.has_cached(texts[0])
    # one text larger than the whole limit is not cached, and pushes nothing out
    before = dict(encoder._cache)
    encoder.encode(["x" * limit])
    assert not encoder.has_cached("x" * limit) and encoder._cache.keys() == before.keys()


def test_forget_removes_exactly_the_given_texts():
    from rasa_ext import sentence_encoder
    from rasa_ext.sentence_encoder import SentenceEncoder

    encoder = SentenceEncoder(cache_size=100)
    kept, gone = ["next", "what does a team lead make?"], ["I hate my manager", "I'm 52"]
    vectors = encoder.encode(kept + gone)
    entry = len(gone[0].encode()) + len(gone[1].encode()) + 2 * vectors[0].nbytes
    before = encoder.cached_bytes
    assert encoder.forget([*gone, "a text it never saw"]) == 2
    assert [encoder.has_cached(t) for t in kept + gone] == [True, True, False, False]
    assert encoder.cached_bytes == before - entry
    # the module's forget reaches every encoder of the process, without being handed them
    assert sentence_encoder.forget(["next"]) >= 1
    assert not encoder.has_cached("next") and encoder.has_cached(kept[1])
    # and a forgotten text is encoded again, to the same vector
    assert np.allclose(encoder.encode([gone[0]])[0], vectors[2], atol=1e-6)
