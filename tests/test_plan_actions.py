"""The plan's actions as functions of a tracker, on a temporary plan database: building and
saving, every stepping command with "step n of N", export, deletion, a database that is down."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from actions import knowledge_base, plan_store
from actions.plan import ActionPlanBuild, ActionPlanDelete, ActionPlanExport, ActionPlanStep
from plans.store import PlanStore
from tests.actions_support import rendered, run, tracker

PERSON = "tester"  # the sender id of tests.actions_support.tracker


@pytest.fixture(autouse=True)
def store(kb, tmp_path):
    knowledge_base.use(kb)
    store = PlanStore(f"sqlite:///{tmp_path / 'plans.db'}")
    store.create_all()
    plan_store.use(store)
    yield store
    plan_store.use(None)
    knowledge_base.use(None)
    store.dispose()


def answers(kb, **changes):
    slots = {"plan_role": "representative", "plan_years": 2,
             "plan_strengths": [s.id for s in kb.transferable_skills()[:2]],
             "plan_priorities": ["pay"], "plan_target": kb.careers()[0].id,
             "plan_region": "us"}
    slots.update(changes)
    return slots


def build(kb, **changes):
    return run(ActionPlanBuild(), tracker("affirm", slots=answers(kb, **changes)))


def step(intent: str):
    return run(ActionPlanStep(), tracker(intent))


def test_a_built_plan_is_saved_and_its_first_step_shown(kb, store):
    reply = build(kb)
    saved = store.load(PERSON)
    assert saved is not None and saved.target_career_id == kb.careers()[0].id
    assert reply.responses == ["utter_plan_ready", "utter_plan_step"]
    assert f"Step 1 of {saved.total}: {saved.steps[0].title}" in reply.text
    assert kb.careers()[0].name in reply.text
    # the answers are cleared for the next plan; the place is kept
    assert reply.slot("plan_role") is None and reply.slot("plan_target") is None
    assert "plan_region" not in [e["name"] for e in reply.events]


def test_not_sure_shows_the_three_suggestions_with_why(kb, store):
    reply = build(kb, plan_target="not_sure")
    saved = store.load(PERSON)
    assert reply.responses[0] == "utter_plan_career_suggestions"
    suggestions = rendered(reply.messages[0]).split("\n")
    assert sum(1 for line in suggestions if line.startswith("• ")) == 3
    assert saved is not None and f"around {saved.target_name}" in reply.text


def test_stepping_commands_move_and_say_where_the_person_is(kb, store):
    build(kb)
    total = store.load(PERSON).total
    assert "Step 2 of" in step("plan_next").text
    assert "Step 2 of" in step("plan_repeat").text
    assert "Step 1 of" in step("plan_back").text
    reply = step("plan_back")
    assert reply.responses == ["utter_plan_at_start", "utter_plan_step"] and "Step 1" in reply.text
    assert "Step 2 of" in step("plan_done").text
    assert store.load(PERSON).done_ids == (store.load(PERSON).steps[0].id,)
    assert "Step 3 of" in step("plan_skip").text
    whole = step("plan_show")
    assert whole.responses == ["utter_plan_whole"]
    assert f"1 of {total} steps done; you're on step 3" in whole.text
    assert "✓" in whole.text and "← you are here" in whole.text
    restarted = step("plan_restart")
    assert restarted.responses == ["utter_plan_restarted", "utter_plan_step"]
    assert "Step 1 of" in restarted.text and "(done)" not in restarted.text
    assert store.load(PERSON).done_ids == ()


def test_the_end_of_the_plan_is_said(kb, store):
    build(kb)
    for _ in range(store.load(PERSON).total):
        reply = step("plan_next")
    assert reply.responses == ["utter_plan_finished"]


def test_where_was_i_continues_at_the_saved_step_with_a_new_store(kb, store, tmp_path):
    build(kb)
    step("plan_next")
    step("plan_next")
    plan_store.use(PlanStore(f"sqlite:///{tmp_path / 'plans.db'}"))  # as after a restart
    assert "Step 3 of" in step("plan_resume").text


def test_without_a_plan_each_command_offers_to_start_one(kb):
    for intent in ("plan_next", "plan_resume", "plan_show", "plan_done"):
        reply = step(intent)
        assert reply.responses == ["utter_no_plan"]
    assert run(ActionPlanExport(), tracker("plan_export")).responses == ["utter_no_plan"]


def test_export_is_the_whole_plan_in_markdown(kb, store):
    build(kb)
    step("plan_done")
    text = run(ActionPlanExport(), tracker("plan_export")).text
    saved = store.load(PERSON)
    positions = [text.index(s.title) for s in saved.steps]
    assert positions == sorted(positions)
    assert "[x]" in text


def test_delete_removes_the_plan_and_the_answers(kb, store):
    build(kb)
    reply = run(ActionPlanDelete(), tracker("affirm"))
    assert reply.responses == ["utter_plan_deleted"] and store.load(PERSON) is None
    assert reply.slot("plan_region") is None
    # and the conversation: the tracker store deletes it when it saves this turn
    assert reply.events[-1]["event"] == "restart" and reply.events[-1]["metadata"]["forget"]
    again = run(ActionPlanDelete(), tracker("affirm"))
    assert again.responses == ["utter_plan_nothing_to_delete"]
    assert again.events[-1]["event"] == "restart"


def test_a_database_that_is_down_gets_a_kind_reply(kb):
    plan_store.use(PlanStore("postgresql+psycopg2://postgres@127.0.0.1:9/nowhere"))
    assert step("plan_next").responses == ["utter_plan_unavailable"]
    assert build(kb).responses == ["utter_plan_unavailable"]
    forget = run(ActionPlanDelete(), tracker("affirm"))
    assert forget.responses == ["utter_forget_failed"] and forget.events == []


def test_the_same_message_twice_moves_the_plan_once(kb, store):
    """A client that lost the reply sends the message again with its id: no second step."""
    build(kb)

    def next_with(message_id: str):
        t = tracker("plan_next")
        t.latest_message["message_id"] = message_id
        return run(ActionPlanStep(), t)

    assert "Step 2 of" in next_with("m-1").text
    assert "Step 2 of" in next_with("m-1").text
    assert store.load(PERSON).position.number == 2
    assert "Step 3 of" in next_with("m-2").text
    assert "Step 4 of" in step("plan_next").text  # without an id every message moves


def test_forgetting_deletes_the_stored_conversation_before_saying_so(kb, store, tmp_path,
                                                                      monkeypatch):
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(tracker_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, "
                                "sender_id VARCHAR(255) NOT NULL, data TEXT)"))
        connection.execute(text("INSERT INTO events (sender_id, data) VALUES "
                                "(:me, '{}'), (:me, '{}'), ('someone-else', '{}')"),
                           {"me": PERSON})
    monkeypatch.setenv("TRACKER_STORE_URL", tracker_url)
    build(kb)
    reply = run(ActionPlanDelete(), tracker("affirm"))
    assert reply.responses == ["utter_plan_deleted"]
    with engine.connect() as connection:
        left = connection.execute(text("SELECT sender_id FROM events")).scalars().all()
    assert left == ["someone-else"]
    # a tracker store that cannot be reached: nothing is said to be deleted, the plan stays
    build(kb)
    monkeypatch.setenv("TRACKER_STORE_URL", "postgresql+psycopg2://postgres@127.0.0.1:9/x")
    failed = run(ActionPlanDelete(), tracker("affirm"))
    assert failed.responses == ["utter_forget_failed"] and store.load(PERSON) is not None
    engine.dispose()


def test_pay_asked_in_india_then_the_us_chosen_for_the_plan_builds_for_the_us(kb, store):
    reply = build(kb, plan_country="india", plan_region="us")
    assert reply.responses[0] == "utter_plan_ready"
    assert "India" not in reply.text


def all_countries(kb):
    """Every country the knowledge base names: in a region or, without figures, on its own."""
    return sorted({p.country for p in kb.entity_phrases() if p.country})


def test_every_country_and_region_pair_builds_a_plan(kb, store):
    """No combination of a country said in the conversation and the region answered for the
    plan (or "somewhere else", or none) makes the build fail."""
    regions = [r.id for r in kb.regions()] + ["elsewhere", None]
    countries = all_countries(kb) + [None]
    assert len(countries) > 20
    for country in countries:
        for region in regions:
            reply = build(kb, plan_country=country, plan_region=region)
            assert reply.responses[0] == "utter_plan_ready", (country, region, reply.text)


def test_a_new_target_for_a_saved_plan_answers_the_questions_from_it(kb, store):
    from actions.plan import ActionPlanStart, profile_from

    build(kb, plan_country="germany", plan_region="western_europe")
    other = kb.careers()[1].id
    reply = run(ActionPlanStart(), tracker("start_plan", entities={"career": other}))
    assert reply.responses == ["utter_plan_retargeted"]
    slots = {e["name"]: e["value"] for e in reply.events}
    assert slots["plan_target"] == other and slots["plan_role"] == "representative"
    # the answers read back as the saved profile, but for the new target
    saved = store.load(PERSON).profile
    assert profile_from(tracker("affirm", slots=slots)) == saved.__class__(
        **{**saved.to_dict(), "target_career_id": other})
    # no plan yet, or the same target: the questions as usual
    assert run(ActionPlanStart(), tracker("start_plan", entities={
        "career": kb.careers()[0].id})).events == []


def test_a_country_without_figures_is_named_in_the_plan(kb, store):
    reply = build(kb, plan_region="elsewhere", plan_country="india")
    assert reply.responses[0] == "utter_plan_ready"
    saved = store.load(PERSON)
    assert saved.profile.country_id == "india" and saved.profile.region_id is None
