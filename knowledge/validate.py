"""Reads knowledge/data/*.yml and checks every entry, kind by kind, then the links between them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from knowledge.documents import Document
from knowledge.schema import (
    ALL_KINDS,
    COUNTRY_SPEC,
    CURRENCIES,
    ENTITY_LABELS,
    FACT_KINDS,
    PAY_MEASURES,
    REGION_PAY_SPEC,
    SKILL_CATEGORIES,
    DataError,
    Problem,
    Validator,
    country_id,
    iter_entries,
    spec_for,
)


@dataclass(frozen=True)
class RawData:
    """The data files as read: kind -> entries, and which file each kind came from."""

    entries: dict[str, list[dict[str, Any]]]
    files: dict[str, str]


def read_data(folder: Path) -> RawData:
    """Reads every *.yml file in the folder; a file that is not YAML or not a mapping of
    kind -> list, an unknown kind, or a kind in two files is a DataError."""
    entries: dict[str, list] = {}
    files: dict[str, str] = {}
    problems: list[Problem] = []
    paths = sorted(folder.glob("*.yml"))
    if not paths:
        raise DataError([Problem(str(folder), "-", "no data files (*.yml) found")])
    for path in paths:
        try:
            content = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as err:
            problems.append(Problem(path.name, "-", f"not valid YAML: {err}"))
            continue
        if not isinstance(content, dict):
            problems.append(Problem(path.name, "-", "must map kinds to lists of entries"))
            continue
        for kind, items in content.items():
            if kind not in ALL_KINDS:
                problems.append(Problem(path.name, kind, f"unknown kind {kind!r}"))
            elif kind in files:
                problems.append(Problem(path.name, kind, f"kind already defined in {files[kind]}"))
            elif not isinstance(items, list):
                problems.append(Problem(path.name, kind, "must be a list of entries"))
            else:
                entries[kind], files[kind] = items, path.name
    for required in ("sources", "roles", "pay", "regions"):
        if required not in entries:
            problems.append(Problem(str(folder), required, "this kind is required"))
    if problems:
        raise DataError(problems)
    return RawData(entries, files)


def validate(data: RawData, documents: dict[str, Document]) -> Validator:
    """Checks everything; raises DataError listing all problems. The returned validator says
    whether the checks against the documents' text had to be skipped."""
    known = frozenset(str(s.get("doc")) for s in data.entries["sources"] if isinstance(s, dict))
    v = Validator(documents=documents, known_docs=known)
    if not documents:
        v.skipped_document_checks = True
    ids: dict[str, set[str]] = defaultdict(set)

    for kind, entries in data.entries.items():
        file, spec = data.files[kind], spec_for(kind)
        for where, entry in iter_entries(kind, entries):
            fields_ok = v.check_fields(file, where, entry, spec)
            ident = entry.get(spec.id_field) if isinstance(entry, dict) else None
            if isinstance(ident, str):  # known even when other fields are wrong: no knock-on
                if ident in ids[kind]:
                    v.fail(file, where, f"duplicate id {ident!r}")
                ids[kind].add(ident)
            if not fields_ok:
                continue
            if kind == "sources":
                if documents and ident not in documents:
                    v.fail(file, where, "no such document in the seeds folder")
                continue
            cited = v.citations(file, where, entry)
            numbers = _check_kind(v, kind, file, where, entry)
            v.figures_stated(file, where, cited, numbers)
            v.numbers_in_words_stated(file, where, cited, entry)
            for name in ("aliases", "see", "valued_by", "bridging_skills", "to_add"):
                v.check_strings(file, where, name, entry.get(name))

    _check_links(v, data, ids)
    _check_aliases(v, data)
    if v.problems:
        raise DataError(v.problems)
    return v


