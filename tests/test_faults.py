"""Faults and bad input in the production setup: a Rasa server and two action servers behind
nginx, on PostgreSQL (knowledge base, plans, tracker store) and Redis (lock store).

Action servers killed (the person gets the bot's apology within 2 s, and answers again when they
are back); PostgreSQL dropping every connection, as a restart does (the bot goes on without a
restart of its own: the shared server is not restarted, other tests use it); a message over the
size limit (refused at the edge and by Rasa with a clear 413); "forget me" and the admin command
(the plan and the stored conversation are deleted); and what the load balancer lets through.

Needs PostgreSQL, Redis and nginx (scale_support.py; skipped with the reason when one is
missing, except on CI) and a trained model.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid

import pytest
import requests

from channels.limits import MAX_BODY_BYTES
from knowledge.formatting import amount
from ops import endpoints as ops_endpoints
from ops import nginx as ops_nginx
from plans.store import PlanStore
from settings import PROJECT_ROOT
from tests.scale_support import (
    Deployment,
    deployment,
    post,
    terminate_connections,
    unavailable,
)

APOLOGY = "something went wrong on my side"


def servers(test):
    """The tests that start the servers (the configuration tests at the end start nothing)."""
    return pytest.mark.e2e(pytest.mark.scale(test))


@pytest.fixture(scope="module")
def bot(built, tmp_path_factory):
    with deployment(tmp_path_factory.mktemp("faults"), built[1], rasa_count=1,
                    actions_count=2) as setup:
        yield setup


def person(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}"


def usd(value: float) -> str:
    return amount(value, "USD")


def build_plan(bot: Deployment, me: str) -> str:
    for message, expected in (("help me plan my move into HR", "role"),
                              ("I'm a team lead", "How long"), ("about 4 years", "good at"),
                              ("I'm patient and good at conflict resolution", "matters most"),
                              ("pay and working from home", "where do you work")):
        assert expected in bot.ask(me, message), message
    reply = bot.ask(me, "Germany")
    assert "Step 1 of" in reply
    return reply


# --- action servers killed -------------------------------------------------------------------


@servers
def test_action_servers_killed_get_a_kind_reply_within_2s_and_the_bot_recovers(bot, kb):
    team_lead = usd(kb.role("team_lead").median_usd)
    me = person("actions-down")
    bot.actions[0][0].kill()
    # one left: nobody notices
    for _ in range(3):
        assert team_lead in bot.ask(me, "what does a team lead make?")
    bot.actions[1][0].kill()
    for question in ("what does a team lead make?", "what's the career path in customer service"):
        reply = post(bot.webhook, me, question)
        assert reply.status == 200 and APOLOGY in reply.text, reply
        assert reply.seconds < 2.0, f"the apology took {reply.seconds:.2f} s"
    for index in range(len(bot.actions)):
        bot.restart_actions(index)
    deadline = time.monotonic() + 30
    while team_lead not in (reply := bot.ask(me, "what does a team lead make?")):
        assert time.monotonic() < deadline, f"still failing once the servers are back: {reply}"
        time.sleep(1)
    assert usd(kb.role("manager").median_usd) in bot.ask(me, "and a manager?")


# --- PostgreSQL drops its connections ------------------------------------------------------------


@servers
def test_the_bot_recovers_when_postgresql_drops_every_connection(bot, kb):
    """What a PostgreSQL restart does to the servers: every connection they hold ends. The
    next turns still read the conversation (context) and the plan, without restarting
    anything."""
    me = person("pg-restart")
    build_plan(bot, me)
    assert usd(kb.role("team_lead").median_usd) in bot.ask(me, "what does a team lead make?")
    assert terminate_connections(bot.database_url) > 0
    # the tracker store's connection was dead: the context must still be there
    assert usd(kb.role("manager").median_usd) in bot.ask(me, "and a manager?")
    assert "Step 2 of" in bot.ask(me, "next")
    assert terminate_connections(bot.database_url) > 0
    assert "Step 2 of" in bot.ask(me, "where was I?")
    saved = PlanStore(bot.database_url).load(f"rest:{me}")
    assert saved is not None and saved.position.number == 2
    rasa_log = bot.rasa[0][0].log.read_text(errors="replace")
    assert "Falling back to use the 'InMemoryTrackerStore'" not in rasa_log


# --- the size limit ------------------------------------------------------------------------------


@servers
def test_a_message_over_the_size_limit_is_refused_at_the_edge_and_by_rasa(bot):
    me = person("big")
    oversized = {"sender": me, "message": "a" * (MAX_BODY_BYTES + 1000)}
    for url in (bot.webhook, bot.replica_webhook(0)):  # nginx, then Rasa without nginx
        response = requests.post(url, json=oversized, timeout=30)
        assert response.status_code == 413, (url, response.status_code, response.text[:200])
        assert response.headers["Content-Type"].startswith("application/json")
        assert "larger than 128 KiB" in response.json()["error"]
    assert bot.events(f"rest:{me}") == []  # nothing reached the conversation
    # a long message within the limit is answered
    reply = post(bot.webhook, me, "I want to know about pay " + "really " * 2800)
    assert reply.status == 200 and reply.text.strip(), reply


# --- forgetting ---------------------------------------------------------------------------------


@servers
def test_forget_me_deletes_the_plan_and_the_conversation(bot):
    me, other = person("forget-me"), person("kept")
    build_plan(bot, me)
    build_plan(bot, other)
    assert "can't be undone" in bot.ask(me, "forget me")
    assert "deleted" in bot.ask(me, "yes")
    assert PlanStore(bot.database_url).load(f"rest:{me}") is None
    assert bot.events(f"rest:{me}") == []  # the whole conversation, this turn included
    # the next message starts a new conversation, which knows nothing of the old one
    assert "don't have a plan" in bot.ask(me, "where was I?")
    events = bot.events(f"rest:{me}")
    assert [e["event"] for e in events[:3]] == ["action", "session_started", "action"]
    assert [e["text"] for e in events if e["event"] == "user"] == ["where was I?"]
    # nobody else's data
    assert PlanStore(bot.database_url).load(f"rest:{other}") is not None
    assert "Step 1 of" in bot.ask(other, "where was I?")


@servers
def test_the_admin_command_deletes_a_persons_data_by_sender_id(bot):
    me, other = person("admin-forget"), person("kept")
    build_plan(bot, me)
    build_plan(bot, other)
    stored = len(bot.events(f"rest:{me}"))
    result = subprocess.run([sys.executable, "-m", "ops.forget", f"rest:{me}"],
                            cwd=PROJECT_ROOT,
                            env={**bot.env, "DATABASE_URL": bot.database_url},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"rest:{me}: deleted its plan; deleted the conversation ({stored} events)" \
        in result.stdout
    assert PlanStore(bot.database_url).load(f"rest:{me}") is None
    assert bot.events(f"rest:{me}") == []
    assert PlanStore(bot.database_url).load(f"rest:{other}") is not None
    assert bot.events(f"rest:{other}")
    assert "don't have a plan" in bot.ask(me, "where was I?")
    again = subprocess.run([sys.executable, "-m", "ops.forget", person("nobody")],
                           cwd=PROJECT_ROOT, env=bot.env, capture_output=True, text=True,
                           timeout=60)
    assert again.returncode == 0 and "no plan was saved; no conversation was stored" \
        in again.stdout


# --- what is exposed ------------------------------------------------------------------------------


@servers
@pytest.mark.parametrize("method, path", [
    ("GET", "/"), ("GET", "/status"), ("GET", "/version"), ("PUT", "/model"),
    ("DELETE", "/model"), ("POST", "/model/train"), ("GET", "/conversations/x/tracker"),
    ("POST", "/conversations/x/messages"), ("POST", "/webhook"), ("GET", "/health"),
])
def test_the_load_balancer_passes_on_the_channels_only(bot, method, path):
    response = requests.request(method, f"{bot.nginx.url}{path}", timeout=10)
    assert response.status_code == 404, (path, response.status_code, response.text[:200])
    if path.startswith(("/status", "/model", "/conversations")):
        # and Rasa itself, started without --enable-api, has no HTTP API either
        direct = requests.request(method, f"{bot.rasa[0][1]}{path}", timeout=10)
        assert direct.status_code in (404, 405), (path, direct.status_code)


@servers
def test_the_channels_pass_through_the_load_balancer(bot):
    assert requests.get(f"{bot.nginx.url}/webhooks/rest/", timeout=10).json() == {
        "status": "ok"}
    response = requests.post(bot.webhook, json={"message": "hi"}, timeout=10)
    assert response.status_code == 400 and "sender" in response.json()["error"]


# --- configuration (no servers) -----------------------------------------------------------------


def test_deploy_nginx_conf_is_what_ops_nginx_writes():
    written = subprocess.run([sys.executable, "-m", "ops.nginx", "--deploy"], cwd=PROJECT_ROOT,
                             capture_output=True, text=True, check=True).stdout
    assert (PROJECT_ROOT / "deploy" / "nginx.conf").read_text() == written, \
        "deploy/nginx.conf is out of date: python -m ops.nginx --deploy > deploy/nginx.conf"
    for upstream in (*ops_nginx.DEPLOY_RASA, *ops_nginx.DEPLOY_ACTIONS):
        assert f"server {upstream}" in written


def test_deploy_nginx_conf_is_accepted_by_nginx(tmp_path):
    """nginx -t on deploy/nginx.conf, with the containers' names as local addresses and without
    what Debian's nginx 1.22 lacks (re-resolving names, nginx 1.27.3; the image has it)."""
    nginx = os.environ.get("NGINX", "/usr/sbin/nginx")
    if not os.access(nginx, os.X_OK):
        unavailable(f"nginx not found at {nginx} (`make nginx` installs Debian's package)")
    config = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    for number, name in enumerate((*ops_nginx.DEPLOY_RASA, *ops_nginx.DEPLOY_ACTIONS,
                                   ops_nginx.DEPLOY_PAGE)):
        config = config.replace(f"server {name}", f"server 127.0.0.1:{20000 + number}")
    config = re.sub(r"\n\s*(resolver|zone) [^;]*;", "", config.replace(" resolve;", ";"))
    config = config.replace("listen 80;", "listen 127.0.0.1:18080;").replace(
        "listen 5055;", "listen 127.0.0.1:18081;")
    (tmp_path / "nginx.conf").write_text(config)
    check = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                            "-e", str(tmp_path / "error.log"), "-g", f"pid {tmp_path}/pid;"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_endpoints_come_from_the_environment():
    default = ops_endpoints.endpoints({})
    # the domain goes only to the actions that ask for it
    assert default["action_endpoint"] == {"url": "http://127.0.0.1:5055/webhook",
                                          "enable_selective_domain": True}
    assert default["tracker_store"] == {"type": "rasa_ext.tracker_store.InMemoryTrackerStore"}
    assert "lock_store" not in default
    production = ops_endpoints.endpoints({
        "TRACKER_STORE_URL": "postgresql://coach:s%40cret@db.internal:5433/careercoach"
                             "?sslmode=require",
        "REDIS_URL": "rediss://:pw@redis.internal:6380/2", "REDIS_KEY_PREFIX": "coach",
        "ACTIONS_URL": "http://lb:5055/webhook"})
    assert production == {
        "action_endpoint": {"url": "http://lb:5055/webhook", "enable_selective_domain": True},
        "tracker_store": {"type": "rasa_ext.tracker_store.SQLTrackerStore", "dialect": "postgresql",
                          "url": "db.internal", "port": 5433, "db": "careercoach",
                          "username": "coach", "password": "s@cret",
                          "query": {"sslmode": "require"}},
        "lock_store": {"type": "rasa_ext.lock_store.RedisLockStore", "url": "redis.internal",
                       "port": 6380, "db": 2, "password": "pw", "use_ssl": True,
                       "key_prefix": "coach"}}
    for bad in ({"TRACKER_STORE_URL": "mysql://x/y"}, {"REDIS_URL": "http://redis"},
                {"REDIS_URL": "redis://r/x"}, {"REDIS_URL": "redis://r", "REDIS_KEY_PREFIX": "a-b"},
                {"ACTIONS_URL": "actions:5055"}):
        with pytest.raises(ops_endpoints.ConfigError):
            ops_endpoints.endpoints(bad)


def test_run_sh_enables_rasas_http_api_only_with_a_token():
    """scripts/run.sh's command lines (--dry-run starts nothing): the action server on
    localhost, Rasa's HTTP API off, and on only with a token."""
    def command_lines(**env: str) -> list[str]:
        base = {k: v for k, v in os.environ.items()
                if k not in ("RASA_API_TOKEN", "ACTIONS_HOST", "RASA_HOST")}
        result = subprocess.run(["bash", str(PROJECT_ROOT / "scripts" / "run.sh"), "--dry-run"],
                                cwd=PROJECT_ROOT, env={**base, "VENV": ".venv", **env},
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()

    actions, rasa, _ = command_lines()
    assert "SANIC_HOST=127.0.0.1 " in actions and "--interface 127.0.0.1 " in rasa
    assert "--enable-api" not in rasa and "--auth-token" not in rasa
    _, rasa, _ = command_lines(RASA_API_TOKEN="t0ken")
    assert rasa.endswith("--enable-api --auth-token=t0ken")
    # a token that starts with "-" is still the token, not an option
    _, rasa, _ = command_lines(RASA_API_TOKEN="-dash")
    assert rasa.endswith("--auth-token=-dash")
