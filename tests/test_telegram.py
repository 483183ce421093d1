"""Telegram (channels/telegram.py) on the real Rasa server, with the updates Telegram sends; the
bot's calls go to a local stub of the Bot API, where they are checked. Plus the connector's parts
that need no server.

"Not answered" is checked without sleeping: after the update that must not be answered, the same
chat sends a question, and Rasa handles one chat's messages in the order they arrive, so once
that answer is there, an answer to the first would be there too."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest
import requests
import yaml
from rasa.core.run import create_http_input_channels

from channels.credentials import TELEGRAM_CLASS, ConfigError, channels, write
from channels.limits import MAX_MESSAGE_CHARS, TOO_LONG
from channels.telegram import TelegramInput, TelegramOutput
from settings import PROJECT_ROOT
from tests.actions_support import band_text
from tests.channel_support import (
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    TELEGRAM_WEBHOOK_URL,
    ApiCall,
    channel_bot,
    free_port,
    post_telegram,
    telegram_chat,
    telegram_message,
    telegram_press,
    telegram_text,
    telegram_update,
)

SALARY_QUESTION = "what does a team lead make?"
YEARS_QUESTION = "how long until I'm a manager"


# --- without a server ---

def test_long_button_payloads_fit_telegrams_64_bytes_and_come_back():
    out = TelegramOutput(TELEGRAM_TOKEN, "http://127.0.0.1:9")
    short = '/ask_salary{"role": "team_lead"}'
    long = '/ask_salary_region{"region": "western_europe", "country": "germany"}'
    assert out.callback_data(short) == short
    key = out.callback_data(long)
    assert len(key.encode()) <= 64 and key != long
    assert out.payload_for(key, []) == long
    # after a restart the key is unknown: the button's title is what the person meant
    fresh = TelegramOutput(TELEGRAM_TOKEN, "http://127.0.0.1:9")
    keyboard = [[{"text": "Pay in Germany", "callback_data": key}]]
    assert fresh.payload_for(key, keyboard) == "Pay in Germany"


def test_the_payload_memory_is_bounded():
    out = TelegramOutput(TELEGRAM_TOKEN, "http://127.0.0.1:9", remember=3)
    keys = [out.callback_data("/x" + "y" * 70 + str(i)) for i in range(5)]
    assert len(out.payloads) == 3
    assert out.payload_for(keys[0], []) is None
    assert out.payload_for(keys[4], []) == "/x" + "y" * 70 + "4"


def test_telegram_out_of_reach_at_start_is_logged_not_fatal(caplog):
    channel = TelegramInput(TELEGRAM_TOKEN, "career_coach_test_bot", TELEGRAM_WEBHOOK_URL,
                            secret_token=TELEGRAM_SECRET,
                            api_url=f"http://127.0.0.1:{free_port()}")

    async def start() -> tuple[bool, bool | None]:
        try:
            return await channel.register_webhook(), await channel.check_verify()
        finally:
            await channel.get_output_channel().close_session()

    with caplog.at_level(logging.WARNING, logger="channels.telegram"):
        registered, verified = asyncio.run(start())
    assert (registered, verified) == (False, None)
    assert "could not register the webhook" in caplog.text


def test_a_secret_token_telegram_would_refuse_is_refused_at_start():
    with pytest.raises(ValueError, match="secret token"):
        TelegramInput(TELEGRAM_TOKEN, "bot", TELEGRAM_WEBHOOK_URL, secret_token="has spaces")


@pytest.mark.parametrize("secret", [None, ""])
def test_the_channel_refuses_to_be_built_without_a_secret_token(tmp_path, secret):
    """Telegram signs nothing else: without the secret anyone could post updates."""
    with pytest.raises(ValueError, match="TELEGRAM_SECRET_TOKEN"):
        TelegramInput(TELEGRAM_TOKEN, "bot", TELEGRAM_WEBHOOK_URL, secret_token=secret)
    # nor from a credentials file without one: `rasa run` stops before serving
    path = tmp_path / "credentials.yml"
    write(path, {TELEGRAM_CLASS: {"access_token": TELEGRAM_TOKEN, "verify": "bot",
                                  "webhook_url": TELEGRAM_WEBHOOK_URL}})
    with pytest.raises(ValueError, match="TELEGRAM_SECRET_TOKEN"):
        create_http_input_channels(None, str(path))


# --- the credentials generator ---

TELEGRAM_ENV = {"TELEGRAM_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_VERIFY": "@career_coach_test_bot",
                "TELEGRAM_WEBHOOK_URL": TELEGRAM_WEBHOOK_URL,
                "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET}


def test_telegram_is_on_with_its_four_variables(tmp_path):
    env = {**TELEGRAM_ENV, "TELEGRAM_API_URL": "http://127.0.0.1:9/telegram"}
    generated = channels(env, PROJECT_ROOT / "credentials.yml")
    assert generated.credentials[TELEGRAM_CLASS] == {
        "access_token": TELEGRAM_TOKEN, "verify": "career_coach_test_bot",
        "webhook_url": TELEGRAM_WEBHOOK_URL, "secret_token": TELEGRAM_SECRET,
        "api_url": "http://127.0.0.1:9/telegram"}
    path = tmp_path / "credentials.yml"
    write(path, generated.credentials)
    # building the channels (what `rasa run` does before it serves) asks nothing of Telegram
    [telegram] = [c for c in create_http_input_channels(None, str(path))
                  if isinstance(c, TelegramInput)]
    assert (telegram.secret_token, telegram.api_url) == (TELEGRAM_SECRET,
                                                        "http://127.0.0.1:9/telegram")


@pytest.mark.parametrize("missing", ["TELEGRAM_TOKEN", "TELEGRAM_VERIFY", "TELEGRAM_WEBHOOK_URL",
                                     "TELEGRAM_SECRET_TOKEN"])
def test_telegram_stays_off_and_says_what_is_missing(missing):
    env = {k: v for k, v in TELEGRAM_ENV.items() if k != missing}
    generated = channels(env, PROJECT_ROOT / "credentials.yml")
    assert TELEGRAM_CLASS not in generated.credentials
    [note] = [n for n in generated.notes if n.startswith("Telegram")]
    assert "off" in note and missing in note


@pytest.mark.parametrize("name, value", [
    ("TELEGRAM_TOKEN", "not-a-token"),
    ("TELEGRAM_WEBHOOK_URL", "http://coach.example.test/webhooks/telegram/webhook"),
    ("TELEGRAM_SECRET_TOKEN", "no spaces allowed"),
])
def test_a_wrong_telegram_setting_is_an_error_that_names_it(name, value):
    with pytest.raises(ConfigError, match=name):
        channels({**TELEGRAM_ENV, name: value}, PROJECT_ROOT / "credentials.yml")


# --- on the real server ---

@pytest.fixture(scope="module")
def bot(request):
    return channel_bot(request)


def sent_to(chat: int):
    return lambda call: call.service == "telegram" and call.method == "sendMessage" \
        and call.params.get("chat_id") == str(chat)


def answers_containing(bot, chat: int, fragment: str) -> list[ApiCall]:
    return bot.stub.matching(lambda c: sent_to(chat)(c) and fragment in c.params["text"])


def ask_and_wait(bot, chat: int, text: str, fragment: str) -> list[ApiCall]:
    response = post_telegram(bot, telegram_text(chat, text))
    assert response.status_code == 200, response.text
    return bot.stub.wait_for(lambda c: sent_to(chat)(c) and fragment in c.params["text"])


def keyboard(call: ApiCall) -> list[dict]:
    markup = json.loads(call.params.get("reply_markup") or "{}")
    return [button for row in markup.get("inline_keyboard", []) for button in row]


@pytest.mark.e2e
def test_the_webhook_is_registered_at_start_with_the_secret_token(bot):
    [registration] = bot.stub.wait_for(lambda c: c.service == "telegram"
                                       and c.method == "setWebhook")
    assert registration.token == TELEGRAM_TOKEN
    assert registration.params["url"] == TELEGRAM_WEBHOOK_URL
    assert registration.params["secret_token"] == TELEGRAM_SECRET


@pytest.mark.e2e
def test_a_text_message_is_answered_with_the_figure_and_buttons(bot, salary):
    chat = telegram_chat()
    [reply] = ask_and_wait(bot, chat, SALARY_QUESTION, salary)
    assert reply.token == TELEGRAM_TOKEN
    assert "Source" in reply.params["text"]
    buttons = keyboard(reply)
    assert buttons and all(len(b["callback_data"].encode()) <= 64 for b in buttons)
    # one button a row: long titles stay readable on a phone
    rows = json.loads(reply.params["reply_markup"])["inline_keyboard"]
    assert all(len(row) == 1 for row in rows)


@pytest.mark.e2e
def test_a_message_reaches_rasa_as_the_telegram_chat_and_the_reply_goes_to_the_chat(bot,
                                                                                  salary):
    chat = telegram_chat()
    ask_and_wait(bot, chat, SALARY_QUESTION, salary)  # sent to chat_id=<chat>
    assert bot.wait_for_user_text(f"telegram:{chat}", SALARY_QUESTION) == [SALARY_QUESTION]
    # the bare chat id is another conversation, which REST (rest:<id>) cannot reach either
    assert bot.user_texts(str(chat)) == []


@pytest.mark.e2e
def test_a_message_too_long_is_not_processed_and_gets_a_kind_reply(bot, salary):
    chat = telegram_chat()
    response = post_telegram(bot, telegram_text(chat, "a" * (MAX_MESSAGE_CHARS + 1)))
    assert response.status_code == 200
    bot.stub.wait_for(lambda c: sent_to(chat)(c) and c.params["text"] == TOO_LONG)
    ask_and_wait(bot, chat, SALARY_QUESTION, salary)
    assert bot.wait_for_user_text(f"telegram:{chat}", SALARY_QUESTION) == [SALARY_QUESTION]


@pytest.mark.e2e
def test_start_greets(bot):
    greeting = yaml.safe_load(Path(PROJECT_ROOT / "domain.yml").read_text())[
        "responses"]["utter_greet"][0]
    chat = telegram_chat()
    [reply] = ask_and_wait(bot, chat, "/start", greeting["text"].split(".")[0])
    assert [b["text"] for b in keyboard(reply)] == [b["title"] for b in greeting["buttons"]]


@pytest.mark.e2e
def test_pressing_a_button_answers_it_and_stops_the_spinner(bot, kb):
    chat = telegram_chat()
    # /help is the intent itself (Rasa reads "/intent" as such); its reply has a button whose
    # payload is longer than Telegram's 64 bytes
    assert post_telegram(bot, telegram_text(chat, "/help")).status_code == 200
    [menu] = bot.stub.wait_for(lambda c: sent_to(chat)(c) and keyboard(c))
    germany = next(b for b in keyboard(menu) if b["callback_data"].startswith("~"))
    press = telegram_press(chat, germany["callback_data"], menu.params)
    assert post_telegram(bot, press).status_code == 200
    bot.stub.wait_for(lambda c: sent_to(chat)(c)
                      and band_text(kb, "western_europe") in c.params["text"])
    [stopped] = bot.stub.wait_for(lambda c: c.method == "answerCallbackQuery" and
                                  c.params["callback_query_id"] ==
                                  press["callback_query"]["id"])
    assert stopped.token == TELEGRAM_TOKEN


@pytest.mark.e2e
@pytest.mark.parametrize("update", [
    "edited message", "sticker", "photo", "location", "member joined", "channel post"])
def test_updates_without_new_text_are_not_answered(bot, salary, years, update):
    chat = telegram_chat()
    if update == "edited message":
        edited = telegram_message(chat, text=YEARS_QUESTION, edit_date=1)
        payload = telegram_update(edited_message=edited)
    elif update == "sticker":
        payload = telegram_update(message=telegram_message(chat, sticker={
            "file_id": "CAACAgIAAxkBAAEB", "file_unique_id": "AgADAQAD", "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False,
            "emoji": "👍", "set_name": "HotCherry"}))
    elif update == "photo":
        payload = telegram_update(message=telegram_message(chat, photo=[
            {"file_id": "AgACAgIAAxkBAAEC", "file_unique_id": "AQADAgAT", "width": 90,
             "height": 90, "file_size": 1234}]))
    elif update == "location":
        payload = telegram_update(message=telegram_message(chat, location={
            "latitude": 52.52, "longitude": 13.40}))
    elif update == "member joined":
        payload = telegram_update(message=telegram_message(chat, new_chat_members=[
            {"id": 42, "is_bot": False, "first_name": "Alex"}]))
    else:
        payload = telegram_update(channel_post={
            "message_id": 5, "chat": {"id": chat, "type": "channel", "title": "News"},
            "date": 1, "text": YEARS_QUESTION})
    assert post_telegram(bot, payload).status_code == 200
    ask_and_wait(bot, chat, SALARY_QUESTION, salary)
    replies = bot.stub.matching(sent_to(chat))
    assert len(replies) == 1, [r.params["text"] for r in replies]


@pytest.mark.e2e
def test_a_repeated_delivery_is_answered_once(bot, salary, years):
    chat = telegram_chat()
    update = telegram_text(chat, YEARS_QUESTION)
    assert post_telegram(bot, update).status_code == 200
    assert post_telegram(bot, update).status_code == 200
    ask_and_wait(bot, chat, SALARY_QUESTION, salary)
    assert len(answers_containing(bot, chat, years)) == 1


@pytest.mark.e2e
@pytest.mark.parametrize("secret", [None, "", "wrong-secret", TELEGRAM_SECRET + "x"])
def test_an_update_without_the_secret_token_is_refused(bot, salary, years, secret):
    chat = telegram_chat()
    refused = post_telegram(bot, telegram_text(chat, YEARS_QUESTION), secret=secret)
    assert refused.status_code == 403
    ask_and_wait(bot, chat, SALARY_QUESTION, salary)
    assert answers_containing(bot, chat, years) == []


@pytest.mark.e2e
def test_a_forged_update_does_not_stop_the_genuine_one_with_its_id(bot, years):
    """Only updates with the secret are remembered as seen: a forged update that takes the
    update_id of a genuine one does not make the genuine one look like a repeat."""
    chat = telegram_chat()
    genuine = telegram_text(chat, YEARS_QUESTION)
    forged = {**genuine, "message": {**genuine["message"], "text": "hello"}}
    assert post_telegram(bot, forged, secret="forged-secret").status_code == 403
    assert post_telegram(bot, genuine).status_code == 200
    bot.stub.wait_for(lambda c: sent_to(chat)(c) and years in c.params["text"])


@pytest.mark.e2e
@pytest.mark.parametrize("chat", ["12\x0034", "1" * 129])
def test_an_update_whose_chat_id_cannot_name_a_conversation_is_ignored(bot, salary, chat):
    update = telegram_text(1, YEARS_QUESTION)
    update["message"]["chat"]["id"] = chat
    response = post_telegram(bot, update)
    assert response.status_code == 200  # acknowledged, or Telegram would send it again
    assert f"update {update['update_id']} has a chat id that cannot name" in bot.log_text()
    ask_and_wait(bot, telegram_chat(), SALARY_QUESTION, salary)


@pytest.mark.e2e
@pytest.mark.parametrize("body", ["{not json", "[1, 2]"])
def test_a_body_that_is_not_an_update_gets_400_and_the_bot_goes_on(bot, salary, body):
    response = requests.post(bot.telegram_url, data=body, timeout=15, headers={
        "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    assert response.status_code == 400
    ask_and_wait(bot, telegram_chat(), SALARY_QUESTION, salary)
