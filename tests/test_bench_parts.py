"""The pure parts of `make bench` (benchmarks/stats.py): percentiles, medians over runs, ratios,
the load level summary, the targets, training time from a log, and the conversations file."""

from __future__ import annotations

import pytest

from benchmarks.stats import (
    TARGETS,
    Sample,
    load_conversations,
    log_span_seconds,
    median,
    medians_over_runs,
    percentile,
    ratio,
    ratios_over_runs,
    summarise,
)


def test_percentile_interpolates_between_ranks():
    values = [40.0, 10.0, 30.0, 20.0]  # unsorted on purpose
    assert percentile(values, 0.0) == 10.0
    assert percentile(values, 1.0) == 40.0
    assert percentile(values, 0.5) == pytest.approx(25.0)
    # rank 0.95 * 3 = 2.85: 30 + 0.85 * (40 - 30)
    assert percentile(values, 0.95) == pytest.approx(38.5)
    assert percentile([7.0], 0.95) == 7.0
    assert percentile([], 0.5) is None
    with pytest.raises(ValueError):
        percentile(values, 95)


def test_median_skips_what_was_not_measured():
    assert median([3.0, None, 1.0, 2.0]) == 2.0
    assert median([1.0, 2.0, 3.0, 4.0]) == 2.5
    assert median([None, None]) is None


def test_ratio_is_ours_over_stock():
    assert ratio(50.0, 200.0) == 0.25
    assert ratio(None, 2.0) is None
    assert ratio(1.0, None) is None
    assert ratio(1.0, 0.0) is None


def test_ratios_are_taken_within_each_run_then_the_median():
    # run 2's machine was twice as slow for both; the per-run ratio stays 2
    ours = [{"p": 20.0}, {"p": 40.0}, {"p": 30.0}]
    stock = [{"p": 10.0}, {"p": 20.0}, {"p": 10.0}]
    assert ratios_over_runs(ours, stock, ["p"]) == {"p": 2.0}
    # the ratio of the medians would be 30 / 10 = 3
    assert medians_over_runs(ours, ["p"])["p"] / medians_over_runs(stock, ["p"])["p"] == 3.0
    with pytest.raises(ValueError):
        ratios_over_runs(ours, stock[:2], ["p"])


def test_summarise_counts_only_the_window_and_good_turns():
    samples = [Sample(0.5, 999.0, True),  # while users were connecting: left out
               Sample(1.0, 100.0, True), Sample(2.0, 200.0, True), Sample(2.5, 300.0, False,
                                                                          "empty reply"),
               Sample(3.0, 400.0, True),
               Sample(5.0, 999.0, True)]  # after the window: left out
    level = summarise(samples, 1.0, 5.0)
    assert level["turns"] == 4
    assert level["failed"] == 1
    assert level["failure_reasons"] == {"empty reply": 1}
    assert level["throughput"] == pytest.approx(3 / 4.0)  # good turns per second
    assert level["p50_ms"] == pytest.approx(200.0)
    assert level["max_ms"] == 400.0
    empty = summarise([], 0, 10)
    assert empty["throughput"] == 0 and empty["p95_ms"] is None


def test_slowest_messages_rank_by_median_of_good_turns():
    samples = [Sample(1, 10.0, True, "", "hi"), Sample(2, 30.0, True, "", "plan"),
               Sample(3, 50.0, True, "", "plan"), Sample(4, 900.0, False, "HTTP 500", "hi"),
               Sample(5, 20.0, True, "", "hi")]
    level = summarise(samples, 0, 10)
    assert level["slowest_messages"] == [
        {"message": "plan", "turns": 2, "median_ms": 40.0},
        {"message": "hi", "turns": 2, "median_ms": 15.0}]


def test_targets_of_the_issue():
    by_metric = {t.metric: t for t in TARGETS}
    assert by_metric["users10_throughput"].check(None, 2.0) is True
    assert by_metric["users10_throughput"].check(None, 1.9) is False
    assert by_metric["users10_p95_ms"].check(None, 0.5) is True
    assert by_metric["users10_p95_ms"].check(None, 0.6) is False
    assert by_metric["single_p50_ms"].check(41.0, None) is False
    assert by_metric["start_to_first_answer_s"].check(19.0, None) is True
    assert by_metric["rss_peak_mb"].check(1300.0, None) is False
    assert by_metric["rss_peak_mb"].check(None, 0.5) is None  # not measured: neither


def test_log_span_reads_rasa_time_stamps():
    log = ("warming up\n"
           "2026-11-22 14:27:42 INFO     rasa.cli.train  - Started validating\n"
           "Epochs: 100%|...\n"
           "2026-11-22 14:31:32 INFO     rasa.engine.training.hooks  - Finished\n"
           "Your Rasa model is trained\n")
    assert log_span_seconds(log) == 230.0
    assert log_span_seconds("2026-11-22 14:27:42 INFO once\n") is None


def test_the_conversations_file():
    scripts = load_conversations()
    assert set(scripts) == {"ours", "stock"}
    ours = scripts["ours"]
    assert ours.turns >= 40
    every = [turn for c in ours.conversations for turn in c.turns]
    # realistic: follow-ups and a plan with its steps, not greetings
    assert "and a manager?" in every
    assert "where was I?" in every
    assert not any(turn.lower() in {"hi", "hello"} for turn in every)
    # YAML would have made a bare yes/no a boolean
    assert all(isinstance(t, str) for s in scripts.values() for c in s.conversations
               for t in c.turns)
    assert ours.failed(["Sorry, something went wrong on my side and I couldn't look that up."])
    assert ours.failed([]) == "empty reply"
    assert ours.failed(["A team lead earns a median of ..."]) == ""


def test_a_broken_conversations_file_is_explained(tmp_path):
    path = tmp_path / "conversations.yml"
    path.write_text("ours:\n  first_question: hi\n  conversations:\n    - turns: [yes, no]\n")
    with pytest.raises(ValueError, match="quote yes/no"):
        load_conversations(path)
    path.write_text("ours:\n  conversations: []\n")
    with pytest.raises(ValueError, match="first_question"):
        load_conversations(path)
