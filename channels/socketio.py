"""The website widget's channel: socket.io, open to the chat page's origins, with session ids the
server issues.

What differs from Rasa 3.6's ``SocketIOInput`` (whose handlers this replaces):

- **Origins.** Rasa creates its socket.io server with CORS handling switched off, so a page served
  from another port cannot use the polling transport socket.io starts with. This one allows the
  origins in ``cors_allowed_origins`` (default: http://localhost:8080 and http://127.0.0.1:8080;
  "*" allows any) and refuses connections from any other web page.
- **Session ids.** Rasa accepts any ``session_id`` a browser sends, so a browser could name
  another person's conversation. Here the server issues every id (channels/session_ids.py: 128
  random bits, signed); an id it did not issue is replaced by a new one (the widget then starts
  afresh). A bare 32-hex id from before is signed once only when a plan is saved under it, so
  people keep their plans. The conversation is ``web:<random part>`` (channels/senders.py).
- **A socket speaks for its own session only**: a message naming a session this socket did not
  request is ignored.
- **Limits.** A socket.io message (HTTP body or WebSocket frame) is at most ``MAX_BODY_BYTES``;
  a text over ``MAX_MESSAGE_CHARS`` gets a kind reply and is not processed; each message goes
  through channels/turns.py (a bound per person, a kind reply when the turn fails).
- **Forgetting.** A reply carrying ``{"forget": true}`` (actions/plan.py, after "forget me") is
  sent as the ``forget`` event, on which the page clears the chat it saved (web/app.js).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from channels import session_ids
from channels.limits import MAX_BODY_BYTES, MAX_MESSAGE_CHARS, TOO_LONG
from channels.senders import namespaced
from channels.turns import run_turn

logger = logging.getLogger(__name__)

DEFAULT_ORIGINS = ["http://localhost:8080", "http://127.0.0.1:8080"]
FORGET_EVENT = "forget"


def legacy_plan_saved(bare_id: str) -> bool:
    """Whether a plan is saved under a website session id from before namespaces (False when
    the plans cannot be read: the person then starts a new session)."""
    from plans.store import PlanStore

    store = PlanStore()
    try:
        store.create_all()
        return store.has_plan(bare_id)
    except Exception:
        logger.exception("socket.io: could not look for a plan saved before namespaces")
        return False
    finally:
        store.dispose()


class WebOutput(SocketIOOutput):
    """Rasa's socket.io output; the forget marker becomes the page's ``forget`` event."""

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any],
                               **kwargs: Any) -> None:
        if json_message.get(FORGET_EVENT) is True:
            await self.sio.emit(FORGET_EVENT, {}, room=recipient_id)
            return
        await self._send_message(recipient_id, json_message)


class SocketIOInput(RasaSocketIOInput):
    """The website's channel (name: ``socketio``); see the module's notes."""

    cors_allowed_origins: list[str] | str = DEFAULT_ORIGINS

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        assert isinstance(channel, SocketIOInput)
        origins = credentials.get("cors_allowed_origins", DEFAULT_ORIGINS)
        channel.cors_allowed_origins = origins if origins == "*" else list(origins)
        return channel

    def get_output_channel(self) -> WebOutput | None:
        return WebOutput(self.sio, self.bot_message_evt) if self.sio is not None else None

    @functools.cached_property
    def key(self) -> bytes:
        """The secret session ids are signed with: read once, not on every message."""
        return session_ids.secret()

    def conversation(self, session_id: object) -> str | None:
        """The conversation of a session id this server issued, else None."""
        random_part = session_ids.verified(session_id, self.key)
        return namespaced("web", random_part) if random_part else None

    def session_for(self, requested: object) -> str:
        """The session id to confirm for a ``session_request``: the one asked for when this
        server issued it (or it is a legacy id with a saved plan), else a new one."""
        if session_ids.verified(requested, self.key):
            return str(requested)
        if (isinstance(requested, str) and session_ids.LEGACY_PATTERN.fullmatch(requested)
                and legacy_plan_saved(requested)):
            return session_ids.issue(self.key, requested)
        return session_ids.issue(self.key)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=self.cors_allowed_origins,
                          max_http_buffer_size=MAX_BODY_BYTES)
        webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            # a thread: the legacy check may ask the plans' database
            session_id = await asyncio.to_thread(self.session_for, requested)
            if requested and requested != session_id:
                logger.info("socket.io: a session id this server did not issue was replaced")
            conversation = self.conversation(session_id)
            for room in sio.rooms(sid, namespace=self.namespace):
                if room.startswith("web:") and room != conversation:
                    sio.leave_room(sid, room, namespace=self.namespace)
            sio.enter_room(sid, conversation, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                return
            conversation = self.conversation(data.get("session_id"))
            if conversation is None or conversation not in sio.rooms(
                    sid, namespace=self.namespace):
                logger.info("socket.io: a message for a session this socket did not request "
                            "was ignored")
                return
            output = WebOutput(sio, self.bot_message_evt)
            text = data.get("message", "")
            if not isinstance(text, str):
                return
            if len(text) > MAX_MESSAGE_CHARS:
                await output.send_text_message(conversation, TOO_LONG)
                return
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            if not isinstance(metadata, dict):
                metadata = {}
            await run_turn(on_new_message, UserMessage(text, output, conversation,
                                                       input_channel=self.name(),
                                                       metadata=metadata))

        return webhook
