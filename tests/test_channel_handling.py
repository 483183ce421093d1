"""How Slack (channels/slack.py) and Telegram (channels/telegram.py) hand a message to Rasa,
without a Rasa server: a stand-in records what Rasa would get (or fails as Rasa does when its
database is down), and the replies go to the local stub of Slack's and Telegram's APIs.

Checked: the conversation id Rasa gets (``slack:<member>``, ``telegram:<chat>``) while replies go
to the platform's own ids; ids that cannot name a conversation are ignored and logged, with a
200 so that the platform does not retry; a message over ``MAX_MESSAGE_CHARS`` is not processed and
gets ``TOO_LONG``; a failing turn gets ``FAILED`` (channels/turns.py)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from channels.limits import MAX_MESSAGE_CHARS, TOO_LONG
from channels.slack import SlackBot, SlackInput
from channels.telegram import SECRET_HEADER, TelegramInput, TelegramOutput
from channels.turns import FAILED
from tests.channel_support import (
    SLACK_SIGNING_SECRET,
    SLACK_TOKEN,
    TELEGRAM_BOT_NAME,
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    TELEGRAM_WEBHOOK_URL,
    ApiCall,
    ApiStub,
    RasaStandIn,
    fake_request,
    slack_event,
    slack_id,
    slack_message,
    telegram_chat,
    telegram_text,
)

UNUSABLE_IDS = ["", "U" * 129, "U0BAD\x00ID", "U0BAD\nID"]


@pytest.fixture(scope="module")
def stub() -> Iterator[ApiStub]:
    api = ApiStub()
    yield api
    api.close()


def slack_posts(stub: ApiStub, channel: str) -> list[ApiCall]:
    return stub.matching(lambda c: c.service == "slack" and c.method == "chat.postMessage"
                         and c.params.get("channel") == channel)


def telegram_sends(stub: ApiStub, chat: int | str) -> list[ApiCall]:
    return stub.matching(lambda c: c.service == "telegram" and c.method == "sendMessage"
                         and c.params.get("chat_id") == str(chat))


# --- Slack ---

def slack_channel(stub: ApiStub) -> SlackInput:
    return SlackInput(SLACK_TOKEN, slack_signing_secret=SLACK_SIGNING_SECRET,
                      api_url=f"{stub.url}/slack/api/")


async def deliver_slack(channel: SlackInput, rasa: RasaStandIn, user: str, text: str,
                        conversation: str | None = None) -> Any:
    """What Rasa's Slack webhook does with a signed direct message from ``user`` (its
    conversation id ``user`` too, unless given), then waits for the work it started."""
    payload = slack_event(slack_message(user, conversation or slack_id("D"), text))
    request = fake_request({"content-type": "application/json"}, json_body=payload)
    metadata = {"out_channel": payload["event"]["channel"], "thread_id": payload["event"]["ts"],
                "users": []}
    answer = await channel.process_message(request, rasa, text, user, metadata)
    await asyncio.gather(*channel._background_tasks)
    return answer


def test_slack_hands_rasa_the_namespaced_member_and_replies_to_the_channel(stub):
    rasa, user, conversation = RasaStandIn(), slack_id("U"), slack_id("D")

    async def run() -> None:
        channel = slack_channel(stub)
        await deliver_slack(channel, rasa, user, "hello", conversation)
        [message] = rasa.messages
        await message.output_channel.send_text_message(message.sender_id, "hi there")

    asyncio.run(run())
    assert rasa.senders == [f"slack:{user}"]
    assert [call.params["text"] for call in slack_posts(stub, conversation)] == ["hi there"]


def test_slacks_output_posts_to_slacks_own_id_without_a_channel(stub):
    """Rasa posts to the recipient (the conversation id) when it knows no channel."""
    member = slack_id("U")
    asyncio.run(SlackBot(SLACK_TOKEN, api_url=f"{stub.url}/slack/api/").send_text_message(
        f"slack:{member}", "hi there"))
    assert [call.params["text"] for call in slack_posts(stub, member)] == ["hi there"]


@pytest.mark.parametrize("user", UNUSABLE_IDS)
def test_a_slack_member_id_that_cannot_name_a_conversation_is_ignored(stub, caplog, user):
    rasa = RasaStandIn()
    with caplog.at_level(logging.WARNING, logger="channels.slack"):
        answer = asyncio.run(deliver_slack(slack_channel(stub), rasa, user, "hello"))
    assert answer.status == 200  # acknowledged: Slack would otherwise send it again
    assert rasa.messages == []
    assert "cannot name a conversation" in caplog.text


def test_a_slack_message_too_long_is_not_processed_and_gets_a_kind_reply(stub):
    rasa, user, conversation = RasaStandIn(), slack_id("U"), slack_id("D")
    asyncio.run(deliver_slack(slack_channel(stub), rasa, user, "a" * (MAX_MESSAGE_CHARS + 1),
                              conversation))
    assert rasa.messages == []
    assert [call.params["text"] for call in slack_posts(stub, conversation)] == [TOO_LONG]
    # exactly the limit is fine
    asyncio.run(deliver_slack(slack_channel(stub), rasa, user, "a" * MAX_MESSAGE_CHARS))
    assert rasa.senders == [f"slack:{user}"]


def test_a_slack_message_rasa_fails_on_gets_a_kind_reply(stub):
    rasa, user, conversation = RasaStandIn(fail=True), slack_id("U"), slack_id("D")
    asyncio.run(deliver_slack(slack_channel(stub), rasa, user, "hello", conversation))
    assert rasa.senders == [f"slack:{user}"]
    assert [call.params["text"] for call in slack_posts(stub, conversation)] == [FAILED]


# --- Telegram ---

def telegram_channel(stub: ApiStub) -> TelegramInput:
    return TelegramInput(TELEGRAM_TOKEN, TELEGRAM_BOT_NAME, TELEGRAM_WEBHOOK_URL,
                         secret_token=TELEGRAM_SECRET, api_url=f"{stub.url}/telegram")


def telegram_request(update: dict[str, Any], secret: str = TELEGRAM_SECRET) -> Any:
    return fake_request({SECRET_HEADER: secret}, body=json.dumps(update).encode())


async def deliver_telegram(channel: TelegramInput, rasa: RasaStandIn, *updates: dict[str, Any],
                           secret: str = TELEGRAM_SECRET) -> list[int]:
    """Posts the updates to the channel's webhook one after another; their statuses."""
    try:
        return [(await channel.handle_update(telegram_request(update, secret), rasa)).status
                for update in updates]
    finally:
        await channel.get_output_channel().close_session()


