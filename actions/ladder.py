"""The career ladder inside customer service: the levels, the years to each, what each does."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ANSWERED_AS, Answer, registered
from actions.context import current, mentioned
from actions.replies import amount, button, numbered, phrase, say, sources
from actions.salary import years
from knowledge.records import Role
from knowledge.repository import CareerKnowledge


def role_buttons(kb: CareerKnowledge, intent: str) -> list[tuple[str, str]]:
    return [(r.name, f'/{intent}{{"role": "{r.id}"}}') for r in kb.ladder()]


class LadderAnswer(Answer):
    topic = "ask_ladder"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               kb: CareerKnowledge) -> dict[str, Any]:
        if mentioned(tracker, "next_level") and current(tracker, "role"):
            # "what comes after team lead": that level, its years and the one after it
            return YearsAnswer().answer(dispatcher, tracker, kb)
        ladder = kb.ladder()
        lines = [phrase("ladder.level", role=r.name, years=years(r),
                        median=amount(r.median_usd, "USD")) for r in ladder]
        say(dispatcher, "utter_ladder", [button("what_a_team_lead_does",
                                                '/ask_role_duties{"role": "team_lead"}'),
                                         button("careers_outside", "/career_options")],
            ladder=numbered(lines), sources=sources(ladder[0].sources))
        return {}


class YearsAnswer(Answer):
    topic = "ask_years"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               kb: CareerKnowledge) -> dict[str, Any]:
        role_id = current(tracker, "role")
        if not role_id and mentioned(tracker, "career"):
            # "how long does it take to move into UX?": what the documents say of that move
            return {**registered()["career_timeline"].answer(dispatcher, tracker, kb),
                    ANSWERED_AS: "career_timeline"}
        if not role_id:
            return LadderAnswer().answer(dispatcher, tracker, kb)
        role = kb.role(role_id)
        nxt = kb.next_role(role.id)
        say(dispatcher, "utter_years", role=role.name, years=years(role), level=role.level,
            levels=len(kb.ladder()),
            next=phrase("ladder.next_step", role=nxt.name, years=years(nxt)) if nxt
            else phrase("ladder.top"),
            sources=sources(role.sources[1:] or role.sources))
        return {"role": role.id}


class RoleDutiesAnswer(Answer):
    topic = "ask_role_duties"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               kb: CareerKnowledge) -> dict[str, Any]:
        role_id = current(tracker, "role")
        if not role_id:
            say(dispatcher, "utter_ask_which_role", role_buttons(kb, "ask_role_duties"))
            return {}
        return say_role_duties(dispatcher, kb.role(role_id))


def say_role_duties(dispatcher: CollectingDispatcher, role: Role) -> dict[str, Any]:
    say(dispatcher, "utter_role_duties", [button("what_role_earns",
                                                 f'/ask_salary{{"role": "{role.id}"}}',
                                                 role=role.name)],
        role=role.name, duties=role.duties, focus=role.focus,
        sources=sources(role.sources[1:] or role.sources))
    return {"role": role.id}
