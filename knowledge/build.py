"""Builds the knowledge base: validate knowledge/data, load it into the database, and write the
spaCy entity pipeline.

    python -m knowledge.build                      # SQLite under var/, or DATABASE_URL
    python -m knowledge.build --check              # validate only, write nothing
    python -m knowledge.build --database-url postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, make_url

import settings
from knowledge import models as m
from knowledge.documents import read_documents
from knowledge.repository import CareerKnowledge
from knowledge.schema import FACT_KINDS, DataError, country_id
from knowledge.validate import RawData, entity_names, read_data, validate


def rows(data: RawData) -> dict[Any, list[dict[str, Any]]]:
    """The validated data as rows per table."""
    out: dict[Any, list[dict[str, Any]]] = {t: [] for t in m.KnowledgeBase.__subclasses__()}
    e = data.entries

    def cite(kind: str, ident: str, entry: dict) -> None:
        cited = [entry["source"]] if "source" in entry else entry["sources"]
        out[m.Citation] += [
            dict(owner_kind=kind, owner_id=ident, position=i, doc=c["doc"], section=c["section"])
            for i, c in enumerate(cited)
        ]

    def figures(kind: str, ident: str, figs: Iterable[dict]) -> None:
        out[m.Figure] += [
            dict(owner_kind=kind, owner_id=ident, position=i, what=f.get("what"),
                 low=f.get("value", f.get("low")), high=f.get("high"), unit=f["unit"],
                 per=f.get("per"), qualifier=f.get("qualifier"))
            for i, f in enumerate(figs)
        ]

    out[m.Document] = [dict(doc=s["doc"], title=s["title"]) for s in e["sources"]]
    for r in e["roles"]:
        out[m.Role].append(dict(
            id=r["id"], level=r["level"], name=r["name"], median_usd=r["median_usd"],
            average_usd=r["average_usd"], years_low=r["years_low"],
            years_high=r.get("years_high"), duties=r["duties"].strip(),
            focus=r["focus"].strip(), next_id=r.get("next")))
        cite("roles", r["id"], r)
    for i, p in enumerate(e["pay"]):
        out[m.PayFigure].append(dict(
            id=p["id"], position=i, title=p["title"], measure=p["measure"], scope=p["scope"],
            as_of=p.get("as_of"), publisher=p.get("publisher"), note=p.get("note"),
            compare=p.get("compare")))
        figures("pay", p["id"], [p["figure"]])
        cite("pay", p["id"], p)
    for i, r in enumerate(e["regions"]):
        out[m.Region].append(dict(id=r["id"], position=i, name=r["name"], note=r.get("note")))
        out[m.RegionPay] += [dict(region_id=r["id"], **band) for band in r["pay"]]
        out[m.Country] += [
            dict(id=country_id(c["name"]), name=c["name"], region_id=r["id"],
                 named_by_source=c["named"]) for c in r["countries"]]
        cite("regions", r["id"], r)
    for c in e.get("other_countries", []):
        out[m.Country].append(dict(id=country_id(c["name"]), name=c["name"], region_id=None,
                                   named_by_source=True))
        cite("countries", country_id(c["name"]), c)
    links: set[tuple[str, str]] = set()
    for i, s in enumerate(e.get("skills", [])):
        out[m.Skill].append(dict(id=s["id"], position=i, name=s["name"],
                                 description=s["description"].strip(),
                                 categories=list(s["categories"])))
        links |= {(c, s["id"]) for c in s.get("valued_by") or []}
        cite("skills", s["id"], s)
    for i, c in enumerate(e.get("careers", [])):
        out[m.Career].append(dict(id=c["id"], position=i, name=c["name"],
                                  why_fit=c["why_fit"].strip(), to_add=list(c.get("to_add") or []),
                                  see=list(c.get("see") or [])))
        links |= {(c["id"], s) for s in c.get("bridging_skills") or []}
        figures("careers", c["id"], c.get("figures") or [])
        cite("careers", c["id"], c)
    out[m.CareerSkill] = [dict(career_id=c, skill_id=s) for c, s in sorted(links)]
    for kind in FACT_KINDS:
        for i, f in enumerate(e.get(kind, [])):
            out[m.Fact].append(dict(kind=kind, id=f["id"], position=i, title=f["title"],
                                    text=" ".join(f["text"].split()), compare=f.get("compare"),
                                    rank=f.get("rank"), see=list(f.get("see") or [])))
            figures(kind, f["id"], f.get("figures") or [])
            cite(kind, f["id"], f)
    seen: set[str] = set()
    for name in entity_names(data):
        key = " ".join(name.phrase.lower().split())
        if key not in seen:  # a name that is also its own alias is stored once
            seen.add(key)
            out[m.Alias].append(dict(phrase=key, owner_kind=name.kind, owner_id=name.id,
                                     label=name.label, country_id=name.country))
    return out


def load(conn: Connection, table_rows: dict[Any, list[dict[str, Any]]]) -> None:
    """Replaces the knowledge base's tables (and only those) with the given rows."""
    metadata = m.KnowledgeBase.metadata
    metadata.drop_all(conn)
    metadata.create_all(conn)
    for table in metadata.sorted_tables:
        model = next(t for t in table_rows if t.__table__ is table)
        if table_rows[model]:
            # executemany takes its columns from the first row: give every row every column
            columns = [c.name for c in table.columns]
            conn.execute(table.insert(), [{c: r.get(c) for c in columns}
                                          for r in table_rows[model]])


