"""The pay step: pay now against pay in the target, only from figures the knowledge base holds.

Nothing is computed: no differences, no conversions, no averages. Where two documents answer
the same question differently both are given; where the documents have no figure (a region, a
country, the target career) the step says so and the plan lists it as missing.
"""

from __future__ import annotations

from knowledge.formatting import amount, figure
from knowledge.records import Figure, Region
from knowledge.repository import CareerKnowledge
from plans import content, lookup, wording
from plans.context import Context
from plans.draft import Draft, Drafted
from plans.suggest import linked_levels_above


def _currencies(kb: CareerKnowledge) -> frozenset[str]:
    """The money units the knowledge base uses, taken from its own pay data."""
    return frozenset({"USD"} | {b.currency for r in kb.regions() for b in r.pay})


def _pay_figures(kb: CareerKnowledge, figures: tuple[Figure, ...]) -> tuple[Figure, ...]:
    money = _currencies(kb)
    return tuple(f for f in figures if f.unit in money and f.per is not None)


def _now(d: Draft, ctx: Context) -> None:
    role = ctx.role
    d.use(f"roles/{role.id}")
    d.line(d.say("now", role=role.name, median=amount(role.median_usd, "USD"),
                 average=amount(role.average_usd, "USD")))
    field = ctx.kb.pay_figures(d.setting("field_compare"))
    if field:
        d.line(d.say("field_intro" if len(field) > 1 else "field_one"))
    for p in field:
        d.use(f"pay/{p.id}")
        d.item(d.say("field_item", title=p.title, scope=p.scope, figure=figure(p.figure)))


def _region_bands(d: Draft, region: Region) -> None:
    d.line(d.say("region_intro", region=region.name))
    for band in region.pay:
        usd = ""
        if band.usd_low is not None and band.usd_high is not None:
            usd = d.say("region_usd", low=amount(band.usd_low, "USD"),
                        high=amount(band.usd_high, "USD"))
        d.item(d.say("region_band", band=band.band, low=amount(band.low, band.currency),
                     high=amount(band.high, band.currency), usd=usd))


def _place(d: Draft, ctx: Context) -> None:
    region, country = ctx.region, ctx.country
    if region is None and country is not None:
        d.line(d.say("country_none", country=country.name))
        d.missing(wording.say("plan.missing_region_pay", place=country.name))
        return
    if region is None:
        d.line(d.say("no_place"))
        d.missing(wording.say("plan.missing_place"))
        return
    d.use(f"regions/{region.id}")
    if country is not None and not country.named_by_source:
        d.line(d.say("country_covered", country=country.name, region=region.name))
    if region.pay:
        _region_bands(d, region)
    else:
        d.line(d.say("region_none", region=region.name))
        d.missing(wording.say("plan.missing_region_pay", place=region.name))
    if region.note:
        d.line(d.say("region_note", note=region.note))


def _target(d: Draft, ctx: Context) -> None:
    career = ctx.career
    linked = [ref for ref in career.see if ref.startswith("roles/")]
    levels = linked_levels_above(ctx.kb, career, ctx.role)
    money = _pay_figures(ctx.kb, career.figures)
    if levels:
        d.line(d.say("target_intro", career=career.name))
        for level in levels:
            d.use(f"roles/{level.id}")
            d.item(d.say("target_level", role=level.name, median=amount(level.median_usd, "USD"),
                         average=amount(level.average_usd, "USD")))
        if ctx.region is not None and ctx.region.id != d.setting("ladder_region"):
            d.line(d.say("target_not_by_level", region=ctx.region.name))
    elif linked:
        d.line(d.say("target_already", career=career.name))
    elif money:
        d.use(f"careers/{career.id}")
        for f in money:
            d.item(d.say("target_figure", what=f.what or career.name, figure=figure(f)))
    else:
        d.line(d.say("target_none", career=career.name))
        d.missing(wording.say("plan.missing_target_pay", career=career.name))
        said = lookup.sentence_with(career.why_fit, content.ids("priorities.pay.favour"))
        if said:
            d.use(f"careers/{career.id}")
            d.line(d.say("target_says", sentence=said))


def pay(ctx: Context) -> Drafted:
    d = Draft(ctx.kb, "pay")
    _now(d, ctx)
    _place(d, ctx)
    _target(d, ctx)
    return d.finish(d.say("title", career=ctx.career.name), d.say("why", advice=d.advice()))
