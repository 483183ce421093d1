"""Follow-ups ("and a manager?", "what about in Japan?"): the last question, with the new
subject. The last topic's answering action answers again; the context slots fill in the rest.
Two kinds need more than that: the same figure in another unit ("what's that in US dollars?",
"per hour?"), given only where a source states it, and the other side of a list ("and the
cons?" after the good sides)."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import SUBJECTS, answers, registered
from actions.careers import say_career
from actions.clarify import intent_titles
from actions.context import (
    CAREER_TOPICS,
    PAY_TOPICS,
    PLACE_TOPICS,
    ROLE_TOPICS,
    current,
    last_subject,
    mentioned,
    remember,
)
from actions.feeling import acknowledge
from actions.knowledge_base import knowledge
from actions.ladder import say_role_duties
from actions.replies import button, phrase, say
from actions.salary import general_pay, region_pay, role_pay, unit_words
from knowledge.repository import CareerKnowledge
from understanding.followups import aspect_asked, list_items, unit_asked
from understanding.routing import NAMED_FACT_TOPICS, talks_pay

# "and the cons?" after the good sides, "and the upsides?" after the reasons to leave
_OTHER_SIDE = {"why_stay": (re.compile(r"\b(?:cons|downsides?|bad|negatives?|worst)\b"),
                            "why_leave"),
               "why_leave": (re.compile(r"\b(?:pros|upsides?|good|positives?|best)\b"),
                             "why_stay")}
CURRENCIES = {"usd": "USD", "eur": "EUR"}
# The topics that list named things, and the entity that names one ("what about Zendesk")
NAMED_TOPIC_ENTITIES = {topic: entity for entity, topic in NAMED_FACT_TOPICS.items()}
_WHAT_ABOUT_NAME = re.compile(r"^\W*(?:and |ok |so )?(?:what|how) about (?P<name>[\w&' .-]{2,30}?)"
                              r"\W*$")
# The topics that answer about a career or a role, and the answer a follow-up naming one gets
# when the last topic answers about neither.
SUBJECT_TOPICS = {"career": (CAREER_TOPICS | {"ask_salary"}, "skills_for_career"),
                  "role": (ROLE_TOPICS | {"ask_ladder"}, "ask_role_duties")}

# "and the pay?", "how long would that take", "and the cons?": (the side asked, the kind of the
# conversation's subject) -> the topic that answers it about that subject. Any subject for `None`.
# The documents give no downsides or upsides of a career to move into: said plainly (below).
ASPECT_TOPICS = {("pay", None): "ask_salary",
                 ("years", "career"): "career_timeline", ("years", None): "ask_years",
                 ("skills", "career"): "skills_for_career", ("skills", "role"): "ask_role_duties",
                 ("skills", None): "transferable_skills",
                 ("duties", "career"): "skills_for_career", ("duties", None): "ask_role_duties",
                 ("cons", None): "why_leave", ("pros", None): "why_stay",
                 # "how do I start?": what to add for a career, the way up to a level, else
                 # the steps out
                 ("start", "career"): "skills_for_career", ("start", "role"): "ask_years",
                 ("start", None): "steps_to_leave"}


def aspect_topic(aspect: str, kind: str | None) -> str | None:
    """The topic of `aspect` for a subject of `kind`; None when the documents hold no such side
    of it (the downsides of a career)."""
    if kind == "career" and aspect in ("cons", "pros"):
        return None
    return ASPECT_TOPICS.get((aspect, kind)) or ASPECT_TOPICS.get((aspect, None))


def given_in(kb: CareerKnowledge, region_id: str) -> set[str]:
    """The currencies a region's pay is given in by its source (its own, and US dollars where
    the source converts): "in euros?" after US pay has no answer, "in dollars?" after Japan has."""
    bands = kb.region(region_id).pay
    return {b.currency for b in bands} | ({"USD"} if any(b.usd_low is not None for b in bands)
                                          else set())


def in_unit(dispatcher: CollectingDispatcher, tracker: Tracker, kb: CareerKnowledge,
            unit: str) -> list[EventType]:
    """The last pay answer's figures in the unit asked, where a source gives them; else the
    plain statement that it gives none, and no figure made up by converting."""
    topic = tracker.get_slot("last_topic")
    region = tracker.get_slot("region")
    if topic in PAY_TOPICS and region and (not kb.region(region).pay or (
            unit in CURRENCIES and CURRENCIES[unit] in given_in(kb, region))):
        # regional figures come in the local currency with US dollars where the source has them;
        # a region with no figures ("and in dollars?" after Canada) has none in any unit
        return remember("ask_salary_region", **region_pay(dispatcher, kb, region, None))
    if topic in PAY_TOPICS and region and region != "us" and unit in ("hour", "month"):
        # "how much is that an hour" after Australia: its figures are a year's; the US hourly
        # figures are no answer for Australia
        say(dispatcher, "utter_no_figure_for", [button("pay_by_level", "/ask_ladder"),
                                                button("pay_by_country", "/ask_salary_region")],
            what=phrase("followup.region_pay_in_unit", region=kb.region(region).name,
                        unit=unit_words(unit)))
        return remember("ask_salary_region", region=region)
    role_id = current(tracker, "role")
    if (topic in PAY_TOPICS and role_id == kb.ladder()[0].id and unit == "hour"
            and region in (None, "us")):
        # "hourly tho?" after a representative's pay: the sources' hourly figures are theirs
        # (as in actions/salary.py)
        general_pay(dispatcher, kb, per="hour")
        return remember("ask_salary", role=role_id)
    if topic in PAY_TOPICS and role_id and unit == "usd" and region in (None, "us"):
        # a level's figures are US dollars already: the same figures, not another list
        role_pay(dispatcher, kb, kb.role(role_id))
        return remember("ask_salary", role=role_id)
    if topic in PAY_TOPICS and role_id and unit != "usd":
        role = kb.role(role_id)
        say(dispatcher, "utter_no_figure_for", [button("pay_by_level", "/ask_ladder"),
                                                button("pay_by_country", "/ask_salary_region")],
            what=phrase("followup.role_pay_in_unit", role=role.name, unit=unit_words(unit)))
        return remember("ask_salary", role=role_id)
    if topic in PAY_TOPICS and unit in ("hour", "month") and general_pay(dispatcher, kb, unit):
        return remember("ask_salary")
    if topic in PAY_TOPICS and unit == "usd":
        general_pay(dispatcher, kb)
        return remember("ask_salary")
    say(dispatcher, "utter_no_figure_for", [button("pay_by_level", "/ask_ladder"),
                                            button("pay_by_country", "/ask_salary_region")],
        what=phrase("followup.figure_in_unit", unit=unit_words(unit)))
    return []


def last_list(tracker: Tracker, kb: CareerKnowledge) -> list[str]:
    """The items of the last list in this conversation, as it named them: the bot's, or the
    careers or levels the person named side by side ("torn between QA and training")."""
    user_messages = 0
    for event in reversed(tracker.events):
        if event.get("event") == "bot" and (items := list_items(event.get("text") or "")):
            return items
        if event.get("event") == "user" and (user_messages := user_messages + 1) > 1:
            named = sorted((e for e in (event.get("parse_data") or {}).get("entities") or []
                            if e.get("entity") in ("career", "role")
                            and isinstance(e.get("start"), int)), key=lambda e: e["start"])
            ids = list(dict.fromkeys((e["entity"], e["value"]) for e in named))
            if len(ids) >= 2:
                return [kb.career(v).name if kind == "career" else kb.role(v).name
                        for kind, v in ids]
    return []


def from_list(dispatcher: CollectingDispatcher, tracker: Tracker, kb: CareerKnowledge,
              place: int) -> list[EventType] | None:
    """The answer about the item at `place` of the last list, when it names a career, a level
    or a region of the knowledge base; None when there is no such item."""
    items = last_list(tracker, kb)
    index = place - 1 if place > 0 else place  # -1: the last
    if not -len(items) <= index < len(items):
        return None
    name = items[index]
    if career_id := kb.resolve("CAREER", name):
        return remember("skills_for_career", **say_career(dispatcher, kb, kb.career(career_id)))
    if role_id := kb.resolve("ROLE", name):
        if talks_pay(tracker.latest_message.get("text") or ""):
            # "whats the 3rd one pay": that level's pay, not what it does
            role_pay(dispatcher, kb, kb.role(role_id))
            return remember("ask_salary", role=role_id)
        return remember("ask_role_duties", **say_role_duties(dispatcher, kb.role(role_id)))
    if region_id := kb.resolve("REGION", name):
        return remember("ask_salary_region", **region_pay(dispatcher, kb, region_id, None))
    return None


class ActionFollowup(Action):
    def name(self) -> str:
        return "action_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        text = (tracker.latest_message.get("text") or "").lower()
        topic = tracker.get_slot("last_topic") or ""
        for place in mentioned(tracker, "ordinal"):
            answered = from_list(dispatcher, tracker, knowledge(), int(place))
            if answered is not None:
                return answered
            say(dispatcher, "utter_followup_without_topic",
                [button("careers_to_move_into", "/career_options"),
                 button("pay_by_level", "/ask_ladder")])
            return []
        unit = unit_asked(text)
        named_place = mentioned(tracker, "region") or mentioned(tracker, "country") or \
            mentioned(tracker, "place")
        if unit and not named_place:
            # "what about australia then, in aussie dollars" names a new place: its pay, below;
            # "lol i make 15 an hour. cool cool cool" is heard before the figures
            acknowledge(dispatcher, tracker)
            return in_unit(dispatcher, tracker, knowledge(), unit)
        if topic in _OTHER_SIDE and _OTHER_SIDE[topic][0].search(text):
            topic = _OTHER_SIDE[topic][1]
        elif aspect_asked(text) == "source" or (
                topic in PLACE_TOPICS and aspect_asked(text) in ("skills", "duties")):
            # "source?", "why?": the last answer again, with where it comes from; "what would i
            # need for it" after remote work: what the sources say about it, not skills in general
            pass
        elif (aspect := aspect_asked(text)) and not any(mentioned(tracker, k) for k in SUBJECTS):
            kind = last_subject(tracker)
            side = aspect_topic(aspect, kind)
            if side is None:
                career = knowledge().career(tracker.get_slot("career"))
                say(dispatcher, "utter_no_figure_for",
                    [button("skills_for_career", f'/skills_for_career{{"career": "{career.id}"}}',
                            career=career.name), button("careers_to_move_into", "/career_options")],
                    what=phrase(f"followup.sides_of_career.{aspect}", career=career.name))
                return []
            # through run: "and how long" after a degree's cost is the degree's (REDIRECTS)
            return await registered()[side].run(dispatcher, tracker, domain)
        if (unnamed := _WHAT_ABOUT_NAME.search(text)) and topic in NAMED_TOPIC_ENTITIES and not (
                any(mentioned(tracker, k) for k in (*SUBJECTS, NAMED_TOPIC_ENTITIES[topic]))):
            # "what about google" after the employers: one the sources don't name, said so
            say(dispatcher, "utter_no_figure_for", [button("what_can_you_do", "/help")],
                what=unnamed.group("name"))
            return []
        if topic == "ask_salary_region" and mentioned(tracker, "role"):
            topic = "ask_salary"  # "and a manager there?" after pay in the UK: the level's pay
        for kind, (takes_it, default) in SUBJECT_TOPICS.items():
            if mentioned(tracker, kind) and topic not in takes_it:
                # "ok what about HR?" after why people leave, or as the first question: the
                # last question (if any) has nothing to say about a career, so its own answer
                topic = default
        if named_place and topic == "compare_roles":
            topic = "ask_salary_region"  # "and in Japan?" after two levels: pay there
        elif named_place and topic and topic not in PAY_TOPICS | PLACE_TOPICS:
            # "and in the UK?" after the outlook: the documents don't give it by country
            say(dispatcher, "utter_topic_not_by_place",
                [button("pay_in_that_country", "/ask_salary_region"),
                 button("what_can_you_do", "/help")],
                topic=intent_titles().get(topic) or phrase("followup.that_topic"))
            return []
        last = answers().get(topic)
        if last is None:
            say(dispatcher, "utter_followup_without_topic",
                [button("pay_by_level", "/ask_ladder"), button("what_can_you_do", "/help")])
            return []
        return await last.run(dispatcher, tracker, domain)
