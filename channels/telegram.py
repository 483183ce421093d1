"""Telegram, replacing Rasa 3.6's connector, which cannot run as it is.

What is wrong with ``rasa.core.channels.telegram`` and what this one does instead:

- Rasa calls Telegram's ``setWebhook`` while it builds its routes, inside a throw-away event loop:
  without a network ``rasa run`` stops, and with one the bot's HTTP session stays bound to the
  closed loop, so the first real update fails with "Event loop is closed". Here the bot is made
  in the server's own loop when the server has started, and the webhook is registered then; a
  failure to reach Telegram is logged and the server goes on (``POST
  /webhooks/telegram/set_webhook`` tries again).
- Telegram signs nothing, but ``setWebhook`` takes a ``secret_token`` that Telegram sends back in
  ``X-Telegram-Bot-Api-Secret-Token``. Here it is required (the channel refuses to be built
  without one, naming TELEGRAM_SECRET_TOKEN): it is registered with the webhook, and every update
  without it is refused (403), compared in constant time, before anything of the update is read
  or remembered, so that a forged update cannot make the genuine one with its ``update_id`` look
  like a repeat.
- Conversations are ``telegram:<chat id>`` (channels/senders.py); replies go to the chat id
  itself. An update whose chat id is not a usable id is logged and acknowledged, not answered.
- What a person would expect: ``/start`` greets; a button press is answered (and its spinner
  stopped with ``answerCallbackQuery``); an edited message, a sticker, a photo, a location or a
  channel post is not answered (there is no text to answer, or the first version was answered
  already); a delivery Telegram repeats (same ``update_id``) is answered once, across every
  replica when Redis is configured (``redis_url``, channels/recent.py); a message longer than
  ``MAX_MESSAGE_CHARS`` (channels/limits.py) is not processed and gets ``TOO_LONG``; each message
  goes to Rasa through ``channels.turns.run_turn``, so a person with too many messages pending,
  or whose message fails, is told so; every authentic update is acknowledged (200), answered
  or not, so Telegram does not send it again and again.
- Buttons are one per row (long titles stay readable on a phone), and a payload longer than
  Telegram's 64-byte ``callback_data`` is sent as a short key that the connector maps back.
- The API base URL is configurable (``api_url``) so that tests can use a local stub.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer, check_token
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.credentials import SECRET_TOKEN_PATTERN
from channels.limits import MAX_MESSAGE_CHARS, TOO_LONG
from channels.recent import Deliveries
from channels.senders import namespaced, platform_id, valid_sender_id
from channels.turns import run_turn

logger = logging.getLogger(__name__)

TELEGRAM_API_URL = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CALLBACK_DATA_LIMIT = 64
START_COMMAND = re.compile(r"^/start(@\w+)?(\s.*)?$", re.DOTALL)
GREET_PAYLOAD = "/greet"


class TelegramOutput(RasaTelegramOutput):
    """Rasa's Telegram output channel on a configurable API server, with buttons one per row
    and payloads that fit in ``callback_data``, sending to the chat id inside a conversation id
    (Rasa addresses replies to ``telegram:<chat id>``; Telegram knows only the chat id)."""

    def __init__(self, access_token: str, api_url: str | None = None,
                 remember: int = 10_000) -> None:
        Bot.__init__(self, access_token,
                     server=TelegramAPIServer.from_base(api_url or TELEGRAM_API_URL))
        self.payloads: OrderedDict[str, str] = OrderedDict()
        self.remember = remember

    def callback_data(self, payload: str) -> str:
        """``payload`` itself when it fits in 64 bytes, else a short key remembered for it."""
        if len(payload.encode()) <= CALLBACK_DATA_LIMIT:
            return payload
        key = "~" + hashlib.sha256(payload.encode()).hexdigest()[:32]
        self.payloads[key] = payload
        self.payloads.move_to_end(key)
        while len(self.payloads) > self.remember:
            self.payloads.popitem(last=False)
        return key

    def payload_for(self, data: str, buttons: list[list[dict[str, Any]]]) -> str | None:
        """The payload behind a pressed button's ``callback_data``; for a key this process no
        longer knows (it restarted), the button's title, which the bot understands too."""
        if not data.startswith("~"):
            return data
        if data in self.payloads:
            return self.payloads[data]
        for row in buttons:
            for button in row:
                if button.get("callback_data") == data and button.get("text"):
                    return str(button["text"])
        return None

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await super().send_text_message(platform_id(recipient_id), text, **kwargs)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await super().send_image_url(platform_id(recipient_id), image, **kwargs)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any],
                               **kwargs: Any) -> None:
        await super().send_custom_json(platform_id(recipient_id), json_message, **kwargs)

    async def send_text_with_buttons(self, recipient_id: str, text: str,
                                     buttons: list[dict[str, Any]],
                                     button_type: str | None = "vertical",
                                     **kwargs: Any) -> None:
        recipient_id = platform_id(recipient_id)
        if button_type not in ("vertical", "inline"):
            await super().send_text_with_buttons(recipient_id, text, buttons, button_type,
                                                 **kwargs)
            return
        keys = [InlineKeyboardButton(b["title"], callback_data=self.callback_data(b["payload"]))
                for b in buttons]
        markup = InlineKeyboardMarkup()
        if button_type == "inline":
            markup.row(*keys)
        else:
            for key in keys:
                markup.row(key)
        await self.send_message(recipient_id, text, reply_markup=markup)

    async def close_session(self) -> None:
        """Closes the HTTP session, if one was opened (``Bot.close`` is deprecated)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def register_webhook(self, url: str, secret_token: str) -> bool:
        return bool(await self.request("setWebhook", {"url": url, "secret_token": secret_token}))


class TelegramInput(InputChannel):
    """The Telegram webhook (see the module's notes)."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        settings: dict[str, Any] = credentials or {}
        return cls(str(settings.get("access_token") or ""), settings.get("verify"),
                   settings.get("webhook_url"), secret_token=settings.get("secret_token"),
                   api_url=settings.get("api_url"),
                   remember=int(settings.get("remember_updates", 10_000)),
                   redis_url=settings.get("redis_url"),
                   redis_key_prefix=str(settings.get("redis_key_prefix") or ""))

    def __init__(self, access_token: str, verify: str | None, webhook_url: str | None, *,
                 secret_token: str | None = None, api_url: str | None = None,
                 remember: int = 10_000, redis_url: str | None = None,
                 redis_key_prefix: str = "") -> None:
        check_token(access_token)  # aiogram's ValidationError for what is not a bot token
        if not secret_token:
            # without it anyone who finds the webhook could post updates in any chat's name
            raise ValueError("Telegram needs a secret token (TELEGRAM_SECRET_TOKEN, "
                             "`secret_token` in the credentials): Telegram signs nothing else, "
                             "so without it anyone could post updates to the webhook")
        if not SECRET_TOKEN_PATTERN.match(secret_token):
            raise ValueError("the Telegram secret token (TELEGRAM_SECRET_TOKEN) must be 1-256 "
                             "characters from A-Z, a-z, 0-9, _ and -")
        self.access_token = access_token
        self.verify = verify
        self.webhook_url = webhook_url
        self.secret_token: str = secret_token
        self.api_url = api_url or TELEGRAM_API_URL
        self.deliveries = Deliveries(self.name(), redis_url, key_prefix=redis_key_prefix,
                                     size=remember)
        self._out: TelegramOutput | None = None
        # None: not checked yet (Telegram unreachable); True/False: the token's bot is `verify`
        self._verified: bool | None = None

    def get_output_channel(self) -> TelegramOutput:
        """The one output channel, made on first use (inside the server's event loop)."""
        if self._out is None:
            self._out = TelegramOutput(self.access_token, self.api_url)
        return self._out

    async def register_webhook(self) -> bool:
        """Tells Telegram where to send updates (with the secret token); logs a failure."""
        if not self.webhook_url:
            logger.warning("Telegram: no webhook URL configured; updates will not arrive")
            return False
        try:
            done = await self.get_output_channel().register_webhook(self.webhook_url,
                                                                     self.secret_token)
        except (TelegramAPIError, OSError) as error:
            logger.error("Telegram: could not register the webhook %s (%s); the bot goes on "
                         "without Telegram. Retry with POST /webhooks/telegram/set_webhook",
                         self.webhook_url, error)
            return False
        logger.info("Telegram: webhook %s registered with the secret token", self.webhook_url)
        return done

    async def check_verify(self) -> bool | None:
        """Whether the token belongs to the bot named by ``verify`` (None: could not ask)."""
        if self._verified is None and self.verify:
            try:
                me = await self.get_output_channel().get_me()
            except (TelegramAPIError, OSError) as error:
                logger.warning("Telegram: getMe failed (%s); will ask again", error)
                return None
            self._verified = me.username == self.verify
            if not self._verified:
                logger.error("Telegram: the token belongs to @%s, not @%s (TELEGRAM_VERIFY): "
                             "updates are ignored", me.username, self.verify)
        return self._verified if self.verify else True

    def authentic(self, request: Request) -> bool:
        given = request.headers.get(SECRET_HEADER, "")
        return hmac.compare_digest(given.encode(), self.secret_token.encode())

    async def message_of(self, update: dict[str, Any]) -> tuple[object, str, dict] | None:
        """(chat id as the update has it, text, metadata) to hand to Rasa, or None for an update
        not to answer."""
        out = self.get_output_channel()
        query = update.get("callback_query")
        if isinstance(query, dict):
            if query.get("id"):
                try:
                    await out.answer_callback_query(query["id"])
                except (TelegramAPIError, OSError) as error:
                    logger.warning("Telegram: answerCallbackQuery failed: %s", error)
            message = query.get("message") or {}
            markup = (message.get("reply_markup") or {}).get("inline_keyboard") or []
            text = out.payload_for(str(query.get("data") or ""), markup)
            chat = (message.get("chat") or {}).get("id")
            if not text or chat is None:
                return None
            return chat, text, {"message_id": message.get("message_id"), "button": True}
        message = update.get("message")
        if not isinstance(message, dict) or not isinstance(message.get("text"), str):
            # edited messages, channel posts, stickers, photos, locations, members joining...
            return None
        chat = (message.get("chat") or {}).get("id")
        if chat is None:
            return None
        text = message["text"]
        text = GREET_PAYLOAD if START_COMMAND.match(text) else text.replace("/bot", "").strip()
        if not text:
            return None
        return chat, text, {"message_id": message.get("message_id"),
                            "chat_type": message["chat"].get("type")}

    async def handle_update(self, request: Request,
                            on_new_message: Callable[[UserMessage], Awaitable[Any]]
                            ) -> HTTPResponse:
        """The webhook: checks the secret, then reads, dedupes and answers the update."""
        # Before anything of the update is read or remembered: a forged update must not mark
        # its update_id as seen (the genuine one would then be skipped as a repeat).
        if not self.authentic(request):
            logger.warning("Telegram: an update without the right %s header was refused",
                           SECRET_HEADER)
            return response.text("forbidden", status=403)
        try:
            update = json.loads(request.body)
        except ValueError:
            return response.text("the body is not valid JSON", status=400)
        if not isinstance(update, dict):
            return response.text("the body must be a Telegram Update object", status=400)
        update_id = update.get("update_id")
        if not await self.deliveries.first_time(None if update_id is None
                                                else ("update", update_id)):
            logger.info("Telegram delivered update %s again: skipped", update_id)
            return response.text("success")
        if await self.check_verify() is False:
            return response.text("success")
        found = await self.message_of(update)
        if found is not None:
            await self.answer(update_id, *found, on_new_message)
        # always acknowledged: Telegram would otherwise deliver it again and again
        return response.text("success")

    async def answer(self, update_id: object, chat: object, text: str, metadata: dict,
                     on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Hands one person's message to Rasa, unless its chat id or its length rules it out."""
        sender = conversation_id(chat)
        if sender is None:
            logger.warning("Telegram: update %s has a chat id that cannot name a conversation "
                           "(%.40r): ignored", update_id, chat)
            return
        out = self.get_output_channel()
        if len(text) > MAX_MESSAGE_CHARS:
            logger.info("Telegram: a message of %d characters from %s was not processed",
                        len(text), sender)
            try:
                await out.send_text_message(sender, TOO_LONG)
            except (TelegramAPIError, OSError) as error:
                logger.warning("Telegram: could not say that a message was too long: %s", error)
            return
        await run_turn(on_new_message, UserMessage(text, out, sender, input_channel=self.name(),
                                                   metadata=metadata))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("telegram_webhook", __name__)

        @webhook.listener("after_server_start")
        async def start(_: Sanic, __: Any) -> None:
            await self.register_webhook()
            await self.check_verify()

        @webhook.listener("before_server_stop")
        async def stop(_: Sanic, __: Any) -> None:
            if self._out is not None:
                await self._out.close_session()
            await self.deliveries.close()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/set_webhook", methods=["POST"])
        async def set_webhook(request: Request) -> HTTPResponse:
            if not self.authentic(request):
                return response.text("forbidden", status=403)
            if await self.register_webhook():
                return response.text("Webhook setup successful")
            return response.text("Webhook setup failed: see the server's log", status=502)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.handle_update(request, on_new_message)

        return webhook


def conversation_id(chat: object) -> str | None:
    """``telegram:<chat id>`` for a chat id Telegram sends (a number), None for one that cannot
    name a conversation (channels/senders.py)."""
    raw = str(chat) if isinstance(chat, int) and not isinstance(chat, bool) else chat
    if not isinstance(raw, str) or not valid_sender_id(raw):
        return None
    return namespaced("telegram", raw)
