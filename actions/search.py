"""When the intent is unsure: answer from the knowledge-base entry closest in meaning to the
message (rasa_ext/knowledge_search.py), with its source, and offer the next best two as buttons.
When nothing is close enough, say so plainly and what I can help with; "Did you mean ...?" only
when two readings of the message are both likely and nothing in the knowledge base is close.

The thresholds were chosen on the dev split of the real messages (benchmarks/real_eval): the
cosine similarity above which the best entry answered what the person asked, and above which the
runners-up were still worth a button (README, "Search by meaning").
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import answers
from actions.careers import say_career
from actions.clarify import close_readings, offer_readings, readings
from actions.context import matches, mentioned, remember
from actions.feeling import acknowledge
from actions.knowledge_base import knowledge
from actions.ladder import say_role_duties
from actions.replies import figure, say, sources
from actions.salary import region_pay
from actions.topics import TOPICS, evidence, fact_line
from knowledge.repository import CareerKnowledge, UnknownEntry
from knowledge.search_index import is_fact, split_ref
from understanding.followups import refers_back
from understanding.routing import plain_request

ANSWER_AT = 0.4  # the best entry answers
OFFER_AT = 0.33  # a runner-up is offered as a button
# Nothing in the knowledge base is close, but the classifier's best reading is this likely: it
# answers (the classifier learnt the topics from many more phrasings than an entry has).
GUESS_AT = 0.3
SHORT_FOLLOW_UP = 6  # words

# The topic a fact kind belongs to, for follow-ups ("and in Japan?") and for the records; kinds
# no question lists on its own go with the nearest one.
KIND_TOPIC = {kind: topic for topic, spec in TOPICS.items() for kind in spec.kinds} | {
    "cons": "why_leave", "leaving_advantages": "why_leave", "wellbeing": "why_leave",
    "market_2025": "ask_outlook", "global_notes": "ask_visa", "job_variants":
    "ask_specializations", "responsibilities": "ask_role_duties", "work_environment":
    "why_stay", "organizations": "ask_job_search"}


def title_of(kb: CareerKnowledge, ref: str) -> str:
    kind, ident = split_ref(ref)
    if is_fact(ref):
        return kb.fact(kind, ident).title
    if kind == "career":
        return f"Moving into {kb.career(ident).name}"
    if kind == "role":
        return f"What a {kb.role(ident).name} does"
    if kind == "pay":
        return kb.pay(ident).title
    return f"Pay in {kb.region(ident).name}"


def answer_entry(dispatcher: CollectingDispatcher, kb: CareerKnowledge, ref: str,
                 offers: list[tuple[str, str]]) -> list[EventType]:
    """Shows one entry as it stands, with its source; returns the events that remember it."""
    kind, ident = split_ref(ref)
    if is_fact(ref):
        fact = kb.fact(kind, ident)
        say(dispatcher, "utter_search_fact", offers, fact=fact_line(kb, fact, True, False),
            sources=sources(evidence(kb, fact)[1]))
        return remember(KIND_TOPIC.get(fact.kind, "search"))
    if kind == "career":
        subjects = say_career(dispatcher, kb, kb.career(ident))
        return remember("skills_for_career", **subjects)
    if kind == "role":
        subjects = say_role_duties(dispatcher, kb.role(ident))
        return remember("ask_role_duties", **subjects)
    if kind == "pay":
        pay = kb.pay(ident)
        say(dispatcher, "utter_search_fact", offers, fact=f"{pay.title}: {figure(pay.figure)}",
            sources=sources(pay.sources))
        return remember("ask_salary")
    subjects = region_pay(dispatcher, kb, ident, None)
    return remember("ask_salary_region", **subjects)


def points_back(tracker: Tracker) -> bool:
    """A short message that leans on the conversation so far ("is it worth it?")."""
    text = tracker.latest_message.get("text") or ""
    return len(text.split()) <= SHORT_FOLLOW_UP and refers_back(text)


class ActionSearchAnswer(Action):
    def name(self) -> str:
        return "action_search_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        kb = knowledge()
        if mentioned(tracker, "unknown_job"):
            # "could I be a nurse instead?": not the nearest entry about something else
            return await answers()["career_options"].run(dispatcher, tracker, domain)
        found = matches(tracker)
        last = answers().get(tracker.get_slot("last_topic") or "")
        if not found or found[0][1] < ANSWER_AT:
            guess = readings(tracker)[:1]
            if close_readings(tracker):
                offer_readings(dispatcher, tracker)
            elif guess and guess[0][1] >= GUESS_AT and guess[0][0] in answers():
                return await answers()[guess[0][0]].run(dispatcher, tracker, domain)
            elif last is not None and points_back(tracker):
                # "is it worth it?", "and that?": the conversation's subject, again
                return await last.run(dispatcher, tracker, domain)
            elif (request := plain_request(tracker.latest_message.get("text") or "")):
                # a greeting to the reader, a plea for help, advice with no subject
                if request == "advice":
                    return await answers()["steps_to_leave"].run(dispatcher, tracker, domain)
                say(dispatcher, "utter_greet" if request == "greet" else "utter_help")
                return []
            else:
                say(dispatcher, "utter_search_no_match",
                    [("Pay by level", "/ask_ladder"), ("Careers to move into", "/career_options"),
                     ("Steps to get out", "/steps_to_leave"), ("What can you do?", "/help")])
            return []
        acknowledge(dispatcher, tracker)
        try:
            offers = [(title_of(kb, ref), title_of(kb, ref)) for ref, score in found[1:3]
                      if score >= OFFER_AT]
            return answer_entry(dispatcher, kb, found[0][0], offers)
        except UnknownEntry:  # an index older than the knowledge base: rebuild with `make kb`
            say(dispatcher, "utter_search_no_match")
            return []
