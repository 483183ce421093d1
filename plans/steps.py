"""The steps of a plan (except pay, see plans/pay.py), one function each, in plan order.

Each function writes its step from the knowledge base for one person. The wording comes from
wording.yml (`steps.<id>`), the entries it draws on from content.yml (`steps.<id>`); the facts
from the entries the step `use`s, which it then cites.
"""

from __future__ import annotations

from knowledge.records import Role, Skill
from plans import content, lookup, wording
from plans.context import Context
from plans.draft import Draft, Drafted

# How many courses to point to for one missing skill: enough to choose from, short enough to read.
COURSES_PER_GAP = 3


def _names(skills: tuple[Skill, ...]) -> str:
    return wording.joined(s.name for s in skills)


def years_text(role: Role) -> str:
    return wording.years(role.years_low, role.years_high)


def strengths(ctx: Context) -> Drafted:
    d = Draft(ctx.kb, "strengths")
    career = ctx.career.name
    transferable = tuple(s for s in ctx.strengths if "transferable" in s.categories)
    if not ctx.career_skills:
        d.line(d.say("career_skills_unknown", career=career))
        if not ctx.strengths:
            d.line(d.say("no_strengths_no_skills", career=career))
            for skill in ctx.kb.transferable_skills():
                d.use(f"skills/{skill.id}")
                d.item(skill.name)
        elif transferable:
            d.line(d.say("other_transferable", skills=_names(transferable)))
            d.use(*(f"skills/{s.id}" for s in transferable))
    elif ctx.shared:
        d.line(d.say("shared", career=career))
        for skill in ctx.shared:
            d.use(f"skills/{skill.id}")
            d.item(d.say("skill", name=skill.name, description=skill.description))
        others = tuple(s for s in transferable if s not in ctx.shared)
        if others:
            d.line(d.say("other_transferable", skills=_names(others)))
            d.use(*(f"skills/{s.id}" for s in others))
    elif ctx.strengths:
        d.line(d.say("none_shared", career=career))
        if transferable:
            d.line(d.say("other_transferable", skills=_names(transferable)))
            d.use(*(f"skills/{s.id}" for s in transferable))
    else:
        d.line(d.say("no_strengths", career=career))
        for skill in ctx.career_skills:
            d.use(f"skills/{skill.id}")
            d.item(d.say("skill", name=skill.name, description=skill.description))
    if not ctx.career_skills:
        d.missing(wording.say("plan.missing_skills", career=career))
    advice = d.advice()
    d.use(f"careers/{ctx.career.id}")
    return d.finish(d.say("title"), d.say("why", advice=advice, career=career,
                                          why_fit=ctx.career.why_fit))


def _courses_for(ctx: Context, phrases: tuple[str, ...], kinds: tuple[str, ...]) -> list[str]:
    """References of the learning entries whose text names the skill, in the documents' order."""
    found = [f"{kind}/{f.id}" for kind in kinds for f in ctx.kb.facts(kind)
             if lookup.mentions(f"{f.title}. {f.text}", phrases)]
    return found[:COURSES_PER_GAP]


def gaps(ctx: Context) -> Drafted:
    d = Draft(ctx.kb, "gaps")
    career = ctx.career.name
    kinds = d.ids("learning_kinds")
    # The skills the career values that the person hasn't named, then what the documents say to
    # add: a named skill where the phrase names one, the documents' own phrase otherwise.
    missing_skills = [s for s in ctx.career_skills if s.id not in ctx.strength_ids]
    free_phrases: list[str] = []
    for phrase in ctx.career.to_add:
        skill_id = lookup.skill_named(ctx.kb, phrase)
        if skill_id is None:
            free_phrases.append(phrase)
        elif skill_id not in ctx.strength_ids and all(s.id != skill_id for s in missing_skills):
            missing_skills.append(ctx.kb.skill(skill_id))
    routes: list[str] = []
    if missing_skills or free_phrases:
        d.line(d.say("intro", career=career))
        phrases = lookup.skill_phrases(ctx.kb)
        for skill in missing_skills:
            d.use(f"skills/{skill.id}")
            courses = _courses_for(ctx, phrases[skill.id], kinds)
            if courses:
                titles = [d.fact(ref).title for ref in courses]
                d.item(d.say("gap_with_courses", skill=skill.name, courses=wording.joined(titles)))
                routes += [ref for ref in courses if ref not in routes]
            else:
                d.item(d.say("gap_without_courses", skill=skill.name))
        for phrase in free_phrases:
            d.use(f"careers/{ctx.career.id}")
            d.item(d.say("to_add", phrase=phrase, career=career))
        d.line(d.say("routes_intro"))
    elif ctx.career_skills or ctx.career.to_add:
        d.line(d.say("nothing_missing", career=career))
    else:
        d.line(d.say("unknown", career=career))
        d.missing(wording.say("plan.missing_learning", career=career))
    routes += [ref for ref in d.ids("routes") if ref not in routes]
    for ref in routes:
        f = d.fact(ref)
        d.item(d.say("route", title=f.title, text=f.text))
    return d.finish(d.say("title"), d.say("why", advice=d.advice()))


