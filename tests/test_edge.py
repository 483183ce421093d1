"""The edge as deploy/ runs it: nginx (ops/nginx.py) in front of the servers, and the database's
users (deploy/postgres/roles.sh, deploy/docker-compose.yml).

- The internal hop to the action servers carries the whole conversation: after 120 turns and a
  message of the longest length, every kind of custom action still works (real servers behind
  the real nginx, on PostgreSQL and Redis, each with its own database user).
- Rate limits: a burst from one address gets 429 with a JSON reason, a normal pace passes;
  one socket.io session has a bound of its own; Slack's and Telegram's webhooks a larger one.
- A plan download's token is in neither nginx's access log nor its error log.
- Each service's database user may do what the service needs and nothing more; the compose file
  gives each service its own, and Redis a password.

The nginx tests put small stand-in servers behind nginx (``Stub``), so they need nginx only; the
compose file's tests read files only; the first test needs PostgreSQL (and psql), Redis, nginx
and a trained model, the database users' test PostgreSQL and psql (tests/scale_support.py;
skipped with the reason when one is missing, except on CI).
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

from channels.limits import MAX_BODY_BYTES, MAX_MESSAGE_CHARS
from channels.senders import namespaced
from knowledge.build import build
from knowledge.formatting import amount
from knowledge.repository import CareerKnowledge
from ops.nginx import (
    PER_ADDRESS,
    PER_PLATFORM_ADDRESS,
    PER_SESSION,
    PLAN_PATH_LOGGED,
    TOO_MANY,
)
from plans.store import PlanStore
from plans.store import metadata as plan_metadata
from settings import PROJECT_ROOT
from tests.scale_support import (
    SERVICES,
    Deployment,
    Nginx,
    client_address,
    deployment,
    post,
    service_users,
    session_from,
)
from tests.servers import free_port

APOLOGY = "something went wrong on my side"
DEPLOY = PROJECT_ROOT / "deploy"


def servers(test):
    """The tests that start the Rasa and action servers."""
    return pytest.mark.e2e(pytest.mark.scale(test))


def person(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}"


def usd(value: float) -> str:
    return amount(value, "USD")


# --- stand-in servers behind nginx ------------------------------------------------------------


class Stub:
    """A stand-in for the Rasa servers, the action servers and the page server where only nginx
    is tested: it reads each request whole and answers 200 with an empty JSON list, and keeps
    the paths it was asked for."""

    def __init__(self) -> None:
        paths: list[str] = []
        self.paths = paths

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                paths.append(self.path)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"[]")

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def stub() -> Iterator[Stub]:
    server = Stub()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def edge(stub, tmp_path_factory) -> Iterator[Nginx]:
    """nginx with the stand-in as every server, the page server included."""
    nginx = Nginx(tmp_path_factory.mktemp("edge") / "nginx", [stub.address], [stub.address],
                  page=stub.address)
    yield nginx
    nginx.stop()


def send_until_refused(request: Callable[[], requests.Response], most: int
                       ) -> tuple[int, requests.Response | None]:
    """Sends until a request is refused (429), ``most`` at most: how many passed first, and
    the refusal (None when none came)."""
    for passed in range(most):
        response = request()
        if response.status_code == 429:
            return passed, response
        assert response.status_code == 200, (response.status_code, response.text[:200])
    return most, None


def assert_refusal(response: requests.Response | None) -> None:
    assert response is not None, "nothing was refused"
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {"error": TOO_MANY}
    assert response.headers["Retry-After"] == "1"


# --- the internal hop: the whole conversation ----------------------------------------------------


@pytest.fixture(scope="module")
def bot(built, tmp_path_factory) -> Iterator[Deployment]:
    """One Rasa server and one action server behind nginx, on PostgreSQL and Redis."""
    with deployment(tmp_path_factory.mktemp("edge-bot"), built[1], rasa_count=1,
                    actions_count=1) as setup:
        yield setup


LONG_CONVERSATION = 120


def longest_message() -> str:
    """A message of the most characters a channel takes, Japanese (no spaces: one token, cheap
    to read) that JSON writes as \\uXXXX, six bytes a character: the largest conversation one
    message can make, sent within the public limit."""
    sentence = "転職したいです。"
    return (sentence * (MAX_MESSAGE_CHARS // len(sentence) + 1))[:MAX_MESSAGE_CHARS]


@servers
def test_after_120_turns_and_the_longest_message_every_custom_action_still_works(bot, kb):
    """Rasa sends the whole conversation with every custom action call; nginx's public 128 KiB
    on that hop made every action fail from turn 33 of these on (ACTIONS_MAX_BODY)."""
    manager = kb.role("manager")
    turns = [("what does a team lead make?", usd(kb.role("team_lead").median_usd)),
             ("and a manager?", usd(manager.median_usd)),
             ("how long until I'm a manager", f"{manager.years_low}-{manager.years_high} years"),
             ("what is AHT", kb.fact("metrics", "average_handle_time").text)]
    me = person("long")
    for number in range(LONG_CONVERSATION):
        message, expected = turns[number % len(turns)]
        reply = post(bot.webhook, me, message)
        assert reply.status == 200 and expected in reply.text, \
            f"turn {number + 1} ({message!r}): {reply.status} {reply.text or reply.error}"

    longest = longest_message()
    assert len(longest) == MAX_MESSAGE_CHARS
    assert len(json.dumps({"sender": me, "message": longest})) < MAX_BODY_BYTES
    reply = post(bot.webhook, me, longest)
    assert reply.status == 200 and reply.text and APOLOGY not in reply.text, reply

    # every kind of custom action: a question answered from the knowledge base, the plan's form
    # and the plan built and saved, and forgetting
    assert usd(kb.role("team_lead").median_usd) in bot.ask(me, "what does a team lead make?")
    for message, expected in (("help me plan my move into HR", "role"),
                              ("I'm a team lead", "How long"), ("about 4 years", "good at"),
                              ("I'm patient and good at conflict resolution", "matters most"),
                              ("pay and working from home", "where do you work"),
                              ("Germany", "Step 1 of")):
        assert expected in bot.ask(me, message), message
    forgotten = namespaced("rest", me)
    assert len(bot.events(forgotten)) > LONG_CONVERSATION  # all of it was stored
    assert "can't be undone" in bot.ask(me, "forget me")
    assert "deleted" in bot.ask(me, "yes")
    assert PlanStore(bot.database_url).load(forgotten) is None and bot.events(forgotten) == []

    # the calls did carry more than the public limit, and every one was answered
    assert bot.nginx is not None
    calls = bot.nginx.requests("/webhook")
    assert max(call.size for call in calls) > MAX_BODY_BYTES
    assert {call.status for call in calls} == {200}


def test_the_internal_hop_takes_a_large_body_and_the_public_one_refuses_it(edge, stub):
    """The two limits in nginx alone: a conversation of 2 MB reaches the action server (through
    a temporary file), the same body on the public port gets 413."""
    body = json.dumps({"tracker": {"events": ["x" * 1000] * 2000}})
    inside = requests.post(f"http://127.0.0.1:{edge.actions_port}/webhook", data=body,
                           headers={"Content-Type": "application/json"}, timeout=30)
    assert inside.status_code == 200, inside.text[:200]
    assert stub.paths[-1] == "/webhook"
    outside = requests.post(f"{edge.url}/webhooks/rest/webhook", data=body, timeout=30)
    assert outside.status_code == 413


# --- rate limits --------------------------------------------------------------------------------


def test_a_burst_from_one_address_gets_429_with_a_reason_and_a_normal_pace_passes(edge):
    url = f"{edge.url}/webhooks/rest/webhook"
    message = {"sender": "burst", "message": "hi"}
    with session_from(client_address(200)) as flooder:
        passed, refused = send_until_refused(
            lambda: flooder.post(url, json=message, timeout=10), most=3 * PER_ADDRESS.burst)
        assert passed >= PER_ADDRESS.burst
        assert_refusal(refused)
        # at half the rate, right after the burst, every request passes
        rate = int(PER_ADDRESS.rate.removesuffix("r/s"))
        for _ in range(10):
            time.sleep(2 / rate)
            assert flooder.post(url, json=message, timeout=10).status_code == 200
    # another address was never limited
    with session_from(client_address(201)) as other:
        assert other.post(url, json=message, timeout=10).status_code == 200


def test_the_platforms_webhooks_have_a_larger_bound_per_address(edge):
    """Every user of Slack or Telegram arrives from the platform's few addresses."""
    url = f"{edge.url}/webhooks/telegram/webhook"
    with session_from(client_address(202)) as platform:
        statuses = [platform.post(url, json={}, timeout=10).status_code
                    for _ in range(PER_PLATFORM_ADDRESS.burst)]
    assert PER_PLATFORM_ADDRESS.burst > PER_ADDRESS.burst
    assert set(statuses) == {200}


