"""The REST webhook: Rasa's RestInput with checks at the door and a namespace of its own.

Rasa 3.6's ``RestInput`` reads ``request.json`` as it goes: a body that is JSON but not an object
gets a 500, a missing ``message`` is processed as an empty message, a missing ``sender`` puts
the message into one shared conversation called "default", and any sender id names any
conversation, a Slack or Telegram person's included. This one:

- with ``REST_TOKEN`` set, answers a request without ``Authorization: Bearer <REST_TOKEN>`` with
  401 and does nothing (the token is compared in constant time);
- refuses a body over ``MAX_BODY_BYTES`` and a message over ``MAX_MESSAGE_CHARS``
  (channels/limits.py)
  with ``413 {"error": "..."}``, and a body it cannot read (not JSON, nested deeper than
  ``MAX_DEPTH``, a lone surrogate, a sender id that is not at most 128 printable characters)
  with ``400 {"error": "..."}``; Sanic itself refuses any request over the same size;
- keeps REST conversations in their own namespace: sender ``alice`` is conversation
  ``rest:alice`` (channels/senders.py), and replies still name ``alice``;
- takes an optional ``message_id``: a client that lost a reply and sends the same message with the
  same id again does not move a plan twice (actions/plan.py);
- finishes a turn whose client went away (its plan step is then saved with the conversation), and
  ends a ``?stream=true`` answer whose turn failed with an ``{"error": ...}`` line, not a hang.

Its name stays ``rest``, so the URL stays ``/webhooks/rest/webhook``.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from asyncio import CancelledError, Queue
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import QueueOutputChannel
from rasa.core.channels.rest import RestInput as RasaRestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, Sanic, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

import settings
from channels.limits import MAX_BODY_BYTES, MAX_MESSAGE_CHARS, TOO_LARGE, TOO_LONG
from channels.senders import MAX_SENDER_CHARS, namespaced, valid_sender_id
from channels.turns import run_turn

logger = logging.getLogger(__name__)

EXAMPLE = '{"sender": "me", "message": "what does a team lead make?"}'
JSON_TYPES = {list: "an array", str: "a string", int: "a number", float: "a number",
              bool: "true or false", type(None): "null"}
# a chat message's body is flat; metadata a few levels deep at most
MAX_DEPTH = 20
UNAUTHORIZED = "this webhook needs the header Authorization: Bearer <REST_TOKEN>"
DONE = "DONE"


class BadRequest(ValueError):
    """A request the webhook cannot read; its text is the reply to the client."""

    status = 400


class TooLong(BadRequest):
    status = 413


@dataclass(frozen=True)
class RestMessage:
    sender: str  # as the client named it (the conversation is namespaced(rest, sender))
    text: str
    metadata: dict[str, Any] | None
    input_channel: str
    message_id: str | None = None


def _check_shape(data: Any) -> None:
    """``BadRequest`` when ``data`` nests deeper than ``MAX_DEPTH`` or holds a string that is not
    text (a lone surrogate); walked without recursion, so a hostile body cannot exhaust the
    stack."""
    todo = [(data, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise BadRequest("the body holds a lone surrogate (\\ud800-\\udfff without its "
                                 "pair): it is not text") from None
        elif isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                raise BadRequest(f"the body nests deeper than {MAX_DEPTH} levels")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            todo.extend((child, depth + 1) for child in children)


def _load(body: bytes) -> Any:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BadRequest(f"the body is not valid JSON ({error}): send JSON such as "
                         f"{EXAMPLE}") from None
    except RecursionError:
        raise BadRequest(f"the body nests deeper than {MAX_DEPTH} levels") from None
    _check_shape(data)
    return data


def parse_body(body: bytes, default_channel: str = "rest") -> RestMessage:
    """The message in a webhook request's body, or ``BadRequest`` saying what is wrong."""
    if not body or not body.strip():
        raise BadRequest(f"the request has no body: send JSON such as {EXAMPLE}")
    data = _load(body)
    if not isinstance(data, dict):
        raise BadRequest(f"the body must be a JSON object such as {EXAMPLE}, not "
                         f"{JSON_TYPES.get(type(data), 'that')}")
    sender = data.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest('"sender" is missing or not a non-empty string: it names the '
                         "conversation, keep it the same for follow-up questions")
    if not valid_sender_id(sender):
        raise BadRequest(f'"sender" must be at most {MAX_SENDER_CHARS} printable characters')
    text = data.get("message")
    if not isinstance(text, str):
        raise BadRequest('"message" is missing or not a string: it is what the person said')
    if len(text) > MAX_MESSAGE_CHARS:
        raise TooLong(TOO_LONG)
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest('"metadata", when given, must be a JSON object')
    channel = data.get("input_channel") or default_channel
    if not isinstance(channel, str):
        raise BadRequest('"input_channel", when given, must be a string')
    message_id = data.get("message_id")
    if message_id is not None and not valid_sender_id(message_id):
        raise BadRequest(f'"message_id", when given, must be at most {MAX_SENDER_CHARS} '
                         "printable characters")
    return RestMessage(sender, text, metadata, channel, message_id)


