"""When the intent is unsure: answer from the knowledge-base entry closest in meaning to the
message (rasa_ext/knowledge_search.py), with its source, and offer the next best two as buttons.
When nothing is close enough, say so plainly and what I can help with; "Did you mean ...?" only
when two readings of the message are both likely and nothing in the knowledge base is close.

The thresholds were chosen on the dev split of the real messages (benchmarks/real_eval): the
cosine similarity above which the best entry answered what the person asked, and above which the
runners-up were still worth a button (docs/understanding.md, "Search by meaning").
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import answers
from actions.clarify import close_readings, offer_readings, readings
from actions.context import matches, mentioned
from actions.entries import answer_entry, title_of
from actions.feeling import acknowledge
from actions.knowledge_base import knowledge
from actions.replies import button, say
from actions.statement import ActionStatement
from actions.topics import ONE_FACT_MARGIN
from knowledge.repository import CareerKnowledge, UnknownEntry
from understanding.feelings import asks_something
from understanding.followups import asks_worth, refers_back
from understanding.routing import plain_request, topic_named

ANSWER_AT = 0.4  # the best entry answers
OFFER_AT = 0.33  # a runner-up is offered as a button
# Nothing in the knowledge base is close, but the classifier's best reading is this likely: it
# answers (the classifier learnt the topics from many more phrasings than an entry has).
GUESS_AT = 0.3
SHORT_FOLLOW_UP = 6  # words

def explained_terms(kb: CareerKnowledge) -> list[str]:
    """The acronyms of the metrics the documents explain ("AHT", "CSAT"), in order."""
    short = [p.phrase.upper() for p in kb.entity_phrases()
             if p.label == "METRIC" and " " not in p.phrase and len(p.phrase) <= 5]
    return list(dict.fromkeys(t for t in short if not (t.endswith("S") and t[:-1] in short)))


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
        term = mentioned(tracker, "unknown_term")
        if term:
            # "whats ACW?": not the nearest entry about something else
            say(dispatcher, "utter_term_unknown", [button("what_can_you_do", "/help")],
                term=term[0], terms=", ".join(explained_terms(kb)))
            return []
        found = matches(tracker)
        last = answers().get(tracker.get_slot("last_topic") or "")
        if not found or found[0][1] < ANSWER_AT:
            guess = readings(tracker)[:1]
            text = tracker.latest_message.get("text") or ""
            request, named = plain_request(text), topic_named(text)
            if close_readings(tracker):
                offer_readings(dispatcher, tracker)
            elif request in ("greet", "help"):
                # a greeting to the reader, a plea for help: before any guess at a topic
                say(dispatcher, f"utter_{request}")
                return []
            elif guess and guess[0][1] >= GUESS_AT and guess[0][0] in answers():
                return await answers()[guess[0][0]].run(dispatcher, tracker, domain)
            elif last is not None and points_back(tracker):
                # "and that?": the conversation's subject, again; "is it worth it?" is what
                # speaks for it (the level against the one below, the degree's value)
                worth = answers()["why_stay"] if asks_worth(text) else last
                return await worth.run(dispatcher, tracker, domain)
            elif request == "advice":
                # advice with no subject: the steps out
                return await answers()["steps_to_leave"].run(dispatcher, tracker, domain)
            elif named and asks_something(text):
                # "can i at least do this from home": a word names the topic outright
                return await answers()[named].run(dispatcher, tracker, domain)
            elif not asks_something(text):
                # "6 years. 6 *bastard* years.": nothing was asked, so a human reply, not
                # "I have nothing on that"
                return await ActionStatement().run(dispatcher, tracker, domain)
            else:
                acknowledge(dispatcher, tracker)
                say(dispatcher, "utter_search_no_match",
                    [button("pay_by_level", "/ask_ladder"),
                     button("careers_to_move_into", "/career_options"),
                     button("steps_to_get_out", "/steps_to_leave"),
                     button("what_can_you_do", "/help")])
            return []
        acknowledge(dispatcher, tracker)
        best, best_score = found[0]
        # pay figures about as close as the best: the question may mean either (median a year,
        # median an hour), so both are shown, not one with the other a button away
        also = [ref for ref, score in found[1:3] if best.startswith("pay/")
                and ref.startswith("pay/") and best_score - score <= ONE_FACT_MARGIN]
        try:
            offers = [(title_of(kb, ref), title_of(kb, ref)) for ref, score in found[1:3]
                      if score >= OFFER_AT and ref not in also]
            return answer_entry(dispatcher, kb, best, offers, also)
        except UnknownEntry:  # an index older than the knowledge base: rebuild with `make kb`
            say(dispatcher, "utter_search_no_match")
            return []
