"""`make real-eval`: the bot judged end to end, as people meet it.

Starts the action server and the Rasa server (free ports, the built knowledge base and the trained
model), sends every message of ../shared/real_messages/messages.tsv over the REST webhook as a new
person, then the messages of written.yml (the same style, written for the project: a second dev
set that was never tuned against while it was being written) and of forum.yml (messages taken
from public forum and blog posts of call-centre workers, each with its source), fresh.yml and
unseen.yml (written blind to the bot's rules), and every conversation of these files turn by
turn (SETS), reads what the bot did from the tracker, and judges it against the labels
(LABELS.md, judge.py).

A quarter of the real messages (the held-out split: sha1 of the text, divisible by 4) is never
looked at while tuning: its figure is the honest one, and its failures are not listed.

    make real-eval                                   both splits and the conversations
    python -m benchmarks.real_eval --failures        also list the dev split's failures
    python -m benchmarks.real_eval --json out.json   every turn, for a closer look
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import secrets
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
import yaml

import settings
from benchmarks.real_eval.judge import (
    SUBJECT_SLOTS,
    Turn,
    Verdict,
    judge,
    turn_from_events,
    unsourced_figures,
)
from channels.senders import namespaced
from knowledge.documents import read_documents
from tests.servers import server_env, start_actions, start_rasa

HERE = Path(__file__).parent
HELD_OUT_EVERY = 4
# The labelled sets besides the real messages: file -> the name its messages and its
# conversations are reported under. fresh.yml and unseen.yml were written blind to the bot's
# rules, each first measured before any change made for it (docs/measurements.md).
SETS = {"written.yml": "written", "conversations.yml": "conversations", "forum.yml": "forum",
        "fresh.yml": "fresh", "unseen.yml": "unseen"}


def conversation_group(name: str) -> str:
    return name if name == "conversations" else f"{name} conversations"


MESSAGE_GROUPS = ("dev", "held-out") + tuple(n for n in SETS.values() if n != "conversations")
CONVERSATION_GROUPS = tuple(conversation_group(n) for n in SETS.values()
                            if n not in ("written",))


def key_of(text: str) -> str:
    return hashlib.sha1(text.strip().encode()).hexdigest()[:12]


def held_out(text: str) -> bool:
    return int(hashlib.sha1(text.strip().encode()).hexdigest(), 16) % HELD_OUT_EVERY == 0


def read_messages(path: Path) -> list[tuple[str, str]]:
    """(rough topic, message) of each row."""
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r["topic"], r["message"].strip()) for r in rows if (r.get("message") or "").strip()]


@dataclass
class Result:
    group: str  # one of MESSAGE_GROUPS or CONVERSATION_GROUPS
    topic: str
    said: str
    label: dict[str, Any]
    turn: Turn
    verdict: Verdict
    unsourced: list[float]


class Bot:
    """The REST webhook and the tracker of a running Rasa server."""

    def __init__(self, webhook: str, token: str):
        self.webhook, self.token = webhook, token
        self.base = webhook.split("/webhooks/")[0]
        self.http = requests.Session()

    def send(self, sender: str, text: str) -> Turn:
        reply = self.http.post(self.webhook, json={"sender": sender, "message": text},
                               timeout=60)
        reply.raise_for_status()
        # REST conversations are "rest:<sender>" (channels/senders.py); Rasa's route does not
        # decode "%3A", so the colon goes as it is
        conversation = quote(namespaced("rest", sender), safe=":")
        tracker = self.http.get(f"{self.base}/conversations/{conversation}/tracker",
                                params={"token": self.token}, timeout=30).json()
        turn = turn_from_events(tracker.get("events") or [], tracker.get("slots") or {})
        # the texts as the person got them (the tracker has them too; the webhook is the truth)
        turn.texts = [m.get("text") or "" for m in reply.json() if m.get("text")]
        return turn


def evaluate(bot: Bot, labels: dict[str, dict[str, Any]], messages: list[tuple[str, str]],
             written: list[tuple[str, dict[str, Any]]],
             conversations: list[tuple[str, dict[str, Any]]],
             sourced: set[float]) -> list[Result]:
    """`written` and `conversations`: (group, labelled message or conversation)."""
    results: list[Result] = []
    started = time.monotonic()
    total = len(messages) + len(written) + len(conversations)
    for i, (topic, text) in enumerate(messages, 1):
        label = labels.get(key_of(text))
        if label is None:
            print(f"warning: no label for message {i} (key {key_of(text)}): skipped",
                  file=sys.stderr)
            continue
        turn = bot.send(f"eval-{uuid.uuid4().hex[:12]}", text)
        results.append(Result("held-out" if held_out(text) else "dev", topic, text, label, turn,
                              judge(label, turn), stated_unsourced(turn, sourced)))
        progress(i, total, started)
    for i, (group, label) in enumerate(written, len(messages) + 1):
        turn = bot.send(f"eval-{uuid.uuid4().hex[:12]}", label["say"])
        results.append(Result(group, label["expect"], label["say"], label, turn,
                              judge(label, turn), stated_unsourced(turn, sourced)))
        progress(i, total, started)
    for j, (group, conversation) in enumerate(conversations, len(messages) + len(written) + 1):
        sender = f"eval-{uuid.uuid4().hex[:12]}"
        for step in conversation["turns"]:
            turn = bot.send(sender, step["say"])
            results.append(Result(group, conversation["name"], step["say"], step,
                                  turn, judge(step, turn), stated_unsourced(turn, sourced)))
        progress(j, total, started)
    return results


def stated_unsourced(turn: Turn, sourced: set[float]) -> list[float]:
    """Career figures stated that the sources don't hold; the phone numbers of the safety
    replies are not career figures."""
    if turn.outcome in ("crisis", "signpost"):
        return []
    return unsourced_figures(turn.texts, sourced)


def progress(done: int, total: int, started: float) -> None:
    if done % 25 == 0 or done == total:
        print(f"  {done}/{total} sent ({time.monotonic() - started:.0f} s)", file=sys.stderr)


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def summary(results: list[Result]) -> dict[str, Any]:
    n = len(results)
    honest = [r for r in results if r.label["expect"] == "honest"]
    return {
        "messages": n,
        "on_topic": sum(r.verdict.passed for r in results),
        "did_you_mean": sum(r.turn.outcome == "did_you_mean" for r in results),
        "wrong_subject": sum(r.verdict.wrong_subject for r in results),
        "honest_when_silent": f"{sum(r.verdict.passed for r in honest)}/{len(honest)}",
        "unsourced_figures": sum(len(r.unsourced) for r in results),
    }


def print_table(groups: dict[str, list[Result]]) -> None:
    print(f"\n{'split':<21}{'n':>5}{'on-topic':>10}{'did-you-mean':>14}{'wrong-subject':>15}"
          f"{'honest-when-silent':>20}{'unsourced':>11}")
    for name, results in groups.items():
        s = summary(results)
        print(f"{name:<21}{s['messages']:>5}{pct(s['on_topic'], s['messages']):>10}"
              f"{pct(s['did_you_mean'], s['messages']):>14}"
              f"{pct(s['wrong_subject'], s['messages']):>15}{s['honest_when_silent']:>20}"
              f"{s['unsourced_figures']:>11}")


def print_per_topic(results: list[Result], title: str) -> None:
    by_topic: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_topic[r.topic].append(r)
    print(f"\n{title}: on-topic by the file's rough topic")
    for topic, rs in sorted(by_topic.items()):
        print(f"  {topic:<36}{sum(r.verdict.passed for r in rs):>3}/{len(rs):<3}"
              f" {pct(sum(r.verdict.passed for r in rs), len(rs)):>7}")


def conversation_figure(results: list[Result]) -> tuple[int, int]:
    by_name: dict[str, bool] = {}
    for r in results:
        by_name[r.topic] = by_name.get(r.topic, True) and r.verdict.passed
    return sum(by_name.values()), len(by_name)


def failure_kind(r: Result, coarse: bool = False) -> str:
    """What went wrong, without the message: "no acknowledgement", "expected crisis, got
    social", "topic why_leave, expected one of [...]"; `coarse`: without what was expected
    ("wrong topic", "wrong subject", "figure not stated")."""
    kind = r.verdict.reason.split(":")[0].split(" (")[0] or "unsourced figure"
    if coarse:
        first = kind.split(" ")[0]
        return {"topic": "wrong topic", "figure": "figure not stated"}.get(
            first, "wrong subject" if first in SUBJECT_SLOTS else kind)
    return kind


def print_failure_kinds(results: list[Result], title: str, coarse: bool = False) -> list[Result]:
    failed = [r for r in results if not r.verdict.passed or r.unsourced]
    print(f"\n{title}: {len(failed)} failures")
    for kind, count in Counter(failure_kind(r, coarse) for r in failed).most_common():
        print(f"  {count:>4}  {kind}")
    return failed


def print_failures(results: list[Result], title: str) -> None:
    for r in print_failure_kinds(results, title):
        reply = " | ".join(t.replace("\n", " ")[:110] for t in r.turn.texts)[:220]
        extra = f" unsourced {r.unsourced}" if r.unsourced else ""
        print(f"- [{r.topic}] {r.said[:140]!r}\n    {r.verdict.reason}{extra}\n    -> {reply}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", action="store_true",
                        help="list the failures of every split and set but the held-out one")
    parser.add_argument("--json", type=Path, help="write every judged turn here")
    parser.add_argument("--webhook", help="a running bot's REST webhook (its Rasa HTTP API "
                        "must be on, with --token) instead of starting the servers")
    parser.add_argument("--token", help="with --webhook: the Rasa HTTP API token")
    args = parser.parse_args(argv)

    source = settings.real_messages_file()
    if not source.exists():
        print(f"error: the real messages are not at {source} (set REAL_MESSAGES)",
              file=sys.stderr)
        return 2
    labels = {entry["key"]: entry for entry in
              yaml.safe_load((HERE / "messages.yml").read_text())["labels"]}
    written, conversations = [], []
    for file, name in SETS.items():
        labelled = yaml.safe_load((HERE / file).read_text()) if (HERE / file).exists() else {}
        written += [(name, m) for m in labelled.get("messages") or []]
        conversations += [(conversation_group(name), c)
                          for c in labelled.get("conversations") or []]
    messages = read_messages(source)
    sourced = set().union(*(d.numbers for d in read_documents(settings.seeds_dir()).values()))

    if args.webhook:
        results = evaluate(Bot(args.webhook, args.token or ""), labels, messages,
                           written, conversations, sourced)
    else:
        logs = Path(tempfile.mkdtemp(prefix="real-eval-"))
        token = secrets.token_urlsafe(16)
        env = server_env(settings.knowledge_database_url(), settings.nlp_dir())
        print(f"starting the action server and the Rasa server (logs: {logs})", file=sys.stderr)
        actions, actions_port = start_actions(env, logs)
        try:
            rasa, webhook = start_rasa(env, logs, actions_port, api_token=token)
            try:
                results = evaluate(Bot(webhook, token), labels, messages, written,
                                   conversations, sourced)
            finally:
                rasa.stop()
        finally:
            actions.stop()

    groups = {name: [r for r in results if r.group == name]
              for name in MESSAGE_GROUPS + CONVERSATION_GROUPS}
    print_table(groups)
    for name in CONVERSATION_GROUPS:
        passed, total = conversation_figure(groups[name])
        print(f"\n{name} passed whole: {passed}/{total} ({pct(passed, total)})")
    print_per_topic(groups["dev"], "dev split")
    if args.failures:
        print_failures(groups["dev"], "dev split")
        # the held-out split's failures by kind only: what is left to do, not what to tune on
        print_failure_kinds(groups["held-out"], "held-out split (kinds only)", coarse=True)
        for name in MESSAGE_GROUPS[2:]:
            print_failures(groups[name], name)
        for name in CONVERSATION_GROUPS:
            print_failures(groups[name], name)
    else:
        print("\n(--failures lists the dev split's failures; the held-out split's are never "
              "listed)")
    if args.json:
        args.json.write_text(json.dumps(
            [{"group": r.group, "topic": r.topic, "label": r.label, "outcome": r.turn.outcome,
              "answer_topic": r.turn.topic, "subjects": r.turn.subjects,
              "responses": r.turn.responses, "passed": r.verdict.passed,
              "reason": r.verdict.reason, "unsourced": r.unsourced,
              # the held-out split's texts stay out of the file: it is for tuning
              **({} if r.group == "held-out" else {"said": r.said, "texts": r.turn.texts})}
             for r in results], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