def write_database(url: str, table_rows: dict[Any, list[dict[str, Any]]]) -> None:
    """Loads the rows in one transaction. A SQLite file is built beside the old one and moved
    into place, so a running bot never reads a half-built knowledge base."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        target = Path(parsed.database)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".knowledge-", suffix=".db", dir=target.parent)
        os.close(fd)
        try:
            engine = create_engine(f"sqlite:///{tmp}", future=True)
            with engine.begin() as conn:
                load(conn, table_rows)
            engine.dispose()
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return
    engine = create_engine(url, future=True)
    try:
        with engine.begin() as conn:
            load(conn, table_rows)
    finally:
        engine.dispose()


def build(database_url: str | None = None, data_dir: Path = settings.KNOWLEDGE_DATA_DIR,
          seeds_dir: Path | None = None, nlp_dir: Path | None = None,
          check_only: bool = False, write_nlp: bool = True, log=print) -> RawData:
    """Validates the data and, unless check_only, writes the database and the entity pipeline."""
    seeds = seeds_dir or settings.seeds_dir()
    documents = read_documents(seeds)
    data = read_data(data_dir)
    result = validate(data, documents)
    total = sum(len(v) for k, v in data.entries.items() if k != "sources")
    log(f"validated {total} entries in {len(set(data.files.values()))} files from {data_dir}")
    if result.skipped_document_checks:
        log(f"warning: source documents not found in {seeds}: "
            "figures and sections were not checked against them")
    if check_only:
        return data
    url = database_url or settings.knowledge_database_url()
    table_rows = rows(data)
    write_database(url, table_rows)
    log(f"loaded {sum(len(r) for r in table_rows.values())} rows into "
        f"{make_url(url).render_as_string(hide_password=True)}")
    if write_nlp:
        # spaCy is slow to import: only here
        from knowledge.entities import Phrase, build_pipeline
        from knowledge.places import PEOPLE_WORDS, world_places

        path = nlp_dir or settings.nlp_dir()
        aliases = table_rows[m.Alias]
        own = [Phrase(a["label"], a["owner_id"], a["phrase"], a["country_id"]) for a in aliases]
        places, demonyms = world_places(p for p in own if p.label in ("REGION", "COUNTRY"))
        nlp = build_pipeline(own + places, demonyms, PEOPLE_WORDS)
        path.parent.mkdir(parents=True, exist_ok=True)
        nlp.to_disk(path)
        log(f"wrote the entity pipeline ({len(aliases)} phrases of the knowledge base, "
            f"{len(places) + len(demonyms)} of the world's places) to {path}")
        from knowledge.search_index import build_index

        entries = build_index(CareerKnowledge.load(url), path)
        log(f"embedded {entries} entries for search by meaning into {path}")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: DATABASE_URL, else var/knowledge.db")
    parser.add_argument("--check", action="store_true", help="validate only; write nothing")
    parser.add_argument("--data-dir", type=Path, default=settings.KNOWLEDGE_DATA_DIR,
                        help="the data files (default: knowledge/data)")
    parser.add_argument("--seeds-dir", type=Path,
                        help="the source documents (default: SEEDS_DIR, else ../shared/seeds)")
    args = parser.parse_args(argv)
    try:
        build(args.database_url, data_dir=args.data_dir, seeds_dir=args.seeds_dir,
              check_only=args.check)
    except DataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
