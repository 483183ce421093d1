"""Running an action as a function of a tracker, and reading its replies as the person would see
them (the domain's response filled with the action's values)."""

from __future__ import annotations

import asyncio
import re
from functools import cache
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from settings import PROJECT_ROOT


@cache
def domain() -> dict[str, Any]:
    return yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())


def tracker(intent: str = "ask_salary", entities: dict[str, Any] | None = None,
            slots: dict[str, Any] | None = None, text: str = "",
            ranking: list[str] | dict[str, float] | None = None,
            matches: list[tuple[str, float]] | None = None) -> Tracker:
    """A tracker whose latest message has this intent and these entities; `ranking` the intents
    the classifier also considered (with their confidences, else 0.5 each), `matches` the
    knowledge-base entries search found, with their similarity."""
    ents = []
    for name, value in (entities or {}).items():
        for v in value if isinstance(value, list) else [value]:
            ents.append({"entity": name, "value": v})
    ents += [{"entity": "kb_match", "value": ref, "confidence": score}
             for ref, score in matches or []]
    scores = ranking if isinstance(ranking, dict) else dict.fromkeys(ranking or [], 0.5)
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": ents,
               "intent_ranking": [{"name": n, "confidence": c} for n, c in scores.items()]}
    return Tracker("tester", dict(slots or {}), message, [], False, None, {}, "action_listen")


def band_text(kb: Any, region_id: str) -> str:
    """A region's first pay band as the replies write it, from the knowledge base."""
    from knowledge.formatting import amount

    band = kb.region(region_id).pay[0]
    return f"{amount(band.low, band.currency)}-{amount(band.high, band.currency)}"


def rendered(message: dict[str, Any]) -> str:
    """The text a person sees: the response's template with the action's values filled in."""
    template = domain()["responses"][message["response"]][0]["text"]
    return re.sub(r"{(\w+)}", lambda m: str(message.get(m.group(1), m.group(0))), template)


class Reply:
    def __init__(self, dispatcher: CollectingDispatcher, events: list[dict[str, Any]]):
        self.messages = dispatcher.messages
        self.events = events

    @property
    def text(self) -> str:
        return "\n".join(rendered(m) for m in self.messages)

    @property
    def responses(self) -> list[str]:
        return [m["response"] for m in self.messages]

    @property
    def buttons(self) -> list[dict[str, str]]:
        return [b for m in self.messages for b in m.get("buttons") or []]

    def slot(self, name: str) -> Any:
        values = [e["value"] for e in self.events
                  if e.get("event") == "slot" and e.get("name") == name]
        return values[-1] if values else None


def run(action: Action, t: Tracker) -> Reply:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, domain()))
    return Reply(dispatcher, events)
