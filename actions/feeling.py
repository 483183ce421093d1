"""The one line an answer starts with when the person said how they feel ("That sounds
exhausting."), from the `feeling` entity (rasa_ext/message_reader.py)."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import mentioned
from actions.replies import say


def acknowledge(dispatcher: CollectingDispatcher, tracker: Tracker) -> str | None:
    """Sends the acknowledgement of the feeling the message names; returns the feeling."""
    felt = mentioned(tracker, "feeling")
    if felt:
        say(dispatcher, f"utter_acknowledge_{felt[0]}")
        return felt[0]
    return None
