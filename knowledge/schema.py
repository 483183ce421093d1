"""What the data files may hold, and the checks that make a bad entry fail the build.

Each problem is reported as "file: kind/id: what is wrong", and all of them are reported at once,
so one build run shows everything to fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from knowledge.documents import Document, numbers_in

# The kinds of topic facts (lists of titled entries); see data/SCHEMA.md.
FACT_KINDS = (
    "why_leave", "leaving_disadvantages", "leaving_advantages", "pros", "cons", "wellbeing",
    "steps_out", "steps_in", "application_tips",
    "education", "training_options", "certifications", "job_readiness",
    "outlook", "market_2025", "ai_automation", "industries", "employers",
    "remote_work", "visas", "global_notes", "job_variants", "specializations",
    "responsibilities", "work_environment",
    "tools", "organizations", "metrics",
)
ENTITY_KINDS = ("roles", "skills", "careers", "regions")
SPECIAL_KINDS = ("sources", "pay", "other_countries")
ALL_KINDS = FACT_KINDS + ENTITY_KINDS + SPECIAL_KINDS

# The label the entity pipeline gives to names of each kind. Kinds not listed get no label.
ENTITY_LABELS = {
    "roles": "ROLE", "skills": "SKILL", "careers": "CAREER", "regions": "REGION",
    "countries": "COUNTRY", "industries": "INDUSTRY", "employers": "EMPLOYER",
    "tools": "TOOL", "metrics": "METRIC", "specializations": "SPECIALIZATION",
    "job_variants": "JOB_TITLE", "organizations": "ORGANIZATION",
}

UNITS = {"USD", "EUR", "AUD", "JPY", "percent", "count", "years", "months", "weeks", "days",
         "calls"}
CURRENCIES = {"USD", "EUR", "AUD", "JPY"}
PERIODS = {"year", "month", "hour"}
QUALIFIERS = {"approx", "plus", "over", "under"}
SKILL_CATEGORIES = {"soft", "technical", "transferable"}
PAY_MEASURES = {"median", "range", "potential"}


@dataclass(frozen=True)
class Problem:
    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}"


class DataError(Exception):
    """The data files are wrong; `problems` says where and how."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"the knowledge base has {len(problems)} problem(s):\n{lines}")


# --- field specifications ------------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    """An entry's fields: name -> (accepted types, required)."""

    fields: Mapping[str, tuple[tuple[type, ...], bool]]
    id_field: str = "id"


STR, INT, NUM, LIST, DICT = (str,), (int,), (int, float), (list,), (dict,)
_CITED = {"source": (DICT, False), "sources": (LIST, False)}

SPECS: dict[str, Spec] = {
    "sources": Spec({"doc": (STR, True), "title": (STR, True)}, id_field="doc"),
    "fact": Spec({
        "id": (STR, True), "title": (STR, True), "text": (STR, True), "figures": (LIST, False),
        "compare": (STR, False), "aliases": (LIST, False), "see": (LIST, False),
        "rank": (INT, False), **_CITED,
    }),
    "roles": Spec({
        "id": (STR, True), "level": (INT, True), "name": (STR, True), "aliases": (LIST, True),
        "median_usd": (INT, True), "average_usd": (INT, True), "years_low": (INT, True),
        "years_high": (INT, False), "duties": (STR, True), "focus": (STR, True),
        "next": (STR, False), **_CITED,
    }),
    "skills": Spec({
        "id": (STR, True), "name": (STR, True), "categories": (LIST, True),
        "aliases": (LIST, False), "description": (STR, True), "valued_by": (LIST, False),
        **_CITED,
    }),
    "careers": Spec({
        "id": (STR, True), "name": (STR, True), "aliases": (LIST, False),
        "why_fit": (STR, True), "bridging_skills": (LIST, False), "to_add": (LIST, False),
        "figures": (LIST, False), "see": (LIST, False), **_CITED,
    }),
    "pay": Spec({
        "id": (STR, True), "title": (STR, True), "measure": (STR, True), "scope": (STR, True),
        "as_of": (STR, False), "publisher": (STR, False), "figure": (DICT, True),
        "note": (STR, False), "compare": (STR, False), **_CITED,
    }),
    "regions": Spec({
        "id": (STR, True), "name": (STR, True), "aliases": (LIST, True), "pay": (LIST, True),
        "note": (STR, False), "countries": (LIST, True), **_CITED,
    }),
    "other_countries": Spec(
        {"name": (STR, True), "aliases": (LIST, False), **_CITED}, id_field="name"
    ),
}
FIGURE_SPEC = Spec({
    "what": (STR, False), "value": (NUM, False), "low": (NUM, False), "high": (NUM, False),
    "unit": (STR, True), "per": (STR, False), "qualifier": (STR, False),
})
REGION_PAY_SPEC = Spec({
    "band": (STR, True), "low": (NUM, True), "high": (NUM, True), "currency": (STR, True),
    "usd_low": (NUM, False), "usd_high": (NUM, False), "qualifier": (STR, False),
})
COUNTRY_SPEC = Spec({"name": (STR, True), "named": ((bool,), True), "aliases": (LIST, False)})
CITATION_SPEC = Spec({"doc": (STR, True), "section": (STR, True)})


def country_id(name: str) -> str:
    """"United Kingdom" -> "united_kingdom": how countries are keyed everywhere."""
    return "_".join(name.lower().replace(".", "").split())


def spec_for(kind: str) -> Spec:
    return SPECS["fact"] if kind in FACT_KINDS else SPECS[kind]


# --- the checks ----------------------------------------------------------------------------