def test_one_socketio_session_has_a_bound_of_its_own(edge):
    url = f"{edge.url}/socket.io/"
    with session_from(client_address(203)) as browser:
        def poll(sid: str) -> requests.Response:
            return browser.get(url, params={"EIO": "4", "transport": "polling", "sid": sid},
                               timeout=10)

        passed, refused = send_until_refused(lambda: poll("flooding"),
                                             most=3 * PER_SESSION.burst)
        # refused by the session's bound, long before the address's
        assert PER_SESSION.burst <= passed < PER_ADDRESS.burst
        assert_refusal(refused)
        assert poll("another").status_code == 200


# --- the logs ------------------------------------------------------------------------------------


TOKEN = "sEcReTtOkEn_0123456789abcdefGHIJ"


def get(nginx: Nginx, path: str) -> int:
    """GET the path exactly as written (requests would tidy "%70" into "p"); the status."""
    connection = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_a_plan_downloads_token_is_not_in_the_access_log(edge, stub):
    # the path as the bot gives it, and spelt otherwise (nginx resolves both to it)
    spellings = (f"/plan/{TOKEN}.md", f"//plan/{TOKEN}.md", f"/%70lan/{TOKEN}.md")
    for path in (*spellings, "/index.html"):
        assert get(edge, path) == 200, path
    assert sum(TOKEN in path for path in stub.paths) == len(spellings)  # all passed on
    log = edge.log()
    assert TOKEN not in log
    assert log.count(f'"GET {PLAN_PATH_LOGGED} HTTP/1.1"') == len(spellings)
    assert '"GET /index.html HTTP/1.1"' in log  # other paths are logged as they are


