"""Which question a message asks, when the intent and the subject it names disagree.

A career, role or place the message names fixes its subject: "how do I get a job in HR?" is
about HR, not about getting into customer service; "is a team lead position worth it?" is about
the team-lead role. The classifier learnt intents from examples that mostly named no subject, so
its intent can ignore the one the message names; the subject wins here. Pure: the NLU component
(rasa_ext/message_reader.py) applies it, and the rules are tested on their own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

STATEMENT = "statement"

# Intents that ignore a named career: the career's own answer (why it fits, the skills that
# carry over into it, what to add) is what the person asked for.
CAREER_BEATS = {"how_to_start", "ask_job_search", "steps_to_leave", "career_options",
                "careers_fit_me", "why_leave", "why_stay", "ask_education", "nlu_fallback",
                "ask_ladder", "ask_role_duties", "ask_years", "ask_outlook", "statement"}
# Intents that ignore a named role: what the role is (what it does, its pay a button away).
ROLE_BEATS = {"why_stay", "why_leave", "career_options", "careers_fit_me", "steps_to_leave",
              "nlu_fallback", "statement", "transferable_skills", "skills_for_career"}
# "how do I become a team lead", "how long to get there": the way up to the role.
_BECOME = re.compile(r"\b(?:become|becoming|get(?:ting)? (?:to|promoted)|promot|move up|"
                     r"step up|make it to|reach)\b")
_PAY = re.compile(r"\b(?:pay|paid|salary|salaries|earn|earns|make|makes|wage|wages|money|"
                  r"income|\$)\b")


def route(intent: str, entities: Mapping[str, Sequence[str]], text: str,
          asks: bool = True) -> str:
    """The intent to answer with: `intent`, unless the subject named says otherwise."""
    plain = text.lower()
    careers, roles = entities.get("career") or [], entities.get("role") or []
    if careers and not roles and intent in CAREER_BEATS and (asks or intent != STATEMENT):
        if _PAY.search(plain):
            return "ask_salary"  # "what do HR people make": the pay answer says what it knows
        return "skills_for_career"
    if roles and not careers and intent in ROLE_BEATS and (asks or intent != STATEMENT):
        if _PAY.search(plain):
            return "ask_salary"
        if _BECOME.search(plain):
            return "ask_years"
        return "ask_role_duties"
    return intent
