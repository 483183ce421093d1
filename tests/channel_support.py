"""What the channel tests share: a local stub of the Slack Web API and the Telegram Bot API that
records every call, the real servers (action server, Rasa server with every channel on and
pointed at the stub, and its HTTP API on to read conversations; the chat page server) started
once for all channel tests, builders of the payloads Slack and Telegram send, and stand-ins for
what Rasa gives a channel (a request, ``on_new_message``) to test a channel without a server."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import secrets
import struct
import threading
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests
import socketio
from aiohttp import web
from rasa.core.channels.channel import UserMessage

from channels import credentials as channel_credentials
from settings import PROJECT_ROOT
from tests.servers import (
    Server,
    free_port,
    server_env,
    start_actions,
    start_page,
    start_rasa,
)

SLACK_TOKEN = "xoxb-0000000000-test-token"
SLACK_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_CHANNEL = "C0COACHTEST"
SLACK_BOT_USER = "U0COACHBOT"
TELEGRAM_TOKEN = "123456789:AAE-test_token-for-the-stub"
TELEGRAM_BOT_NAME = "career_coach_test_bot"
TELEGRAM_SECRET = "s3cret-token_for-the-tests"
TELEGRAM_WEBHOOK_URL = "https://coach.example.test/webhooks/telegram/webhook"


# --- the stub of Slack's and Telegram's APIs ---

@dataclass(frozen=True)
class ApiCall:
    service: str  # "slack" or "telegram"
    method: str  # "chat.postMessage", "sendMessage", ...
    token: str  # Slack: the bearer token; Telegram: the token in the URL
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class ApiStub:
    """Answers Slack Web API calls under /slack/api/ and Telegram Bot API calls under
    /telegram/bot<token>/ the way the real services do, and records them."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self._lock = threading.Condition()
        self._ts = itertools.count(1)
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status, answer = stub.handle(self.path, self.headers, raw)
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @staticmethod
    def _params(headers: Any, raw: bytes) -> dict[str, Any]:
        content_type = headers.get("Content-Type", "")
        if content_type.startswith("application/json"):
            return json.loads(raw or b"{}")
        if content_type.startswith("application/x-www-form-urlencoded"):
            return {k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
        if content_type.startswith("multipart/form-data"):
            boundary = content_type.split("boundary=")[1].encode()
            params = {}
            for part in raw.split(b"--" + boundary):
                if b"name=" not in part:
                    continue
                head, _, value = part.partition(b"\r\n\r\n")
                name = head.split(b'name="')[1].split(b'"')[0].decode()
                params[name] = value.rstrip(b"\r\n").decode()
            return params
        return {}

    def handle(self, path: str, headers: Any, raw: bytes) -> tuple[int, dict[str, Any]]:
        parts = urlsplit(path).path.strip("/").split("/")
        params = self._params(headers, raw)
        if parts[:2] == ["slack", "api"] and len(parts) == 3:
            token = headers.get("Authorization", "").removeprefix("Bearer ")
            call = ApiCall("slack", parts[2], token, params)
            answer: dict[str, Any] = {"ok": True, "channel": params.get("channel"),
                                      "ts": f"{time.time():.6f}"}
        elif parts[0] == "telegram" and len(parts) == 3 and parts[1].startswith("bot"):
            call = ApiCall("telegram", parts[2], parts[1].removeprefix("bot"), params)
            answer = {"ok": True, "result": self._telegram_result(call)}
        else:
            return 404, {"ok": False, "error": "unknown_method"}
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()
        return 200, answer

    def _telegram_result(self, call: ApiCall) -> Any:
        if call.method == "getMe":
            return {"id": int(call.token.split(":")[0]), "is_bot": True,
                    "first_name": "Career Coach", "username": TELEGRAM_BOT_NAME}
        if call.method == "sendMessage":
            chat_id = int(call.params["chat_id"])
            return {"message_id": next(self._ts), "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"},
                    "from": {"id": 123456789, "is_bot": True, "first_name": "Career Coach"},
                    "text": call.params.get("text", "")}
        return True

    def matching(self, predicate: Callable[[ApiCall], bool]) -> list[ApiCall]:
        with self._lock:
            return [call for call in self.calls if predicate(call)]

    def wait_for(self, predicate: Callable[[ApiCall], bool], timeout: float = 30,
                 count: int = 1) -> list[ApiCall]:
        """The calls matching ``predicate`` once there are ``count`` of them."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [call for call in self.calls if predicate(call)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {count} matching API call(s) after {timeout} s; "
                                         f"calls: {self.calls[-10:]}")
                self._lock.wait(left)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- the servers, started once for every channel test ---

@dataclass
class ChannelBot:
    stub: ApiStub
    rasa_url: str  # http://127.0.0.1:PORT
    page_url: str  # http://localhost:PORT/
    logs: Path
    servers: list[Server]
    api_token: str = ""  # Rasa's HTTP API (conversations' trackers)
    rasa_log: Path | None = None

    @property
    def rest_url(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    @property
    def slack_url(self) -> str:
        return f"{self.rasa_url}/webhooks/slack/webhook"

    @property
    def telegram_url(self) -> str:
        return f"{self.rasa_url}/webhooks/telegram/webhook"

    def user_texts(self, sender_id: str) -> list[str]:
        """What Rasa has recorded the person of conversation ``sender_id`` saying."""
        # ":" stays as it is: Rasa's route does not decode %3A in a conversation id
        response = requests.get(f"{self.rasa_url}/conversations/{quote(sender_id, safe=':')}"
                                "/tracker", params={"token": self.api_token}, timeout=15)
        response.raise_for_status()
        return [event.get("text") for event in response.json().get("events") or []
                if event.get("event") == "user"]

    def wait_for_user_text(self, sender_id: str, text: str, timeout: float = 30) -> list[str]:
        """``user_texts`` once ``text`` is among them (Rasa stores a conversation after its
        replies are sent)."""
        deadline = time.monotonic() + timeout
        while True:
            said = self.user_texts(sender_id)
            if text in said:
                return said
            if time.monotonic() > deadline:
                raise AssertionError(f"Rasa has no {text!r} from {sender_id!r}: {said}")
            time.sleep(0.2)

    def log_text(self) -> str:
        """The Rasa server's log so far."""
        return self.rasa_log.read_text(errors="replace") if self.rasa_log else ""

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()
        self.stub.close()


