"""Moving through a plan, as pure values: the rules the store persists."""

from __future__ import annotations

import pytest

from plans.progress import Progress

STEPS = ("a", "b", "c", "d")


def at(index: int, done: str = "", skipped: str = "") -> Progress:
    return Progress(STEPS, index, frozenset(done), frozenset(skipped))


def test_next_goes_one_step_on_and_stops_past_the_end() -> None:
    p = Progress(STEPS)
    assert p.at_start and p.current_id == "a" and not p.finished
    for expected in ("b", "c", "d"):
        p = p.next()
        assert p.current_id == expected
    p = p.next()
    assert p.finished and p.current_id is None and p.index == len(STEPS)
    assert p.next() == p  # past the end it stays finished


def test_back_goes_one_step_back_and_stops_at_the_start() -> None:
    assert at(2).back().current_id == "b"
    assert at(0).back() == at(0) and at(0).back().at_start
    assert at(len(STEPS)).back().current_id == "d"  # from finished to the last step


def test_mark_done_moves_to_the_next_step_not_done_or_skipped() -> None:
    p = at(0, done="b", skipped="c").mark_done()
    assert p.done == {"a", "b"} and p.current_id == "d"
    p = p.mark_done()
    assert p.finished and p.done == {"a", "b", "d"}
    assert p.mark_done() == p  # nothing current: nothing to mark


def test_skip_sets_the_step_aside_and_undoes_done() -> None:
    p = at(1, done="b").skip()
    assert p.skipped == {"b"} and p.done == frozenset() and p.current_id == "c"
    assert at(len(STEPS)).skip() == at(len(STEPS))


def test_marking_a_skipped_step_done_unskips_it() -> None:
    p = at(1, skipped="b").mark_done()
    assert p.done == {"b"} and p.skipped == frozenset()


def test_restart_clears_progress() -> None:
    assert at(3, done="ab", skipped="c").restart() == Progress(STEPS)


def test_in_order_follows_the_plan() -> None:
    assert at(0).in_order(frozenset("dba")) == ("a", "b", "d")


@pytest.mark.parametrize("index, done", [(-1, ""), (5, ""), (0, "z")])
def test_impossible_progress_is_refused(index, done) -> None:
    with pytest.raises(ValueError):
        at(index, done=done)
