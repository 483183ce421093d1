"""A message that asks nothing (venting, a success, thanks to others): one line that
acknowledges it and one next step, as buttons. Also the acknowledgement line that an answer
starts with when the person said how they feel."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.context import mentioned
from actions.replies import PLAN_BUTTON, plan_payload, say

# The next step offered after a statement: after a success, the new job; else the way out.
NEXT_AFTER_SUCCESS = [("Resume and interview tips", "/ask_job_search"),
                      ("Pay by level", "/ask_ladder")]
NEXT_OTHERWISE = [("Careers to move into", "/career_options"),
                  ("Steps to get out", "/steps_to_leave"), (PLAN_BUTTON, plan_payload())]


def acknowledge(dispatcher: CollectingDispatcher, tracker: Tracker) -> str | None:
    """Sends the one-line acknowledgement of the feeling the message names; returns it."""
    felt = mentioned(tracker, "feeling")
    if felt:
        say(dispatcher, f"utter_acknowledge_{felt[0]}")
        return felt[0]
    return None


class ActionStatement(Action):
    def name(self) -> str:
        return "action_statement"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        felt = acknowledge(dispatcher, tracker)
        if felt is None:
            say(dispatcher, "utter_acknowledge_said")
        if felt == "success":
            say(dispatcher, "utter_statement_next_success", NEXT_AFTER_SUCCESS)
        elif felt == "grateful":
            say(dispatcher, "utter_statement_next_grateful", NEXT_OTHERWISE[:2])
        else:
            say(dispatcher, "utter_statement_next", NEXT_OTHERWISE)
        return []
