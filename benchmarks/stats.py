"""Pure helpers of the benchmark: percentiles, medians over runs, ratios, the load level summary,
the targets, and reading benchmarks/conversations.yml. No I/O besides reading that file."""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

CONVERSATIONS_FILE = Path(__file__).resolve().parent / "conversations.yml"


# --- numbers -------------------------------------------------------------------------------------

def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th quantile (0 <= q <= 1) with linear interpolation between the closest ranks (what
    numpy and Excel's PERCENTILE.INC compute); None for no values."""
    if not 0 <= q <= 1:
        raise ValueError(f"q must be between 0 and 1, not {q}")
    ordered = sorted(values)
    if not ordered:
        return None
    position = q * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Iterable[float | None]) -> float | None:
    """The median of the values that were measured (None is skipped); None when none were."""
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def ratio(ours: float | None, stock: float | None) -> float | None:
    """ours / stock, or None when either is missing or stock is zero."""
    if ours is None or stock is None or stock == 0:
        return None
    return ours / stock


@dataclass(frozen=True)
class Sample:
    """One chat turn: when it ended (seconds after the load started), how long it took, and
    whether the reply was a good one (else ``error`` says why)."""

    end: float
    ms: float
    ok: bool
    error: str = ""
    message: str = ""


def summarise(samples: Sequence[Sample], start: float, end: float) -> dict[str, Any]:
    """The turns that ended inside [start, end): good turns per second, their latency
    percentiles, and the failed turns with their most common reasons."""
    inside = [s for s in samples if start <= s.end < end]
    good = [s.ms for s in inside if s.ok]
    failed = [s for s in inside if not s.ok]
    reasons: dict[str, int] = {}
    for s in failed:
        reasons[s.error] = reasons.get(s.error, 0) + 1
    seconds = end - start
    return {
        "turns": len(inside),
        "failed": len(failed),
        "failure_reasons": dict(sorted(reasons.items(), key=lambda kv: -kv[1])[:5]),
        "seconds": round(seconds, 3),
        "throughput": len(good) / seconds if seconds > 0 else None,
        "p50_ms": percentile(good, 0.50),
        "p95_ms": percentile(good, 0.95),
        "mean_ms": statistics.fmean(good) if good else None,
        "max_ms": max(good) if good else None,
        "slowest_messages": slowest_messages(inside),
    }


def slowest_messages(samples: Sequence[Sample], top: int = 5) -> list[dict[str, Any]]:
    """The messages with the highest median latency (good turns only): where the time goes."""
    by_message: dict[str, list[float]] = {}
    for s in samples:
        if s.ok and s.message:
            by_message.setdefault(s.message, []).append(s.ms)
    ranked = sorted(by_message.items(), key=lambda kv: -statistics.median(kv[1]))
    return [{"message": message, "turns": len(times),
             "median_ms": round(statistics.median(times), 1)}
            for message, times in ranked[:top]]


# --- targets -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """A goal of issue #6 for one figure: ``ours`` compares our figure with ``limit``; ``ratio``
    compares ours/stock."""

    metric: str
    kind: str  # "ours" or "ratio"
    op: str  # ">=" or "<="
    limit: float
    text: str

    def check(self, ours: float | None, ratio_: float | None) -> bool | None:
        value = ours if self.kind == "ours" else ratio_
        if value is None:
            return None
        return value >= self.limit if self.op == ">=" else value <= self.limit


TARGETS = (
    Target("users10_throughput", "ratio", ">=", 2.0, ">= 2x stock"),
    Target("users10_p95_ms", "ratio", "<=", 0.5, "<= 0.5x stock"),
    Target("single_p50_ms", "ours", "<=", 40.0, "<= 40 ms"),
    Target("start_to_first_answer_s", "ours", "<=", 20.0, "<= 20 s"),
    Target("rss_peak_mb", "ours", "<=", 1200.0, "<= 1.2 GB"),
)


# --- the figures of one run ----------------------------------------------------------------------

# (key, label, unit format) in the order the table shows them
METRICS: tuple[tuple[str, str, str], ...] = (
    ("single_p50_ms", "1 user: turn latency p50 (ms)", "{:.0f}"),
    ("single_p95_ms", "1 user: turn latency p95 (ms)", "{:.0f}"),
    ("users10_throughput", "10 users: throughput (turns/s)", "{:.1f}"),
    ("users10_p95_ms", "10 users: turn latency p95 (ms)", "{:.0f}"),
    ("users50_throughput", "50 users: throughput (turns/s)", "{:.1f}"),
    ("users50_p95_ms", "50 users: turn latency p95 (ms)", "{:.0f}"),
    ("start_to_first_answer_s", "start to first answer (s)", "{:.1f}"),
    ("rss_peak_mb", "resident memory, peak (MB)", "{:.0f}"),
    ("rss_after_mb", "resident memory, after load (MB)", "{:.0f}"),
    ("failed_turns", "failed turns (all levels)", "{:.0f}"),
)


def medians_over_runs(runs: Sequence[Mapping[str, Any]], keys: Iterable[str]) -> dict[str, Any]:
    """For each key, the median of the runs' values (runs that lack it are skipped)."""
    return {key: median(run.get(key) for run in runs) for key in keys}


