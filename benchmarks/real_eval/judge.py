"""Judging one chat turn as a person meets it: what the bot did (its outcome, read from the
tracker's events of that turn) against what a good reply must be (a label, LABELS.md).

Pure functions of the events and the label, so the rules are unit-tested without servers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SUBJECT_SLOTS = ("role", "career", "region", "country")

# What each response the bot sends says about the turn. The names are domain.yml's.
CRISIS = {"utter_crisis"}
DID_YOU_MEAN = {"utter_did_you_mean"}
HONEST = {"utter_salary_job_unknown", "utter_country_no_figures", "utter_salary_career_unknown",
          "utter_salary_region_no_figures", "utter_unknown_subject", "utter_no_figure_for",
          "utter_search_no_match", "utter_place_no_figures", "utter_job_unknown",
          "utter_topic_not_by_place", "utter_term_unknown"}
SOCIAL = {"utter_greet", "utter_goodbye", "utter_thanks", "utter_help", "utter_bot_challenge",
          "utter_affirm", "utter_deny", "utter_out_of_scope", "utter_abuse",
          "utter_other_language", "utter_statement_next", "utter_statement_next_success",
          "utter_statement_next_grateful"}
SIGNPOST_PREFIX = "utter_signpost_"
ACKNOWLEDGE_PREFIX = "utter_acknowledge_"
PLAN_PREFIXES = ("utter_ask_plan_", "utter_plan_", "utter_no_plan", "utter_ask_delete_plan")


@dataclass
class Turn:
    """What the bot did in reply to one message."""

    responses: list[str] = field(default_factory=list)  # response names, in order
    texts: list[str] = field(default_factory=list)
    topic: str | None = None  # last_topic set in this turn: an answer from the knowledge base
    subjects: dict[str, Any] = field(default_factory=dict)  # subject slots set in this turn
    context: dict[str, Any] = field(default_factory=dict)  # the subject slots after the turn

    @property
    def outcome(self) -> str:
        names = set(self.responses)
        if names & CRISIS:
            return "crisis"
        if any(n.startswith(SIGNPOST_PREFIX) for n in names):
            return "signpost"
        if names & DID_YOU_MEAN:
            return "did_you_mean"
        if names & HONEST:
            return "honest"
        if self.topic:
            return "answer"
        if any(n.startswith(PLAN_PREFIXES) for n in names):
            return "plan"
        if names & SOCIAL:
            return "social"
        return "nothing" if not self.texts else "other"

    @property
    def acknowledged(self) -> bool:
        return any(n.startswith(ACKNOWLEDGE_PREFIX) for n in self.responses)

    def subject(self, key: str) -> Any:
        return self.subjects[key] if key in self.subjects else self.context.get(key)


def turn_from_events(events: list[dict[str, Any]], slots: dict[str, Any]) -> Turn:
    """The turn made of the events after the last user message."""
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    turn = Turn(context={k: slots.get(k) for k in SUBJECT_SLOTS})
    for event in events[last_user + 1:]:
        kind = event.get("event")
        if kind == "bot":
            name = (event.get("metadata") or {}).get("utter_action")
            if name:
                turn.responses.append(name)
            turn.texts.append(event.get("text") or "")
        elif kind == "slot" and event.get("name") == "last_topic" and event.get("value"):
            turn.topic = event["value"]
        elif kind == "slot" and event.get("name") in SUBJECT_SLOTS:
            turn.subjects[event["name"]] = event.get("value")
    return turn


@dataclass(frozen=True)
class Verdict:
    passed: bool
    wrong_subject: bool = False
    reason: str = ""


def _same(expected: Any, got: Any) -> bool:
    if isinstance(got, list):
        return expected in got
    return got == expected


def judge(label: dict[str, Any], turn: Turn) -> Verdict:
    """Whether the turn is what the label asks for (LABELS.md)."""
    expect, outcome = label["expect"], turn.outcome
    if label.get("acknowledge") and expect in ("answer", "statement") and not turn.acknowledged:
        return Verdict(False, reason=f"no acknowledgement ({outcome})")
    if expect == "statement":
        ok = outcome not in ("did_you_mean", "nothing", "other")
        return Verdict(ok, reason="" if ok else f"statement got {outcome}")
    topics = label.get("topics") or []
    if expect == "honest":
        if outcome == "honest" or (outcome == "answer" and turn.topic in topics):
            return Verdict(True)
        wrong = outcome == "answer"
        return Verdict(False, wrong_subject=wrong, reason=f"not honest: {outcome} {turn.topic}")
    if expect != "answer":
        ok = outcome == expect
        return Verdict(ok, reason="" if ok else f"expected {expect}, got {outcome}")
    if outcome != "answer":
        return Verdict(False, reason=f"expected an answer, got {outcome}")
    if topics and turn.topic not in topics:
        return Verdict(False, wrong_subject=True,
                       reason=f"topic {turn.topic}, expected one of {topics}")
    for key, value in (label.get("subjects") or {}).items():
        if not _same(value, turn.subject(key)):
            return Verdict(False, wrong_subject=True,
                           reason=f"{key} {turn.subject(key)!r}, expected {value!r}")
    if "figure" in label and not mentions_figure(turn.texts, label["figure"]):
        return Verdict(False, reason=f"figure {label['figure']} not stated")
    return Verdict(True)


# --- figures: every number the bot states must be one its sources state ---

_NUMBER = re.compile(r"(?P<cur>[$€¥£])?\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s?(?P<mult>k\b|million\b)?"
                     r"(?P<pct>\s?%)?", re.IGNORECASE)


def numbers_in(text: str, every: bool = False) -> list[float]:
    """The amounts a text states that matter: money, shares, and numbers of three digits or
    more (not "level 5 of 7", a step number or "5-9 years"); with `every`, all numbers."""
    found = []
    for m in _NUMBER.finditer(text):
        digits = m.group("num").replace(",", "")
        try:
            value = float(digits)
        except ValueError:
            continue
        mult = (m.group("mult") or "").lower()
        value *= 1000 if mult == "k" else 1_000_000 if mult == "million" else 1
        if every or m.group("cur") or m.group("pct") or value >= 100 or "." in digits:
            found.append(value)
    return found


def mentions_figure(texts: Iterable[str], figure: float) -> bool:
    return any(abs(n - float(figure)) < 1e-6 for t in texts for n in numbers_in(t, every=True))


def unsourced_figures(texts: Iterable[str], sourced: set[float]) -> list[float]:
    """Numbers stated that neither the knowledge base nor its documents hold."""
    return [n for t in texts for n in numbers_in(t)
            if not any(abs(n - s) < 1e-6 for s in sourced)]