def too_large(_: Request, __: Exception) -> HTTPResponse:
    return response.json({"error": TOO_LARGE}, status=413)


def authorized(request: Request, token: str | None) -> bool:
    if not token:
        return True
    given = request.headers.get("authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


class RestInput(RasaRestInput):
    """Rasa's REST channel with the checks and the namespace described above."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token or None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        configured = (credentials or {}).get("token") or settings.get("REST_TOKEN") or ""
        return cls(configured.strip() or None)

    def user_message(self, message: RestMessage, output: CollectingOutputChannel) -> UserMessage:
        return UserMessage(message.text, output, namespaced("rest", message.sender),
                           input_channel=message.input_channel, metadata=message.metadata,
                           message_id=message.message_id)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.listener("before_server_start")
        async def limit_requests(app: Sanic, _: Any) -> None:
            # Sanic's default is 100 MB: nothing this server takes is near this limit. Sanic
            # refuses a larger body before reading it, with an HTML page: a JSON reason here.
            app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
            app.error_handler.add(PayloadTooLarge, too_large)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            if not authorized(request, self.token):
                logger.info("REST webhook: a request without the right token was refused")
                return response.json({"error": UNAUTHORIZED}, status=401,
                                     headers={"WWW-Authenticate": "Bearer"})
            if len(request.body or b"") > MAX_BODY_BYTES:
                logger.info("REST webhook: refused a body of %d bytes", len(request.body))
                return response.json({"error": TOO_LARGE}, status=413)
            try:
                message = parse_body(request.body, self.name())
            except BadRequest as error:
                logger.info("REST webhook: bad request: %s", error)
                return response.json({"error": str(error)}, status=error.status)
            if bool_arg(request, "stream", default=False):
                return response.stream(self.stream(on_new_message, message),
                                       content_type="text/event-stream")
            collector = CollectingOutputChannel()
            # shielded: a client that hangs up does not cut the turn in half (its plan step
            # saved, its conversation not), so sending the message again is safe
            turn = asyncio.ensure_future(
                run_turn(on_new_message, self.user_message(message, collector)))
            try:
                await asyncio.shield(turn)
            except CancelledError:
                logger.error("REST webhook: the client went away or the response timed out; "
                             "the turn is finished all the same")
            return response.json([{**reply, "recipient_id": message.sender}
                                  for reply in collector.messages])

        return webhook

    def stream(self, on_new_message: Callable[[UserMessage], Awaitable[Any]],
               message: RestMessage) -> Callable[[Any], Coroutine[Any, Any, None]]:
        """One JSON line per reply; a turn that fails ends with an ``{"error": ...}`` line."""

        async def write(resp: Any) -> None:
            queue: Queue = Queue()

            async def turn() -> None:
                try:
                    told = await run_turn(on_new_message,
                                          self.user_message(message, QueueOutputChannel(queue)))
                    if told is not None:
                        await queue.put({"error": told})
                finally:
                    await queue.put(DONE)

            task = asyncio.ensure_future(turn())
            while (reply := await queue.get()) != DONE:
                if "recipient_id" in reply:
                    reply = {**reply, "recipient_id": message.sender}
                await resp.write(json.dumps(reply) + "\n")
            await task

        return write
