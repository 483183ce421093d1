"""The knowledge base against the four source documents: every figure is written in the document
it cites, and the main tables match the documents' own tables.

The checks here search the raw text for the ways a figure can be written ("$36k", "37,020",
"3.5 million", "four"), independently of the build's number parser.
"""

from __future__ import annotations

import re

import pytest

from knowledge.records import Citation

DOC_002 = "002_05fee2384cee0923.txt"
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                8: "eight", 9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}


def spellings(n: float) -> list[str]:
    """Ways a document may write the number."""
    n = abs(n)
    out = [f"{n:,.2f}"] if n != int(n) else []
    if n == int(n):
        i = int(n)
        out += [f"{i:,}", str(i)]
        if i >= 1000 and i % 1000 == 0:
            out.append(f"${i // 1000}k")
        if i >= 1_000_000:
            out.append(f"{i / 1_000_000:g} million")
        if i in NUMBER_WORDS:
            out.append(NUMBER_WORDS[i])
    return out


def written_in(text: str, n: float) -> bool:
    return any(re.search(r"(?<![\d,.])" + re.escape(s) + r"(?![\d]|,\d)", text, re.IGNORECASE)
               for s in spellings(n))


def all_figures(kb) -> list[tuple[str, float, tuple[Citation, ...]]]:
    """(where, number, sources) for every figure the knowledge base states."""
    out = []
    for r in kb.ladder():
        nums = [r.median_usd, r.average_usd, r.years_low]
        nums += [r.years_high] if r.years_high is not None else []
        out += [(f"roles/{r.id}", n, r.sources) for n in nums]
    for p in kb.pay_figures():
        nums = [p.figure.low] + ([p.figure.high] if p.figure.high is not None else [])
        out += [(f"pay/{p.id}", n, p.sources) for n in nums]
    for reg in kb.regions():
        for b in reg.pay:
            nums = [b.low, b.high, b.usd_low, b.usd_high]
            out += [(f"regions/{reg.id}", n, reg.sources) for n in nums if n is not None]
    for c in kb.careers():
        for f in c.figures:
            out += [(f"careers/{c.id}", n, c.sources) for n in (f.low, f.high) if n is not None]
    for kind in kb.kinds():
        for fact in kb.facts(kind):
            for f in fact.figures:
                out += [(f"{kind}/{fact.id}", n, fact.sources)
                        for n in (f.low, f.high) if n is not None]
    return out


def test_the_knowledge_base_states_figures(kb):
    assert len(all_figures(kb)) >= 60


def test_every_figure_is_written_in_the_document_it_cites(kb, documents):
    missing = []
    for where, n, sources in all_figures(kb):
        (doc,) = {c.doc for c in sources}  # an entry with figures cites one document
        if not written_in(documents[doc].text, n):
            missing.append(f"{where}: {n:g} not in {doc}")
    assert missing == []


def test_every_cited_section_is_a_heading_of_its_document(kb, documents):
    cited = {(c.doc, c.section) for *_, sources in all_figures(kb) for c in sources}
    for kind in kb.kinds():
        cited |= {(c.doc, c.section) for f in kb.facts(kind) for c in f.sources}
    cited |= {(c.doc, c.section) for s in kb.skills() for c in s.sources}
    cited |= {(c.doc, c.section) for c in kb.careers() for c in c.sources}
    for doc, section in cited:
        assert documents[doc].has_heading(section), (doc, section)


def test_the_ladder_matches_the_salary_table_of_its_document(kb, documents):
    # "Customer Service Team Lead$62k USD$65k USD": one line of the table per level
    rows = re.findall(r"^\s*(.+?)\$(\d+)k USD\$(\d+)k USD\s*$", documents[DOC_002].text, re.M)
    table = {name: (int(med) * 1000, int(avg) * 1000) for name, med, avg in rows}
    assert len(table) == 7
    assert {r.name: (r.median_usd, r.average_usd) for r in kb.ladder()} == table


def test_the_years_at_each_level_match_the_career_path(kb, documents):
    text = documents[DOC_002].text
    for role in kb.ladder():
        years = (f"{role.years_low}-{role.years_high} year" if role.years_high is not None
                 else f"{role.years_low}+ years")
        assert re.search(re.escape(role.name) + r"\s*\n\s*" + re.escape(years), text), role.id


@pytest.mark.parametrize("region_id, currency, low, high, usd_low, usd_high", [
    ("western_europe", "EUR", 25000, 40000, 27000, 43000),
    ("eastern_europe", "EUR", 15000, 25000, 16000, 27000),
    ("australia", "AUD", 50000, 70000, 33000, 47000),
    ("japan", "JPY", 3_500_000, 5_500_000, 24000, 37000),
])
def test_regional_pay_keeps_local_currency_and_usd(kb, documents, region_id, currency, low,
                                                   high, usd_low, usd_high):
    (band,) = kb.region(region_id).pay
    assert (band.currency, band.low, band.high, band.usd_low, band.usd_high) == (
        currency, low, high, usd_low, usd_high)
    text = documents[DOC_002].text
    assert written_in(text, low) and written_in(text, usd_high)
