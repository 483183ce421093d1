"""The REST webhook, with a clear 400 for a request it cannot read.

Rasa 3.6's ``RestInput`` reads ``request.json`` as it goes: a body that is JSON but not an object
gets a 500, a missing ``message`` is processed as an empty message, and a missing ``sender`` puts
the message into one shared conversation called "default". This subclass checks the body first and
answers every such request with ``400 {"error": "..."}``, and a body over ``MAX_BODY_BYTES``
(ops/limits.py, the same limit as the load balancer's) with ``413 {"error": "..."}``; valid
requests are handled exactly as by Rasa (``?stream=true`` included). Its name stays ``rest``, so
the URL stays ``/webhooks/rest/webhook``.
"""

from __future__ import annotations

import json
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from ops.limits import MAX_BODY_BYTES, TOO_LARGE

logger = logging.getLogger(__name__)

EXAMPLE = '{"sender": "me", "message": "what does a team lead make?"}'
JSON_TYPES = {list: "an array", str: "a string", int: "a number", float: "a number",
              bool: "true or false", type(None): "null"}


class BadRequest(ValueError):
    """A request the webhook cannot read; its text is the reply to the client."""


@dataclass(frozen=True)
class RestMessage:
    sender: str
    text: str
    metadata: dict[str, Any] | None
    input_channel: str


def parse_body(body: bytes, default_channel: str = "rest") -> RestMessage:
    """The message in a webhook request's body, or ``BadRequest`` saying what is wrong."""
    if not body or not body.strip():
        raise BadRequest(f"the request has no body: send JSON such as {EXAMPLE}")
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BadRequest(f"the body is not valid JSON ({error}): send JSON such as "
                         f"{EXAMPLE}") from None
    if not isinstance(data, dict):
        raise BadRequest(f"the body must be a JSON object such as {EXAMPLE}, not "
                         f"{JSON_TYPES.get(type(data), 'that')}")
    sender = data.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest('"sender" is missing or not a non-empty string: it names the '
                         "conversation, keep it the same for follow-up questions")
    text = data.get("message")
    if not isinstance(text, str):
        raise BadRequest('"message" is missing or not a string: it is what the person said')
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest('"metadata", when given, must be a JSON object')
    channel = data.get("input_channel") or default_channel
    if not isinstance(channel, str):
        raise BadRequest('"input_channel", when given, must be a string')
    return RestMessage(sender, text, metadata, channel)


class RestInput(RasaRestInput):
    """Rasa's REST channel that answers an unreadable request with 400 and a reason."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            if len(request.body or b"") > MAX_BODY_BYTES:
                logger.info("REST webhook: refused a body of %d bytes", len(request.body))
                return response.json({"error": TOO_LARGE}, status=413)
            try:
                message = parse_body(request.body, self.name())
            except BadRequest as error:
                logger.info("REST webhook: bad request: %s", error)
                return response.json({"error": str(error)}, status=400)
            if bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, message.text, message.sender,
                                         message.input_channel, message.metadata),
                    content_type="text/event-stream")
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(message.text, collector, message.sender,
                                                 input_channel=message.input_channel,
                                                 metadata=message.metadata))
            except CancelledError:
                # Sanic cancels the handler when the client hangs up or the response times out
                logger.error("REST webhook: handling the message was cancelled (the client went "
                             "away or the response timed out): %.80r", message.text)
            except Exception:
                logger.exception("REST webhook: the message failed: %.80r", message.text)
            return response.json(collector.messages)

        return webhook
