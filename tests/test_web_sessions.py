"""The website's socket.io channel (channels/socketio.py) on a real Sanic server in this process,
with a stand-in for Rasa's message handling and a real socket.io client: the server issues every
session id, a socket speaks for its own session only, long messages get a kind reply, and the
forget marker reaches the page as its own event."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import socketio
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from channels import session_ids
from channels.limits import MAX_MESSAGE_CHARS, TOO_LONG
from channels.socketio import FORGET_EVENT, SocketIOInput
from plans.builder import build_plan
from plans.profile import Profile
from plans.store import PlanStore
from tests.servers import sanic_in_process


class StandIn:
    """Answers "forget" with the forget marker, anything else by echoing it."""

    def __init__(self) -> None:
        self.seen: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.seen.append(message)
        if message.text == "forget":
            await message.output_channel.send_custom_json(message.sender_id, {"forget": True})
            return
        await message.output_channel.send_text_message(message.sender_id,
                                                        f"echo {message.text[:20]}")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[str, StandIn]]:
    rasa = StandIn()
    channel = SocketIOInput.from_credentials({"session_persistence": True,
                                              "cors_allowed_origins": "*"})
    app = Sanic(f"web-{uuid.uuid4().hex[:8]}")
    app.blueprint(channel.blueprint(rasa), url_prefix="/webhooks/socketio")
    with sanic_in_process(app) as base:
        yield base, rasa


@pytest.fixture(autouse=True)
def secret_and_plans(tmp_path, monkeypatch):
    monkeypatch.setenv("SESSION_SECRET", "session-secret-for-the-tests")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'plans.db'}")


class Browser:
    """A socket.io client as the widget uses it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = socketio.AsyncClient()
        self.confirmed: asyncio.Queue = asyncio.Queue()
        self.replies: asyncio.Queue = asyncio.Queue()
        self.forgotten = asyncio.Event()
        self.client.on("session_confirm", self.confirmed.put_nowait)
        self.client.on("bot_uttered", self.replies.put_nowait)
        self.client.on(FORGET_EVENT, lambda _: self.forgotten.set())

    async def __aenter__(self) -> Browser:
        await self.client.connect(self.url, socketio_path="/socket.io",
                                  transports=["polling"])
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.client.disconnect()

    async def session(self, asked: str | None = None) -> str:
        await self.client.emit("session_request", {"session_id": asked})
        return await asyncio.wait_for(self.confirmed.get(), 10)

    async def say(self, text: str, session_id: str) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": session_id})

    async def reply(self, timeout: float = 10) -> dict[str, Any]:
        return await asyncio.wait_for(self.replies.get(), timeout)


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def test_the_server_issues_session_ids_and_refuses_made_up_ones(site):
    url, rasa = site

    async def scenario() -> None:
        async with Browser(url) as browser:
            first = await browser.session()
            assert session_ids.verified(first, session_ids.secret())
            assert len(first.split(".")[0]) == 32  # 128 random bits
            assert await browser.session(first) == first  # kept across reloads
            for made_up in ("1", "alice", "0" * 32, first[:-1] + "0", first.split(".")[0]):
                assert await browser.session(made_up) not in (made_up, first)

    run(scenario())


def test_a_socket_speaks_for_its_own_session_only(site):
    url, rasa = site

    async def scenario() -> None:
        async with Browser(url) as mine, Browser(url) as theirs:
            my_session = await mine.session()
            their_session = await theirs.session()
            await mine.say("hello", my_session)
            assert (await mine.reply())["text"] == "echo hello"
            await mine.say("let me in", their_session)  # a session this socket never asked for
            with pytest.raises(asyncio.TimeoutError):
                await mine.reply(timeout=1.5)
            assert theirs.replies.empty()
        random_part = my_session.split(".")[0]
        assert [m.sender_id for m in rasa.seen[-1:]] == [f"web:{random_part}"]

    run(scenario())


def test_a_message_over_the_limit_gets_a_kind_reply_and_is_not_processed(site):
    url, rasa = site

    async def scenario() -> None:
        async with Browser(url) as browser:
            session = await browser.session()
            seen = len(rasa.seen)
            await browser.say("x" * (MAX_MESSAGE_CHARS + 1), session)
            assert (await browser.reply())["text"] == TOO_LONG
            assert len(rasa.seen) == seen

    run(scenario())


def test_forgetting_reaches_the_page_as_its_own_event(site):
    url, _ = site

    async def scenario() -> None:
        async with Browser(url) as browser:
            session = await browser.session()
            await browser.say("forget", session)
            await asyncio.wait_for(browser.forgotten.wait(), 10)
            assert browser.replies.empty()  # nothing the widget would show as a message

    run(scenario())


def test_a_session_from_before_keeps_its_plan(site, kb):
    url, _ = site
    legacy = uuid.uuid4().hex
    store = PlanStore()
    store.create_all()
    store.save(legacy, build_plan(Profile("representative", 1, kb.careers()[0].id,
                                          region_id="us"), kb))

    async def scenario() -> str:
        async with Browser(url) as browser:
            return await browser.session(legacy)

    confirmed = run(scenario())
    assert confirmed.split(".")[0] == legacy
    assert store.load(f"web:{legacy}") is not None  # adopted under the namespaced id
    store.dispose()


def test_a_socketio_packet_over_the_byte_limit_never_reaches_the_channel(site):
    """engine.io's own limit is 1 MB by default; here it is the REST body's 128 KiB, so the
    channel's handler (which would answer TOO_LONG) never sees the packet."""
    url, rasa = site

    async def scenario() -> None:
        async with Browser(url) as browser:
            session = await browser.session()
            seen = len(rasa.seen)
            # the server may drop the connection at once
            with contextlib.suppress(Exception):
                await browser.say("é" * 100_000, session)  # 200 KB as UTF-8
            with pytest.raises(asyncio.TimeoutError):
                await browser.reply(timeout=2)
            assert len(rasa.seen) == seen

    run(scenario())