def ratios_over_runs(ours: Sequence[Mapping[str, Any]], stock: Sequence[Mapping[str, Any]],
                     keys: Iterable[str]) -> dict[str, Any]:
    """For each key, the median over runs of ours/stock, each ratio taken within one run (the
    two systems measured minutes apart, under the same load on the machine)."""
    return {key: median(ratio(o.get(key), s.get(key)) for o, s in zip(ours, stock, strict=True))
            for key in keys}


def fmt(value: float | None, pattern: str = "{:.1f}") -> str:
    return "-" if value is None else pattern.format(value)


# --- training time from a `rasa train` log -------------------------------------------------------

_STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) ", re.MULTILINE)


def log_span_seconds(text: str) -> float | None:
    """Seconds from the first to the last time-stamped line of a Rasa log (Rasa writes
    ``2026-11-22 14:27:42 INFO ...``); None when it has fewer than two."""
    stamps = _STAMP.findall(text)
    if len(stamps) < 2:
        return None
    first, last = (datetime.strptime(s, "%Y-%m-%d %H:%M:%S") for s in (stamps[0], stamps[-1]))
    return (last - first).total_seconds()


# --- conversations -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Conversation:
    name: str
    turns: tuple[str, ...]


@dataclass(frozen=True)
class Script:
    """What one system is asked: its first question, the replies that mean failure, and its
    conversations."""

    first_question: str
    failure_replies: tuple[str, ...]
    conversations: tuple[Conversation, ...]

    def failed(self, texts: Iterable[str]) -> str:
        """Why this reply (the texts of its messages) is a failure, or "" when it is not."""
        texts = list(texts)
        if not texts:
            return "empty reply"
        for marker in self.failure_replies:
            if any(marker.lower() in text.lower() for text in texts):
                return f"failure reply ({marker})"
        return ""

    @property
    def turns(self) -> int:
        return sum(len(c.turns) for c in self.conversations)


def load_conversations(path: Path = CONVERSATIONS_FILE) -> dict[str, Script]:
    """The systems' scripts from ``path``; fails with what is wrong."""
    data = yaml.safe_load(path.read_text())
    if not isinstance(data, dict) or not data:
        raise ValueError(f"{path}: expected a mapping of system name to its conversations")
    scripts = {}
    for system, spec in data.items():
        where = f"{path.name}: {system}"
        if not isinstance(spec, dict):
            raise ValueError(f"{where}: expected first_question, failure_replies, conversations")
        first = spec.get("first_question")
        if not isinstance(first, str) or not first.strip():
            raise ValueError(f"{where}: first_question must be a message")
        failures = spec.get("failure_replies") or []
        if not isinstance(failures, list) or not all(isinstance(f, str) and f for f in failures):
            raise ValueError(f"{where}: failure_replies must be a list of texts")
        conversations = []
        for i, item in enumerate(spec.get("conversations") or []):
            turns = item.get("turns") if isinstance(item, dict) else None
            if (not isinstance(turns, list) or not turns
                    or not all(isinstance(t, str) and t.strip() for t in turns)):
                raise ValueError(f"{where}: conversation {i + 1} needs turns, a list of messages"
                                 " (quote yes/no/on/off so YAML keeps them as text)")
            conversations.append(Conversation(str(item.get("name") or f"#{i + 1}"),
                                              tuple(turns)))
        if not conversations:
            raise ValueError(f"{where}: no conversations")
        scripts[system] = Script(first, tuple(failures), tuple(conversations))
    return scripts
