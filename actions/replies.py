"""The one place where lists, figures and sources are turned into text for responses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from knowledge.formatting import amount, figure
from knowledge.records import Citation, Figure

__all__ = ["PLAN_BUTTON", "amount", "bullets", "buttons", "figure", "figures", "numbered",
           "plan_payload", "say", "sources"]

# The button that starts a personal plan, offered after answers it naturally follows.
PLAN_BUTTON = "Make my personal plan"


def plan_payload(career_id: str | None = None) -> str:
    """/start_plan, with the target career filled in when there is one."""
    return f'/start_plan{{"career": "{career_id}"}}' if career_id else "/start_plan"


def bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def numbered(lines: Iterable[str]) -> str:
    return "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1))


def figures(figs: Iterable[Figure]) -> str:
    return "; ".join(figure(f) for f in figs)


def sources(citations: Iterable[Citation]) -> str:
    """"Source: “Title”" (or "Sources: ..."), each document once, in the order cited."""
    titles: list[str] = []
    for c in citations:
        if f"“{c.title}”" not in titles:
            titles.append(f"“{c.title}”")
    return ("Source: " if len(titles) == 1 else "Sources: ") + "; ".join(titles)


def buttons(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """Buttons from (title, payload) pairs; payloads are intents with entities."""
    return [{"title": title, "payload": payload} for title, payload in pairs]


def say(dispatcher: CollectingDispatcher, response: str,
        button_pairs: Iterable[tuple[str, str]] = (), **values: Any) -> None:
    """Sends a domain.yml response filled with the given values."""
    dispatcher.utter_message(response=response, buttons=buttons(button_pairs) or None, **values)
