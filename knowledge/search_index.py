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
            texts[f"{FACT_PREFIX}{kind}/{fact.id}"] = f"{fact.title}. {fact.text}"
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


def skill_texts(kb: CareerKnowledge) -> dict[str, str]:
    """Each skill's searchable text, for reading strengths said in one's own words ("coaching
    people, scheduling") as the knowledge base's skills."""
    return {s.id: f"{s.name}: {s.description}" for s in kb.skills()}


def build_index(kb: CareerKnowledge, folder: Path) -> int:
    """Embeds every entry's text (and every skill's) and writes the index; returns how many
    entries it holds."""
    from rasa_ext.sentence_encoder import SentenceEncoder

    encoder = SentenceEncoder(cache_size=0)
    texts, skills = entry_texts(kb), skill_texts(kb)
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(folder / INDEX_FILE, refs=np.array(list(texts)),
             vectors=encoder.encode(list(texts.values())).astype(np.float32),
             skill_ids=np.array(list(skills)),
             skill_vectors=encoder.encode(list(skills.values())).astype(np.float32))
    return len(texts)


FACT_PREFIX = "fact:"


def split_ref(ref: str) -> tuple[str, str]:
    """(kind, id) of a reference: ("why_leave", "burnout") for "fact:why_leave/burnout",
    ("career", "ux") for "career/ux". A fact's kind is a fact kind of the knowledge base."""
    kind, _, ident = ref.removeprefix(FACT_PREFIX).partition("/")
    return kind, ident


def is_fact(ref: str) -> bool:
    return ref.startswith(FACT_PREFIX)


@dataclass(frozen=True)
class Hit:
    ref: str
    score: float  # cosine similarity, -1 to 1


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


class SearchIndex:
    def __init__(self, refs: list[str], vectors: np.ndarray, skill_ids: list[str],
                 skill_vectors: np.ndarray):
        self.refs, self.vectors = refs, _unit(vectors)
        self.skill_ids, self.skill_vectors = skill_ids, _unit(skill_vectors)
        self.dim = self.vectors.shape[1]  # the sentence encoder's width

    @classmethod
    def load(cls, folder: Path) -> SearchIndex:
        with np.load(folder / INDEX_FILE) as data:
            return cls([str(r) for r in data["refs"]], data["vectors"],
                       [str(s) for s in data["skill_ids"]], data["skill_vectors"])

    def search(self, vector: np.ndarray, top: int = 3) -> list[Hit]:
        """The entries closest in meaning to the (any-length) vector, best first."""
        return self._closest(self.refs, self.vectors, vector, top)

    def skills(self, vector: np.ndarray, top: int = 3) -> list[Hit]:
        """The skills closest in meaning, best first (refs are skill ids)."""
        return self._closest(self.skill_ids, self.skill_vectors, vector, top)

    @staticmethod
    def _closest(refs: list[str], rows: np.ndarray, vector: np.ndarray, top: int) -> list[Hit]:
        scores = rows @ (vector / (np.linalg.norm(vector) or 1.0))
        best = np.argsort(-scores)[:top]
        return [Hit(refs[i], float(scores[i])) for i in best]
