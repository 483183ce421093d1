"""Follow-ups ("and a manager?", "what about in Japan?"): the last question, with the new
subject. The last topic's answering action answers again; the context slots fill in the rest."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import answers
from actions.replies import say


class ActionFollowup(Action):
    def name(self) -> str:
        return "action_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        last = answers().get(tracker.get_slot("last_topic") or "")
        if last is None:
            say(dispatcher, "utter_followup_without_topic",
                [("Pay by level", "/ask_ladder"), ("What can you do?", "/help")])
            return []
        return await last.run(dispatcher, tracker, domain)