def test_a_plan_downloads_token_is_not_in_the_error_log_when_the_page_server_fails(stub,
                                                                                  tmp_path):
    nginx = Nginx(tmp_path / "nginx", [stub.address], [stub.address],
                  page=f"127.0.0.1:{free_port()}")  # nothing listens there
    try:
        assert get(nginx, f"/plan/{TOKEN}.md") == 503
        assert get(nginx, "/index.html") == 503
        errors = nginx.log("error.log")
        assert TOKEN not in errors and TOKEN not in nginx.log()
        assert '"GET /index.html HTTP/1.1"' in errors  # the page's other failures are logged
    finally:
        nginx.stop()


# --- the database's users -------------------------------------------------------------------------


PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def privileges(engine: Engine, user: str, table: str) -> set[str]:
    with engine.connect() as conn:
        return {p for p in PRIVILEGES if conn.execute(
            text("SELECT has_table_privilege(:user, :table, :privilege)"),
            {"user": user, "table": table, "privilege": p}).scalar()}


def refused(url: str, statement: str) -> bool:
    """Whether the statement fails for lack of privilege (or ownership)."""
    engine = create_engine(url, future=True)
    try:
        with engine.begin() as conn:
            conn.execute(text(statement))
    except DBAPIError as err:
        if "permission denied" in str(err.orig) or "must be owner" in str(err.orig):
            return True
        raise
    finally:
        engine.dispose()
    return False


