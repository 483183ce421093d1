"""The REST webhook at the door (channels/rest.py) and every channel's turn (channels/turns.py),
on a real Sanic server in this process with a stand-in for Rasa's message handling: the token,
the namespace, the limits in bytes and characters, hostile JSON, a failing or flooding turn, a
client that hangs up, and a streamed turn that fails."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from channels import turns
from channels.limits import MAX_BODY_BYTES, MAX_MESSAGE_CHARS, TOO_LARGE, TOO_LONG
from channels.rest import MAX_DEPTH, UNAUTHORIZED, RestInput
from tests.servers import sanic_in_process

TOKEN = "rest-token-for-the-tests"


@dataclass
class StandIn:
    """What Rasa would do with a message: answer it, after a pause for "slow", or fail."""

    seen: list[UserMessage] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)

    async def __call__(self, message: UserMessage) -> None:
        self.seen.append(message)
        if message.text.startswith("fail"):
            raise RuntimeError("the lock store cannot be reached")
        if message.text.startswith("slow"):
            await asyncio.sleep(1.5)
        await message.output_channel.send_text_message(message.sender_id,
                                                       f"you said {message.text[:20]}")
        self.finished.append(message.text)


@dataclass
class Webhook:
    url: str
    rasa: StandIn

    def post(self, body: Any = None, token: str | None = TOKEN, raw: bytes | None = None,
             **kwargs: Any) -> requests.Response:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else json.dumps(body).encode()
        return requests.post(self.url, data=data, headers=headers, timeout=kwargs.pop(
            "timeout", 30), **kwargs)


@pytest.fixture(scope="module")
def server() -> Iterator[Webhook]:
    rasa = StandIn()
    app = Sanic(f"rest-{uuid.uuid4().hex[:8]}")
    app.blueprint(RestInput(token=TOKEN).blueprint(rasa), url_prefix="/webhooks/rest")
    with sanic_in_process(app) as base:
        yield Webhook(f"{base}/webhooks/rest/webhook", rasa)


@pytest.fixture
def webhook(server: Webhook) -> Webhook:
    server.rasa.seen.clear()
    server.rasa.finished.clear()
    return server


def texts(response: requests.Response) -> list[str]:
    return [m.get("text", "") for m in response.json()]


def test_without_the_token_nothing_happens(webhook):
    message = {"sender": "alice", "message": "what does a team lead make?"}
    for token in (None, "wrong", TOKEN + "x"):
        refused = webhook.post(message, token=token)
        assert refused.status_code == 401 and refused.json()["error"] == UNAUTHORIZED
        assert refused.headers["WWW-Authenticate"] == "Bearer"
    assert webhook.rasa.seen == []
    assert webhook.post(message).status_code == 200 and len(webhook.rasa.seen) == 1


def test_rest_conversations_live_in_their_own_namespace(webhook):
    for sender in ("alice", "U04ABCDEF", "telegram:123", "web:0123"):
        reply = webhook.post({"sender": sender, "message": "hi"})
        assert reply.status_code == 200 and reply.json()[0]["recipient_id"] == sender
    assert [m.sender_id for m in webhook.rasa.seen] == [
        "rest:alice", "rest:U04ABCDEF", "rest:telegram:123", "rest:web:0123"]


@pytest.mark.parametrize("sender", ["x" * 129, "a\x00b", "line\nbreak", "\u202e\x07"])
def test_a_sender_id_a_database_would_refuse_gets_400(webhook, sender):
    refused = webhook.post({"sender": sender, "message": "hi"})
    assert refused.status_code == 400 and "128 printable" in refused.json()["error"]
    assert webhook.rasa.seen == []


def test_too_large_and_too_long_get_413_with_a_json_reason_fast(webhook):
    started = time.monotonic()
    big = webhook.post(raw=b'{"sender": "a", "message": "' + b"a" * MAX_BODY_BYTES + b'"}')
    assert big.status_code == 413 and big.json()["error"] == TOO_LARGE
    assert time.monotonic() - started < 5
    long = webhook.post({"sender": "a", "message": "é" * (MAX_MESSAGE_CHARS + 1)})
    assert long.status_code == 413 and long.json()["error"] == TOO_LONG
    within = webhook.post({"sender": "a", "message": "é" * MAX_MESSAGE_CHARS})
    assert within.status_code == 200
    assert [len(m.text) for m in webhook.rasa.seen] == [MAX_MESSAGE_CHARS]


@pytest.mark.parametrize("raw, reason", [
    (b'{"sender": "a", "message": "hi", "metadata": ' + b'{"a": ' * (MAX_DEPTH + 1)
     + b"1" + b"}" * (MAX_DEPTH + 1) + b"}", "nests deeper"),
    (b"[" * 30_000 + b"]" * 30_000, "nests deeper"),
    (b'{"sender": "a", "message": "\\ud800 alone"}', "lone surrogate"),
    (b'{"sender": "\\udfff", "message": "hi"}', "lone surrogate"),
    (b'{"sender": "a", "message": "hi", "metadata": {"\\ud83d": 1}}', "lone surrogate"),
], ids=["deep metadata", "deep array", "surrogate in message", "surrogate in sender",
        "surrogate in a key"])
def test_hostile_json_gets_400_never_a_500(webhook, raw, reason):
    refused = webhook.post(raw=raw)
    assert refused.status_code == 400 and reason in refused.json()["error"]
    assert webhook.rasa.seen == []
    paired = webhook.post(raw=b'{"sender": "a", "message": "\\ud83d\\ude00 fine"}')
    assert paired.status_code == 200 and webhook.rasa.seen[0].text == "\U0001F600 fine"


def test_a_turn_that_fails_gets_a_kind_reply_and_a_stream_ends_with_an_error_line(webhook):
    failed = webhook.post({"sender": "a", "message": "fail please"})
    assert failed.status_code == 200 and texts(failed) == [turns.FAILED]
    streamed = requests.post(webhook.url + "?stream=true", timeout=10,
                             json={"sender": "a", "message": "fail again"},
                             headers={"Authorization": f"Bearer {TOKEN}"})
    lines = [json.loads(line) for line in streamed.text.splitlines() if line.strip()]
    assert lines[-1] == {"error": turns.FAILED}
    answered = requests.post(webhook.url + "?stream=true", timeout=10,
                             json={"sender": "a", "message": "hello"},
                             headers={"Authorization": f"Bearer {TOKEN}"})
    assert [json.loads(line)["text"] for line in answered.text.splitlines()] == [
        "you said hello"]


def test_one_person_flooding_is_told_to_wait_and_others_are_not(webhook):
    with ThreadPoolExecutor(max_workers=turns.MAX_PENDING + 2) as pool:
        flood = list(pool.map(lambda i: webhook.post({"sender": "flood",
                                                      "message": f"slow {i}"}),
                              range(turns.MAX_PENDING + 2)))
    replies = [texts(r)[0] for r in flood]
    assert replies.count(turns.BUSY) >= 1
    assert sum(r.startswith("you said slow") for r in replies) == turns.MAX_PENDING
    assert texts(webhook.post({"sender": "calm", "message": "hi"})) == ["you said hi"]
    assert turns.pending("rest:flood") == 0


def test_a_client_that_hangs_up_does_not_cut_its_turn_in_half(webhook):
    with pytest.raises(requests.Timeout):
        webhook.post({"sender": "gone", "message": "slow step", "message_id": "m-1"},
                     timeout=0.3)
    deadline = time.monotonic() + 10
    while "slow step" not in webhook.rasa.finished and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "slow step" in webhook.rasa.finished
    assert webhook.rasa.seen[0].message_id == "m-1"
