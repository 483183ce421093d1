"""The knowledge base holds what the issue asks for: all seven levels, all regions, every step of
both step lists, and both sides of each disagreement between the documents."""

from __future__ import annotations

import re

DOC_000 = "000_140bf0a55df7591d.txt"
DOC_001 = "001_db0234d7e44bb197.txt"
DOC_002 = "002_05fee2384cee0923.txt"
DOC_003 = "003_4df95754e94a499d.txt"


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end, text.index(start))]


def test_seven_levels_each_with_median_average_years_and_next(kb):
    ladder = kb.ladder()
    assert [r.level for r in ladder] == list(range(1, 8))
    assert ladder[0].name == "Customer Service Representative"
    assert ladder[-1].name == "Director of Customer Service"
    for lower, upper in zip(ladder, ladder[1:], strict=False):
        assert lower.next_id == upper.id
        assert upper.median_usd > lower.median_usd
        assert lower.average_usd >= lower.median_usd
        assert lower.years_high is not None and lower.duties and lower.focus
    assert ladder[-1].next_id is None and ladder[-1].years_high is None


def test_all_regions_the_document_gives(kb):
    assert [r.id for r in kb.regions()] == [
        "us", "canada", "western_europe", "eastern_europe", "australia", "japan",
        "latin_america"]
    assert kb.region("canada").pay == () and "slightly lower" in kb.region("canada").note
    assert {b.band: (b.low, b.high) for b in kb.region("us").pay} == {
        "entry-level": (35000, 50000), "experienced": (60000, 80000)}
    assert kb.region("western_europe").named_countries == ("Germany", "Netherlands")


def test_every_step_out_of_customer_service(kb, documents):
    text = section(documents[DOC_001].text, "Steps To Drop Out Of The Job", "These are a few steps")
    bullets = re.findall(r"•\s*([^:]+):", text)
    steps = kb.facts("steps_out")
    assert len(bullets) == len(steps) == 10
    for step in steps:
        assert step.sources[0].doc == DOC_001


def test_every_step_into_customer_service(kb, documents):
    steps_in_doc = re.findall(r"^\s*Step (\d)\s*$", documents[DOC_002].text, re.M)
    assert len(kb.facts("steps_in")) == len(steps_in_doc) == 6


def test_both_conflicting_medians_are_kept_with_their_sources(kb):
    medians = {p.sources[0].doc: p.figure.low for p in kb.pay_figures("median_annual_pay")}
    assert medians == {DOC_002: 37020, DOC_003: 39680}


def test_both_sides_of_the_outlook_are_kept(kb):
    by_doc = {f.sources[0].doc: f for f in kb.compared("employment_outlook") if f.figures}
    assert by_doc[DOC_002].figures[0].low == 3
    assert by_doc[DOC_000].figures[0].low == -5


def test_every_pay_figure_the_issue_names(kb):
    figures = {(p.figure.low, p.figure.high, p.figure.per) for p in kb.pay_figures()}
    assert {(37020, None, "year"), (39680, None, "year"), (20.59, None, "hour"),
            (14, 30, "hour"), (30000, 45000, "year"), (29000, 55000, "year")} <= figures


def test_every_topic_the_issue_names_has_entries(kb):
    for kind in ("why_leave", "leaving_disadvantages", "leaving_advantages", "pros", "cons",
                 "steps_out", "steps_in", "education", "training_options", "certifications",
                 "job_readiness", "outlook", "market_2025", "ai_automation", "industries",
                 "employers", "remote_work", "visas", "global_notes", "specializations",
                 "tools", "organizations", "metrics"):
        assert kb.facts(kind), kind
    assert len(kb.facts("pros")) == len(kb.facts("cons")) == 7
    assert {"soft", "technical", "transferable"} <= {c for s in kb.skills() for c in s.categories}


def test_the_careers_the_issue_names(kb):
    ids = {c.id for c in kb.careers()}
    assert {"sales_account_management", "hr_recruitment", "marketing_cx_strategy", "training",
            "quality_assurance", "customer_success", "operations", "product", "ux",
            "project_management", "technical_support"} <= ids
    for career in kb.careers():
        assert career.why_fit and career.sources
