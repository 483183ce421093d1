"""One knowledge-base entry shown as it stands, with its source: what a search by meaning
answers with (actions/search.py), and what a statement clearly about an entry gets
(actions/statement.py)."""

from __future__ import annotations

from collections.abc import Sequence

from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.careers import say_career
from actions.context import remember
from actions.ladder import say_role_duties
from actions.replies import WORDING, bullets, figure, say, sources
from actions.salary import disagreeing, pay_line, region_pay
from actions.topics import TOPICS, evidence, fact_line
from knowledge.repository import CareerKnowledge
from knowledge.search_index import is_fact, split_ref

# The topic a fact kind belongs to, for follow-ups ("and in Japan?") and for the records; kinds
# no question lists on its own go with the nearest one.
KIND_TOPIC = {kind: topic for topic, spec in TOPICS.items() for kind in spec.kinds} | {
    "cons": "why_leave", "leaving_advantages": "why_leave", "wellbeing": "why_leave",
    "market_2025": "ask_outlook", "global_notes": "ask_visa", "job_variants":
    "ask_specializations", "responsibilities": "ask_role_duties", "work_environment":
    "why_stay", "organizations": "ask_job_search"}


# The topic each kind of entry that is not a fact answers, as answer_entry records it.
ENTRY_TOPICS = {"career": "skills_for_career", "role": "ask_role_duties", "pay": "ask_salary",
                "region": "ask_salary_region"}


def topic_of(ref: str) -> str:
    """The topic an entry answers: "fact:job_readiness/job_ready" -> its kind's topic."""
    kind, _ = split_ref(ref)
    if is_fact(ref):
        return KIND_TOPIC.get(kind, "search")
    return ENTRY_TOPICS[kind]


def title_of(kb: CareerKnowledge, ref: str) -> str:
    kind, ident = split_ref(ref)
    if is_fact(ref):
        return kb.fact(kind, ident).title
    if kind == "career":
        return WORDING.say("buttons.moving_into", career=kb.career(ident).name)
    if kind == "role":
        return WORDING.say("buttons.what_role_does", role=kb.role(ident).name)
    if kind == "pay":
        return kb.pay(ident).title
    return WORDING.say("buttons.pay_in_region", region=kb.region(ident).name)


def answer_entry(dispatcher: CollectingDispatcher, kb: CareerKnowledge, ref: str,
                 offers: list[tuple[str, str]], also: Sequence[str] = ()) -> list[EventType]:
    """Shows one entry as it stands, with its source; returns the events that remember it.
    `also`: pay figures as close to the question, shown with it ("the median for customer
    service" is both the hourly and the yearly median)."""
    kind, ident = split_ref(ref)
    if is_fact(ref):
        fact = kb.fact(kind, ident)
        say(dispatcher, "utter_search_fact", offers, fact=fact_line(kb, fact, True, False),
            sources=sources(evidence(kb, fact)[1]))
        return remember(topic_of(ref))
    if kind == "career":
        subjects = say_career(dispatcher, kb, kb.career(ident))
        return remember(topic_of(ref), **subjects)
    if kind == "role":
        subjects = say_role_duties(dispatcher, kb.role(ident))
        return remember(topic_of(ref), **subjects)
    if kind == "pay":
        pays = disagreeing(kb, [kb.pay(ident)] + [kb.pay(split_ref(r)[1]) for r in also])
        if len(pays) == 1:
            say(dispatcher, "utter_search_fact", offers, sources=sources(pays[0].sources),
                fact=f"{pays[0].title}: {figure(pays[0].figure)}")
        else:
            # where two documents answer the same question they disagree: all, each sourced
            say(dispatcher, "utter_salary_general", offers, figures=bullets(
                pay_line(p) for p in pays))
        # customer service pay as a whole: "per hour?" next is about it, not an earlier level
        return remember(topic_of(ref), role=None)
    subjects = region_pay(dispatcher, kb, ident, None)
    return remember("ask_salary_region", **subjects)
