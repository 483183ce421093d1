"""Slack, fixed where Rasa 3.6's connector answers twice, names conversations unsafely or cannot be
tested.

Differences from ``rasa.core.channels.slack``:

- Each message is answered once. Slack delivers an event again when it thinks the first delivery
  failed (``X-Slack-Retry-Num``); Rasa drops only retries whose reason is ``http_timeout`` and
  answers a retry for ``http_error`` a second time. And an @-mention in a channel the bot is in
  arrives as two events (``message`` and ``app_mention``, same channel and ``ts``, different
  ``event_id``). Here the event ids and (channel, ts) pairs already seen drop both kinds of
  duplicate, whatever the retry reason: across every replica when Redis is configured
  (``redis_url``), else in this process (channels/recent.py). A retry of an event no replica
  saw (the bot was down) is answered.
- Conversations are ``slack:<Rasa's conversation id>`` (the member id, or member, channel and
  thread with ``conversation_granularity``; channels/senders.py), so no other channel can name
  them; replies go to Slack's own channel id. A message whose member id cannot name a
  conversation (empty, too long, control characters) is logged and acknowledged, not answered.
- A message longer than ``MAX_MESSAGE_CHARS`` (channels/limits.py) is not processed: the person gets
  ``TOO_LONG``. Every other message goes to Rasa through ``channels.turns.run_turn`` (in the
  background, as Rasa does, so that Slack has its answer within its 3 seconds), so a person with
  too many messages pending, or whose message fails, is told so.
- Slack's URL check (``url_verification``) is answered with the challenge as plain text, as
  Slack's documentation shows (Rasa answers a JSON string).
- Only messages a person typed are answered: message events with a subtype (joins, edits,
  deletions, bot posts) are skipped.
- Replies go to a configurable Web API base URL (``api_url``, default Slack's), so tests can point
  it at a local stub, and are posted without the legacy ``as_user`` flag, which only classic
  Slack apps may send.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from http import HTTPStatus
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot as RasaSlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from channels.limits import MAX_MESSAGE_CHARS, TOO_LONG
from channels.recent import Deliveries
from channels.senders import namespaced, platform_id, valid_sender_id
from channels.turns import run_turn

logger = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"
# message subtypes that are still something a person wrote to the bot
PERSON_SUBTYPES = {None, "file_share", "thread_broadcast"}


class SlackBot(RasaSlackBot):
    """Rasa's Slack output channel with a configurable Web API base URL, posting to Slack's own
    ids."""

    def __init__(self, token: str, slack_channel: str | None = None,
                 thread_id: str | None = None, proxy: str | None = None,
                 api_url: str | None = None) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        base_url = (api_url or SLACK_API_URL).rstrip("/") + "/"
        self.client = AsyncWebClient(token, proxy=proxy, base_url=base_url)

    async def _post_message(self, channel: str, **kwargs: Any) -> None:
        # `as_user` is for classic Slack apps only; a bot token posts as the bot anyway.
        kwargs.pop("as_user", None)
        # Every reply passes here. Without a channel Rasa posts to the recipient, the
        # conversation id `slack:<member id>`: Slack knows only the member id.
        await super()._post_message(platform_id(channel), **kwargs)


class SlackInput(RasaSlackInput):
    """Rasa's Slack input channel that answers each message once (see the module's notes)."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        settings: dict[str, Any] = credentials or {}
        return cls(
            str(settings.get("slack_token") or ""),
            settings.get("slack_channel"),
            settings.get("proxy"),
            use_threads=bool(settings.get("use_threads", False)),
            slack_signing_secret=str(settings.get("slack_signing_secret") or ""),
            conversation_granularity=settings.get("conversation_granularity", "sender"),
            api_url=settings.get("api_url"),
            remember=int(settings.get("remember_events", 10_000)),
            redis_url=settings.get("redis_url"),
            redis_key_prefix=str(settings.get("redis_key_prefix") or ""),
        )

    def __init__(self, slack_token: str, slack_channel: str | None = None,
                 proxy: str | None = None, *, use_threads: bool = False,
                 slack_signing_secret: str = "", conversation_granularity: str = "sender",
                 api_url: str | None = None, remember: int = 10_000,
                 redis_url: str | None = None, redis_key_prefix: str = "") -> None:
        super().__init__(slack_token, slack_channel, proxy,
                         slack_retry_reason_header="x-slack-retry-reason",
                         slack_retry_number_header="x-slack-retry-num",
                         use_threads=use_threads, slack_signing_secret=slack_signing_secret,
                         conversation_granularity=conversation_granularity)
        self.api_url = api_url or SLACK_API_URL
        self.deliveries = Deliveries(self.name(), redis_url, key_prefix=redis_key_prefix,
                                     size=remember)

    @staticmethod
    def _is_user_message(slack_event: dict[str, Any]) -> bool:
        event = slack_event.get("event") or {}
        return bool(RasaSlackInput._is_user_message(slack_event)
                    and event.get("subtype") in PERSON_SUBTYPES)

    @staticmethod
    def delivery_keys(request: Request) -> list[Hashable]:
        """What identifies the message a request delivers: the event id and (channel, ts) of an
        Events API event, the action of an interactive payload."""
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            body = request.json or {}
            event = body.get("event") or {}
            keys: list[Hashable] = []
            if body.get("event_id"):
                keys.append(("event", body["event_id"]))
            if event.get("channel") and event.get("ts"):
                keys.append(("message", event["channel"], event["ts"]))
            return keys
        if content_type.startswith("application/x-www-form-urlencoded"):
            try:
                payload = json.loads(request.form["payload"][0])
                action = payload["actions"][0]
                return [("action", payload["user"]["id"], action.get("action_ts"),
                         action.get("action_id"))]
            except (KeyError, IndexError, TypeError, ValueError):
                return []
        return []

    async def process_message(self, request: Request,
                              on_new_message: Callable[[UserMessage], Awaitable[Any]],
                              text: str, sender_id: str | None,
                              metadata: dict | None) -> Any:
        """Where Rasa's webhook hands over a signed message from a person, ``sender_id`` being
        Rasa's conversation id for it; replaces Rasa's (see the module's notes)."""
        if sender_id is None or not valid_sender_id(sender_id):
            logger.warning("Slack: a message from a member id that cannot name a conversation "
                           "(%.40r) was ignored", sender_id)
            return response.text("")
        if not await self.deliveries.first_time(*self.delivery_keys(request)):
            logger.info("Slack delivered a message again (retry %s, reason %s): already "
                        "answered, skipped", request.headers.get("x-slack-retry-num", "-"),
                        request.headers.get("x-slack-retry-reason", "-"))
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        metadata = metadata or {}
        thread_id = metadata.get("thread_id") if self.use_threads else None
        message = UserMessage(text, self.get_output_channel(metadata.get("out_channel"),
                                                            thread_id),
                              namespaced(self.name(), sender_id), input_channel=self.name(),
                              metadata=metadata)
        self.in_background(self.answer(message, on_new_message))
        return response.text("")

    @staticmethod
    async def answer(message: UserMessage,
                     on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Hands the message to Rasa, unless it is too long to."""
        if len(message.text or "") <= MAX_MESSAGE_CHARS:
            await run_turn(on_new_message, message)
            return
        logger.info("Slack: a message of %d characters from %s was not processed",
                    len(message.text or ""), message.sender_id)
        try:
            await message.output_channel.send_text_message(message.sender_id, TOO_LONG)
        except Exception:  # slack_sdk raises its own errors and aiohttp's
            logger.exception("Slack: could not say that a message was too long")

    def in_background(self, work: Coroutine[Any, Any, None]) -> None:
        # Rasa's way: Slack wants its answer within 3 s, and a task must be referenced until
        # it ends or it may be collected mid-way
        task = asyncio.create_task(work)
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.listener("before_server_stop")
        async def stop(_: Sanic, __: Any) -> None:
            await self.deliveries.close()

        @webhook.middleware("request")
        async def url_verification(request: Request) -> HTTPResponse | None:
            if (request.method != "POST" or not request.path.endswith("/webhook")
                    or not request.headers.get("content-type", "").startswith(
                        "application/json")):
                return None
            try:
                body = json.loads(request.body)
            except ValueError:
                return response.text("The body is not valid JSON",
                                     status=HTTPStatus.BAD_REQUEST)
            if not isinstance(body, dict) or body.get("type") != "url_verification":
                return None
            if not self.is_request_from_slack_authentic(request):
                return response.text("Message is not properly signed with a valid "
                                     "X-Slack-Signature header", status=HTTPStatus.BAD_REQUEST)
            return response.text(str(body.get("challenge", "")))

        return webhook

    def get_output_channel(self, channel: str | None = None,
                           thread_id: str | None = None) -> OutputChannel:
        return SlackBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy,
                        api_url=self.api_url)
