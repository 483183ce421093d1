"""Prints what the knowledge base holds, kind by kind, with counts.

    python -m knowledge.cli            # counts and the first few titles of each kind
    python -m knowledge.cli --all      # every entry
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable

from sqlalchemy.exc import OperationalError, ProgrammingError

import settings
from knowledge.formatting import amount, figure
from knowledge.repository import CareerKnowledge


def summary_lines(kb: CareerKnowledge, show_all: bool = False) -> Iterable[str]:
    """The report, line by line."""
    shown = None if show_all else 4

    def listing(names: list[str]) -> str:
        more = len(names) - len(names[:shown])
        return "; ".join(names[:shown]) + (f"; ... (+{more})" if more else "")

    counts = kb.counts()
    yield f"Career Coach knowledge base: {sum(counts.values()) - counts['names and aliases']} "\
          f"entries, {counts['names and aliases']} names and aliases for entity matching"
    yield ""
    yield f"sources ({counts['sources']})"
    for doc, title in kb.documents().items():
        yield f"  {doc}  {title}"
    yield f"roles ({counts['roles']}): the career ladder, US median / average a year"
    for r in kb.ladder():
        years = f"{r.years_low}-{r.years_high}" if r.years_high is not None else f"{r.years_low}+"
        yield (f"  {r.level}. {r.name}: {amount(r.median_usd, 'USD')} / "
               f"{amount(r.average_usd, 'USD')}, {years} years")
    yield f"pay ({counts['pay']}): general pay figures, by the question they answer"
    for p in kb.pay_figures():
        yield f"  [{p.compare}] {p.title}: {figure(p.figure)} ({p.sources[0].doc})"
    yield f"regions ({counts['regions']}), countries ({counts['countries']})"
    for reg in kb.regions():
        bands = ", ".join(f"{b.band} {amount(b.low, b.currency)}-{amount(b.high, b.currency)}"
                          for b in reg.pay) or (reg.note or "")
        yield f"  {reg.name}: {bands}"
    yield f"skills ({counts['skills']}): {listing([s.name for s in kb.skills()])}"
    yield f"careers ({counts['careers']}): {listing([c.name for c in kb.careers()])}"
    for kind in kb.kinds():
        yield f"{kind} ({counts[kind]}): {listing([f.title for f in kb.facts(kind)])}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print what the knowledge base holds.")
    parser.add_argument("--all", action="store_true", help="list every entry, not the first few")
    parser.add_argument("--database-url", help="default: DATABASE_URL, else var/knowledge.db")
    args = parser.parse_args(argv)
    url = args.database_url or settings.knowledge_database_url()
    try:
        kb = CareerKnowledge.load(url)
    except (OperationalError, ProgrammingError) as err:
        print(f"error: cannot read the knowledge base at {url}: {err.orig}\n"
              "Build it first: make kb", file=sys.stderr)
        return 1
    for line in summary_lines(kb, args.all):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
