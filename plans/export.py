"""The whole plan as a Markdown document: something a person can keep, print or paste."""

from __future__ import annotations

from collections.abc import Iterable

from knowledge.records import Citation
from plans import wording
from plans.plan import Plan, Step
from plans.saved import SavedPlan


def _say(key: str, /, **values: object) -> str:
    return wording.say(f"export.{key}", **values)


def _detail(detail: str) -> list[str]:
    """The step's lines as Markdown: list items stay items, other lines become paragraphs."""
    bullet = str(wording.entry("list.bullet"))
    out: list[str] = []
    for line in detail.splitlines():
        if line.startswith(bullet):
            out.append(f"- {line[len(bullet):]}")
        else:
            out += ["", line] if out else [line]
            out.append("")
    return out


def _sources(citations: Iterable[Citation]) -> list[str]:
    """One line per document, its sections in the order cited."""
    sections: dict[str, list[str]] = {}
    for c in citations:
        sections.setdefault(c.title, [])
        if c.section not in sections[c.title]:
            sections[c.title].append(c.section)
    return [_say("source", title=title, sections="; ".join(names))
            for title, names in sections.items()]


def _step(number: int, step: Step, done: bool, skipped: bool) -> list[str]:
    mark = _say("step_done") if done else _say("step_skipped") if skipped else ""
    lines = [_say("step_heading", number=number, title=step.title) + mark, ""]
    lines += _detail(step.detail)
    lines += ["", _say("why", why=step.why), "", _say("sources"), *_sources(step.citations), ""]
    return lines


def to_markdown(plan: Plan | SavedPlan) -> str:
    """Markdown of the whole plan: an overview with [x] against steps done and skipped ones
    noted, then every step with its why and its sources. A built (unsaved) plan has no
    progress yet."""
    saved = plan if isinstance(plan, SavedPlan) else None
    done = set(saved.done_ids) if saved else set()
    skipped = set(saved.skipped_ids) if saved else set()
    lines = [_say("title", career=plan.target_name), "", plan.summary, ""]
    if plan.chosen_because:
        lines += [plan.chosen_because, ""]
    if saved is not None:
        extra = _say("progress_skipped", skipped=len(skipped)) if skipped else ""
        lines.append(_say("progress", done=len(done), total=saved.total, skipped=extra))
        number = saved.position.number
        lines += [_say("finished") if number is None
                  else _say("position", number=number, total=saved.total), ""]
    lines += [_say("overview"), ""]
    for number, step in enumerate(plan.steps, 1):
        key = "item_done" if step.id in done else "item_skipped" if step.id in skipped \
            else "item_open"
        lines.append(_say(key, number=number, title=step.title))
    lines.append("")
    for number, step in enumerate(plan.steps, 1):
        lines += _step(number, step, step.id in done, step.id in skipped)
    if plan.missing:
        lines += [_say("missing"), "", *(f"- {m}" for m in plan.missing), ""]
    if isinstance(plan, Plan) and len(plan.suggestions) > 1:
        lines += [_say("alternatives"), ""]
        lines += [_say("alternative", career=s.career.name, why=s.why)
                  for s in plan.suggestions[1:]]
        lines.append("")
    # Collapse the blank lines the pieces leave between them.
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"