@dataclass
class Validator:
    """Checks the loaded data files. `documents` may be empty (seeds not at hand): then the
    checks against the documents' text are skipped and `skipped_document_checks` says so."""

    documents: Mapping[str, Document]
    known_docs: frozenset[str] = frozenset()
    problems: list[Problem] = field(default_factory=list)
    skipped_document_checks: bool = False

    def fail(self, file: str, where: str, message: str) -> None:
        self.problems.append(Problem(file, where, message))

    def check_fields(self, file: str, where: str, entry: Any, spec: Spec) -> bool:
        if not isinstance(entry, dict):
            self.fail(file, where, f"expected a mapping, got {type(entry).__name__}")
            return False
        ok = True
        for name in entry:
            if name not in spec.fields:
                self.fail(file, where, f"unknown field {name!r}")
                ok = False
        for name, (types, required) in spec.fields.items():
            value = entry.get(name)
            if value is None:
                if required:
                    self.fail(file, where, f"missing required field {name!r}")
                    ok = False
            elif not isinstance(value, types) or (types == INT and isinstance(value, bool)):
                wanted = " or ".join(t.__name__ for t in types)
                self.fail(file, where, f"field {name!r} should be {wanted}, got {value!r}")
                ok = False
            elif isinstance(value, str) and not value.strip():
                self.fail(file, where, f"field {name!r} is empty")
                ok = False
        return ok

    def check_strings(self, file: str, where: str, name: str, values: Any) -> None:
        if values is not None and not all(isinstance(v, str) and v.strip() for v in values):
            self.fail(file, where, f"{name} must be a list of non-empty strings")

    def citations(self, file: str, where: str, entry: dict) -> list[dict]:
        if ("source" in entry) == ("sources" in entry):
            self.fail(file, where, "give exactly one of 'source' or 'sources'")
            return []
        cited = [entry["source"]] if "source" in entry else entry["sources"]
        if not cited:
            self.fail(file, where, "'sources' is empty")
        good = []
        for c in cited:
            if not self.check_fields(file, where, c, CITATION_SPEC):
                continue
            doc = self.documents.get(c["doc"])
            if c["doc"] not in self.known_docs:
                self.fail(file, where, f"unknown source document {c['doc']!r}")
            elif doc is not None and not doc.has_heading(c["section"]):
                self.fail(file, where, f"section {c['section']!r} is not a heading of {c['doc']}")
            good.append(c)
        return good

    def figure(self, file: str, where: str, fig: Any, units: set[str] = UNITS) -> list[float]:
        """Checks one figure; returns its numbers."""
        if not self.check_fields(file, where, fig, FIGURE_SPEC):
            return []
        has_value, has_range = "value" in fig, "low" in fig
        if has_value == has_range:
            self.fail(file, where, "a figure needs either 'value' or 'low' (and 'high')")
        if "high" in fig and not has_range:
            self.fail(file, where, "'high' needs 'low'")
        if has_range and "high" in fig and fig["low"] > fig["high"]:
            self.fail(file, where, f"low {fig['low']} is above high {fig['high']}")
        if has_range and "high" not in fig and fig.get("qualifier") != "plus":
            self.fail(file, where, "an open range (no 'high') needs qualifier: plus")
        self.one_of(file, where, "unit", fig.get("unit"), units)
        self.one_of(file, where, "per", fig.get("per"), PERIODS, optional=True)
        self.one_of(file, where, "qualifier", fig.get("qualifier"), QUALIFIERS, optional=True)
        return [fig[k] for k in ("value", "low", "high") if isinstance(fig.get(k), (int, float))]

    def numbers_in_words_stated(self, file: str, where: str, cited: list[dict],
                                entry: dict) -> None:
        """A number written in an entry's words ("costs $2,000") must be written in one of the
        documents it cites too: the wording may not state a figure the sources don't."""
        docs = [self.documents[c["doc"]] for c in cited if c["doc"] in self.documents]
        if not docs:
            return
        for name in TEXT_FIELDS:
            value = entry.get(name)
            # digits only: in our own words "two-way" or "one of" are not figures
            for n in numbers_in(value, words=False) if isinstance(value, str) else ():
                if not any(d.states(n) for d in docs):
                    self.fail(file, where, f"{name} says {n:g}, which no cited document states")

    def one_of(self, file: str, where: str, name: str, value: Any, allowed: Iterable[str],
               optional: bool = False) -> None:
        if value is None and optional:
            return
        if value not in allowed:
            self.fail(file, where, f"{name} {value!r} is not one of {sorted(allowed)}")

    def figures_stated(self, file: str, where: str, cited: list[dict],
                       numbers: list[float]) -> None:
        """Every figure must be written in the one document the entry cites."""
        if not numbers:
            return
        docs = {c["doc"] for c in cited}
        if len(docs) != 1:
            self.fail(file, where, "an entry with figures must cite one document only")
            return
        doc = self.documents.get(docs.pop())
        if doc is None:
            self.skipped_document_checks = True
            return
        for n in numbers:
            if not doc.states(n):
                self.fail(file, where, f"figure {n:g} is not written in {doc.name}")


TEXT_FIELDS = ("title", "text", "name", "duties", "focus", "description", "why_fit", "scope",
               "note", "as_of")


def iter_entries(kind: str, entries: Any) -> Iterator[tuple[str, Any]]:
    """(where, entry) for each entry of a kind, `where` naming it for error messages."""
    id_field = spec_for(kind).id_field
    for i, entry in enumerate(entries):
        ident = entry.get(id_field) if isinstance(entry, dict) else None
        yield f"{kind}/{ident if ident else f'#{i + 1}'}", entry
