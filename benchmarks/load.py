"""One load level, driven by Locust: ``users`` simulated people chat with a bot's REST webhook at
the same time, each sending its next message as soon as the previous reply arrived (no think
time), each conversation as a new person (its own sender id). Writes every turn (when it ended,
how long it took, whether the reply was good) to a JSON file for benchmarks/bench.py.

Run by benchmarks/bench.py in a process of its own (Locust patches the standard library for
gevent at import):

    python -m benchmarks.load --url http://127.0.0.1:5005 --system ours --users 10 \
        --duration 23 --out /tmp/level.json
    python -m benchmarks.load --url ... --system stock --users 1 --max-turns 100 --out ...
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, constant, events, task
from locust.env import Environment
from locust.log import setup_logging

from benchmarks.stats import CONVERSATIONS_FILE, Sample, Script, load_conversations

WEBHOOK = "/webhooks/rest/webhook"


def chat_user(base_url: str, script: Script) -> type[FastHttpUser]:
    """A Locust user class that runs ``script``'s conversations back to back."""
    numbers = itertools.count()

    class ChatUser(FastHttpUser):
        host = base_url
        wait_time = constant(0)
        # a slow turn under load is a measurement, not a failure
        network_timeout = 120.0
        connection_timeout = 30.0

        def on_start(self) -> None:
            # each user starts at another conversation, so the mix is the same at every level
            self.number = next(numbers)
            self.done = 0
            self.person = uuid.uuid4().hex[:10]

        @task
        def converse(self) -> None:
            conversations = script.conversations
            conversation = conversations[(self.number + self.done) % len(conversations)]
            sender = f"bench-{self.person}-{self.done}"
            self.done += 1
            for message in conversation.turns:
                with self.client.post(WEBHOOK, json={"sender": sender, "message": message},
                                      name=message, catch_response=True) as response:
                    if response.status_code != 200:
                        response.failure(f"HTTP {response.status_code}")
                        continue
                    try:
                        texts = [str(m.get("text") or m.get("image") or m.get("custom") or "")
                                 for m in response.json()]
                    except (ValueError, AttributeError, TypeError):
                        response.failure("not a JSON list of messages")
                        continue
                    reason = script.failed(texts)
                    if reason:
                        response.failure(reason)
                    else:
                        response.success()

    return ChatUser


def run(url: str, script: Script, users: int, duration: float,
        max_turns: int | None) -> dict[str, Any]:
    env = Environment(user_classes=[chat_user(url, script)], events=events)
    runner = env.create_local_runner()
    samples: list[Sample] = []
    started = 0.0

    def record(name: str, response_time: float, exception: BaseException | None,
               **_: Any) -> None:
        error = "" if exception is None else _short(exception)
        samples.append(Sample(time.monotonic() - started, float(response_time),
                              exception is None, error, name))
        if max_turns is not None and len(samples) >= max_turns:
            gevent.spawn(runner.quit)

    def stop_at(deadline: float) -> None:
        # not gevent.spawn_later: its clock is the event loop's, which stood still while
        # Locust was imported, so it would fire seconds early
        while time.monotonic() < deadline:
            gevent.sleep(min(0.1, deadline - time.monotonic()))
        runner.quit()

    env.events.request.add_listener(record)
    cpu = time.process_time()
    started = time.monotonic()
    runner.start(users, spawn_rate=users)
    stopper = gevent.spawn(stop_at, started + duration)
    assert runner.greenlet is not None
    runner.greenlet.join()
    stopper.kill()
    elapsed = time.monotonic() - started
    if max_turns is not None:
        samples = samples[:max_turns]
    return {"users": users, "elapsed": elapsed, "generator_cpu_s": time.process_time() - cpu,
            "samples": [[s.end, s.ms, s.ok, s.error, s.message] for s in samples]}


def _short(exception: BaseException) -> str:
    text = str(exception) or type(exception).__name__
    # Locust's CatchResponseError carries the reason given to response.failure()
    return text.splitlines()[0][:120]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the Rasa server, e.g. http://127.0.0.1:5005")
    parser.add_argument("--system", required=True, help="whose conversations (conversations.yml)")
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--duration", type=float, default=600.0,
                        help="seconds to run (with --max-turns: a time limit)")
    parser.add_argument("--max-turns", type=int, default=None, help="stop after this many turns")
    parser.add_argument("--conversations", type=Path, default=CONVERSATIONS_FILE)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    setup_logging("WARNING")
    script = load_conversations(args.conversations)[args.system]
    result = run(args.url, script, args.users, args.duration, args.max_turns)
    args.out.write_text(json.dumps(result))
    sys.stdout.flush()
    sys.stderr.flush()
    # skip the interpreter's shutdown: gevent's patched threading makes logging's exit hooks
    # print "greenlet is being finalized" tracebacks
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
