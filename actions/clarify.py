"""Two readings of a message truly close: "Did you mean ...?" with a button for each."""

from __future__ import annotations

import json

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import WORDING, button, say

CHOICES = 2
# Both readings must be at least this likely, and this close to each other.
LIKELY = 0.3
CLOSE = 0.15
# Readings never offered as a choice: not what anyone would pick from buttons, or (the plan's
# stepping) not possible for someone who has not asked for a plan.
NOT_OFFERED = {"nlu_fallback", "out_of_scope", "abuse", "other_language", "affirm", "deny",
               "statement", "stop"}


def intent_titles() -> dict[str, str]:
    """What each intent is called, as a button offering it (actions/wording.yml `intents`)."""
    titles: dict[str, str] = WORDING.entry("intents")
    return titles


def readings(tracker: Tracker) -> list[tuple[str, float]]:
    return [(r["name"], float(r.get("confidence") or 0))
            for r in tracker.latest_message.get("intent_ranking") or []
            if r.get("name") not in NOT_OFFERED and r.get("name") in intent_titles()
            and not str(r.get("name")).startswith("plan_")]


def close_readings(tracker: Tracker) -> bool:
    top = readings(tracker)[:CHOICES]
    return len(top) == CHOICES and top[1][1] >= LIKELY and top[0][1] - top[1][1] <= CLOSE


def offer_readings(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    entities = {e["entity"]: e["value"] for e in tracker.latest_message.get("entities") or []
                if e["entity"] not in ("kb_match", "feeling")}
    suffix = json.dumps(entities) if entities else ""
    choices = [(intent_titles()[name], f"/{name}{suffix}")
               for name, _ in readings(tracker)[:CHOICES]]
    say(dispatcher, "utter_did_you_mean", choices + [button("something_else", "/help")])
