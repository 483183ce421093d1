"""`make bench`: Career Coach against Rasa's stock starter assistant, on this machine (issue #6).

For each system, in each run: start its servers on free ports and time the first good answer
over REST; warm up (every conversation once); one user chatting (turn latency p50/p95); then 10
and 50 users at once, driven by Locust (benchmarks/load.py), for throughput and p95 latency;
the resident memory of all its processes (peak while it ran, and after the load). Training time
is measured once (see --retrain). Each figure is the median of the runs; each ratio ours/stock is
taken within a run, then the median of those. The conversations are benchmarks/conversations.yml.

    make bench                                  (3 runs: about 10 minutes)
    make bench BENCH_ARGS="--runs 5"            (the options: --help)
    python -m benchmarks.bench --quick          (1 short run, for development)
    python -m benchmarks.bench --runs 5 --duration 30
    python -m benchmarks.bench --retrain        (re-time both trainings: adds ~10 minutes)
    python -m benchmarks.bench --markdown       (the last results as a Markdown table)

Writes the figures to var/bench/latest.json; the servers' logs go to var/bench/logs/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import requests

from benchmarks.processes import MemorySampler, tree_cpu_seconds, tree_rss, wait_for
from benchmarks.stats import (
    CONVERSATIONS_FILE,
    METRICS,
    TARGETS,
    Sample,
    Script,
    fmt,
    load_conversations,
    medians_over_runs,
    ratio,
    ratios_over_runs,
    summarise,
)
from benchmarks.systems import BENCH_DIR, OUR_MODEL, ROOT, SYSTEMS, Ours, System

LATEST = BENCH_DIR / "latest.json"
LOGS = BENCH_DIR / "logs"
WEBHOOK = "/webhooks/rest/webhook"
START_TIMEOUT = 300.0
MB = 1_000_000


@dataclass(frozen=True)
class Plan:
    runs: int
    turns: int  # single user: turns measured
    settle: float  # seconds of each load level that are not counted (users connecting)
    duration: float  # seconds of each load level that are counted
    levels: tuple[int, ...] = (10, 50)


class Progress:
    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, text: str) -> None:
        elapsed = int(time.monotonic() - self.started)
        print(f"[{elapsed // 60:02d}:{elapsed % 60:02d}] {text}", flush=True)


# --- one system, one run -------------------------------------------------------------------------

def ask(url: str, script: Script, message: str, sender: str, timeout: float = 60) -> str:
    """One turn; the reason it failed, or "" when the reply is a good one."""
    response = requests.post(url + WEBHOOK, json={"sender": sender, "message": message},
                             timeout=timeout)
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    return script.failed(str(m.get("text") or m.get("image") or m.get("custom") or "")
                         for m in response.json())


def first_answer(url: str, script: Script) -> bool:
    try:
        return ask(url, script, script.first_question, f"bench-first-{uuid.uuid4().hex[:8]}",
                   timeout=30) == ""
    except (requests.RequestException, ValueError):
        return False


def warm_up(url: str, script: Script) -> list[str]:
    """Every conversation once, one turn after another; the failures, if any."""
    failures = []
    for conversation in script.conversations:
        sender = f"bench-warmup-{uuid.uuid4().hex[:8]}"
        for message in conversation.turns:
            reason = ask(url, script, message, sender)
            if reason:
                failures.append(f"{message!r}: {reason}")
    return failures


def load_level(url: str, system: str, users: int, work: Path, *, duration: float,
               max_turns: int | None = None) -> dict[str, Any]:
    """Runs benchmarks/load.py (Locust) in a process of its own: its turns (``samples``), how
    long it ran (``elapsed``) and the CPU the load generator used (``generator_cpu_s``)."""
    out = work / f"load-{users}.json"
    command = [sys.executable, "-m", "benchmarks.load", "--url", url, "--system", system,
               "--users", str(users), "--duration", str(duration), "--out", str(out),
               "--conversations", str(CONVERSATIONS_FILE)]
    if max_turns is not None:
        command += ["--max-turns", str(max_turns)]
    log = work / f"locust-{users}.log"
    with log.open("w") as stream:
        code = subprocess.run(command, cwd=ROOT, stdout=stream, stderr=subprocess.STDOUT,
                              timeout=duration + 120, check=False).returncode
    if code != 0 or not out.exists():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        raise RuntimeError(f"the load generator failed (exit {code}):\n{tail}")
    result = json.loads(out.read_text())
    result["samples"] = [Sample(*row) for row in result["samples"]]
    return dict(result)


def cpu_per_turn(before: dict[str, float], after: dict[str, float],
                 turns: int) -> dict[str, float | None]:
    """Milliseconds of CPU each server spent per turn over a level."""
    return {name: (after[name] - before[name]) * 1000 / turns if turns else None
            for name in before}


# what ours runs at start: the servers import these packages from the working tree
CODE_DIRS = ("actions", "rasa_ext", "knowledge", "plans", "channels", "ops")


def code_fingerprint() -> str:
    """Changes when our code or model changes (file names, sizes and times)."""
    files = sorted(f for d in CODE_DIRS for f in (ROOT / d).rglob("*.py") if f.is_file())
    files += [OUR_MODEL] if OUR_MODEL.exists() else []
    digest = hashlib.sha1()
    for f in files:
        stat = f.stat()
        digest.update(f"{f.relative_to(ROOT)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


def git_state() -> dict[str, Any]:
    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                check=False)
        return result.stdout.strip() if result.returncode == 0 else ""

    return {"commit": git("rev-parse", "--short", "HEAD") or None,
            "uncommitted_changes": bool(git("status", "--porcelain"))}


def measure(system: System, script: Script, plan: Plan, work: Path,
            say: Progress) -> dict[str, Any]:
    """Starts ``system``, measures it, always stops it. Its figures for this run."""
    name = system.name
    figures: dict[str, Any] = {"levels": {}}
    system.prepare(work)
    figures["code"] = code_fingerprint()
    say(f"{name}: starting")
    started = time.monotonic()
    running = system.start(work)
    try:
        with MemorySampler(running.pids) as memory:
            wait_for(lambda: first_answer(running.url, script), running.services,
                     START_TIMEOUT)
            figures["start_to_first_answer_s"] = time.monotonic() - started
            say(f"{name}: first answer {figures['start_to_first_answer_s']:.1f} s after start; "
                f"warming up ({script.turns} turns)")
            failures = warm_up(running.url, script)
            if failures:
                say(f"{name}: warning: {len(failures)} warm-up turn(s) failed: "
                    + "; ".join(failures[:3]))
            figures["warmup_failures"] = failures

            def cpu() -> dict[str, float]:
                return {s.name: tree_cpu_seconds(s.pid) for s in running.services}

            before = cpu()
            run = load_level(running.url, name, 1, work, duration=max(120, plan.turns * 5),
                             max_turns=plan.turns)
            single = summarise(run["samples"], 0, float("inf"))
            single["seconds"] = round(run["elapsed"], 2)
            single["cpu_ms_per_turn"] = cpu_per_turn(before, cpu(), len(run["samples"]))
            single["generator_cpu_s"] = run["generator_cpu_s"]
            figures["levels"]["1"] = single
            figures["single_p50_ms"] = single["p50_ms"]
            figures["single_p95_ms"] = single["p95_ms"]
            say(f"{name}: 1 user, {single['turns']} turns: p50 {fmt(single['p50_ms'], '{:.0f}')}"
                f" ms, p95 {fmt(single['p95_ms'], '{:.0f}')} ms ({single['failed']} failed); "
                f"CPU per turn: {_cpu_text(single['cpu_ms_per_turn'])}")
            slowest = single["slowest_messages"][:3]
            say(f"{name}: slowest messages (median): "
                + "; ".join(f"{m['message']!r} {m['median_ms']:.0f} ms" for m in slowest))

            for users in plan.levels:
                before = cpu()
                run = load_level(running.url, name, users, work,
                                 duration=plan.settle + plan.duration)
                # the window counted: after the users connected, until the load stopped
                end = min(plan.settle + plan.duration, run["elapsed"])
                level = summarise(run["samples"], plan.settle, end)
                level["cpu_ms_per_turn"] = cpu_per_turn(before, cpu(), len(run["samples"]))
                level["generator_cpu_s"] = run["generator_cpu_s"]
                figures["levels"][str(users)] = level
                figures[f"users{users}_throughput"] = level["throughput"]
                figures[f"users{users}_p95_ms"] = level["p95_ms"]
                say(f"{name}: {users} users, {end - plan.settle:.0f} s: "
                    f"{fmt(level['throughput'])} turns/s, p50 {fmt(level['p50_ms'], '{:.0f}')} "
                    f"ms, p95 {fmt(level['p95_ms'], '{:.0f}')} ms ({level['failed']} failed"
                    + (f": {level['failure_reasons']}" if level["failed"] else "")
                    + f"); CPU per turn: {_cpu_text(level['cpu_ms_per_turn'])}")

            figures["rss_after_mb"] = memory.sample() / MB
            figures["rss_after_by_server_mb"] = {s.name: tree_rss([s.pid]) / MB
                                                 for s in running.services}
        figures["rss_peak_mb"] = memory.peak / MB
        figures["servers"] = [s.name for s in running.services]
        figures["failed_turns"] = sum(level["failed"] for level in figures["levels"].values())
        by_server = ", ".join(f"{server} {mb:.0f} MB"
                              for server, mb in figures["rss_after_by_server_mb"].items())
        say(f"{name}: resident memory {figures['rss_peak_mb']:.0f} MB at the peak, "
            f"{figures['rss_after_mb']:.0f} MB after the load ({by_server})")
    finally:
        running.stop()
    return figures


def _cpu_text(per_turn: dict[str, float | None]) -> str:
    return ", ".join(f"{name} {fmt(ms, '{:.0f}')} ms" for name, ms in per_turn.items())


# --- the report ----------------------------------------------------------------------------------

def build_report(results: dict[str, list[dict[str, Any]]], training: dict[str, dict[str, Any]],
                 plan: Plan, mode: str, seconds: float, load: dict[str, Any],
                 git: dict[str, Any]) -> dict[str, Any]:
    keys = [key for key, _, _ in METRICS]
    report: dict[str, Any] = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "mode": mode,
        "settings": {"runs": plan.runs, "single_user_turns": plan.turns,
                     "level_seconds": plan.duration, "level_settle_seconds": plan.settle,
                     "levels": list(plan.levels), "think_time_s": 0,
                     "conversations": str(CONVERSATIONS_FILE.relative_to(ROOT))},
        "machine": {"cpus": os.cpu_count(), **load},
        "systems": {name: {"median": medians_over_runs(runs, keys), "runs": runs}
                    for name, runs in results.items()},
        "training": training,
        "runtime_s": round(seconds, 1),
        "git": git,
    }
    fingerprints = {run.get("code") for run in results.get("ours", [])}
    report["ours_changed_during_benchmark"] = len(fingerprints) > 1
    if "ours" in results and "stock" in results:
        report["ratios"] = ratios_over_runs(results["ours"], results["stock"], keys)
    # training: like with like (both wall times, else both log spans)
    ours_t, stock_t = training.get("ours", {}), training.get("stock", {})
    basis = "wall_s" if ours_t.get("wall_s") and stock_t.get("wall_s") else "log_span_s"
    report["training_ratio"] = {"basis": basis,
                                "ratio": ratio(ours_t.get(basis), stock_t.get(basis))}
    ours = report["systems"].get("ours", {}).get("median", {})
    ratios = report.get("ratios", {})
    report["targets"] = [{"figure": t.metric, "target": t.text, "kind": t.kind,
                          "value": ours.get(t.metric) if t.kind == "ours" else
                          ratios.get(t.metric),
                          "pass": t.check(ours.get(t.metric), ratios.get(t.metric))}
                         for t in TARGETS]
    return report


def _training_value(entry: dict[str, Any], basis: str) -> float | None:
    value = entry.get(basis)
    return float(value) if value is not None else None


def rows(report: dict[str, Any]) -> list[list[str]]:
    """[figure, ours, stock, ours/stock, target, result] for each figure."""
    ours = report["systems"].get("ours", {}).get("median", {})
    stock = report["systems"].get("stock", {}).get("median", {})
    ratios = report.get("ratios", {})
    targets = {t["figure"]: t for t in report["targets"]}
    table = []
    for key, label, pattern in METRICS:
        target = targets.get(key)
        result = "" if target is None else {True: "pass", False: "FAIL", None: "-"}[
            target["pass"]]
        table.append([label, fmt(ours.get(key), pattern), fmt(stock.get(key), pattern),
                      fmt(ratios.get(key), "{:.2f}x"), target["target"] if target else "",
                      result])
    training = report["training"]
    basis = report["training_ratio"]["basis"]
    star = "*" if basis == "log_span_s" else ""
    table.append([f"training time (s){star}",
                  fmt(_training_value(training.get("ours", {}), basis), "{:.0f}"),
                  fmt(_training_value(training.get("stock", {}), basis), "{:.0f}"),
                  fmt(report["training_ratio"]["ratio"], "{:.2f}x"), "", ""])
    return table


HEADER = ["figure", "ours", "stock", "ours/stock", "target", "result"]


def text_table(report: dict[str, Any]) -> str:
    table = [HEADER, *rows(report)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    lines = []
    for n, row in enumerate(table):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:4], widths[1:4],
                                                                            strict=True)]
        cells += [row[4].ljust(widths[4]), row[5]]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(report: dict[str, Any]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "| --- | ---: | ---: | ---: | --- | --- |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows(report)]
    return "\n".join(lines)


def notes(report: dict[str, Any]) -> str:
    s = report["settings"]
    training = report["training"]
    lines = [
        f"{report['mode']} mode, median of {s['runs']} run(s)"
        + ("; ratios: the median of each run's ours/stock" if "ratios" in report else "")
        + f"; 1 user: {s['single_user_turns']} turns; load levels: {s['level_seconds']:.0f} s "
        "counted after "
        f"{s['level_settle_seconds']:.0f} s of connecting, no think time.",
        "ours: sentence cache " + ("on (repeated messages are not re-encoded)"
                                   if s.get("sentence_cache") else
                                   "off (every message is encoded as if new; --sentence-cache)"),
        f"machine: {report['machine'].get('cpus')} CPUs, load average "
        f"{report['machine'].get('load_before')} before, {report['machine'].get('load_after')} "
        "after (the load generator runs on the same machine).",
    ]
    if report.get("ours_changed_during_benchmark"):
        lines.append("WARNING: our code or model changed between runs (someone edited or "
                     "trained while it ran): the runs measured different versions")
    git = report.get("git", {})
    if git.get("commit"):
        lines.append(f"code: commit {git['commit']}"
                     + (" with uncommitted changes" if git.get("uncommitted_changes") else ""))
    for name in ("ours", "stock"):
        if name in training:
            entry = training[name]
            lines.append(f"training time, {name}: wall {fmt(entry.get('wall_s'), '{:.0f}')} s, "
                         f"log span {fmt(entry.get('log_span_s'), '{:.0f}')} s; "
                         f"{entry.get('source')}")
    if report["training_ratio"]["basis"] == "log_span_s":
        lines.append("* training time: the span of each training log (first to last "
                     "time-stamped line), like with like; --retrain measures wall times")
    return "\n".join(lines)


# --- main ----------------------------------------------------------------------------------------

def _stop_on_sigterm() -> None:
    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join((__doc__ or "").splitlines()[1:]))
    parser.add_argument("--runs", type=int, default=None, help="runs per figure (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="1 run, 30 single-user turns, 8 s per load level")
    parser.add_argument("--duration", type=float, default=None,
                        help="seconds counted per load level (default 20)")
    parser.add_argument("--turns", type=int, default=None,
                        help="single-user turns measured (default 100)")
    parser.add_argument("--retrain", action="store_true",
                        help="re-measure both trainings (stock: rasa init again; ours: rasa "
                             "train into a temporary folder)")
    parser.add_argument("--sentence-cache", action="store_true",
                        help="let our sentence encoder keep the vectors of messages it has seen "
                             "(off by default: the benchmark repeats its 49 messages, so every "
                             "one after warm-up would be a cache hit, which real traffic is not)")
    parser.add_argument("--only", choices=sorted(SYSTEMS), default=None,
                        help="measure one system only (no ratios)")
    parser.add_argument("--out", type=Path, default=LATEST,
                        help="where the results go (default var/bench/latest.json)")
    parser.add_argument("--markdown", action="store_true",
                        help="print the results in --out as a Markdown table and stop")
    args = parser.parse_args(argv)

    if args.markdown:
        if not args.out.exists():
            print(f"error: no results in {args.out}: run `make bench` first", file=sys.stderr)
            return 1
        report = json.loads(args.out.read_text())
        print(markdown_table(report) + "\n\n" + notes(report))
        return 0

    quick = args.quick
    plan = Plan(runs=args.runs or (1 if quick else 3), turns=args.turns or (30 if quick else 100),
                settle=2.0 if quick else 3.0, duration=args.duration or (8.0 if quick else 20.0))
    names = [args.only] if args.only else ["stock", "ours"]
    systems = {name: SYSTEMS[name]() for name in names}
    ours = systems.get("ours")
    if isinstance(ours, Ours):
        ours.sentence_cache = args.sentence_cache
    scripts = load_conversations()
    _stop_on_sigterm()
    say = Progress()
    load_before = round(os.getloadavg()[0], 2)
    git = git_state()  # what was checked out when it started
    say(f"benchmark: {', '.join(names)}; {plan.runs} run(s); 1 user x {plan.turns} turns, then "
        f"{' and '.join(map(str, plan.levels))} users x {plan.duration:.0f} s each; "
        f"load average now {load_before}")

    try:
        training = {name: system.training(args.retrain, say) for name, system in systems.items()}
        results: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
        shutil.rmtree(LOGS, ignore_errors=True)
        for run in range(plan.runs):
            # alternate who goes first, so neither always meets a warmer (or busier) machine
            order = names if run % 2 == 0 else list(reversed(names))
            for name in order:
                work = LOGS / f"run{run + 1}-{name}"
                work.mkdir(parents=True)
                say(f"run {run + 1}/{plan.runs}: {name} (logs: {work.relative_to(ROOT)})")
                results[name].append(measure(systems[name], scripts[name], plan, work, say))
    except KeyboardInterrupt:
        print("\nstopped: every server the benchmark started has been stopped", file=sys.stderr)
        return 130
    except (RuntimeError, TimeoutError, subprocess.SubprocessError, OSError) as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 1

    load = {"load_before": load_before, "load_after": round(os.getloadavg()[0], 2)}
    report = build_report(results, training, plan, "quick" if quick else "default",
                          time.monotonic() - say.started, load, git)
    report["settings"]["sentence_cache"] = args.sentence_cache
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(text_table(report))
    print()
    print(notes(report))
    minutes, secs = divmod(int(report["runtime_s"]), 60)
    print(f"\nwritten to {args.out}; the benchmark took {minutes} min {secs} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
