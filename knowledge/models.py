"""The knowledge base's tables (SQLAlchemy 1.4, written in 2.0 style).

Reference facts only: they are rebuilt from knowledge/data by `knowledge.build` and read-only at
run time. User data (transition plans) has its own metadata so a rebuild never touches it.
Aliases, figures and citations are shared by several kinds, so they live in three generic tables
keyed by (owner_kind, owner_id).
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import registry
from sqlalchemy.orm.decl_api import DeclarativeMeta

_registry = registry()


class KnowledgeBase(metaclass=DeclarativeMeta):
    """Base of the knowledge base's tables; its own metadata, apart from user data."""

    __abstract__ = True
    registry = _registry
    metadata = _registry.metadata


class Document(KnowledgeBase):
    __tablename__ = "kb_documents"
    doc = Column(String(64), primary_key=True)
    title = Column(Text, nullable=False)


class Citation(KnowledgeBase):
    __tablename__ = "kb_citations"
    owner_kind = Column(String(32), primary_key=True)
    owner_id = Column(String(64), primary_key=True)
    position = Column(Integer, primary_key=True)
    doc = Column(String(64), ForeignKey("kb_documents.doc"), nullable=False)
    section = Column(Text, nullable=False)


class Alias(KnowledgeBase):
    """A name or alias of an entity, as the entity pipeline matches it."""

    __tablename__ = "kb_aliases"
    phrase = Column(String(128), primary_key=True)  # lower-case; one owner per phrase
    owner_kind = Column(String(32), nullable=False)
    owner_id = Column(String(64), nullable=False)
    label = Column(String(32), nullable=False)
    country_id = Column(String(64))  # set when the phrase is a country (see validate.Name)


class Figure(KnowledgeBase):
    __tablename__ = "kb_figures"
    owner_kind = Column(String(32), primary_key=True)
    owner_id = Column(String(64), primary_key=True)
    position = Column(Integer, primary_key=True)
    what = Column(Text)
    low = Column(Float, nullable=False)  # the value, for a single figure
    high = Column(Float)
    unit = Column(String(16), nullable=False)
    per = Column(String(8))
    qualifier = Column(String(8))


class Role(KnowledgeBase):
    __tablename__ = "kb_roles"
    id = Column(String(64), primary_key=True)
    level = Column(Integer, nullable=False, unique=True)
    name = Column(Text, nullable=False)
    median_usd = Column(Integer, nullable=False)
    average_usd = Column(Integer, nullable=False)
    years_low = Column(Integer, nullable=False)
    years_high = Column(Integer)  # None: open-ended ("12+ years")
    duties = Column(Text, nullable=False)
    focus = Column(Text, nullable=False)
    next_id = Column(String(64))


class PayFigure(KnowledgeBase):
    __tablename__ = "kb_pay"
    id = Column(String(64), primary_key=True)
    position = Column(Integer, nullable=False)
    title = Column(Text, nullable=False)
    measure = Column(String(16), nullable=False)
    scope = Column(Text, nullable=False)
    as_of = Column(Text)
    publisher = Column(Text)
    note = Column(Text)
    compare = Column(String(64))


class Region(KnowledgeBase):
    __tablename__ = "kb_regions"
    id = Column(String(64), primary_key=True)
    position = Column(Integer, nullable=False)
    name = Column(Text, nullable=False)
    note = Column(Text)


class RegionPay(KnowledgeBase):
    __tablename__ = "kb_region_pay"
    region_id = Column(String(64), ForeignKey("kb_regions.id"), primary_key=True)
    band = Column(String(32), primary_key=True)
    currency = Column(String(8), nullable=False)
    low = Column(Float, nullable=False)
    high = Column(Float, nullable=False)
    usd_low = Column(Float)
    usd_high = Column(Float)
    qualifier = Column(String(8))


class Country(KnowledgeBase):
    """A country, the region whose figures cover it (None: no figures), and whether the
    documents name it themselves."""

    __tablename__ = "kb_countries"
    id = Column(String(64), primary_key=True)
    name = Column(Text, nullable=False)
    region_id = Column(String(64), ForeignKey("kb_regions.id"))
    named_by_source = Column(Boolean, nullable=False)


class Skill(KnowledgeBase):
    __tablename__ = "kb_skills"
    id = Column(String(64), primary_key=True)
    position = Column(Integer, nullable=False)
    name = Column(Text, nullable=False)
    description = Column(Text, nullable=False)
    categories = Column(JSON, nullable=False)


class Career(KnowledgeBase):
    __tablename__ = "kb_careers"
    id = Column(String(64), primary_key=True)
    position = Column(Integer, nullable=False)
    name = Column(Text, nullable=False)
    why_fit = Column(Text, nullable=False)
    to_add = Column(JSON, nullable=False)
    see = Column(JSON, nullable=False)


class CareerSkill(KnowledgeBase):
    """A skill a career values, from either side: a career's bridging skills and a skill's
    valued_by list both land here."""

    __tablename__ = "kb_career_skills"
    career_id = Column(String(64), ForeignKey("kb_careers.id"), primary_key=True)
    skill_id = Column(String(64), ForeignKey("kb_skills.id"), primary_key=True)


class Fact(KnowledgeBase):
    """One entry of a topic kind (why_leave, steps_out, tools, ...)."""

    __tablename__ = "kb_facts"
    kind = Column(String(32), primary_key=True)
    id = Column(String(64), primary_key=True)
    position = Column(Integer, nullable=False)
    title = Column(Text, nullable=False)
    text = Column(Text, nullable=False)
    compare = Column(String(64))
    rank = Column(Integer)
    see = Column(JSON, nullable=False)