_shared: dict[str, ChannelBot] = {}


def channel_environment(stub_url: str, page_port: int) -> dict[str, str]:
    """The environment variables a person would set to turn every channel on."""
    return {"SLACK_TOKEN": SLACK_TOKEN, "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
            "SLACK_CHANNEL": SLACK_CHANNEL, "SLACK_API_URL": f"{stub_url}/slack/api/",
            "TELEGRAM_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_VERIFY": TELEGRAM_BOT_NAME,
            "TELEGRAM_WEBHOOK_URL": TELEGRAM_WEBHOOK_URL,
            "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
            "TELEGRAM_API_URL": f"{stub_url}/telegram", "WEB_PORT": str(page_port)}


def channel_bot(request: pytest.FixtureRequest) -> ChannelBot:
    """The shared servers, started on first use and stopped when the test run ends."""
    if "bot" in _shared:
        return _shared["bot"]
    url, nlp_dir = request.getfixturevalue("built")
    logs = request.getfixturevalue("tmp_path_factory").mktemp("channel-logs")
    stub = ApiStub()
    servers: list[Server] = []
    try:
        page_port = free_port()
        env = {**server_env(url, nlp_dir), **channel_environment(stub.url, page_port)}
        actions, actions_port = start_actions(env, logs)
        servers.append(actions)
        generated = channel_credentials.channels(env, PROJECT_ROOT / "credentials.yml")
        credentials_file = logs / "credentials.yml"
        channel_credentials.write(credentials_file, generated.credentials)
        api_token = secrets.token_urlsafe(16)
        rasa, webhook = start_rasa(env, logs, actions_port, credentials=credentials_file,
                                   api_token=api_token)
        servers.append(rasa)
        rasa_url = webhook.removesuffix("/webhooks/rest/webhook")
        rasa_port = int(rasa_url.rsplit(":", 1)[1])
        page, page_url = start_page(rasa_port, logs, env, port=page_port)
        servers.append(page)
    except BaseException:
        for server in reversed(servers):
            server.stop()
        stub.close()
        raise
    bot = ChannelBot(stub, rasa_url, page_url, logs, servers, api_token, rasa.log)
    _shared["bot"] = bot

    def stop() -> None:
        _shared.pop("bot", None)
        bot.stop()

    request.config.add_cleanup(stop)
    return bot


# --- Slack's payloads ---

