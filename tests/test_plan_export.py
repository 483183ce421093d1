"""The plan as Markdown: every step in order with its why and sources, progress marked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from plans.builder import build_plan
from plans.export import to_markdown
from plans.store import PlanStore
from tests.plan_support import PROFILES


@pytest.fixture
def store(tmp_path) -> Iterator[PlanStore]:
    s = PlanStore(f"sqlite:///{tmp_path / 'plans.db'}")
    s.create_all()
    yield s
    s.dispose()


def positions(markdown: str, needles: list[str]) -> list[int]:
    found = [markdown.find(n) for n in needles]
    assert -1 not in found, [n for n, i in zip(needles, found, strict=True) if i == -1]
    return found


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_step_title_why_and_source_is_there_in_order(kb, name) -> None:
    plan = build_plan(PROFILES[name], kb)
    markdown = to_markdown(plan)
    assert markdown.startswith(f"# Your transition plan: {plan.target.name}\n")
    headings = [f"## {i}. {s.title}" for i, s in enumerate(plan.steps, 1)]
    assert positions(markdown, headings) == sorted(positions(markdown, headings))
    for number, step in enumerate(plan.steps, 1):
        # the step's own section: from its heading to the next heading
        section = markdown.split(headings[number - 1] + "\n", 1)[1].split("\n## ", 1)[0]
        assert f"**Why:** {step.why}" in section
        for c in step.citations:
            assert c.title in section and c.section in section
    assert "[x]" not in markdown  # nothing done in a plan just built
    for missing in plan.missing:
        assert f"- {missing}" in markdown


def test_done_steps_are_checked_and_skipped_ones_noted(kb, store) -> None:
    plan = build_plan(PROFILES["rep_to_sales"], kb)
    store.save("alice", plan)
    store.mark_done("alice")
    store.skip("alice")
    saved = store.mark_done("alice")
    markdown = to_markdown(saved)
    first, second, third, fourth = plan.steps[:4]
    assert f"- [x] 1. {first.title}" in markdown
    assert f"- [ ] 2. {second.title} (skipped)" in markdown
    assert f"- [x] 3. {third.title}" in markdown
    assert f"- [ ] 4. {fourth.title}\n" in markdown
    assert f"## 1. {first.title} (done)" in markdown
    assert f"## 2. {second.title} (skipped)" in markdown
    assert f"Progress: 2 of {len(plan.steps)} steps done, 1 skipped." in markdown
    assert f"You are on step 4 of {len(plan.steps)}." in markdown


def test_a_finished_plan_says_so(kb, store) -> None:
    plan = build_plan(PROFILES["no_strengths"], kb)
    store.save("bob", plan)
    for _ in plan.steps:
        saved = store.mark_done("bob")
    markdown = to_markdown(saved)
    assert markdown.count("- [x] ") == len(plan.steps)
    assert "You have been through every step." in markdown


def test_list_items_of_a_step_become_markdown_list_items(kb) -> None:
    plan = build_plan(PROFILES["rep_to_sales"], kb)
    markdown = to_markdown(plan)
    assert "•" not in markdown
    for skill_id in plan.profile.strengths:
        if skill_id in plan.target.skill_ids:
            assert f"\n- {kb.skill(skill_id).name}: " in markdown


def test_a_plan_for_someone_unsure_explains_the_choice_and_lists_the_others(kb) -> None:
    plan = build_plan(PROFILES["not_sure"], kb)
    markdown = to_markdown(plan)
    assert plan.chosen_because and plan.chosen_because in markdown
    for other in plan.suggestions[1:]:
        assert f"- {other.career.name}: {other.why}" in markdown
