"""Plans kept per conversation: a saved plan reads back the same, every command moves and persists
atomically, edges give a clear state, and conversations never see each other's plans. Each test
runs on SQLite and, where the server named by TEST_POSTGRES_URL is reachable, on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timezone

import pytest
from sqlalchemy import create_engine, inspect

import settings
from knowledge.build import build
from knowledge.repository import CareerKnowledge, read_tables
from plans.builder import build_plan
from plans.plan import Plan
from plans.profile import Profile
from plans.progress import Progress
from plans.saved import SavedPlan
from plans.store import PlanStore, metadata
from settings import VAR_DIR
from tests.plan_support import PROFILES


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'plans.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(database_url) -> Iterator[PlanStore]:
    s = PlanStore(database_url)
    s.create_all()
    yield s
    s.dispose()


@pytest.fixture(scope="module")
def plan(kb) -> Plan:
    return build_plan(PROFILES["rep_to_sales"], kb)


def walk(store: PlanStore, sender: str, commands: str) -> SavedPlan:
    """Runs commands, one letter each: n(ext) b(ack) s(kip) d(one) r(estart); the plan after."""
    run = {"n": store.next, "b": store.back, "s": store.skip, "d": store.mark_done,
           "r": store.restart}
    saved = store.load(sender)
    for c in commands:
        saved = run[c](sender)
    assert saved is not None, f"{sender} has no plan"
    return saved


def expected(plan: Plan, commands: str) -> Progress:
    moves = {"n": Progress.next, "b": Progress.back, "s": Progress.skip,
             "d": Progress.mark_done, "r": Progress.restart}
    p = Progress(tuple(s.id for s in plan.steps))
    for c in commands:
        p = moves[c](p)
    return p


# --- saving and loading ---------------------------------------------------------------------

def test_a_saved_plan_reads_back_as_it_was_built(store, plan) -> None:
    saved = store.save("alice", plan)
    loaded = store.load("alice")
    assert loaded == saved
    assert loaded.steps == plan.steps and loaded.profile == plan.profile
    assert (loaded.target_career_id, loaded.target_name) == (plan.target.id, plan.target.name)
    assert (loaded.summary, loaded.chosen_because, loaded.missing) == (
        plan.summary, plan.chosen_because, plan.missing)
    assert loaded.position == (1, len(plan.steps)) and loaded.at_start and not loaded.finished
    assert loaded.current == plan.steps[0] and loaded.done_ids == loaded.skipped_ids == ()
    assert loaded.created_at.tzinfo is not None and loaded.updated_at == loaded.created_at


def test_a_plan_not_sure_of_its_target_keeps_why_it_was_chosen(store, kb) -> None:
    plan = build_plan(PROFILES["not_sure"], kb)
    store.save("unsure", plan)
    loaded = store.load("unsure")
    assert loaded is not None and loaded.chosen_because == plan.chosen_because
    assert loaded.profile.target_career_id is None


def test_saving_again_replaces_the_plan_and_its_progress(store, plan, kb) -> None:
    store.save("alice", plan)
    walk(store, "alice", "dds")
    other = build_plan(PROFILES["no_strengths"], kb)
    store.save("alice", other)
    loaded = store.load("alice")
    assert loaded.target_career_id == other.target.id and loaded.steps == other.steps
    assert loaded.position.number == 1 and loaded.done_ids == loaded.skipped_ids == ()


def test_no_plan_gives_none_everywhere(store) -> None:
    assert store.load("nobody") is None
    for command in (store.next, store.back, store.skip, store.mark_done, store.restart,
                    store.current, store.repeat):
        assert command("nobody") is None
    assert store.delete("nobody") is False


def test_delete_forgets_the_plan(store, plan) -> None:
    store.save("alice", plan)
    store.save("bob", plan)
    assert store.delete("alice") is True
    assert store.load("alice") is None and store.load("bob") is not None
    assert store.delete("alice") is False


def test_a_saved_plan_stays_as_built_when_the_knowledge_base_changes(store, plan, built) -> None:
    store.save("alice", plan)
    engine = create_engine(built[0], future=True)
    with engine.connect() as conn:
        tables = read_tables(conn)
    engine.dispose()
    for fact in tables["facts"]:
        if (fact["kind"], fact["id"]) == ("steps_out", "advisory_mentor"):
            fact["text"] = "Rewritten advice."
    changed = build_plan(plan.profile, CareerKnowledge(tables))
    assert changed.step("mentor") != plan.step("mentor")  # the premise: a rebuild would differ
    loaded = store.load("alice")
    assert loaded is not None and loaded.steps == plan.steps


# --- moving through it ----------------------------------------------------------------------

def test_next_runs_to_the_end_and_then_says_finished(store, plan) -> None:
    store.save("alice", plan)
    total = len(plan.steps)
    for number in range(2, total + 1):
        saved = store.next("alice")
        assert saved.position == (number, total) and saved.current == plan.steps[number - 1]
    saved = store.next("alice")
    assert saved.finished and saved.current is None and saved.position == (None, total)
    again = store.next("alice")  # past the end: no error, still finished
    assert again.finished and again.current_index == total
    assert store.load("alice").finished


def test_back_stops_at_the_start(store, plan) -> None:
    store.save("alice", plan)
    saved = store.back("alice")
    assert saved.at_start and saved.current == plan.steps[0]
    store.next("alice")
    store.next("alice")
    assert store.back("alice").position.number == 2


def test_back_from_finished_returns_to_the_last_step(store, plan) -> None:
    store.save("alice", plan)
    saved = walk(store, "alice", "n" * (len(plan.steps) + 2) + "b")
    assert saved.current == plan.steps[-1] and not saved.finished


def test_current_and_repeat_move_nothing(store, plan) -> None:
    store.save("alice", plan)
    store.next("alice")
    assert store.current("alice") == store.repeat("alice") == store.load("alice")
    assert store.current("alice").position.number == 2


def test_mark_done_records_the_step_and_moves_to_the_next_open_one(store, plan) -> None:
    store.save("alice", plan)
    ids = [s.id for s in plan.steps]
    saved = store.mark_done("alice")
    assert saved.done_ids == (ids[0],) and saved.current.id == ids[1]
    saved = walk(store, "alice", "sbbd")  # skip 2, back to 1, mark 1 done again
    assert saved.done_ids == (ids[0],) and saved.skipped_ids == (ids[1],)
    assert saved.current == plan.steps[2]  # done and skipped steps are passed over
    assert store.load("alice") == saved


def test_skip_sets_aside_and_persists(store, plan) -> None:
    store.save("alice", plan)
    saved = walk(store, "alice", "ss")
    assert saved.skipped_ids == tuple(s.id for s in plan.steps[:2])
    assert saved.is_skipped(plan.steps[0].id) and not saved.is_done(plan.steps[0].id)
    assert saved.position.number == 3 and store.load("alice") == saved


def test_marking_everything_done_finishes_the_plan(store, plan) -> None:
    store.save("alice", plan)
    saved = walk(store, "alice", "d" * len(plan.steps))
    assert saved.finished and saved.done_ids == tuple(s.id for s in plan.steps)
    assert saved.open_ids == ()
    again = store.mark_done("alice")  # nothing current: no error, nothing changes
    assert again.finished and again.progress == saved.progress


def test_restart_goes_back_to_step_one_with_nothing_done(store, plan) -> None:
    store.save("alice", plan)
    walk(store, "alice", "dsn")
    saved = store.restart("alice")
    assert saved.position.number == 1 and saved.done_ids == saved.skipped_ids == ()
    assert saved.steps == plan.steps


@pytest.mark.parametrize("commands", ["nnbsddn", "sdsdsdsdsdb", "ddrbnnnnnnnnnnnb", "bbsbd"])
def test_every_command_sequence_matches_the_rules(store, plan, commands) -> None:
    store.save("alice", plan)
    saved = walk(store, "alice", commands)
    rules = expected(plan, commands)
    assert saved.progress == rules
    assert store.load("alice").progress == rules


def test_updated_at_moves_and_created_at_stays(store, plan) -> None:
    first = store.save("alice", plan)
    moved = store.next("alice")
    assert moved.created_at == first.created_at and moved.updated_at >= first.updated_at
    assert moved.updated_at.tzinfo == timezone.utc


# --- lasting and sharing --------------------------------------------------------------------

def test_a_plan_outlives_the_store_that_saved_it(database_url, plan) -> None:
    first = PlanStore(database_url)
    first.create_all()
    first.save("alice", plan)
    walk(first, "alice", "dsn")
    before = first.load("alice")
    first.dispose()
    again = PlanStore(database_url)  # a restarted action server
    again.create_all()  # harmless when the tables are there
    assert again.load("alice") == before
    again.dispose()


def test_the_tables_are_the_plans_own(store, database_url) -> None:
    assert all(t.startswith("plan_") for t in metadata.tables)
    assert "plan_plans" in inspect(store.engine).get_table_names()


def test_twenty_conversations_at_once_never_see_each_others_plans(store, kb) -> None:
    profiles = list(PROFILES.values())
    senders = [f"sender-{i}" for i in range(20)]
    commands = ["nd", "sdn", "ddb", "nnnb", "dsds", "r", "ndnd", "bsd", "nnnnnnnnnnn", "dd"]
    start = threading.Barrier(len(senders))

    def converse(i: int) -> tuple[str, Profile, str]:
        sender, profile = senders[i], profiles[i % len(profiles)]
        own_commands = commands[i % len(commands)]
        start.wait()  # all twenty start together
        store.save(sender, build_plan(profile, kb))
        walk(store, sender, own_commands)
        return sender, profile, own_commands

    with ThreadPoolExecutor(max_workers=len(senders)) as pool:
        results = list(pool.map(converse, range(len(senders))))
    for sender, profile, own_commands in results:
        saved = store.load(sender)
        plan = build_plan(profile, kb)
        assert saved.profile == profile and saved.steps == plan.steps
        assert saved.progress == expected(plan, own_commands)


def test_steps_of_one_conversation_at_once_are_never_lost(store, plan) -> None:
    store.save("alice", plan)
    turns = len(plan.steps) - 1
    start = threading.Barrier(turns)

    def turn(_: int) -> None:
        start.wait()
        store.next("alice")

    with ThreadPoolExecutor(max_workers=turns) as pool:
        list(pool.map(turn, range(turns)))
    assert store.load("alice").position.number == len(plan.steps)


def test_two_stores_on_one_database_never_lose_each_others_steps(store, database_url, plan) -> None:
    """Two action servers sharing the database: each command is one transaction."""
    other = PlanStore(database_url)
    store.save("alice", plan)
    turns = len(plan.steps) - 1
    start = threading.Barrier(turns)

    def turn(i: int) -> None:
        start.wait()
        (store if i % 2 else other).next("alice")

    with ThreadPoolExecutor(max_workers=turns) as pool:
        list(pool.map(turn, range(turns)))
    assert store.load("alice").position.number == len(plan.steps)
    other.dispose()


def test_an_in_memory_sqlite_store_works_across_threads(plan) -> None:
    store = PlanStore("sqlite://")
    store.create_all()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda i: store.save(f"s{i}", plan), range(8)))
    assert all(store.load(f"s{i}") is not None for i in range(8))
    store.dispose()


@pytest.mark.postgres
def test_a_knowledge_base_rebuild_on_the_same_database_keeps_the_plans(pg_url, plan) -> None:
    store = PlanStore(pg_url)
    store.create_all()
    store.save("alice", plan)
    walk(store, "alice", "dd")
    before = store.load("alice")
    build(pg_url, write_nlp=False, log=lambda *_: None)
    assert store.load("alice") == before
    store.dispose()


def test_the_database_is_database_url_else_a_sqlite_file_under_var(monkeypatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert settings.plans_database_url() == f"sqlite:///{VAR_DIR / 'plans.db'}"
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example/coach")
    assert settings.plans_database_url() == "postgresql://db.example/coach"


# --- namespaces (channels/senders.py) -----------------------------------------------------------


@pytest.mark.parametrize("bare, adopter, others", [
    ("U04ABCDEF", "slack:U04ABCDEF", ["rest:U04ABCDEF", "web:U04ABCDEF"]),
    ("123456789", "telegram:123456789", ["rest:123456789", "slack:123456789"]),
    ("0123456789abcdef0123456789abcdef", "web:0123456789abcdef0123456789abcdef",
     ["rest:0123456789abcdef0123456789abcdef"]),
    ("alice", "rest:alice", ["web:alice", "slack:alice", "telegram:alice"]),
])
def test_a_plan_saved_before_namespaces_is_adopted_by_its_own_channel_only(
        store, plan, bare, adopter, others):
    store.save(bare, plan)
    for other in others:
        assert store.load(other) is None, other
    saved = store.load(adopter)
    assert saved is not None and saved.sender_id == adopter
    assert store.load(bare) is None  # moved, once
    assert store.next(adopter).position.number == 2


def test_a_table_from_before_the_idempotent_steps_gets_its_column(tmp_path, plan):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    old = metadata.tables["plan_plans"]
    with engine.begin() as connection:
        columns = ", ".join(f"{c.name} {c.type.compile(engine.dialect)}"
                            for c in old.columns if c.name != "last_move")
        connection.exec_driver_sql(f"CREATE TABLE plan_plans ({columns}, "
                                   "PRIMARY KEY (sender_id))")
    engine.dispose()
    s = PlanStore(url)
    s.create_all()
    s.save("rest:me", plan)
    assert s.next("rest:me", "m1").position.number == 2
    assert s.next("rest:me", "m1").position.number == 2
    s.dispose()