def make_tables(users: dict[str, str]) -> None:
    """Each service's tables, made as the service makes them: the knowledge base built twice (a
    build drops its tables and makes them again), Rasa's tracker store opened, the plan
    store's tables made."""
    for _ in range(2):
        build(users["kb"], write_nlp=False, log=lambda *_: None)
    from rasa_ext.tracker_store import SQLTrackerStore

    rasa = make_url(users["rasa"])
    tracker_store = SQLTrackerStore(dialect="postgresql", host=rasa.host, port=rasa.port,
                                    db=rasa.database, username=rasa.username,
                                    password=rasa.password)
    tracker_store.engine.dispose()
    store = PlanStore(users["actions"])
    store.create_all()
    store.dispose()
    if "plan_links" not in plan_metadata.tables:  # until plans/store.py makes it
        engine = create_engine(users["actions"], future=True)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS plan_links "
                              "(token_hash VARCHAR(64) PRIMARY KEY)"))
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["new", "older"])
def test_each_services_database_user_may_do_what_it_needs_and_nothing_more(pg_url, database):
    """deploy/postgres/roles.sh on a new database, where the services then make their tables,
    and on an older one, whose tables the administrator made (every service was the
    administrator before), where it hands each table to its service."""
    if database == "older":
        make_tables(dict.fromkeys(SERVICES, pg_url))
    with service_users(pg_url) as users:
        make_tables(users)
        assert_privileges(pg_url, users)


def assert_privileges(database_url: str, users: dict[str, str]) -> None:
    """Each service owns the tables it makes and may use the others it needs, nothing more."""
    names = {service: make_url(url).username or "" for service, url in users.items()}
    admin = create_engine(database_url, future=True)
    try:
        with admin.connect() as conn:
            tables = dict(conn.execute(text(
                "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public'")
            ).all())
        kb_tables = sorted(t for t in tables if t.startswith("kb_"))
        plan_tables = sorted(t for t in tables if t.startswith("plan_"))
        assert kb_tables and "plan_plans" in plan_tables and "plan_links" in plan_tables
        assert set(tables) == {*kb_tables, *plan_tables, "events"}
        assert {tables[t] for t in kb_tables} == {names["kb"]}
        assert tables["events"] == names["rasa"]
        assert {tables[t] for t in plan_tables} == {names["actions"]}

        everything = set(PRIVILEGES)
        expected = {
            "kb": {"kb_": everything, "events": set(), "plan_": set()},
            "rasa": {"kb_": set(), "events": everything, "plan_": set()},
            # DELETE for "forget me"; SELECT on the sender_id column only, not the table
            "actions": {"kb_": {"SELECT"}, "events": {"DELETE"}, "plan_": everything},
            "web": {"kb_": set(), "events": set(), "plan_": {"SELECT"}},
        }
        for service, kinds in expected.items():
            for table in tables:
                kind = "events" if table == "events" else table[:table.index("_") + 1]
                wanted = kinds[kind] | ({"DELETE"} if service == "web"
                                        and table == "plan_links" else set())
                assert privileges(admin, names[service], table) == wanted, (service, table)
    finally:
        admin.dispose()

    # what it means, as the services' own connections
    assert CareerKnowledge.load(users["actions"]).role("team_lead") is not None
    assert refused(users["actions"], "DROP TABLE events")
    assert refused(users["actions"], "INSERT INTO events (sender_id) VALUES ('x')")
    assert refused(users["actions"], "SELECT data FROM events")  # no conversation is readable
    assert not refused(users["actions"], "DELETE FROM events WHERE sender_id = 'rest:gone'")
    assert refused(users["actions"], f"DROP TABLE {kb_tables[0]}")
    assert refused(users["web"], "UPDATE plan_plans SET summary = ''")
    assert not refused(users["web"], "DELETE FROM plan_links")
    assert refused(users["rasa"], f"SELECT * FROM {plan_tables[0]}")
    assert refused(users["kb"], "SELECT * FROM events")
    # nobody else may even connect
    assert_others_cannot_connect(database_url)


