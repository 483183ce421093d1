"""What the read API returns: plain frozen dataclasses, each carrying its sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class Citation:
    doc: str  # file name in ../shared/seeds
    title: str  # the document's title, as the bot cites it
    section: str


@dataclass(frozen=True)
class Figure:
    low: float  # the value of a single figure
    high: float | None
    unit: str  # USD, EUR, percent, years, ...
    per: str | None = None  # year, month, hour
    qualifier: str | None = None  # approx, plus, over, under
    what: str | None = None

    @property
    def is_range(self) -> bool:
        return self.high is not None


@dataclass(frozen=True)
class Role:
    id: str
    level: int
    name: str
    median_usd: int
    average_usd: int
    years_low: int
    years_high: int | None  # None: open-ended ("12+ years")
    duties: str
    focus: str
    next_id: str | None
    sources: tuple[Citation, ...]


@dataclass(frozen=True)
class PayFigure:
    id: str
    title: str
    measure: str  # median, range, potential
    scope: str
    figure: Figure
    as_of: str | None
    publisher: str | None
    note: str | None
    compare: str | None
    sources: tuple[Citation, ...]


@dataclass(frozen=True)
class RegionPay:
    band: str
    currency: str
    low: float
    high: float
    usd_low: float | None
    usd_high: float | None
    qualifier: str | None


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    pay: tuple[RegionPay, ...]
    note: str | None
    named_countries: tuple[str, ...]  # the countries the document itself names
    sources: tuple[Citation, ...]


@dataclass(frozen=True)
class Country:
    id: str
    name: str
    region_id: str | None  # None: the documents give no figures for it or its region
    named_by_source: bool


@dataclass(frozen=True)
class Skill:
    id: str
    name: str
    description: str
    categories: tuple[str, ...]
    career_ids: tuple[str, ...]  # careers that value it
    sources: tuple[Citation, ...]


@dataclass(frozen=True)
class Career:
    id: str
    name: str
    why_fit: str
    skill_ids: tuple[str, ...]  # skills that bridge into it
    to_add: tuple[str, ...]
    figures: tuple[Figure, ...]
    see: tuple[str, ...]  # "kind/id" of related entries
    sources: tuple[Citation, ...]


@dataclass(frozen=True)
class Fact:
    kind: str
    id: str
    title: str
    text: str
    figures: tuple[Figure, ...]
    compare: str | None
    rank: int | None
    see: tuple[str, ...]  # "kind/id" of related entries
    sources: tuple[Citation, ...]


class Phrase(NamedTuple):
    """A name or alias as the entity pipeline matches it."""

    label: str  # ROLE, REGION, COUNTRY, CAREER, ...
    id: str  # the entry it names
    phrase: str  # lower-case
    country: str | None = None  # the country, when the phrase names one


@dataclass(frozen=True)
class CareerMatch:
    career: Career
    shared_skills: tuple[Skill, ...]  # the person's skills this career values
