"""Slack (channels/slack.py) on the real Rasa server, with the payloads Slack sends; the replies go
to a local stub of Slack's Web API, where they are checked.

"Not answered" is checked without sleeping: after the request that must not be answered, the same
person asks something else, and Rasa handles one person's messages in the order they arrive, so
once that answer is there, an answer to the first would be there too."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
import requests
from rasa.core.run import create_http_input_channels

from channels.credentials import SLACK_CLASS, channels, write
from channels.limits import MAX_MESSAGE_CHARS, TOO_LONG
from channels.recent import RecentKeys
from channels.slack import SlackInput
from knowledge.formatting import amount
from settings import PROJECT_ROOT
from tests.channel_support import (
    SLACK_BOT_USER,
    SLACK_CHANNEL,
    SLACK_TOKEN,
    ApiCall,
    channel_bot,
    post_slack,
    slack_event,
    slack_headers,
    slack_id,
    slack_message,
    slack_ts,
)

SALARY_QUESTION = "what does a team lead make?"
YEARS_QUESTION = "how long until I'm a manager"


# --- the credentials generator ---

def test_slack_is_on_with_its_token_and_signing_secret(tmp_path):
    env = {"SLACK_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_CHANNEL": "C1",
           "SLACK_USE_THREADS": "true", "SLACK_API_URL": "http://127.0.0.1:9/api/"}
    generated = channels(env, PROJECT_ROOT / "credentials.yml")
    assert generated.credentials[SLACK_CLASS] == {
        "slack_token": "xoxb-1", "slack_signing_secret": "s", "slack_channel": "C1",
        "use_threads": True, "api_url": "http://127.0.0.1:9/api/"}
    path = tmp_path / "credentials.yml"
    write(path, generated.credentials)
    [slack] = [c for c in create_http_input_channels(None, str(path))
               if isinstance(c, SlackInput)]
    assert (slack.slack_channel, slack.use_threads, slack.api_url) == (
        "C1", True, "http://127.0.0.1:9/api/")
    out = slack.get_output_channel("D1")
    assert out.client.base_url == "http://127.0.0.1:9/api/"


@pytest.mark.parametrize("env", [{}, {"SLACK_TOKEN": "xoxb-1"},
                                 {"SLACK_SIGNING_SECRET": "s", "SLACK_CHANNEL": "C1"}])
def test_slack_stays_off_and_says_what_is_missing(env):
    generated = channels(env, PROJECT_ROOT / "credentials.yml")
    assert SLACK_CLASS not in generated.credentials
    [note] = [n for n in generated.notes if n.startswith("Slack")]
    missing = [name for name in ("SLACK_TOKEN", "SLACK_SIGNING_SECRET") if name not in env]
    assert "off" in note and all(name in note for name in missing)


def test_the_event_memory_is_bounded():
    recent = RecentKeys(3)
    assert [recent.first_time(("event", i)) for i in range(5)] == [True] * 5
    assert len(recent) == 3
    assert recent.first_time(("event", 0))  # forgotten: the oldest go first
    assert not recent.first_time(("event", 4))
    # one message as two events: different event ids, same (channel, ts)
    assert recent.first_time(("event", "Ev1"), ("message", "C1", "1.0"))
    assert not recent.first_time(("event", "Ev2"), ("message", "C1", "1.0"))


# --- on the real server ---

@pytest.fixture(scope="module")
def bot(request):
    return channel_bot(request)


def posted_to(channel: str):
    return lambda call: call.service == "slack" and call.method == "chat.postMessage" \
        and call.params.get("channel") == channel


def texts(calls: list[ApiCall]) -> str:
    return "\n".join(str(call.params.get("text", "")) for call in calls)


def answers_containing(bot, channel: str, fragment: str) -> list[ApiCall]:
    return bot.stub.matching(lambda c: posted_to(channel)(c)
                             and fragment in str(c.params.get("text", "")))


def ask_and_wait(bot, user: str, channel: str, text: str, fragment: str, **kind) -> list[ApiCall]:
    """Sends a correctly signed message and waits for the reply containing ``fragment``."""
    response = post_slack(bot, slack_event(slack_message(user, channel, text, **kind)))
    assert response.status_code == 200, response.text
    return bot.stub.wait_for(lambda c: posted_to(channel)(c)
                             and fragment in str(c.params.get("text", "")))


@pytest.mark.e2e
def test_a_signed_direct_message_is_answered_through_the_web_api(bot, salary):
    user, channel = slack_id("U"), slack_id("D")
    [reply] = ask_and_wait(bot, user, channel, SALARY_QUESTION, salary)
    assert reply.token == SLACK_TOKEN
    assert "Source" in reply.params["text"]
    # posted as the app's bot: `as_user` is refused for apps made since 2021
    assert "as_user" not in reply.params
    # the reply's button is a Block Kit button carrying the payload
    buttons = [element for block in reply.params["blocks"] if block["type"] == "actions"
               for element in block["elements"]]
    assert buttons and all(b["type"] == "button" and b["value"].startswith("/")
                           for b in buttons)


@pytest.mark.e2e
def test_a_message_reaches_rasa_as_the_slack_member_and_the_reply_goes_to_its_channel(bot,
                                                                                    salary):
    user, channel = slack_id("U"), slack_id("D")
    [reply] = ask_and_wait(bot, user, channel, SALARY_QUESTION, salary)
    assert reply.params["channel"] == channel
    assert bot.wait_for_user_text(f"slack:{user}", SALARY_QUESTION) == [SALARY_QUESTION]
    # the bare member id is another conversation, which REST (rest:<id>) cannot reach either
    assert bot.user_texts(user) == []


@pytest.mark.e2e
def test_a_message_too_long_is_not_processed_and_gets_a_kind_reply(bot, salary):
    user, channel = slack_id("U"), slack_id("D")
    ask_and_wait(bot, user, channel, "a" * (MAX_MESSAGE_CHARS + 1), TOO_LONG)
    ask_and_wait(bot, user, channel, SALARY_QUESTION, salary)
    assert bot.wait_for_user_text(f"slack:{user}", SALARY_QUESTION) == [SALARY_QUESTION]


@pytest.mark.e2e
@pytest.mark.parametrize("user", ["", "U" * 129, "U0BAD\x00ID"])
def test_a_member_id_that_cannot_name_a_conversation_is_ignored(bot, salary, years, user):
    channel = slack_id("D")
    response = post_slack(bot, slack_event(slack_message(user, channel, YEARS_QUESTION)))
    assert response.status_code == 200  # acknowledged, or Slack would send it again
    logged = "member id that cannot name a conversation (%.40r)" % user  # noqa: UP031
    assert logged in bot.log_text()
    ask_and_wait(bot, slack_id("U"), channel, SALARY_QUESTION, salary)
    assert answers_containing(bot, channel, years) == []


@pytest.mark.e2e
def test_a_button_press_is_answered(bot, kb):
    user, channel = slack_id("U"), slack_id("D")
    [reply] = ask_and_wait(bot, user, channel, SALARY_QUESTION,
                           amount(kb.role("team_lead").median_usd, "USD"))
    button = next(element for block in reply.params["blocks"] if block["type"] == "actions"
                  for element in block["elements"])
    payload = {"type": "block_actions", "user": {"id": user, "username": "sam"},
               "api_app_id": "A0COACH", "token": "unused", "trigger_id": "1.2.3",
               "team": {"id": "T0COACH"}, "channel": {"id": channel, "name": "directmessage"},
               "container": {"type": "message", "message_ts": slack_ts(),
                             "channel_id": channel, "is_ephemeral": False},
               "message": {"type": "message", "ts": slack_ts(), "text": reply.params["text"],
                           "bot_id": "B0COACH"},
               "actions": [{"type": "button", "action_id": button.get("action_id", "a1"),
                            "block_id": "b2", "text": button["text"], "value": button["value"],
                            "action_ts": slack_ts()}]}
    body = urlencode({"payload": json.dumps(payload)}).encode()
    response = requests.post(bot.slack_url, data=body, timeout=15, headers=slack_headers(
        body, content_type="application/x-www-form-urlencoded"))
    assert response.status_code == 200
    team_lead = kb.role("team_lead")
    bot.stub.wait_for(lambda c: posted_to(channel)(c) and
                      f"{team_lead.years_low}-{team_lead.years_high} years" in c.params["text"]
                      and "median" not in c.params["text"])


@pytest.mark.e2e
@pytest.mark.parametrize("problem", ["wrong secret", "altered body", "no signature",
                                     "stale timestamp", "future timestamp"])
def test_a_request_not_signed_by_slack_now_is_rejected(bot, salary, years, problem):
    user, channel = slack_id("U"), slack_id("D")
    body = json.dumps(slack_event(slack_message(user, channel, YEARS_QUESTION))).encode()
    headers = slack_headers(body)
    if problem == "wrong secret":
        headers = slack_headers(body, secret="not-the-signing-secret")
    elif problem == "altered body":
        body = body.replace(b"manager", b"director")
    elif problem == "no signature":
        del headers["X-Slack-Signature"]
    elif problem == "stale timestamp":  # a replay: correctly signed, six minutes ago
        headers = slack_headers(body, timestamp=int(time.time()) - 6 * 60)
    else:
        headers = slack_headers(body, timestamp=int(time.time()) + 6 * 60)
    response = requests.post(bot.slack_url, data=body, headers=headers, timeout=15)
    assert response.status_code == 400
    assert "signed" in response.text
    ask_and_wait(bot, user, channel, SALARY_QUESTION, salary)
    assert answers_containing(bot, channel, years) == []


@pytest.mark.parametrize("reason", ["http_error", "http_timeout", "connection_failed",
                                    "unknown_error"])
@pytest.mark.e2e
def test_a_retried_delivery_is_answered_once(bot, salary, years, reason):
    user, channel = slack_id("U"), slack_id("D")
    payload = slack_event(slack_message(user, channel, YEARS_QUESTION))
    assert post_slack(bot, payload).status_code == 200
    bot.stub.wait_for(lambda c: posted_to(channel)(c) and years in c.params["text"])
    for attempt in (1, 2):
        retry = post_slack(bot, payload, **{"X-Slack-Retry-Num": str(attempt),
                                            "X-Slack-Retry-Reason": reason})
        assert retry.status_code == 200
        assert retry.headers.get("X-Slack-No-Retry") == "1"
    ask_and_wait(bot, user, channel, SALARY_QUESTION, salary)
    assert len(answers_containing(bot, channel, years)) == 1


@pytest.mark.e2e
def test_a_retry_of_an_event_never_received_is_answered(bot, years):
    """Slack retries when the bot was down: that first delivery never arrived."""
    user, channel = slack_id("U"), slack_id("D")
    payload = slack_event(slack_message(user, channel, YEARS_QUESTION))
    response = post_slack(bot, payload, **{"X-Slack-Retry-Num": "1",
                                           "X-Slack-Retry-Reason": "http_timeout"})
    assert response.status_code == 200
    bot.stub.wait_for(lambda c: posted_to(channel)(c) and years in c.params["text"])


@pytest.mark.e2e
def test_an_at_mention_delivered_as_two_events_is_answered_once(bot, salary, years):
    """In a channel the bot is in, "@Career Coach ..." arrives as a `message` event and an
    `app_mention` event with the same channel and ts (and different event ids)."""
    user, ts = slack_id("U"), slack_ts()
    text = f"<@{SLACK_BOT_USER}> {YEARS_QUESTION}"
    message = slack_message(user, SLACK_CHANNEL, text, ts, channel_type="channel")
    mention = slack_message(user, SLACK_CHANNEL, text, ts, kind="app_mention")
    assert post_slack(bot, slack_event(message)).status_code == 200
    assert post_slack(bot, slack_event(mention)).status_code == 200
    ask_and_wait(bot, user, SLACK_CHANNEL, f"<@{SLACK_BOT_USER}> {SALARY_QUESTION}", salary,
                 kind="app_mention")
    from_user = [c for c in answers_containing(bot, SLACK_CHANNEL, years)]
    assert len(from_user) == 1, texts(from_user)


@pytest.mark.e2e
def test_an_at_mention_elsewhere_is_answered_in_that_channel(bot, salary):
    user, channel = slack_id("U"), slack_id("C")
    [reply] = ask_and_wait(bot, user, channel, f"<@{SLACK_BOT_USER}> {SALARY_QUESTION}", salary,
                           kind="app_mention")
    assert reply.params["channel"] == channel


@pytest.mark.parametrize("event", [
    {"bot_id": "B0COACH", "subtype": "bot_message"},  # the bot's own reply, echoed back
    {"subtype": "channel_join"},
    {"subtype": "message_changed"},
])
@pytest.mark.e2e
def test_events_that_are_not_a_person_writing_are_not_answered(bot, salary, years, event):
    user, channel = slack_id("U"), slack_id("D")
    payload = slack_event(slack_message(user, channel, YEARS_QUESTION, **event))
    assert post_slack(bot, payload).status_code == 200
    ask_and_wait(bot, user, channel, SALARY_QUESTION, salary)
    assert answers_containing(bot, channel, years) == []


@pytest.mark.e2e
def test_slacks_url_check_gets_the_challenge_back_only_when_signed(bot):
    check = {"token": "unused", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
             "type": "url_verification"}
    answered = post_slack(bot, check)
    assert answered.status_code == 200
    assert answered.text == check["challenge"]
    body = json.dumps(check).encode()
    refused = requests.post(bot.slack_url, data=body, timeout=15,
                            headers=slack_headers(body, secret="wrong"))
    assert refused.status_code == 400
    assert check["challenge"] not in refused.text
