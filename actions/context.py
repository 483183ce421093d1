"""What the person is talking about: entities of the latest message first, else the slots that
carry the conversation's last role, place and career (so "and a manager?" works)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

# Entities that are remembered in a slot of the same name.
CONTEXT_SLOTS = ("role", "region", "country", "career", "industry")


def mentioned(tracker: Tracker, entity: str) -> list[str]:
    """Values of an entity in the latest message, in order, without repeats."""
    values: list[str] = []
    for e in tracker.latest_message.get("entities") or []:
        if e.get("entity") == entity and e.get("value") not in values:
            values.append(e["value"])
    return values


def current(tracker: Tracker, entity: str) -> Any:
    """The entity's value in the latest message, else its slot (the conversation's last one)."""
    values = mentioned(tracker, entity)
    return values[0] if values else tracker.get_slot(entity)


def place(tracker: Tracker) -> tuple[str | None, str | None]:
    """(region, country): from the latest message when it names a place, else from the slots.
    The two go together: "Japan" after "France" must not keep "france" as the country."""
    region, country = mentioned(tracker, "region"), mentioned(tracker, "country")
    if region or country:
        return (region[0] if region else None), (country[0] if country else None)
    return tracker.get_slot("region"), tracker.get_slot("country")


def remember(topic: str, **values: Any) -> list[EventType]:
    """Slot events that keep the topic and the subjects of this answer for follow-ups."""
    events = [SlotSet("last_topic", topic)]
    events += [SlotSet(k, v) for k, v in values.items() if k in CONTEXT_SLOTS]
    return events