def _check_kind(v: Validator, kind: str, file: str, where: str, e: dict) -> list[float]:
    """Kind-specific checks; returns the entry's figures (to be found in the document)."""
    numbers: list[float] = []
    if kind in FACT_KINDS or kind == "careers":
        for fig in e.get("figures") or []:
            if isinstance(fig, dict) and kind in FACT_KINDS and not fig.get("what"):
                v.fail(file, where, "each figure needs 'what' (what it measures)")
            numbers += v.figure(file, where, fig)
    elif kind == "roles":
        numbers = [e["median_usd"], e["average_usd"], e["years_low"]]
        if e.get("years_high") is not None:
            numbers.append(e["years_high"])
            if e["years_high"] < e["years_low"]:
                v.fail(file, where, "years_high is below years_low")
        if not 1 <= e["level"] <= 7:
            v.fail(file, where, "level must be 1 to 7")
    elif kind == "pay":
        v.one_of(file, where, "measure", e["measure"], PAY_MEASURES)
        numbers = v.figure(file, where, e["figure"], CURRENCIES)
    elif kind == "regions":
        for band in e["pay"]:
            if v.check_fields(file, where, band, REGION_PAY_SPEC):
                v.one_of(file, where, "currency", band["currency"], CURRENCIES)
                numbers += [band[k] for k in ("low", "high", "usd_low", "usd_high") if k in band]
                if band["low"] > band["high"]:
                    v.fail(file, where, "pay low is above high")
        if not e["pay"] and not e.get("note"):
            v.fail(file, where, "a region without pay figures needs a note saying so")
        for country in e["countries"]:
            v.check_fields(file, where, country, COUNTRY_SPEC)
    elif kind == "skills":
        for c in e["categories"]:
            v.one_of(file, where, "category", c, SKILL_CATEGORIES)
    return numbers


def _check_links(v: Validator, data: RawData, ids: dict[str, set[str]]) -> None:
    """Every id an entry points to must exist."""
    def check(kind: str, name: str, target: str) -> None:
        for where, e in iter_entries(kind, data.entries.get(kind, [])):
            values = e.get(name) if isinstance(e, dict) else None
            for value in [values] if isinstance(values, str) else values or []:
                if value not in ids[target]:
                    v.fail(data.files[kind], where, f"{name}: no {target} entry {value!r}")

    check("roles", "next", "roles")
    check("skills", "valued_by", "careers")
    check("careers", "bridging_skills", "skills")
    for kind, entries in data.entries.items():
        for where, e in iter_entries(kind, entries):
            for ref in (e.get("see") or []) if isinstance(e, dict) else []:
                target, _, ident = str(ref).partition("/")
                if ident not in ids.get(target, set()):
                    v.fail(data.files[kind], where, f"see: no entry {ref!r}")
    levels = sorted(e["level"] for e in data.entries["roles"]
                    if isinstance(e, dict) and isinstance(e.get("level"), int))
    if levels != list(range(1, 8)):
        v.fail(data.files["roles"], "roles", f"levels must be 1 to 7 once each, got {levels}")


class Name(NamedTuple):
    """A phrase the entity pipeline matches, and what it names. `country` is set when the phrase
    is a country that a region's figures cover: it then names both ("France" -> REGION
    western_europe, country france), so the bot can say the country itself is not named."""

    kind: str
    id: str
    label: str
    phrase: str
    country: str | None = None


def entity_names(data: RawData) -> list[Name]:
    """Every name and alias the entity pipeline matches."""
    out: list[Name] = []
    for kind, entries in data.entries.items():
        label = ENTITY_LABELS.get(kind)
        if label is None:
            continue
        for e in entries:
            # entities are matched by name and aliases; topic facts by aliases only (a title
            # such as "Fewer jobs ahead" is not something people type to name a thing)
            phrases = [e.get("name"), *(e.get("aliases") or [])]
            out += [Name(kind, e["id"], label, p) for p in phrases if p]
            for c in e.get("countries") or []:
                out += [Name(kind, e["id"], label, p, country_id(c["name"]))
                        for p in [c["name"], *c.get("aliases", [])]]
    for c in data.entries.get("other_countries", []):
        ident = country_id(c["name"])
        out += [Name("countries", ident, ENTITY_LABELS["countries"], p, ident)
                for p in [c["name"], *c.get("aliases", [])]]
    return out


def _check_aliases(v: Validator, data: RawData) -> None:
    """A phrase must name one thing only, or the entity pipeline could not tell which."""
    owner: dict[str, tuple[str, str]] = {}
    for kind, ident, _label, phrase, _country in entity_names(data):
        key = " ".join(phrase.lower().split())
        other = owner.setdefault(key, (kind, ident))
        if other != (kind, ident):
            v.fail(data.files.get(kind, kind), f"{kind}/{ident}",
                   f"name or alias {phrase!r} also names {other[0]}/{other[1]}")