def test_telegram_hands_rasa_the_namespaced_chat_and_replies_to_the_chat(stub):
    rasa, chat = RasaStandIn(), telegram_chat()

    async def run() -> None:
        channel = telegram_channel(stub)
        try:
            await channel.handle_update(telegram_request(telegram_text(chat, "hello")), rasa)
            [message] = rasa.messages
            out = message.output_channel
            await out.send_text_message(message.sender_id, "hi there")
            await out.send_text_with_buttons(message.sender_id, "pick one",
                                             [{"title": "Pay", "payload": "/ask_salary"}])
        finally:
            await channel.get_output_channel().close_session()

    asyncio.run(run())
    assert rasa.senders == [f"telegram:{chat}"]
    assert [call.params["text"] for call in telegram_sends(stub, chat)] == ["hi there",
                                                                            "pick one"]


def test_telegrams_output_sends_to_the_chat_id_inside_a_conversation_id(stub):
    chat = telegram_chat()

    async def run() -> None:
        out = TelegramOutput(TELEGRAM_TOKEN, f"{stub.url}/telegram")
        try:
            await out.send_custom_json(f"telegram:{chat}", {"text": "custom"})
        finally:
            await out.close_session()

    asyncio.run(run())
    assert [call.params["text"] for call in telegram_sends(stub, chat)] == ["custom"]


@pytest.mark.parametrize("chat", ["", "1" * 129, "12\x0034", {"id": 1}, True, 10**130])
def test_a_telegram_chat_id_that_cannot_name_a_conversation_is_ignored(stub, caplog, chat):
    rasa = RasaStandIn()
    update = telegram_text(1, "hello")
    update["message"]["chat"]["id"] = chat
    with caplog.at_level(logging.WARNING, logger="channels.telegram"):
        statuses = asyncio.run(deliver_telegram(telegram_channel(stub), rasa, update))
    assert statuses == [200]  # acknowledged: Telegram would otherwise send it again
    assert rasa.messages == []
    assert "cannot name a conversation" in caplog.text


def test_a_telegram_message_too_long_is_not_processed_and_gets_a_kind_reply(stub):
    rasa, chat = RasaStandIn(), telegram_chat()
    long, limit = (telegram_text(chat, "a" * (MAX_MESSAGE_CHARS + n)) for n in (1, 0))
    assert asyncio.run(deliver_telegram(telegram_channel(stub), rasa, long, limit)) == [200, 200]
    assert [m.text for m in rasa.messages] == ["a" * MAX_MESSAGE_CHARS]
    assert [call.params["text"] for call in telegram_sends(stub, chat)] == [TOO_LONG]


def test_a_telegram_message_rasa_fails_on_gets_a_kind_reply(stub):
    rasa, chat = RasaStandIn(fail=True), telegram_chat()
    statuses = asyncio.run(deliver_telegram(telegram_channel(stub), rasa,
                                            telegram_text(chat, "hello")))
    assert statuses == [200]
    assert rasa.senders == [f"telegram:{chat}"]
    assert [call.params["text"] for call in telegram_sends(stub, chat)] == [FAILED]


def test_a_forged_telegram_update_does_not_mark_its_update_id_as_seen(stub):
    """The secret is checked before the update_id is remembered: a forged update with the id of
    a genuine one to come must not make the genuine one look like a repeat."""
    rasa, chat = RasaStandIn(), telegram_chat()
    genuine = telegram_text(chat, "hello")
    forged = {**genuine, "message": {**genuine["message"], "text": "forged"}}
    channel = telegram_channel(stub)
    assert asyncio.run(deliver_telegram(channel, rasa, forged, secret="wrong")) == [403]
    assert asyncio.run(deliver_telegram(channel, rasa, genuine)) == [200]
    assert [m.text for m in rasa.messages] == ["hello"]
