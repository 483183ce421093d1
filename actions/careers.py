"""Moving out: the skills that carry over, what a target career needs, which careers fit."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import Answer
from actions.context import current, mentioned
from actions.replies import (
    bullets,
    button,
    figures,
    phrase,
    plan_button,
    plan_payload,
    say,
    sources,
)
from knowledge.records import Career
from knowledge.repository import CareerKnowledge


def career_buttons(kb: CareerKnowledge, intent: str, limit: int = 6) -> list[tuple[str, str]]:
    return [(c.name, f'/{intent}{{"career": "{c.id}"}}') for c in kb.careers()[:limit]]


class TransferableSkillsAnswer(Answer):
    topic = "transferable_skills"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               kb: CareerKnowledge) -> dict[str, Any]:
        career_id = current(tracker, "career") if mentioned(tracker, "career") else None
        skills = kb.transferable_skills(career_id)
        say(dispatcher, "utter_transferable_skills",
            [button("which_careers_fit_me", "/careers_fit_me"),
             button("careers_to_move_into", "/career_options")],
            skills=bullets(f"{s.name}: {s.description}" for s in skills[:8]),
            more=phrase("careers.more", count=len(skills) - 8) if len(skills) > 8 else "",
            sources=sources(c for s in skills[:8] for c in s.sources))
        return {"career": career_id} if career_id else {}


class SkillsForCareerAnswer(Answer):
    topic = "skills_for_career"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               kb: CareerKnowledge) -> dict[str, Any]:
        career_id = current(tracker, "career")
        if not career_id:
            say(dispatcher, "utter_ask_which_career", career_buttons(kb, "skills_for_career"))
            return {}
        return say_career(dispatcher, kb, kb.career(career_id))


def say_career(dispatcher: CollectingDispatcher, kb: CareerKnowledge,
               career: Career) -> dict[str, Any]:
    """Why customer service fits a career, the skills that bridge into it, what to add."""
    bridging = [kb.skill(s).name for s in career.skill_ids]
    say(dispatcher, "utter_skills_for_career",
        [button("plan_my_move", plan_payload(career.id), career=career.name)],
        career=career.name, why=career.why_fit,
        bridging=", ".join(bridging) if bridging else phrase("careers.bridging_none"),
        to_add=", ".join(career.to_add) if career.to_add else phrase("careers.to_add_none"),
        figures=phrase("careers.they_add", figures=figures(career.figures))
        if career.figures else "",
        sources=sources(career.sources))
    return {"career": career.id}


class CareerOptionsAnswer(Answer):
    topic = "career_options"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               kb: CareerKnowledge) -> dict[str, Any]:
        careers = kb.careers()
        say(dispatcher, "utter_career_options", career_buttons(kb, "skills_for_career", 3)
            + [button("which_fits_me", "/careers_fit_me")],
            careers=bullets(c.name for c in careers),
            sources=sources(c for career in careers for c in career.sources))
        return {}


class CareersFitMeAnswer(Answer):
    topic = "careers_fit_me"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               kb: CareerKnowledge) -> dict[str, Any]:
        # strengths named, else the ones meant in their own words ("good with people and
        # computers"), as the plan's form reads them
        skills = mentioned(tracker, "skill") or mentioned(tracker, "skill_meant")
        if not skills:
            say(dispatcher, "utter_ask_strengths")
            return {}
        matches = kb.paths_for(skills)[:3]
        if not matches:
            say(dispatcher, "utter_no_career_match", [button("careers_to_move_into",
                                                             "/career_options")],
                skills=", ".join(kb.skill(s).name for s in skills))
            return {}
        lines = [phrase("careers.fits", career=m.career.name,
                        skills=", ".join(s.name.lower() for s in m.shared_skills))
                 for m in matches]
        say(dispatcher, "utter_careers_fit_me",
            [button("skills_for_career", f'/skills_for_career{{"career": "{m.career.id}"}}',
                    career=m.career.name) for m in matches] + [plan_button()],
            careers=bullets(lines),
            sources=sources(c for m in matches for c in m.career.sources))
        return {"career": matches[0].career.id}


class CareerTimelineAnswer(Answer):
    """"How long does it take to get there?" after a career: the documents give a time for the
    career only where they state one; otherwise they are said to be silent."""

    topic = "career_timeline"
    asked_as_intent = False

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               kb: CareerKnowledge) -> dict[str, Any]:
        career = kb.career(current(tracker, "career"))
        times = [f for f in career.figures if f.unit in ("years", "months", "weeks")]
        if times:
            say(dispatcher, "utter_career_timeline", career=career.name, figures=figures(times),
                sources=sources(career.sources))
        else:
            say(dispatcher, "utter_no_figure_for",
                [button("skills_for_career", f'/skills_for_career{{"career": "{career.id}"}}',
                        career=career.name),
                 button("years_to_each_level", "/ask_ladder")],
                what=phrase("careers.move_takes", career=career.name))
        return {"career": career.id}
