"""One chat turn's latency over REST, with the action server in the loop: starts both servers on
free ports (the built knowledge base and the trained model), sends realistic questions one after
another, and prints p50, p95 and the mean.

    make bench-latency              (100 turns)
    python -m benchmarks.rest_latency --turns 300
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

import settings
from tests.servers import server_env, start_actions, start_rasa

# What people ask, most of it answered by actions from the knowledge base, with follow-ups.
CONVERSATION = [
    "what does a team lead make?", "and a manager?", "how much in Germany?",
    "what about in Japan?", "how long until I'm a manager", "what does a team lead do",
    "what skills transfer from customer service", "what skills do I need for HR",
    "what jobs can I do after customer service", "how do I get out of customer service",
    "is customer service a dying field", "can I work from home", "what is AHT",
    "I'm patient and good at calming angry customers, which career fits me",
    "what's the median pay in customer service", "team lead vs manager pay",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args(argv)

    logs = Path(tempfile.mkdtemp(prefix="latency-"))
    env = server_env(settings.knowledge_database_url(), settings.nlp_dir())
    actions, actions_port = start_actions(env, logs)
    try:
        started = time.monotonic()
        rasa, webhook = start_rasa(env, logs, actions_port)
        print(f"Rasa server ready in {time.monotonic() - started:.1f} s")
        try:
            session = requests.Session()
            sender = f"bench-{uuid.uuid4().hex[:8]}"
            times: list[float] = []
            for i in range(args.warmup + args.turns):
                message = CONVERSATION[i % len(CONVERSATION)]
                t0 = time.perf_counter()
                response = session.post(webhook, json={"sender": sender, "message": message},
                                        timeout=30)
                elapsed = time.perf_counter() - t0
                response.raise_for_status()
                if not response.json():
                    print(f"warning: no reply to {message!r}", file=sys.stderr)
                if i >= args.warmup:
                    times.append(elapsed * 1000)
        finally:
            rasa.stop()
    finally:
        actions.stop()
    print(f"{args.turns} turns, one user, over REST with the action server: "
          f"p50 {percentile(times, 0.5):.0f} ms, p95 {percentile(times, 0.95):.0f} ms, "
          f"mean {statistics.mean(times):.0f} ms, max {max(times):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
