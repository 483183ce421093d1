"""Questions answered by a list of topic facts (why people leave, steps out, education, remote
work, ...). The table says which kinds of fact answer which intent; one class serves them all."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import Answer
from actions.context import PLACE_TOPICS, matches, mentioned
from actions.replies import bullets, button, figures, phrase, plan_button, say, sources
from knowledge.records import Citation, Fact, Figure
from knowledge.repository import CareerKnowledge, UnknownEntry
from knowledge.search_index import is_fact, split_ref
from understanding.routing import asks_one_fact, asks_target

# Facts shown in full ("title: text"); the rest of a long list is named by title only.
IN_FULL = 4
# How close in meaning the topic's best entry must be to a one-fact question to be the answer
# alone (cosine similarity; higher than the search's ANSWER_AT, actions/search.py, since the
# rest of the topic is then left out).
ONE_FACT_AT = 0.5
# a runner-up this close to the best is shown with it: the question may mean either
ONE_FACT_MARGIN = 0.08




def names_place(names: list[str], text: str) -> bool:
    """Whether the text uses one of a country's names ("the UK", "Britain")."""
    plain = f" {re.sub(r'[^a-z ]+', ' ', text.lower())} "
    return any(f" {name} " in plain for name in names)


@dataclass(frozen=True)
class Topic:
    kinds: tuple[str, ...]  # fact kinds answering it, in the order shown
    entity: str | None = None  # an entity naming one fact of these kinds ("what is AHT")
    per_line_sources: bool = False  # where documents disagree, each line names its source
    numbered: bool = False  # steps keep their order and show it
    offers_plan: bool = False  # the natural next step is a personal plan: a button for it


TOPICS: dict[str, Topic] = {
    "why_leave": Topic(("why_leave",), offers_plan=True),
    "why_stay": Topic(("pros", "leaving_disadvantages")),
    "steps_to_leave": Topic(("steps_out",), numbered=True, offers_plan=True),
    "ask_education": Topic(("education", "training_options", "certifications")),
    "ask_outlook": Topic(("outlook",), per_line_sources=True),
    "ask_ai": Topic(("ai_automation",)),
    "ask_remote": Topic(("remote_work",)),
    "ask_visa": Topic(("visas",)),
    "ask_specializations": Topic(("specializations",), entity="specialization"),
    "ask_industries": Topic(("industries",), entity="industry"),
    "ask_employers": Topic(("employers",), entity="employer"),
    "ask_tools": Topic(("tools",), entity="tool"),
    "ask_job_search": Topic(("application_tips",)),
    "how_to_start": Topic(("steps_in", "job_readiness"), numbered=True),
    "ask_metrics": Topic(("metrics",), entity="metric"),
}


def evidence(kb: CareerKnowledge, fact: Fact) -> tuple[list[Figure], list[Citation]]:
    """The figures to show with a fact, and where they come from: its own, or else those of the
    pay and outlook entries it points to ("low pay" -> the median hourly wage)."""
    if fact.figures:
        return list(fact.figures), list(fact.sources)
    figs, cited = [], list(fact.sources)
    for ref in fact.see:
        kind, _, ident = ref.partition("/")
        if kind == "pay":
            pay = kb.pay(ident)
            figs.append(pay.figure)
            cited += pay.sources
        elif kind == "outlook":
            outlook = kb.fact(kind, ident)
            figs += outlook.figures
            cited += outlook.sources
    return figs, cited


def fact_line(kb: CareerKnowledge, fact: Fact, in_full: bool, with_source: bool) -> str:
    figs, cited = evidence(kb, fact)
    line = fact.title + (f" ({figures(figs)})" if figs else "")
    if in_full:
        line += f": {fact.text}"
    return line + (f" — {sources(cited)}" if with_source else "")


class TopicAnswer:
    """Mixed into `Answer` by the classes made below; `topic` picks the row of TOPICS."""

    topic: str

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               kb: CareerKnowledge) -> dict[str, Any]:
        spec = TOPICS[self.topic]
        facts = [f for kind in spec.kinds for f in kb.facts(kind)]
        named = self.named_facts(tracker, kb, spec)
        if self.topic == "ask_metrics" and named and asks_target(
                tracker.latest_message.get("text") or ""):
            # "whats a normal AHT target": the documents give none; not the measure's text
            say(dispatcher, "utter_no_figure_for", [button("how_performance_is_measured",
                                                           "/ask_metrics")],
                what=phrase("topics.target", measure=named[0].title))
            return {}
        subjects: dict[str, Any] = {}
        if named:
            facts = named
        elif self.topic in PLACE_TOPICS and (country := next(iter(mentioned(tracker, "country")),
                                                              None)):
            # "and in the UK?" after visas: the facts that name the UK, if any do
            names = [p.phrase for p in kb.entity_phrases() if p.country == country]
            there = [f for f in facts if names_place(names, f.text)]
            if there:
                facts, named, subjects = there, there, {"country": country}
        if self.topic in PLACE_TOPICS:
            # "a visa for australia", then "and what would i earn there": there is Australia
            subjects = {**{k: v[0] for k in ("region", "country")
                           if (v := mentioned(tracker, k))}, **subjects}
        lines = [fact_line(kb, f, i < IN_FULL or bool(named), spec.per_line_sources)
                 for i, f in enumerate(facts)]
        shown = lines if spec.numbered else lines[:IN_FULL]
        rest = [] if spec.numbered else [f.title for f in facts[IN_FULL:]]
        listing = ("\n".join(f"{i}. {line}" for i, line in enumerate(shown, 1)) if spec.numbered
                   else bullets(shown))
        say(dispatcher, f"utter_topic_{self.topic}",
            [plan_button()] if spec.offers_plan else [], items=listing,
            more=phrase("topics.also", titles="; ".join(rest)) if rest else "",
            sources="" if spec.per_line_sources
            else sources(c for f in facts for c in evidence(kb, f)[1]))
        return subjects

    @staticmethod
    def named_facts(tracker: Tracker, kb: CareerKnowledge, spec: Topic) -> list[Fact]:
        """The fact the question is about: named by an entity ("what is AHT"), or, for a
        question that asks one fact ("how much does a bachelor's degree cost"), the entries of
        this topic closest in meaning, when close: the best, and a runner-up as close as it."""
        for value in mentioned(tracker, spec.entity) if spec.entity else []:
            for kind in spec.kinds:
                try:
                    return [kb.fact(kind, value)]
                except UnknownEntry:
                    continue
        if not asks_one_fact(tracker.latest_message.get("text") or ""):
            return []
        close: list[Fact] = []
        found = matches(tracker)
        for ref, score in found[:2]:
            kind, ident = split_ref(ref)
            if not is_fact(ref) or kind not in spec.kinds or score < ONE_FACT_AT or (
                    close and found[0][1] - score > ONE_FACT_MARGIN):
                break
            close.append(kb.fact(kind, ident))
        return close


for _topic in TOPICS:
    _name = "".join(part.title() for part in _topic.split("_")) + Answer.__name__
    globals()[_name] = type(_name, (TopicAnswer, Answer), {"topic": _topic,
                                                           "__module__": __name__})
