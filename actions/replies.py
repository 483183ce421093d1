"""The one place where lists, figures and sources are turned into text for responses, and where
the actions' wording (actions/wording.yml: button titles and short phrases) is read. The
sentences are domain.yml's responses; an action only picks wording by name and fills it in."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from knowledge.formatting import amount, figure
from knowledge.records import Citation, Figure
from plans.wording import Wording, bullet

__all__ = ["WORDING", "amount", "bullets", "button", "buttons", "figure", "figures", "numbered",
           "phrase", "plan_button", "plan_payload", "say", "sources"]

WORDING = Wording(Path(__file__).resolve().parent / "wording.yml")


def phrase(key: str, /, **values: Any) -> str:
    """A short phrase of actions/wording.yml ("ladder.top"), its {placeholders} filled."""
    return WORDING.say(key, **values)


def button(name: str, payload: str, /, **values: Any) -> tuple[str, str]:
    """(title, payload): the title is wording.yml's `buttons.<name>`, filled with the values."""
    return WORDING.say(f"buttons.{name}", **values), payload


def plan_payload(career_id: str | None = None) -> str:
    """/start_plan, with the target career filled in when there is one."""
    return f'/start_plan{{"career": "{career_id}"}}' if career_id else "/start_plan"


def plan_button() -> tuple[str, str]:
    """The button that starts a personal plan, offered after answers it naturally follows."""
    return button("make_my_plan", plan_payload())


def bullets(lines: Iterable[str]) -> str:
    return "\n".join(bullet(line) for line in lines)


def numbered(lines: Iterable[str]) -> str:
    return "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1))


def figures(figs: Iterable[Figure]) -> str:
    return "; ".join(figure(f) for f in figs)


def sources(citations: Iterable[Citation]) -> str:
    """"Source: “Title”" (or "Sources: ..."), each document once, in the order cited."""
    titles: list[str] = []
    for c in citations:
        title = phrase("sources.title", title=c.title)
        if title not in titles:
            titles.append(title)
    return phrase("sources.one" if len(titles) == 1 else "sources.many",
                  titles="; ".join(titles))


def buttons(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """Buttons from (title, payload) pairs; payloads are intents with entities."""
    return [{"title": title, "payload": payload} for title, payload in pairs]


def say(dispatcher: CollectingDispatcher, response: str,
        button_pairs: Iterable[tuple[str, str]] = (), **values: Any) -> None:
    """Sends a domain.yml response filled with the given values."""
    dispatcher.utter_message(response=response, buttons=buttons(button_pairs) or None, **values)
