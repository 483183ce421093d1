"""The read API over the knowledge base.

`CareerKnowledge.load()` reads the whole knowledge base once (it is small and read-only at run
time) and answers every question from memory, so a chat turn does no I/O for reference facts.
Everything it returns is a frozen dataclass from `knowledge.records` carrying its sources.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Connection

import settings
from knowledge import models as m
from knowledge.database import engine_options
from knowledge.records import (
    Career,
    CareerMatch,
    Citation,
    Country,
    Fact,
    Figure,
    PayFigure,
    Phrase,
    Region,
    RegionPay,
    Role,
    Skill,
)
from knowledge.schema import country_id


class UnknownEntry(KeyError):
    """No entry with that id; the message says which kind and id."""

    def __str__(self) -> str:
        return str(self.args[0])


class CareerKnowledge:
    def __init__(self, tables: dict[str, list[dict[str, Any]]]):
        docs = {d["doc"]: d["title"] for d in tables["documents"]}
        cites: dict[tuple[str, str], list[Citation]] = defaultdict(list)
        for c in sorted(tables["citations"], key=lambda c: c["position"]):
            cites[c["owner_kind"], c["owner_id"]].append(
                Citation(c["doc"], docs[c["doc"]], c["section"]))
        figs: dict[tuple[str, str], list[Figure]] = defaultdict(list)
        for f in sorted(tables["figures"], key=lambda f: f["position"]):
            figs[f["owner_kind"], f["owner_id"]].append(Figure(
                f["low"], f["high"], f["unit"], f["per"], f["qualifier"], f["what"]))

        def src(kind: str, ident: str) -> tuple[Citation, ...]:
            return tuple(cites[kind, ident])

        self._documents = docs
        self._roles = {r["id"]: Role(**r, sources=src("roles", r["id"]))
                       for r in sorted(tables["roles"], key=lambda r: r["level"])}
        self._pay = {
            p["id"]: PayFigure(
                id=p["id"], title=p["title"], measure=p["measure"], scope=p["scope"],
                figure=figs["pay", p["id"]][0], as_of=p["as_of"], publisher=p["publisher"],
                note=p["note"], compare=p["compare"], sources=src("pay", p["id"]))
            for p in sorted(tables["pay"], key=lambda p: p["position"])
        }
        self._countries = {c["id"]: Country(**c) for c in tables["countries"]}
        bands: dict[str, list[RegionPay]] = defaultdict(list)
        for b in tables["region_pay"]:
            bands[b.pop("region_id")].append(RegionPay(**b))
        self._regions = {
            r["id"]: Region(
                id=r["id"], name=r["name"], note=r["note"],
                pay=tuple(sorted(bands[r["id"]], key=lambda b: b.low)),
                named_countries=tuple(sorted(
                    c.name for c in self._countries.values()
                    if c.region_id == r["id"] and c.named_by_source)),
                sources=src("regions", r["id"]))
            for r in sorted(tables["regions"], key=lambda r: r["position"])
        }
        career_skills: dict[str, list[str]] = defaultdict(list)
        skill_careers: dict[str, list[str]] = defaultdict(list)
        for link in tables["career_skills"]:
            career_skills[link["career_id"]].append(link["skill_id"])
            skill_careers[link["skill_id"]].append(link["career_id"])
        self._skills = {
            s["id"]: Skill(id=s["id"], name=s["name"], description=s["description"],
                           categories=tuple(s["categories"]),
                           career_ids=tuple(sorted(skill_careers[s["id"]])),
                           sources=src("skills", s["id"]))
            for s in sorted(tables["skills"], key=lambda s: s["position"])
        }
        self._careers = {
            c["id"]: Career(id=c["id"], name=c["name"], why_fit=c["why_fit"],
                            skill_ids=tuple(sorted(career_skills[c["id"]])),
                            to_add=tuple(c["to_add"]), figures=tuple(figs["careers", c["id"]]),
                            see=tuple(c["see"]),
                            sources=src("careers", c["id"]))
            for c in sorted(tables["careers"], key=lambda c: c["position"])
        }
        self._facts: dict[str, dict[str, Fact]] = defaultdict(dict)
        for f in sorted(tables["facts"], key=lambda f: (f["kind"], f["position"])):
            self._facts[f["kind"]][f["id"]] = Fact(
                kind=f["kind"], id=f["id"], title=f["title"], text=f["text"],
                figures=tuple(figs[f["kind"], f["id"]]), compare=f["compare"], rank=f["rank"],
                see=tuple(f["see"]), sources=src(f["kind"], f["id"]))
        self._aliases = {(a["label"], a["phrase"]): a["owner_id"] for a in tables["aliases"]}
        self._phrases = tuple(Phrase(a["label"], a["owner_id"], a["phrase"], a["country_id"])
                              for a in tables["aliases"])

    # --- loading ----------------------------------------------------------------------------

    @classmethod
    def load(cls, database_url: str | None = None) -> CareerKnowledge:
        """Reads the whole knowledge base from the database (default:
        settings.knowledge_database_url())."""
        url = database_url or settings.knowledge_database_url()
        engine = create_engine(url, future=True, **engine_options(url))
        try:
            with engine.connect() as conn:
                return cls(read_tables(conn))
        finally:
            engine.dispose()

    # --- the career ladder and pay ----------------------------------------------------------

    def ladder(self) -> tuple[Role, ...]:
        """The seven levels, from representative to director."""
        return tuple(self._roles.values())

    def role(self, role_id: str) -> Role:
        return self._get(self._roles, "role", role_id)

    def next_role(self, role_id: str) -> Role | None:
        nxt = self.role(role_id).next_id
        return self._roles[nxt] if nxt else None

    def role_below(self, role_id: str) -> Role | None:
        """The level whose next step up is this one; None for the first."""
        self.role(role_id)  # an unknown id is an error, as everywhere
        return next((r for r in self._roles.values() if r.next_id == role_id), None)

    def pay_figures(self, compare: str | None = None) -> tuple[PayFigure, ...]:
        """All general pay figures, or those answering one question (e.g. "median_annual_pay");
        several come back where the documents disagree."""
        return tuple(p for p in self._pay.values() if compare in (None, p.compare))

    def pay(self, pay_id: str) -> PayFigure:
        return self._get(self._pay, "pay figure", pay_id)

    def regions(self) -> tuple[Region, ...]:
        return tuple(self._regions.values())

    def region(self, region_id: str) -> Region:
        return self._get(self._regions, "region", region_id)

    def country(self, country_id: str) -> Country:
        return self._get(self._countries, "country", country_id)

    def region_for_country(self, name: str) -> tuple[Region | None, Country | None]:
        """The region whose figures cover a country, and the country; (None, None) when the
        knowledge base does not know the country at all."""
        country = self._countries.get(country_id(name))
        if country is None:
            return None, None
        return (self._regions[country.region_id] if country.region_id else None), country

    # --- skills and careers -----------------------------------------------------------------

    def skills(self, category: str | None = None) -> tuple[Skill, ...]:
        return tuple(s for s in self._skills.values() if category in (None, *s.categories))

    def skill(self, skill_id: str) -> Skill:
        return self._get(self._skills, "skill", skill_id)

    def careers(self) -> tuple[Career, ...]:
        return tuple(self._careers.values())

    def career(self, career_id: str) -> Career:
        return self._get(self._careers, "career", career_id)

    def transferable_skills(self, career_id: str | None = None) -> tuple[Skill, ...]:
        """The skills that carry over: all transferable ones, or those a career values."""
        if career_id is None:
            return self.skills("transferable")
        return tuple(self._skills[s] for s in self.career(career_id).skill_ids)

    def paths_for(self, skill_ids: Iterable[str]) -> tuple[CareerMatch, ...]:
        """Careers that value the given skills, best fit first (most shared skills, then the
        documents' order); careers sharing none are left out."""
        mine = {self.skill(s).id for s in skill_ids}
        matches = [
            CareerMatch(c, tuple(self._skills[s] for s in c.skill_ids if s in mine))
            for c in self._careers.values()
        ]
        order = {c: i for i, c in enumerate(self._careers)}
        matches = [mt for mt in matches if mt.shared_skills]
        return tuple(sorted(matches, key=lambda mt: (-len(mt.shared_skills), order[mt.career.id])))

    # --- topic facts ------------------------------------------------------------------------

    def facts(self, kind: str) -> tuple[Fact, ...]:
        """The entries of a topic kind in the documents' order (steps come in order)."""
        if kind not in self._facts:
            raise UnknownEntry(f"no facts of kind {kind!r}")
        return tuple(self._facts[kind].values())

    def fact(self, kind: str, fact_id: str) -> Fact:
        return self._get(self._facts.get(kind, {}), kind, fact_id)

    def compared(self, key: str) -> tuple[Fact, ...]:
        """Topic facts that answer the same question from different documents."""
        return tuple(f for kind in self._facts.values() for f in kind.values() if f.compare == key)

    def kinds(self) -> tuple[str, ...]:
        return tuple(self._facts)

    # --- names ------------------------------------------------------------------------------

    def resolve(self, label: str, phrase: str) -> str | None:
        """The id a name or alias stands for ("ROLE", "TL" -> "team_lead"), or None."""
        return self._aliases.get((label, " ".join(phrase.lower().split())))

    def entity_phrases(self) -> tuple[Phrase, ...]:
        """Every name and alias: the entity pipeline's patterns."""
        return self._phrases

    def documents(self) -> dict[str, str]:
        """File name -> title of the source documents."""
        return dict(self._documents)

    def counts(self) -> dict[str, int]:
        """How many entries of each kind the knowledge base holds."""
        out = {"sources": len(self._documents), "roles": len(self._roles),
               "pay": len(self._pay), "regions": len(self._regions),
               "countries": len(self._countries), "skills": len(self._skills),
               "careers": len(self._careers)}
        out.update({kind: len(v) for kind, v in self._facts.items()})
        out["names and aliases"] = len(self._aliases)
        return out

    @staticmethod
    def _get(table: dict[str, Any], what: str, ident: str) -> Any:
        try:
            return table[ident]
        except KeyError:
            raise UnknownEntry(f"no {what} with id {ident!r}") from None


_TABLES = {
    "documents": m.Document, "citations": m.Citation, "figures": m.Figure, "roles": m.Role,
    "pay": m.PayFigure, "regions": m.Region, "region_pay": m.RegionPay, "countries": m.Country,
    "skills": m.Skill, "careers": m.Career, "career_skills": m.CareerSkill, "facts": m.Fact,
    "aliases": m.Alias,
}


def read_tables(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [dict(row) for row in conn.execute(select(model.__table__)).mappings()]
        for name, model in _TABLES.items()
    }
