"""Low confidence: "Did you mean ...?" with buttons for the two likeliest readings."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import say

CHOICES = 2
# Readings never offered as a choice: they are not what anyone would pick from buttons.
NOT_OFFERED = {"nlu_fallback", "out_of_scope", "abuse", "other_language", "affirm", "deny"}


@cache
def intent_titles() -> dict[str, str]:
    return yaml.safe_load((Path(__file__).parent / "intent_titles.yml").read_text())


class ActionClarify(Action):
    def name(self) -> str:
        return "action_clarify"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        message = tracker.latest_message
        entities = {e["entity"]: e["value"] for e in message.get("entities") or []}
        suffix = json.dumps(entities) if entities else ""
        ranking = [r["name"] for r in message.get("intent_ranking") or []
                   if r.get("name") not in NOT_OFFERED and r.get("name") in intent_titles()]
        choices = [(intent_titles()[i], f"/{i}{suffix}") for i in ranking[:CHOICES]]
        say(dispatcher, "utter_did_you_mean", choices + [("Something else", "/help")])
        return []
