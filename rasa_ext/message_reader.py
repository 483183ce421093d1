"""A Rasa NLU component, after the intent classifier: what the message says beyond its intent.

- `feeling` (an entity): how the person says they feel (understanding/feelings.py), so that the
  answer acknowledges it in one line before the facts.
- the subject it names decides the question when the intent ignores it (understanding/
  routing.py): "how do I get a job in HR?" is about HR.
- `statement` (an intent): a message that asks nothing (venting, a success story, thanks to
  others) and that the classifier could only read as "why people leave" or not at all. It gets a
  short human reply and one next step (actions/statement.py), not a list of facts.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from understanding.feelings import (
    TOLD,
    asks_something,
    feeling,
    promoted_to,
    tells_own_pay,
    told,
)
from understanding.focus import in_main_question, main_question
from understanding.followups import (
    asks_next_level,
    aspect_asked,
    compared_against,
    compares,
    ordinal_asked,
    other_level,
    refers_back,
    self_described,
    someone_in_their_life,
    starting_point,
)
from understanding.routing import (
    NAMED_FACT_TOPICS,
    SOCIAL,
    corrected,
    in_currency_names,
    is_statement,
    route,
    training_as_career,
)
from understanding.social import STATEMENT
from understanding.unknowns import term_asked, unknown_job, word_asked

# What a message can be about in the knowledge base: naming one, it is no request from outside
SUBJECT_ENTITIES = ("role", "career", "region", "country", "place", "skill", "metric", "tool",
                    "industry", "employer", "specialization")
TRAINING = "training"  # the career's id (knowledge/data/careers.yml)
# "how much", "and the pay?": a side of the conversation's subject, asked in so few words
BARE_ASPECT_WORDS = 3
# The out-of-scope reading's confidence, second to the fallback, that is taken over "nothing
# close in my sources": a request from outside the field gets the reply that says so
OUT_OF_SCOPE_RUNNER_UP = 0.3


def set_intent(message: Message, name: str) -> None:
    """Makes `name` the message's intent, with full confidence and first in the ranking: a
    reading decided from what the message says, over the classifier's guess."""
    message.set(INTENT, {INTENT_NAME_KEY: name, "confidence": 1.0}, add_to_output=True)
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
    message.set(INTENT_RANKING_KEY, [{INTENT_NAME_KEY: name, "confidence": 1.0}] + ranking,
                add_to_output=True)


