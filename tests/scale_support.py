"""What the scale, fault and edge tests share: a throw-away PostgreSQL database with deploy/'s
users, a Redis key prefix, nginx from Debian's package run in the foreground on a generated
configuration, and a deployment of several Rasa servers and action servers behind it, exactly as
deploy/ runs them (ops/nginx.py writes both configurations; deploy/postgres/roles.sh makes the
database's users, one per service, and each server uses its own), on this machine's PostgreSQL
and Redis.

PostgreSQL: TEST_POSTGRES_URL (postgresql://postgres@127.0.0.1:5432/test, a superuser): a
database of its own is created there and dropped at the end, and users of names of their own
(psql runs roles.sh), dropped at the end. Redis: TEST_REDIS_URL (redis://127.0.0.1:6379/0), with
a key prefix of its own, whose keys are deleted at the end. nginx: NGINX (/usr/sbin/nginx; `make
nginx` installs it). Where one is missing the tests are skipped with the reason, except on CI
(CI=true), where they fail.

Simulated people can each have a loopback address of their own (``client_address``), as people
on their own connections do: nginx limits requests per client address.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from knowledge.build import build
from ops import endpoints as ops_endpoints
from ops.nginx import render
from settings import PROJECT_ROOT
from tests.postgres_support import SERVER, throwaway_database, unavailable
from tests.servers import (
    Server,
    free_port,
    launch_actions,
    launch_rasa,
    server_env,
    wait_actions,
    wait_rasa,
)

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
ROLES_SCRIPT = PROJECT_ROOT / "deploy" / "postgres" / "roles.sh"
SERVICES = ("kb", "rasa", "actions", "web")


def terminate_connections(database_url: str) -> int:
    """Ends every other session on the database, as a PostgreSQL restart does for the servers
    using it; returns how many there were."""
    name = make_url(database_url).database
    engine = create_engine(SERVER, future=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            return len(conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name}).all())
    finally:
        engine.dispose()


def run_roles_script(database_url: str, users: dict[str, str], passwords: dict[str, str]
                     ) -> subprocess.CompletedProcess[str]:
    """deploy/postgres/roles.sh on the database of ``database_url`` (a superuser's), as the
    postgres image runs it, with the services' users named ``users``."""
    if shutil.which("psql") is None:
        unavailable("psql not found (Debian's postgresql-client): it runs "
                    "deploy/postgres/roles.sh")
    url = make_url(database_url)
    env = {**os.environ, "PGHOST": url.host or "127.0.0.1", "PGPORT": str(url.port or 5432),
           "PGPASSWORD": url.password or "", "POSTGRES_USER": url.username or "postgres",
           "POSTGRES_DB": url.database or ""}
    for service in SERVICES:
        env[f"{service.upper()}_DB_USER"] = users[service]
        env[f"{service.upper()}_DB_PASSWORD"] = passwords[service]
    return subprocess.run(["sh", str(ROLES_SCRIPT)], env=env, capture_output=True, text=True,
                          timeout=60)


def drop_users(database_url: str, names: list[str]) -> None:
    """Drops the users, after what they own and were granted on the database (users belong to the
    whole server, so they outlive the throw-away database otherwise)."""
    engine = create_engine(database_url, future=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            present = [name for name in names if conn.execute(
                text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()]
            if not present:
                return
            quoted = ", ".join(f'"{name}"' for name in present)
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE usename = ANY(:names)"), {"names": present})
            # one at a time: PostgreSQL 15 fails on several whose default privileges name each
            # other ("could not find tuple for default ACL")
            for name in present:
                conn.execute(text(f'DROP OWNED BY "{name}"'))
            conn.execute(text(f"DROP ROLE {quoted}"))
    finally:
        engine.dispose()


@contextlib.contextmanager
def service_users(database_url: str) -> Iterator[dict[str, str]]:
    """The services' users made by deploy/postgres/roles.sh on the database, with names of their
    own; yields each service's database URL ("kb", "rasa", "actions", "web"). The users are
    dropped afterwards."""
    tag = uuid.uuid4().hex[:8]
    users = {service: f"cc_{service}_{tag}" for service in SERVICES}
    passwords = {service: secrets.token_hex(16) for service in SERVICES}
    try:
        made = run_roles_script(database_url, users, passwords)
        assert made.returncode == 0, f"deploy/postgres/roles.sh failed:\n{made.stderr}"
        url = make_url(database_url)
        yield {service: url.set(username=users[service], password=passwords[service])
               .render_as_string(hide_password=False) for service in SERVICES}
    finally:
        drop_users(database_url, list(users.values()))


@contextlib.contextmanager
def redis_prefix(url: str = REDIS) -> Iterator[str]:
    """A key prefix of our own on the Redis server (letters and digits, as Rasa requires);
    its keys are deleted afterwards."""
    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as err:
        client.close()
        unavailable(f"Redis not reachable at {url}: {err}")
    prefix = f"ccscale{uuid.uuid4().hex[:10]}"
    try:
        yield prefix
    finally:
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.close()


def wait_for_port(port: int, server: Server, timeout: float = 20) -> None:
    def accepting() -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return True
        return False

    server.wait_until(accepting, timeout)


ACCESS_LINE = re.compile(r'"\w+ (?P<path>\S+) [^"]*" (?P<status>\d+) \S+ in=(?P<size>\d+) '
                         r'upstream=(?P<upstream>.*?) upstream_status=(?P<upstream_status>.*?) '
                         r't=(?P<t>[\d.]+)$')


@dataclass(frozen=True)
class Passed:
    """A request nginx passed on: when it ended, what the client got, the server that
    answered last (host:port), what that server answered, and the request's size in bytes."""

    time: float
    status: int
    upstream: str
    upstream_status: str
    size: int


class Nginx:
    """Debian's nginx in the foreground on a configuration from ops.nginx, with its pid file,
    logs and temporary folders in ``folder``."""

    def __init__(self, folder: Path, rasa: list[str], actions: list[str],
                 page: str | None = None):
        if not os.access(NGINX, os.X_OK):
            unavailable(f"nginx not found at {NGINX} (`make nginx` installs Debian's package)")
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.port, self.actions_port = free_port(), free_port()
        self.config = folder / "nginx.conf"
        self.config.write_text(render(rasa, actions, f"127.0.0.1:{self.port}",
                                      f"127.0.0.1:{self.actions_port}", page=page,
                                      runtime_dir=folder, workers="2"))
        check = subprocess.run([NGINX, "-t", "-q", "-p", str(folder), "-c", str(self.config),
                                "-e", str(folder / "error.log")], capture_output=True, text=True)
        assert check.returncode == 0, f"nginx rejects the configuration:\n{check.stderr}"
        directives = "daemon off;"
        if os.geteuid() == 0:
            # nginx started as root runs its workers as nobody, who cannot reach this folder
            # (under the test's private temporary folder) to write large request bodies in it
            directives += " user root;"
        self.server = Server("nginx", [NGINX, "-p", str(folder), "-c", str(self.config),
                                       "-e", str(folder / "error.log"), "-g", directives],
                             dict(os.environ), folder / "nginx.out")
        wait_for_port(self.port, self.server)
        self.url = f"http://127.0.0.1:{self.port}"

    def log(self, name: str = "access.log") -> str:
        """What nginx has written to one of its logs ("access.log", "error.log")."""
        path = self.folder / name
        return path.read_text(errors="replace") if path.exists() else ""

    def requests(self, path: str) -> list[Passed]:
        """The requests for ``path`` nginx has logged (ops.nginx's log format), in order."""
        found = []
        for line in self.log().splitlines():
            match = ACCESS_LINE.search(line)
            if match and match["path"] == path:
                found.append(Passed(float(match["t"]), int(match["status"]),
                                    match["upstream"].split(", ")[-1],
                                    match["upstream_status"].split(", ")[-1],
                                    int(match["size"])))
        return sorted(found, key=lambda p: p.time)

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log("error.log").splitlines()[-lines:])

    def stop(self) -> None:
        self.server.stop()


@dataclass
class Reply:
    status: int
    messages: list[dict[str, Any]]
    seconds: float
    error: str = ""

    @property
    def text(self) -> str:
        return "\n".join(m.get("text", "") for m in self.messages)


def client_address(number: int) -> str:
    """Simulated person ``number``'s own client address: 127.0.0.0/8 is all this machine's, and
    nginx limits requests per client address, as it would for people on their own
    connections."""
    return f"127.0.{1 + number // 250}.{2 + number % 250}"


class _SourceAddress(HTTPAdapter):
    """Connections from a given local address."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(address: str | None) -> requests.Session:
    """A requests session whose connections come from ``address`` (None: the system's
    choice)."""
    session = requests.Session()
    if address is not None:
        session.mount("http://", _SourceAddress(address))
    return session


def post(url: str, sender: str, message: str, timeout: float = 120,
         source: str | None = None) -> Reply:
    """One message to a REST webhook, from the client address ``source`` (default: the
    system's choice); never raises (a failure is a Reply with its error)."""
    started = time.monotonic()
    try:
        with session_from(source) as session:
            response = session.post(url, json={"sender": sender, "message": message},
                                    timeout=timeout)
        messages = response.json() if response.status_code == 200 else []
        error = "" if response.status_code == 200 else response.text[:300]
        return Reply(response.status_code, messages, time.monotonic() - started, error)
    except (requests.RequestException, ValueError) as err:
        return Reply(0, [], time.monotonic() - started, repr(err))


@dataclass
class Deployment:
    """Rasa servers and action servers on a throw-away PostgreSQL database (knowledge base,
    plans, tracker store) and Redis (lock store), behind nginx: deploy/ on one machine.

    ``database_url`` is the administrator's (a superuser: the tests read and change what they
    like with it); ``users`` the services' own (service_users), used as deploy/ uses them: the
    knowledge base is built as "kb", the action servers use "actions" (DATABASE_URL, and
    TRACKER_STORE_URL to delete a forgotten conversation), the Rasa servers "rasa"
    (TRACKER_STORE_URL, and no DATABASE_URL). ``env`` is an operator's: both."""

    folder: Path
    database_url: str
    redis_prefix: str
    nlp_dir: Path
    users: dict[str, str]
    rasa_count: int = 2
    actions_count: int = 2
    env: dict[str, str] = field(default_factory=dict)
    rasa: list[tuple[Server, str]] = field(default_factory=list)
    actions: list[tuple[Server, int]] = field(default_factory=list)
    nginx: Nginx | None = None

    def start(self) -> None:
        build(self.users["kb"], write_nlp=False, log=lambda *_: None)
        rasa_ports = [free_port() for _ in range(self.rasa_count)]
        actions_ports = [free_port() for _ in range(self.actions_count)]
        self.nginx = Nginx(self.folder / "nginx", [f"127.0.0.1:{p}" for p in rasa_ports],
                           [f"127.0.0.1:{p}" for p in actions_ports])
        self.env = {
            **server_env(self.users["actions"], self.nlp_dir),
            "TRACKER_STORE_URL": self.users["rasa"],
            "REDIS_URL": REDIS,
            "REDIS_KEY_PREFIX": self.redis_prefix,
            "ACTIONS_URL": f"http://127.0.0.1:{self.nginx.actions_port}/webhook",
        }
        endpoints = self.folder / "endpoints.yml"
        ops_endpoints.write(endpoints, ops_endpoints.endpoints(self.env))
        for port in actions_ports:
            self.actions.append(launch_actions(self.actions_env, self.folder, port))
        for port in rasa_ports:
            self.rasa.append(launch_rasa(self.rasa_env, self.folder, endpoints, port=port))
        for server, port in self.actions:
            wait_actions(server, port)
        for server, base in self.rasa:
            wait_rasa(server, base)

    @property
    def actions_env(self) -> dict[str, str]:
        """An action server's environment: the plans and the knowledge base, and deleting a
        forgotten conversation, as "actions"."""
        return {**self.env, "TRACKER_STORE_URL": self.users["actions"]}

    @property
    def rasa_env(self) -> dict[str, str]:
        """A Rasa server's environment: the tracker store as "rasa", no other database."""
        return {k: v for k, v in self.env.items() if k != "DATABASE_URL"}

    @property
    def webhook(self) -> str:
        """The REST webhook at the load balancer."""
        assert self.nginx is not None
        return f"{self.nginx.url}/webhooks/rest/webhook"

    def replica_webhook(self, index: int) -> str:
        """The REST webhook of one Rasa server, bypassing the load balancer."""
        return f"{self.rasa[index][1]}/webhooks/rest/webhook"

    def ask(self, sender: str, message: str, url: str | None = None) -> str:
        reply = post(url or self.webhook, sender, message)
        assert reply.status == 200, f"{message!r} -> {reply.status} {reply.error}\n{self.tails()}"
        return reply.text

    def restart_actions(self, index: int) -> None:
        old, port = self.actions[index]
        old.stop()
        server, port = launch_actions(self.actions_env, self.folder, port)
        self.actions[index] = (server, port)
        wait_actions(server, port)

    def events(self, sender: str) -> list[dict[str, Any]]:
        """The conversation's events as Rasa's SQL tracker store holds them, in order."""
        engine = create_engine(self.database_url, future=True)
        try:
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT data FROM events WHERE sender_id = :s "
                                         "ORDER BY id"), {"s": sender}).all()
        finally:
            engine.dispose()
        return [json.loads(row.data) for row in rows]

    def tails(self, lines: int = 15) -> str:
        parts = [f"--- {server.log.name}\n{server.tail(lines)}"
                 for server, _ in [*self.rasa, *self.actions]]
        if self.nginx is not None:
            parts.append(f"--- nginx error.log\n{self.nginx.tail(lines)}")
        return "\n".join(parts)

    def stop(self) -> None:
        servers = [s for s, _ in self.rasa] + [s for s, _ in self.actions]
        with ThreadPoolExecutor(max_workers=max(1, len(servers))) as pool:
            list(pool.map(lambda s: s.stop(), servers))
        if self.nginx is not None:
            self.nginx.stop()


@contextlib.contextmanager
def deployment(folder: Path, nlp_dir: Path, rasa_count: int = 2,
               actions_count: int = 2) -> Iterator[Deployment]:
    """A started deployment, stopped (and its database, its users and Redis keys removed)
    afterwards; the servers' log tails are printed when starting fails."""
    with throwaway_database("career_coach_scale") as database_url, \
            service_users(database_url) as users, redis_prefix() as prefix:
        setup = Deployment(folder, database_url, prefix, nlp_dir, users, rasa_count,
                           actions_count)
        try:
            try:
                setup.start()
            except Exception:
                print(setup.tails(40))
                raise
            yield setup
        finally:
            setup.stop()