def slack_headers(body: bytes, secret: str = SLACK_SIGNING_SECRET, timestamp: int | None = None,
                  content_type: str = "application/json") -> dict[str, str]:
    """The headers Slack sends: X-Slack-Signature is v0=HMAC-SHA256(secret, v0:ts:body)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    base = f"v0:{timestamp}:".encode() + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": f"v0={digest}"}


def slack_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:10].upper()


def slack_ts() -> str:
    return f"{time.time():.6f}"


def slack_event(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    """An Events API ``event_callback`` envelope as Slack sends it."""
    return {"token": "verification-token-unused", "team_id": "T0COACH", "api_app_id": "A0COACH",
            "event": {"event_ts": event.get("ts"), **event}, "type": "event_callback",
            "event_id": event_id or slack_id("Ev"), "event_time": int(time.time()),
            "authorizations": [{"enterprise_id": None, "team_id": "T0COACH",
                                "user_id": SLACK_BOT_USER, "is_bot": True,
                                "is_enterprise_install": False}],
            "is_ext_shared_channel": False, "event_context": "4-eyJldCI6Im1lc3NhZ2UifQ"}


def slack_message(user: str, channel: str, text: str, ts: str | None = None, *,
                  channel_type: str = "im", kind: str = "message",
                  **extra: Any) -> dict[str, Any]:
    event = {"client_msg_id": str(uuid.uuid4()), "type": kind, "text": text, "user": user,
             "ts": ts or slack_ts(), "team": "T0COACH", "channel": channel,
             "blocks": [{"type": "rich_text", "block_id": "b1", "elements": [
                 {"type": "rich_text_section",
                  "elements": [{"type": "text", "text": text}]}]}], **extra}
    if kind == "message":
        event["channel_type"] = channel_type
    return event


def post_slack(bot: ChannelBot, payload: dict[str, Any], **header_overrides: str
               ) -> requests.Response:
    body = json.dumps(payload).encode()
    headers = {**slack_headers(body), **header_overrides}
    return requests.post(bot.slack_url, data=body, headers=headers, timeout=15)


# --- Telegram's payloads ---

_update_ids = itertools.count(int(time.time()) % 1_000_000 * 1000)


def telegram_chat() -> int:
    return int(uuid.uuid4().int % 9_000_000_000) + 1_000_000_000


def telegram_user(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Sam", "username": f"sam{chat_id}",
            "language_code": "en"}


def telegram_message(chat_id: int, **content: Any) -> dict[str, Any]:
    return {"message_id": next(_update_ids) % 100_000, "from": telegram_user(chat_id),
            "chat": {"id": chat_id, "first_name": "Sam", "username": f"sam{chat_id}",
                     "type": "private"}, "date": int(time.time()), **content}


def telegram_update(**kind: Any) -> dict[str, Any]:
    return {"update_id": next(_update_ids), **kind}


def telegram_text(chat_id: int, text: str) -> dict[str, Any]:
    entities = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}] \
        if text.startswith("/") else []
    return telegram_update(message=telegram_message(chat_id, text=text,
                                                    **({"entities": entities}
                                                       if entities else {})))


def telegram_press(chat_id: int, data: str, shown: dict[str, Any]) -> dict[str, Any]:
    """A press on a button of the bot's message ``shown`` (the stub's sendMessage params)."""
    message = {"message_id": 1, "from": {"id": 123456789, "is_bot": True,
                                         "first_name": "Career Coach",
                                         "username": TELEGRAM_BOT_NAME},
               "chat": {"id": chat_id, "type": "private", "first_name": "Sam"},
               "date": int(time.time()), "text": shown.get("text", ""),
               "reply_markup": json.loads(shown.get("reply_markup") or "{}")}
    return telegram_update(callback_query={
        "id": str(uuid.uuid4().int % 10**18), "from": telegram_user(chat_id),
        "message": message, "chat_instance": str(chat_id * 7), "data": data})


def post_telegram(bot: ChannelBot, update: dict[str, Any], secret: str | None = TELEGRAM_SECRET
                  ) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return requests.post(bot.telegram_url, data=json.dumps(update), headers=headers,
                         timeout=30)


# --- a socket.io server standing in for Rasa, for what the bot does not send yet (pictures) ---

def png(width: int, height: int, rgb: tuple[int, int, int] = (31, 95, 168)) -> bytes:
    """A plain-colour PNG picture."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


class SocketStub:
    """A socket.io server that speaks to the widget like Rasa's socketio channel (session_request
    -> session_confirm, user_uttered -> bot_uttered) and answers every message with ``replies``;
    it also serves /chart.png. Runs in a thread with its own event loop."""

    def __init__(self, replies: Callable[[str], list[dict[str, Any]]]) -> None:
        self.replies = replies
        self.received: list[dict[str, Any]] = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._runner: web.AppRunner | None = None
        self._sio: socketio.AsyncServer
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(timeout=15)

    async def _start(self) -> None:
        sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
        self._sio = sio
        app = web.Application()
        sio.attach(app)
        picture = png(120, 80)

        async def chart(_: web.Request) -> web.Response:
            return web.Response(body=picture, content_type="image/png")

        app.router.add_get("/chart.png", chart)

        @sio.on("session_request")
        async def session_request(sid: str, data: dict | None) -> None:
            session_id = (data or {}).get("session_id") or uuid.uuid4().hex
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on("user_uttered")
        async def user_uttered(sid: str, data: dict) -> None:
            self.received.append(data)
            for reply in self.replies(data.get("message", "")):
                await sio.emit("bot_uttered", reply, room=sid)

        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    def disconnect_all(self) -> None:
        """Ends every page's connection, as a server that goes away would (a client that the
        server disconnects does not try again)."""
        async def disconnect() -> None:
            for sid, _ in list(self._sio.manager.get_participants("/", None)):
                await self._sio.disconnect(sid)

        asyncio.run_coroutine_threadsafe(disconnect(), self.loop).result(timeout=15)

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(15)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=15)
        self.loop.close()


# --- what Rasa hands a channel, for tests without a server ---

def fake_request(headers: dict[str, str], *, body: bytes = b"", json_body: Any = None
                 ) -> Any:
    """The parts of a Sanic request the channels read (``headers`` spelt as the channel
    reads them)."""
    return SimpleNamespace(headers=headers, body=body, json=json_body)


class RasaStandIn:
    """``on_new_message`` for a channel under test: records each message, or fails like Rasa
    with its database down when ``fail`` is set."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.messages: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        if self.fail:
            raise RuntimeError("the tracker store is down")

    @property
    def senders(self) -> list[str | None]:
        return [message.sender_id for message in self.messages]

