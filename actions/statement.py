"""A message that asks nothing (venting, a success, thanks to others): one line that
acknowledges it, then one next step: the knowledge-base entry it is clearly about, if one is
(a claim about AI gets what the documents say about AI), else buttons for the way on."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import answers
from actions.careers import say_career
from actions.context import matches, mentioned, remember
from actions.entries import answer_entry
from actions.feeling import acknowledge
from actions.knowledge_base import knowledge
from actions.ladder import say_role_duties
from actions.replies import button, plan_button, say
from understanding.routing import (
    IN_PASSING,
    introduces_themselves,
    talks_getting_out,
    talks_pay,
)

# A statement is answered with an entry only when it is clearly about it: a higher bar than a
# question's (actions/search.py), since nobody asked. On the dev sets, the entries statements
# reached at 0.5 were mostly loosely related fact blocks ("Now everything is timed... Straight to
# jail" got "Demoralizing calls"; "it's well paid but soul-destroying" got "Low pay"), the
# closest at 0.67: an acknowledgement and the way on serve those better.
ABOUT_AT = 0.7
NEXT_AFTER_SUCCESS = [button("resume_and_interview_tips", "/ask_job_search"),
                      button("pay_by_level", "/ask_ladder")]
NEXT_OTHERWISE = [button("careers_to_move_into", "/career_options"),
                  button("steps_to_get_out", "/steps_to_leave"), plan_button()]


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
            return []
        if felt == "grateful":
            say(dispatcher, "utter_statement_next_grateful", NEXT_OTHERWISE[:2])
            return []
        if felt == "sorry":
            # "sorry if this is the wrong place to ask": nothing told to look up
            say(dispatcher, "utter_statement_next", NEXT_OTHERWISE)
            return []
        careers = mentioned(tracker, "career")
        roles = [r for r in mentioned(tracker, "role") if r not in IN_PASSING]
        if len(roles) == 1 and not careers:
            # "supervisors are just glorified babysitters": what the documents say the role is
            return remember("ask_role_duties", **say_role_duties(dispatcher, knowledge().role(
                roles[0])))
        if mentioned(tracker, "role") and not careers and talks_pay(
                tracker.latest_message.get("text") or ""):
            # "agents should earn more": what each level earns
            return await answers()["ask_ladder"].run_unacknowledged(dispatcher, tracker)
        if len(careers) == 1:
            # "It isn't easy to get into HR": what the documents say about moving into it
            kb = knowledge()
            return remember("skills_for_career",
                            **say_career(dispatcher, kb, kb.career(careers[0])))
        if len(careers) > 1:
            return await answers()["career_options"].run(dispatcher, tracker, domain)
        if talks_getting_out(tracker.latest_message.get("text") or ""):
            # "once you are in one it is fairly difficult to get out": the steps out
            return await answers()["steps_to_leave"].run_unacknowledged(dispatcher, tracker)
        found = matches(tracker)
        if found and found[0][1] >= ABOUT_AT and not introduces_themselves(
                tracker.latest_message.get("text") or ""):
            return answer_entry(dispatcher, knowledge(), found[0][0], NEXT_OTHERWISE[:2])
        say(dispatcher, "utter_statement_next", NEXT_OTHERWISE)
        return []