def assert_others_cannot_connect(database_url: str) -> None:
    other = f"cc_other_{uuid.uuid4().hex[:8]}"
    admin = create_engine(database_url, future=True, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE ROLE "{other}" LOGIN'))
        engine = create_engine(make_url(database_url).set(username=other, password=None),
                               future=True)
        with pytest.raises(DBAPIError, match="permission denied for database"), \
                engine.connect():
            pass
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{other}"'))
        admin.dispose()


# --- docker-compose.yml ------------------------------------------------------------------------


DATABASE = re.compile(r"postgresql://(?P<user>\w+):\$\{(?P<password>\w+):\?[^}]*\}"
                      r"@postgres:5432/careercoach")


def compose_services() -> dict[str, dict]:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())["services"]


def database_users(environment: dict[str, str]) -> set[tuple[str, str]]:
    """(user, password variable) of each database URL in a service's environment."""
    found = set()
    for name in ("DATABASE_URL", "TRACKER_STORE_URL"):
        if name in environment:
            match = DATABASE.fullmatch(environment[name])
            assert match, f"{name}={environment[name]}"
            found.add((match["user"], match["password"]))
    return found


def test_the_compose_file_gives_each_service_its_own_database_user():
    services = compose_services()
    users = {name: database_users(service.get("environment") or {})
             for name, service in services.items()}
    assert {name: found for name, found in users.items() if found} == {
        "kb": {("kb", "KB_DB_PASSWORD")},
        "rasa1": {("rasa", "RASA_DB_PASSWORD")}, "rasa2": {("rasa", "RASA_DB_PASSWORD")},
        "actions1": {("actions", "ACTIONS_DB_PASSWORD")},
        "actions2": {("actions", "ACTIONS_DB_PASSWORD")},
        "web": {("web", "WEB_DB_PASSWORD")}}
    # PostgreSQL's init script gets each password, and makes the users of these names
    postgres = services["postgres"]
    script = (DEPLOY / "postgres" / "roles.sh").read_text()
    for user, password in {pair for found in users.values() for pair in found}:
        assert postgres["environment"][password] == f"${{{password}:?set {password}}}"
        assert f'"${{{user.upper()}_DB_USER:-{user}}}"' in script
    assert "./postgres/roles.sh:/docker-entrypoint-initdb.d/roles.sh:ro" in postgres["volumes"]
    assert postgres["environment"]["POSTGRES_USER"] not in {"kb", "rasa", "actions", "web"}


def test_the_compose_file_gives_redis_a_password_and_the_servers_their_secrets():
    services = compose_services()
    redis = services["redis"]
    assert "--requirepass \"$$REDIS_PASSWORD\"" in " ".join(redis["command"])
    assert redis["environment"]["REDIS_PASSWORD"].startswith("${REDIS_PASSWORD:?")
    for name in ("rasa1", "rasa2"):
        environment = services[name]["environment"]
        assert environment["REDIS_URL"].startswith("redis://:${REDIS_PASSWORD:?")
        assert environment["REST_TOKEN"].startswith("${REST_TOKEN:?set REST_TOKEN")
        assert environment["TELEGRAM_SECRET_TOKEN"] == "${TELEGRAM_SECRET_TOKEN:-}"
        assert "DATABASE_URL" not in environment  # the tracker store is all it needs
    secrets = {services[name]["environment"]["SESSION_SECRET"] for name in ("rasa1", "web")}
    assert len(secrets) == 1 and secrets.pop().startswith("${SESSION_SECRET:?")
    assert services["actions1"]["environment"]["PLAN_LINK_TTL"] == "${PLAN_LINK_TTL:-3600}"
    text_ = (DEPLOY / "docker-compose.yml").read_text()
    assert "PLAN_LINK_SECRET" not in text_
    # only nginx is published
    assert [name for name, service in services.items() if "ports" in service] == ["nginx"]


def test_roles_sh_is_executable():
    """The postgres image runs an executable script, and sources one that is not."""
    assert (DEPLOY / "postgres" / "roles.sh").stat().st_mode & 0o111
    assert Path(DEPLOY / "postgres" / "roles.sh").read_text().startswith("#!/bin/sh\n")