def inside(ctx: Context) -> Drafted:
    d = Draft(ctx.kb, "inside")
    d.line(d.say("ask", career=ctx.career.name))
    nxt = ctx.kb.next_role(ctx.role.id)
    if nxt is None:
        d.line(d.say("top_level"))
    else:
        d.use(f"roles/{nxt.id}")
        d.line(d.say("next_level", role=ctx.role.name, next_role=nxt.name,
                     years=years_text(nxt), duties=nxt.duties))
    if ctx.profile.years_in_service is not None:
        d.line(d.say("your_years", years=ctx.profile.years_in_service))
    d.extras(d.ids("extras"))
    return d.finish(d.say("title"), d.say("why", advice=d.advice()))


def _simple(ctx: Context, step_id: str, first_line: str, refs: tuple[str, ...] = ()) -> Drafted:
    """A step made of one personal line (resting on `refs`) and the documents' advice, as list
    items."""
    d = Draft(ctx.kb, step_id)
    d.use(*refs)
    d.line(first_line)
    d.extras(d.ids("extras"))
    return d.finish(d.say("title"), d.say("why", advice=d.advice()))


def mentor(ctx: Context) -> Drafted:
    return _simple(ctx, "mentor", wording.say("steps.mentor.ask", career=ctx.career.name))


def network(ctx: Context) -> Drafted:
    return _simple(ctx, "network", wording.say("steps.network.ask", career=ctx.career.name))


def _lead(ctx: Context, step_id: str, own: str, career: str,
          unknown: str) -> tuple[str, tuple[str, ...]]:
    """The line naming the skills to lead with, and the entries it rests on: the person's own
    strengths, else the skills the career values (for them to pick from), else a general line."""
    if ctx.own_lead_skills():
        skills = ctx.own_lead_skills()
        return (wording.say(f"steps.{step_id}.{own}", skills=_names(skills)),
                tuple(f"skills/{s.id}" for s in skills))
    if ctx.career_skills:
        return (wording.say(f"steps.{step_id}.{career}", skills=_names(ctx.career_skills)),
                (f"careers/{ctx.career.id}",))
    return wording.say(f"steps.{step_id}.{unknown}"), ()


def resume(ctx: Context) -> Drafted:
    line, refs = _lead(ctx, "resume", "lead", "lead_career", "lead_unknown")
    return _simple(ctx, "resume", line, refs)


def interview(ctx: Context) -> Drafted:
    line, refs = _lead(ctx, "interview", "stories", "stories_career", "stories_unknown")
    return _simple(ctx, "interview", line, refs)


def apply(ctx: Context) -> Drafted:
    d = Draft(ctx.kb, "apply")
    career = ctx.career.name
    # The documents advise looking for roles that ask for the skills you already use
    # (steps_out/transferable_skills): name the ones the career values that you have, or else
    # all it values.
    wanted = ctx.shared or ctx.career_skills
    if wanted:
        d.use(f"careers/{ctx.career.id}")
        d.line(d.say("look_for", career=career, skills=_names(wanted)))
    else:
        d.line(d.say("look_for_unknown", career=career))
    refs = list(d.ids("extras"))
    for priority in ctx.profile.priorities:
        refs += [r for r in content.ids(f"priorities.{priority}.apply_extras") if r not in refs]
    d.extras(refs)
    return d.finish(d.say("title"), d.say("why", advice=d.advice()))
