"""Slack and Telegram answer each delivery once across replicas when they share Redis
(channels/recent.py): two channel instances stand for two Rasa servers. Needs the Redis server of
TEST_REDIS_URL (redis://127.0.0.1:6379/0; skipped when unreachable, except on CI). And a Redis
that cannot be reached leaves each process to decide alone, quickly."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from channels.credentials import SLACK_CLASS, TELEGRAM_CLASS, channels
from channels.recent import DELIVERY_TTL, Deliveries
from channels.slack import SlackInput
from channels.telegram import TelegramInput
from settings import PROJECT_ROOT
from tests.channel_support import (
    SLACK_CHANNEL,
    SLACK_SIGNING_SECRET,
    SLACK_TOKEN,
    TELEGRAM_BOT_NAME,
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    TELEGRAM_WEBHOOK_URL,
    ApiStub,
    RasaStandIn,
    fake_request,
    free_port,
    slack_event,
    slack_id,
    slack_message,
    slack_ts,
    telegram_chat,
    telegram_text,
)
from tests.scale_support import REDIS, redis_prefix


@pytest.fixture(scope="module")
def stub() -> Iterator[ApiStub]:
    api = ApiStub()
    yield api
    api.close()


@pytest.fixture
def prefix() -> Iterator[str]:
    """A key prefix of this test's own on the Redis server; its keys are deleted afterwards."""
    with redis_prefix(REDIS) as name:
        yield name


def dead_redis() -> str:
    """A Redis URL where nothing listens."""
    return f"redis://127.0.0.1:{free_port()}/0"


# --- Slack ---

def slack_replica(stub: ApiStub, redis_url: str | None, prefix: str = "") -> SlackInput:
    return SlackInput(SLACK_TOKEN, SLACK_CHANNEL, slack_signing_secret=SLACK_SIGNING_SECRET,
                      api_url=f"{stub.url}/slack/api/", redis_url=redis_url,
                      redis_key_prefix=prefix)


async def slack_deliver(replica: SlackInput, rasa: RasaStandIn, payload: dict[str, Any],
                        **headers: str) -> Any:
    """What Rasa's Slack webhook does with a signed event, then the work it started."""
    event = payload["event"]
    request = fake_request({"content-type": "application/json", **headers}, json_body=payload)
    metadata = {"out_channel": event["channel"], "thread_id": event["ts"], "users": []}
    answer = await replica.process_message(request, rasa, event["text"], event["user"],
                                           metadata)
    await asyncio.gather(*replica._background_tasks)
    return answer


async def run_then_close(replicas: list[Any], deliver: Any) -> None:
    """Runs ``deliver``, then closes the replicas' Redis connections (in the same loop)."""
    try:
        await deliver()
    finally:
        for replica in replicas:
            await replica.deliveries.close()


def test_a_slack_retry_reaching_another_replica_is_not_answered_again(stub, prefix):
    rasa = RasaStandIn()
    first, second = slack_replica(stub, REDIS, prefix), slack_replica(stub, REDIS, prefix)
    payload = slack_event(slack_message(slack_id("U"), slack_id("D"), "hello"))

    async def deliver() -> None:
        await slack_deliver(first, rasa, payload)
        retried = await slack_deliver(second, rasa, payload, **{
            "x-slack-retry-num": "1", "x-slack-retry-reason": "http_error"})
        assert retried.headers.get("X-Slack-No-Retry") == "1"

    asyncio.run(run_then_close([first, second], deliver))
    assert [m.text for m in rasa.messages] == ["hello"]


def test_slacks_message_and_app_mention_on_two_replicas_are_answered_once(stub, prefix):
    rasa = RasaStandIn()
    first, second = slack_replica(stub, REDIS, prefix), slack_replica(stub, REDIS, prefix)
    user, ts = slack_id("U"), slack_ts()
    message = slack_message(user, SLACK_CHANNEL, "hello", ts, channel_type="channel")
    mention = slack_message(user, SLACK_CHANNEL, "hello", ts, kind="app_mention")

    async def deliver() -> None:
        # at the same moment, as Slack sends them
        await asyncio.gather(slack_deliver(first, rasa, slack_event(message)),
                             slack_deliver(second, rasa, slack_event(mention)))

    asyncio.run(run_then_close([first, second], deliver))
    assert [m.text for m in rasa.messages] == ["hello"]
    # under this bot's prefix, for a day
    client = redis.Redis.from_url(REDIS)
    keys = list(client.scan_iter(f"{prefix}:delivery:slack:*"))
    assert len(keys) == 3  # two event ids, one (channel, ts)
    assert all(0 < client.ttl(key) <= DELIVERY_TTL for key in keys)
    client.close()


