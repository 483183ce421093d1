"""Pay: by level, in general (where the documents disagree, all figures), by region, compared."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import SUBJECTS, Answer
from actions.context import CAREER_TOPICS, current, mentioned, place, unknown_place
from actions.replies import amount, bullets, button, figure, phrase, say, sources
from knowledge.records import PayFigure, Role
from knowledge.repository import CareerKnowledge
from plans import wording
from understanding.followups import (
    about_customer_service_as_a_whole,
    per_asked,
    years_of_experience,
)
from understanding.routing import IN_PASSING


def years(role: Role) -> str:
    """A level's usual experience, as the plan says it too: "1-3 years", "10+ years"."""
    return wording.years(role.years_low, role.years_high)


def role_pay(dispatcher: CollectingDispatcher, kb: CareerKnowledge, role: Role) -> None:
    say(dispatcher, "utter_salary_role", [button("how_long_to_become",
                                                 f'/ask_years{{"role": "{role.id}"}}',
                                                 role=role.name)],
        role=role.name, median=amount(role.median_usd, "USD"),
        average=amount(role.average_usd, "USD"), level=role.level, levels=len(kb.ladder()),
        years=years(role),
        sources=sources(role.sources[:1]))


def unit_words(unit: str) -> str:
    """A unit as said after a figure: "hour" -> "by the hour"."""
    return phrase(f"followup.units.{unit}")


def level_after(kb: CareerKnowledge, years_said: float) -> Role:
    """The level of the ladder people usually hold after that many years (roles.yml's years)."""
    return next((r for r in reversed(kb.ladder()) if r.years_low <= years_said), kb.ladder()[0])


class SalaryAnswer(Answer):
    topic = "ask_salary"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               kb: CareerKnowledge) -> dict[str, Any]:
        if named := unknown_place(tracker):
            # "what do agents earn in Dubai?": not the US figure in its place
            return place_without_figures(dispatcher, kb, named)
        if unknown := mentioned(tracker, "unknown_job"):
            # "and for a nurse?" after a manager's pay: never the level of the conversation's
            # figure for a job the sources do not know (only set when no level or career is named)
            say(dispatcher, "utter_salary_job_unknown",
                [button("pay_by_level", "/ask_ladder"),
                 button("careers_to_move_into", "/career_options")],
                job=unknown[0])
            return {}
        role_id, career_id = current(tracker, "role"), current(tracker, "career")
        text = tracker.latest_message.get("text") or ""
        if (tracker.get_slot("last_topic") in CAREER_TOPICS and not career_id and not any(
                mentioned(tracker, k) for k in SUBJECTS)
                and not about_customer_service_as_a_whole(text)):
            # "whats the pay like" right after HR: HR's pay (the sources give none), never
            # customer service's in its place
            career_id = tracker.get_slot("career")
        if tracker.get_slot("last_topic") not in CAREER_TOPICS and not mentioned(tracker,
                                                                                 "career"):
            career_id = None  # "how much do they make?" after a level is about the level
        elif not mentioned(tracker, "role") or set(mentioned(tracker, "role")) <= IN_PASSING:
            # ... and after a career, about the career; "do trainers get paid much more than
            # agents?" too: the agents are who they are, the trainers what they ask about
            role_id = None
        if not mentioned(tracker, "role") and not mentioned(tracker, "career") and (
                (years_said := years_of_experience(text)) is not None):
            # "and for someone with 2 yrs": the level people usually reach with that many
            role_id, career_id = level_after(kb, years_said).id, None
        region_id, country_id = place(tracker)
        if career_id and not role_id:
            career = kb.career(career_id)
            say(dispatcher, "utter_salary_career_unknown",
                [button("skills_for_career", f'/skills_for_career{{"career": "{career.id}"}}',
                        career=career.name),
                 button("customer_service_pay", "/ask_salary")], career=career.name)
            return {"career": career.id}
        if (per_asked(text) == "hour" and role_id in (None, kb.ladder()[0].id)
                and not (region_id or country_id)):
            # "whats the median hourly for a CSR": the sources' hourly figures are for the first
            # level, representatives (pay.yml); the yearly median would not answer it
            general_pay(dispatcher, kb, per="hour")
            return {"role": role_id} if role_id else {}
        if role_id and (per := per_asked(text)) and not (region_id or country_id):
            # "whats the hourly rate for a call centre manager": the sources give a level's pay
            # a year only; said so, with the year's figure
            role = kb.role(role_id)
            say(dispatcher, "utter_no_figure_for", what=phrase(
                "followup.role_pay_in_unit", role=role.name, unit=unit_words(per)))
            role_pay(dispatcher, kb, role)
            return {"role": role_id, "region": None, "country": None}
        if role_id:
            if (region_id and region_id != "us") or (country_id and not region_id):
                # the levels' figures are US ones: "and in Japan?" after a team lead's pay gets
                # Japan's, said to be for customer service as a whole, not the US figure again
                return {"role": role_id, **region_pay(dispatcher, kb, region_id, country_id,
                                                      role_named=True)}
            role_pay(dispatcher, kb, kb.role(role_id))
            return {"role": role_id, "region": None, "country": None}  # US figures only
        if mentioned(tracker, "region") or mentioned(tracker, "country"):
            # "sorry, I meant Canada": pay there
            return region_pay(dispatcher, kb, region_id, country_id)
        general_pay(dispatcher, kb)
        return {}


# The units the sources give general pay in besides a year (pay.yml `per`), and their replies.
PER_RESPONSES = {"hour": "utter_salary_per_hour"}


