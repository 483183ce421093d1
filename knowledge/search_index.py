"""Search by meaning over the knowledge base: every entry (fact, role, career, pay figure, region)
gets a short text, embedded once at build time with the sentence encoder the NLU pipeline uses,
and stored beside the entity pipeline (`search.npz` in var/nlp). At run time a message's
embedding is compared with them (rasa_ext/knowledge_search.py).

Why: people ask things no intent was written for ("is it easier to be a team member or a team
leader?"); the entry that answers them is often there, under other words. A search result is an
entry shown as it stands, with its source: search never composes a figure.

A reference names an entry: "fact:why_leave/burnout", "career/ux", "role/team_lead",
"pay/median_hourly", "region/japan".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.repository import CareerKnowledge

INDEX_FILE = "search.npz"


def entry_texts(kb: CareerKnowledge) -> dict[str, str]:
    """Each entry's searchable text: its name or title and what it says."""
    texts: dict[str, str] = {}
    for kind in kb.kinds():
        for fact in kb.facts(kind):
            texts[f"fact:{kind}/{fact.id}"] = f"{fact.title}. {fact.text}"
    for career in kb.careers():
        texts[f"career/{career.id}"] = (f"Moving from customer service into {career.name}: "
                                        f"{career.why_fit}")
    for role in kb.ladder():
        texts[f"role/{role.id}"] = f"{role.name}: {role.duties} {role.focus}"
    for pay in kb.pay_figures():
        texts[f"pay/{pay.id}"] = f"Customer service pay: {pay.title}. {pay.scope}"
    for region in kb.regions():
        texts[f"region/{region.id}"] = f"Customer service salaries in {region.name}"
    return texts


def build_index(kb: CareerKnowledge, folder: Path) -> int:
    """Embeds every entry's text and writes the index; returns how many entries it holds."""
    from rasa_ext.sentence_encoder import SentenceEncoder

    texts = entry_texts(kb)
    vectors = SentenceEncoder(cache_size=0).encode(list(texts.values()))
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(folder / INDEX_FILE, refs=np.array(list(texts)), vectors=vectors.astype(np.float32))
    return len(texts)


@dataclass(frozen=True)
class Hit:
    ref: str
    score: float  # cosine similarity, -1 to 1


class SearchIndex:
    def __init__(self, refs: list[str], vectors: np.ndarray):
        self.refs = refs
        self.vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    @classmethod
    def load(cls, folder: Path) -> SearchIndex:
        with np.load(folder / INDEX_FILE) as data:
            return cls([str(r) for r in data["refs"]], data["vectors"])

    def search(self, vector: np.ndarray, top: int = 3) -> list[Hit]:
        """The entries closest in meaning to the (any-length) vector, best first."""
        scores = self.vectors @ (vector / (np.linalg.norm(vector) or 1.0))
        best = np.argsort(-scores)[:top]
        return [Hit(self.refs[i], float(scores[i])) for i in best]
