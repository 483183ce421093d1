"""A personal transition plan, built from a profile and the knowledge base: pure functions, no
Rasa and no I/O, so the same profile and knowledge base always give the same plan."""

from __future__ import annotations

from collections.abc import Callable

from knowledge.repository import CareerKnowledge
from plans import pay, steps, wording
from plans.context import Context
from plans.draft import Drafted
from plans.plan import Plan, Suggestion
from plans.profile import Profile, priority_label
from plans.suggest import evidence, suggest_careers

__all__ = ["STEP_ORDER", "build_plan", "suggest_careers"]

# The steps in the order a person takes them: what you have, what to add, the move closest to
# home, then people who help, the application itself, and finally what the move pays.
_STEPS: tuple[tuple[str, Callable[[Context], Drafted]], ...] = (
    ("strengths", steps.strengths),
    ("gaps", steps.gaps),
    ("inside", steps.inside),
    ("mentor", steps.mentor),
    ("network", steps.network),
    ("resume", steps.resume),
    ("interview", steps.interview),
    ("apply", steps.apply),
    ("pay", pay.pay),
)
STEP_ORDER: tuple[str, ...] = tuple(step_id for step_id, _ in _STEPS)


def _chosen_because(profile: Profile, best: Suggestion) -> str:
    if not profile.strengths and not profile.priorities:
        return wording.say("plan.chosen_without_clues", career=best.career.name)
    return wording.say("plan.chosen", career=best.career.name, why=best.why)


def _summary(ctx: Context) -> str:
    years = ctx.profile.years_in_service
    place = ctx.country.name if ctx.country else ctx.region.name if ctx.region else None
    return wording.say(
        "plan.summary", role=ctx.role.name,
        years=wording.say("plan.summary_years", years=years) if years is not None else "",
        place=wording.say("plan.summary_place", place=place) if place else "")


def _priorities_unanswered(ctx: Context) -> list[str]:
    """The person's priorities on which the documents say nothing about the target career."""
    return [
        wording.say("plan.missing_priority", career=ctx.career.name,
                    priority=priority_label(p).lower())
        for p in ctx.profile.priorities
        if evidence(ctx.kb, ctx.career, p, ctx.role) is None
    ]


def build_plan(profile: Profile, kb: CareerKnowledge) -> Plan:
    """The plan's steps for this person, in STEP_ORDER. With no target ("not sure") the plan is
    for the best suggestion, and says why in `chosen_because`."""
    chosen_because: str | None = None
    suggestions: tuple[Suggestion, ...] = ()
    role = kb.role(profile.current_role_id)  # once: the suggestions and the steps both need it
    if profile.target_career_id is None:
        suggestions = suggest_careers(profile, kb, role=role)
        career = suggestions[0].career
        chosen_because = _chosen_because(profile, suggestions[0])
    else:
        career = kb.career(profile.target_career_id)
    ctx = Context.of(kb, profile, career, role)
    drafted = [write(ctx) for _, write in _STEPS]
    missing = [m for d in drafted for m in d.missing] + _priorities_unanswered(ctx)
    return Plan(profile=profile, target=career, steps=tuple(d.step for d in drafted),
                summary=_summary(ctx),
                chosen_because=chosen_because, suggestions=suggestions,
                missing=tuple(dict.fromkeys(missing)))
