"""The website widget's channel: Rasa's socket.io channel, open to the chat page's origins.

Rasa 3.6 creates its socket.io server with CORS handling switched off, so a page served from
another port (the chat page on WEB_PORT, the Rasa server on RASA_PORT) cannot use the polling
transport that socket.io starts with: the browser blocks it. This subclass allows the origins in
``cors_allowed_origins`` (default: http://localhost:8080 and http://127.0.0.1:8080; "*" allows
any), and the socket.io server refuses connections from any other web page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint

DEFAULT_ORIGINS = ["http://localhost:8080", "http://127.0.0.1:8080"]


class SocketIOInput(RasaSocketIOInput):
    """Rasa's socket.io channel with the chat page's origins allowed (name: ``socketio``)."""

    cors_allowed_origins: list[str] | str = DEFAULT_ORIGINS

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        assert isinstance(channel, SocketIOInput)
        origins = credentials.get("cors_allowed_origins", DEFAULT_ORIGINS)
        channel.cors_allowed_origins = origins if origins == "*" else list(origins)
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        assert self.sio is not None
        # read by engine.io on every request: the origins that may connect, with CORS headers
        self.sio.eio.cors_allowed_origins = self.cors_allowed_origins
        return blueprint