def pay_line(p: PayFigure) -> str:
    """One general pay figure with who published it, when, and its source."""
    attribution = ", ".join(x for x in (p.publisher, p.as_of) if x)
    return (f"{p.title}: {figure(p.figure)}" + (f" ({attribution})" if attribution else "")
            + f" — {sources(p.sources)}")


def disagreeing(kb: CareerKnowledge, pays: list[PayFigure]) -> list[PayFigure]:
    """The figures with every other figure that answers the same question: where documents
    disagree, never one of them alone."""
    return list(dict.fromkeys(q for p in pays
                              for q in (kb.pay_figures(p.compare) if p.compare else (p,))))


def general_pay(dispatcher: CollectingDispatcher, kb: CareerKnowledge,
                per: str | None = None) -> bool:
    """Every general pay figure (or only those `per` hour, month, ...), grouped by the question
    it answers; where two documents answer the same question, the reply says they disagree and
    gives both. False when the documents give none `per` that."""
    lines = []
    for key in dict.fromkeys(p.compare for p in kb.pay_figures()):
        for p in kb.pay_figures(key):
            if per and p.figure.per != per:
                continue
            lines.append(pay_line(p))
    if not lines or (per and per not in PER_RESPONSES):
        return False
    say(dispatcher, PER_RESPONSES[per] if per else "utter_salary_general",
        [button("pay_by_level", "/ask_ladder"), button("pay_by_country", "/ask_salary_region")],
        figures=bullets(lines))
    return True


def region_pay(dispatcher: CollectingDispatcher, kb: CareerKnowledge, region_id: str | None,
               country_id: str | None, role_named: bool = False) -> dict[str, Any]:
    """Pay in a region; says when the country asked about is not itself named, when the
    documents have no figures for it, and that regional figures are not given by level."""
    regions = kb.regions()
    covered = ", ".join(r.name for r in regions)
    if region_id is None and country_id is None:
        say(dispatcher, "utter_ask_region",
            [(r.name, f'/ask_salary_region{{"region": "{r.id}"}}') for r in regions])
        return {}
    if region_id is None:
        country = kb.country(country_id)  # type: ignore[arg-type]
        say(dispatcher, "utter_country_no_figures",
            [(r.name, f'/ask_salary_region{{"region": "{r.id}"}}') for r in regions[:4]],
            country=country.name, regions=covered)
        return {"country": country.id, "region": None}
    region = kb.region(region_id)
    if country_id:
        country = kb.country(country_id)
        if not country.named_by_source:
            say(dispatcher, "utter_country_not_named", country=country.name, region=region.name,
                named=", ".join(region.named_countries) or region.name)
    if role_named:
        say(dispatcher, "utter_region_not_by_level", region=region.name)
    if region.pay:
        lines = []
        for band in region.pay:
            usd = ""
            if band.usd_low is not None and band.usd_high is not None:
                usd = phrase("pay.band_usd", low=amount(band.usd_low, "USD"),
                             high=amount(band.usd_high, "USD"))
            lines.append(phrase("pay.band", band=band.band, low=amount(band.low, band.currency),
                                high=amount(band.high, band.currency), usd=usd))
        say(dispatcher, "utter_salary_region", region=region.name, figures=bullets(lines),
            note=phrase("pay.note", note=region.note) if region.note else "",
            sources=sources(region.sources))
    else:
        say(dispatcher, "utter_salary_region_no_figures", region=region.name,
            note=region.note or "", sources=sources(region.sources))
    return {"region": region.id, "country": country_id}


def place_without_figures(dispatcher: CollectingDispatcher, kb: CareerKnowledge,
                          place_named: str) -> dict[str, Any]:
    regions = kb.regions()
    say(dispatcher, "utter_place_no_figures",
        [(r.name, f'/ask_salary_region{{"region": "{r.id}"}}') for r in regions[:4]],
        place=place_named, regions=", ".join(r.name for r in regions))
    return {"region": None, "country": None}


class SalaryRegionAnswer(Answer):
    topic = "ask_salary_region"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               kb: CareerKnowledge) -> dict[str, Any]:
        if named := unknown_place(tracker):
            return place_without_figures(dispatcher, kb, named)
        region_id, country_id = place(tracker)
        return region_pay(dispatcher, kb, region_id, country_id,
                          role_named=bool(mentioned(tracker, "role")))


class CompareRolesAnswer(Answer):
    topic = "compare_roles"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               kb: CareerKnowledge) -> dict[str, Any]:
        roles = mentioned(tracker, "role") or [r for r in [current(tracker, "role")] if r]
        if len(roles) == 1 and tracker.get_slot("role") not in (None, roles[0]):
            roles = [tracker.get_slot("role"), roles[0]]
        if len(roles) == 1 and not mentioned(tracker, "role"):
            # "is it worth it?" after the team lead: the level against the one below it
            other = kb.role_below(roles[0]) or kb.next_role(roles[0])
            roles += [other.id] if other else []
        if len(roles) < 2:
            say(dispatcher, "utter_ask_roles_to_compare",
                [button("team_lead_vs_manager",
                        '/compare_roles{"role": ["team_lead", "manager"]}'),
                 button("whole_ladder", "/ask_ladder")])
            return {}
        a, b = sorted((kb.role(r) for r in roles[:2]), key=lambda r: r.level)
        say(dispatcher, "utter_compare_roles",
            role_a=a.name, median_a=amount(a.median_usd, "USD"), years_a=years(a),
            role_b=b.name, median_b=amount(b.median_usd, "USD"), years_b=years(b),
            sources=sources(a.sources[:1]))
        return {"role": b.id}