def _without_starting_points(text: str, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drops the role or career a move starts from when the one it goes to is named after it:
    "how long to go from newbie agent to call centre manager" asks about the manager."""
    subjects = [e for e in found
                if e["entity"] in ("role", "career") and isinstance(e.get("start"), int)]
    starts = [e for e in subjects if starting_point(text, e["start"])
              and any(o["start"] > e["start"] for o in subjects)]
    return [e for e in found if not any(e is s for s in starts)]


def _without_comparison_base(text: str, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drops the role or career something is compared against when the message's subject is
    the conversation's: "and does that pay more than being a TL" asks about "that", and the team
    lead is the yardstick."""
    subjects = [e for e in found
                if e["entity"] in ("role", "career") and isinstance(e.get("start"), int)]
    bases = [e for e in subjects if compared_against(text, e["start"])]
    if not bases or len(subjects) > len(bases) or not refers_back(text):
        # "is a manager paid much more than a supervisor": two levels side by side
        return found
    return [e for e in found if not any(e is b for b in bases)]


def _asked_roles(text: str, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Of two levels or more, not set side by side, the ones the question names: in "My manager
    said I'm not leadership material. What do team leads need to be good at?" the manager is
    who spoke, the team lead what is asked about."""
    roles = [e for e in found if e["entity"] == "role" and isinstance(e.get("start"), int)]
    if len({e["value"] for e in roles}) < 2 or compares(main_question(text) or text):
        return found
    asked = [e for e in roles if in_main_question(text, e["start"])]
    if not asked or len(asked) == len(roles):
        return found
    return [e for e in found if not (e in roles and not any(e is a for a in asked))]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class MessageReader(GraphComponent):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> MessageReader:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text and not text.startswith("/"):
                self._read(message, text)
        return messages

    @staticmethod
    def _read(message: Message, text: str) -> None:
        found = message.get(ENTITIES) or []
        taken_back = corrected(text, found) + in_currency_names(text, found)
        found = [e for i, e in enumerate(found) if i not in taken_back]
        added: list[dict[str, Any]] = []
        ordinal = ordinal_asked(text)
        if ordinal is not None:
            # "tell me more about the second one": that item of the last list (actions/followup.py)
            added.append({"entity": "ordinal", "value": ordinal})
        if asks_next_level(text):
            # the level above the one named, else above the conversation's (actions/context.py)
            added.append({"entity": "next_level", "value": "above"})
        elif (where := other_level(text)) and not any(e["entity"] == "role" for e in found):
            # "and the one below that", "how long to get to the top one"
            added.append({"entity": "next_level", "value": where})
        elif refers_back(text) or (
                len({e["value"] for e in found if e["entity"] == "role"}) >= 2
                and not compares(text)):
            # "how long till I could be one? been a rep 2 yrs": "one" is the conversation's
            # role, not the one the person says they have; "been the SME 2 yrs and want TL
            # next, how long does it take": the team lead
            found = [e for e in found if not (e["entity"] == "role" and isinstance(
                e.get("start"), int) and self_described(text, e["start"]))]
        found = [e for e in found if not (
            e["entity"] == "role" and isinstance(e.get("start"), int)
            and someone_in_their_life(text, e["start"], e["end"]))]
        if training_as_career(text) and not any(e["entity"] == "career" for e in found):
            added.append({"entity": "career", "value": TRAINING})
        found = _without_starting_points(text, found)
        found = _without_comparison_base(text, found)
        found = _asked_roles(text, found)
        entities: dict[str, list[str]] = defaultdict(list)
        for e in found + added:
            entities[e["entity"]].append(e["value"])
        intent = message.get(INTENT) or {}
        name, confidence = intent.get(INTENT_NAME_KEY) or "", intent.get("confidence") or 0.0
        # the classifier's own best reading, under the fallback
        runner_up: dict[str, Any] = next((r for r in message.get(INTENT_RANKING_KEY) or []
                                          if r.get(INTENT_NAME_KEY) != "nlu_fallback"), {})
        if name == "nlu_fallback" and not any(entities.get(k) for k in SUBJECT_ENTITIES) and (
                runner_up.get(INTENT_NAME_KEY) == "out_of_scope"
                and (runner_up.get("confidence") or 0) >= OUT_OF_SCOPE_RUNNER_UP):
            name = "out_of_scope"  # "can u do my stats homework": unsure, but out of scope
        asks = asks_something(text)
        felt = feeling(text) or (TOLD if told(text) else None)
        if any(e["entity"] == "role" and isinstance(e.get("start"), int)
               and promoted_to(text, e["start"]) for e in found):
            felt = "success"  # "made team lead on my 4th try"
        if name == "followup" and not asks and felt and not refers_back(text):
            # "12 calls back to back about the same outage": a story, not a follow-up to anything
            name = STATEMENT
        if not asks and is_statement(name, confidence, felt):
            name = STATEMENT
        # "tell me more about the second one", "how do I start?": the conversation's subject
        aspect = aspect_asked(text)
        leans_back = ordinal is not None or aspect in ("start", "source")
        routed = "followup" if leans_back else route(name, entities, text, asks)
        if aspect is not None and (len(text.split()) <= BARE_ASPECT_WORDS
                                   or routed == "nlu_fallback") and not any(
                entities.get(k) for k in SUBJECT_ENTITIES) and routed not in SOCIAL and (
                runner_up.get(INTENT_NAME_KEY) not in SOCIAL):
            # "how much", "what does it take to actually get picked" (read as nothing sure): that
            # side of the conversation's subject; not "negative", more likely a no
            routed = "followup"
        if routed == "followup" and felt == TOLD and not tells_own_pay(text):
            # "sorry, I meant Canada not the US" is no story to thank them for; "lol i make 15
            # an hour" is
            felt = None
        added += [{"entity": "feeling", "value": felt}] if felt else []
        job = None if entities.get("role") or entities.get("career") else unknown_job(text)
        if job and any(job in text[e["start"]:e["end"]].lower() for e in found
                       if isinstance(e.get("start"), int)):
            job = None  # "and for canada?": a place the entities know, not a job
        if job and routed == "ask_salary_region" and not any(
                entities.get(k) for k in ("region", "country", "place")):
            routed = "ask_salary"  # "how much do flight attendants make?": no figure, said so
        added += [{"entity": "unknown_job", "value": job}] if job else []
        term = term_asked(text, [(e["start"], e["end"]) for e in found
                                 if isinstance(e.get("start"), int)])
        if not term and routed in NAMED_FACT_TOPICS.values() and not any(
                entities.get(kind) for kind in NAMED_FACT_TOPICS):
            # "whats adherence?" read as the measures: a word none of them is called
            term = word_asked(text)
        if term:
            # "whats ACW?": an acronym no entry of the knowledge base names; said plainly
            # (actions/search.py), not answered with the nearest entry
            added.append({"entity": "unknown_term", "value": term})
            routed = "nlu_fallback"
        message.set(ENTITIES, found + [{**e, "confidence": 1.0, "extractor": "MessageReader"}
                                       for e in added], add_to_output=True)
        if routed != (intent.get(INTENT_NAME_KEY) or ""):
            set_intent(message, routed)
