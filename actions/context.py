"""What the person is talking about: entities of the latest message first, else the slots that
carry the conversation's last role, place and career (so "and a manager?" works)."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.knowledge_base import knowledge
from understanding.followups import refers_back

# The topics whose answers are about a career: after them, "they" and "there" mean the career.
CAREER_TOPICS = {"skills_for_career", "careers_fit_me", "transferable_skills", "career_timeline"}
ROLE_TOPICS = {"ask_salary", "ask_years", "ask_role_duties", "compare_roles"}
# The topics whose answers depend on the place: pay, and the facts that name countries
# ("Canada, Australia and the UK use points-based immigration").
PAY_TOPICS = {"ask_salary", "ask_salary_region", "compare_roles"}
PLACE_TOPICS = {"ask_visa", "ask_remote"}
_THERE = re.compile(r"\b(?:there|in that country|over there)\b")
# Entities that are remembered in a slot of the same name.
CONTEXT_SLOTS = ("role", "region", "country", "career", "industry")


def mentioned(tracker: Tracker, entity: str) -> list[str]:
    """Values of an entity in the latest message, in order, without repeats."""
    values: list[str] = []
    for e in tracker.latest_message.get("entities") or []:
        if e.get("entity") == entity and e.get("value") not in values:
            values.append(e["value"])
    return values


def last_subject(tracker: Tracker) -> str | None:
    """Whether the last answer was about a role or a career ("role", "career"), if either."""
    topic = tracker.get_slot("last_topic")
    if topic in CAREER_TOPICS and tracker.get_slot("career"):
        return "career"
    if topic in ROLE_TOPICS and tracker.get_slot("role"):
        return "role"
    if topic == "ask_salary" and tracker.get_slot("career"):
        return "career"  # "what do HR people make?" answered about HR, with no level
    return None


def continues(tracker: Tracker) -> bool:
    """Whether the latest message carries on from the conversation's subject: a follow-up ("and
    in Japan?"), a word pointing back ("how much do they make?"), or a button. "What's the median
    pay in customer service?" right after a comparison is a new question, about no level."""
    message = tracker.latest_message
    text = (message.get("text") or "").strip()
    intent = (message.get("intent") or {}).get("name")
    return not text or text.startswith("/") or intent == "followup" or refers_back(text)


def matches(tracker: Tracker) -> list[tuple[str, float]]:
    """(entry reference, similarity) of the knowledge-base entries closest in meaning to the
    latest message (rasa_ext/knowledge_search.py), best first."""
    return [(e["value"], float(e.get("confidence") or 0))
            for e in tracker.latest_message.get("entities") or [] if e.get("entity") == "kb_match"]


def current(tracker: Tracker, entity: str) -> Any:
    """The entity's value in the latest message, else, when the message carries on from the
    conversation, its slot (the conversation's last one)."""
    values = mentioned(tracker, entity)
    if entity == "role" and (where := mentioned(tracker, "next_level")):
        # "what's the next level up from a csr?", "and after that?": the one above; "and the one
        # below that", "the top one": by where it sits
        kb = knowledge()
        if where[0] in ("top", "bottom"):
            return kb.ladder()[-1 if where[0] == "top" else 0].id
        base = values[0] if values else tracker.get_slot("role")
        other = (kb.role_below(base) if where[0] == "below" else kb.next_role(base)) if base \
            else None
        return other.id if other else base
    if values:
        return values[0]
    return tracker.get_slot(entity) if continues(tracker) else None


def place(tracker: Tracker) -> tuple[str | None, str | None]:
    """(region, country): from the latest message when it names a place, else from the slots.
    The two go together: "Japan" after "France" must not keep "france" as the country."""
    region, country = mentioned(tracker, "region"), mentioned(tracker, "country")
    if region or country:
        return (region[0] if region else None), (country[0] if country else None)
    return tracker.get_slot("region"), tracker.get_slot("country")


def asks_of_the_last_place(tracker: Tracker) -> bool:
    """Whether the message asks about the place the last answer gave pay for ("which industries
    hire the most there" after Hungary's pay), naming no place of its own."""
    text = (tracker.latest_message.get("text") or "").lower()
    return (tracker.get_slot("last_topic") == "ask_salary_region"
            and bool(tracker.get_slot("region") or tracker.get_slot("country"))
            and bool(_THERE.search(text))
            and not any(mentioned(tracker, k) for k in ("region", "country", "place")))


def remember(topic: str, **values: Any) -> list[EventType]:
    """Slot events that keep the topic and the subjects of this answer for follow-ups."""
    events = [SlotSet("last_topic", topic)]
    events += [SlotSet(k, v) for k, v in values.items() if k in CONTEXT_SLOTS]
    return events


def unknown_place(tracker: Tracker) -> str | None:
    """A place the latest message names that the documents give no figures for, as written
    with its country ("Dubai (United Arab Emirates)"), when it names no place they cover."""
    if mentioned(tracker, "region") or mentioned(tracker, "country"):
        return None
    message = tracker.latest_message
    for e in message.get("entities") or []:
        if e.get("entity") == "place":
            written = (message.get("text") or "")[e.get("start", 0):e.get("end", 0)].strip()
            country = str(e["value"])
            if not written or written.lower() == country.lower():
                return country
            return f"{written} ({country})"
    return None
