"""A step being written: its lines, the knowledge-base entries it uses, and what the documents
turned out not to say. Citations are taken from the entries used, so a step cannot state a
fact without citing where it comes from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.records import Fact
from knowledge.repository import CareerKnowledge
from plans import content, lookup, wording
from plans.plan import Step, unique_citations


@dataclass(frozen=True)
class Drafted:
    step: Step
    missing: tuple[str, ...]  # plain sentences on what the documents don't say


class Draft:
    def __init__(self, kb: CareerKnowledge, step_id: str):
        self.kb = kb
        self.step_id = step_id
        self._lines: list[str] = []
        self._refs: list[str] = []
        self._missing: list[str] = []

    def key(self, name: str, /) -> str:
        """The key of this step's template (wording.yml) or entries (content.yml):
        `steps.<step id>.<name>`."""
        return f"steps.{self.step_id}.{name}"

    def ids(self, name: str, /) -> tuple[str, ...]:
        """The ids this step lists under `name` in content.yml ("extras"), or ()."""
        return content.ids(self.key(name))

    def setting(self, name: str, /) -> str:
        """A single value of this step's in content.yml, an id ("ladder_region")."""
        return str(content.entry(self.key(name)))

    def say(self, template: str, /, **values: object) -> str:
        return wording.say(self.key(template), **values)

    def line(self, text: str) -> None:
        self._lines.append(text)

    def item(self, text: str) -> None:
        self._lines.append(wording.bullet(text))

    def use(self, *refs: str) -> None:
        """Records that the text rests on these entries ("kind/id")."""
        for ref in refs:
            lookup.record(self.kb, ref)  # an unknown entry fails here, at build time
            if ref not in self._refs:
                self._refs.append(ref)

    def fact(self, ref: str) -> Fact:
        self.use(ref)
        return lookup.fact(self.kb, ref)

    def facts(self, name: str) -> tuple[Fact, ...]:
        """The facts listed under this step's `name` in content.yml (e.g. "kb"), used."""
        return tuple(self.fact(ref) for ref in self.ids(name))

    def advice(self) -> str:
        """The texts of the step's own knowledge-base entries (`kb:`), which its why rests on."""
        return " ".join(f.text for f in self.facts("kb"))

    def extras(self, refs: Iterable[str]) -> None:
        """Each fact as a list item, "Title: text"."""
        for ref in refs:
            f = self.fact(ref)
            self.item(self.say("extra", title=f.title, text=f.text))

    def missing(self, text: str) -> None:
        if text not in self._missing:
            self._missing.append(text)

    def finish(self, title: str, why: str) -> Drafted:
        step = Step(id=self.step_id, title=title, detail="\n".join(self._lines), why=why,
                    citations=unique_citations(lookup.sources(self.kb, self._refs)),
                    refs=tuple(self._refs))
        return Drafted(step, tuple(self._missing))