def test_without_redis_each_replica_decides_alone(stub):
    """Why Redis is needed: without it each process knows only what it saw."""
    rasa = RasaStandIn()
    first, second = slack_replica(stub, None), slack_replica(stub, None)
    payload = slack_event(slack_message(slack_id("U"), slack_id("D"), "hello"))

    async def deliver() -> None:
        for replica in (first, first, second):
            await slack_deliver(replica, rasa, payload)

    asyncio.run(run_then_close([first, second], deliver))
    assert [m.text for m in rasa.messages] == ["hello", "hello"]
    assert not first.deliveries.shared


# --- Telegram ---

def telegram_replica(stub: ApiStub, redis_url: str | None, prefix: str = "") -> TelegramInput:
    return TelegramInput(TELEGRAM_TOKEN, TELEGRAM_BOT_NAME, TELEGRAM_WEBHOOK_URL,
                         secret_token=TELEGRAM_SECRET, api_url=f"{stub.url}/telegram",
                         redis_url=redis_url, redis_key_prefix=prefix)


def test_a_telegram_update_repeated_to_another_replica_is_answered_once(stub, prefix):
    rasa = RasaStandIn()
    replicas = [telegram_replica(stub, REDIS, prefix) for _ in range(2)]
    update = telegram_text(telegram_chat(), "hello")
    request = fake_request({"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
                           body=json.dumps(update).encode())

    async def deliver() -> None:
        try:
            statuses = [(await replica.handle_update(request, rasa)).status
                        for replica in replicas + replicas]
        finally:
            for replica in replicas:
                await replica.get_output_channel().close_session()
        assert statuses == [200] * 4

    asyncio.run(run_then_close(replicas, deliver))
    assert [m.text for m in rasa.messages] == ["hello"]


# --- Redis out of reach ---

def test_an_unreachable_redis_leaves_the_process_to_decide_quickly(caplog):
    deliveries = Deliveries("slack", dead_redis())

    async def check() -> list[tuple[bool, float]]:
        results = []
        try:
            for key in ("a", "a", "b"):
                started = time.monotonic()
                results.append((await deliveries.first_time(key),
                                time.monotonic() - started))
        finally:
            await deliveries.close()
        return results

    with caplog.at_level(logging.WARNING, logger="channels.recent"):
        results = asyncio.run(check())
    assert [first for first, _ in results] == [True, False, True]
    assert all(took < 1.0 for _, took in results), results
    assert "Redis cannot tell" in caplog.text
    assert deliveries.shared


def test_a_slack_replica_with_redis_unreachable_still_answers_once(stub, caplog):
    rasa = RasaStandIn()
    replica = slack_replica(stub, dead_redis())
    payload = slack_event(slack_message(slack_id("U"), slack_id("D"), "hello"))

    async def deliver() -> None:
        await slack_deliver(replica, rasa, payload)
        await slack_deliver(replica, rasa, payload, **{"x-slack-retry-num": "1"})

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="channels.recent"):
        asyncio.run(run_then_close([replica], deliver))
    assert time.monotonic() - started < 2.0
    assert [m.text for m in rasa.messages] == ["hello"]
    assert "Redis cannot tell" in caplog.text


# --- the credentials generator ---

def test_redis_url_is_given_to_slack_and_telegram():
    env = {"SLACK_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
           "TELEGRAM_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_VERIFY": "bot",
           "TELEGRAM_WEBHOOK_URL": TELEGRAM_WEBHOOK_URL, "TELEGRAM_SECRET_TOKEN": "t",
           "REDIS_URL": "redis://redis:6379/1", "REDIS_KEY_PREFIX": "coach"}
    credentials = channels(env, PROJECT_ROOT / "credentials.yml").credentials
    for key in (SLACK_CLASS, TELEGRAM_CLASS):
        assert credentials[key]["redis_url"] == "redis://redis:6379/1"
        assert credentials[key]["redis_key_prefix"] == "coach"
    slack = SlackInput.from_credentials(credentials[SLACK_CLASS])
    assert isinstance(slack, SlackInput) and slack.deliveries.shared
    assert slack.deliveries.prefix == "coach:delivery:slack:"
    without = channels({k: v for k, v in env.items() if not k.startswith("REDIS")},
                       PROJECT_ROOT / "credentials.yml").credentials
    assert "redis_url" not in without[SLACK_CLASS] and "redis_url" not in without[TELEGRAM_CLASS]
