"""The launcher (ops/launch.py): the servers' command lines, written once and used by `make run`,
the tests, the benchmarks and the containers; starting a process, waiting until it is ready and
always stopping it with what it started; `run all` (make run) saying "running" only after an
answer and stopping all three on SIGTERM or when one dies. And the page server's one plan store
(one database engine for all its downloads, disposed when it stops)."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
import requests

from channels import webpage
from ops import launch
from plans.builder import build_plan
from plans.profile import Profile
from plans.store import PlanStore
from settings import PROJECT_ROOT
from tests.servers import free_port

PYTHON = sys.executable
PERSON = "web:launcher-test"


def quiet_env(**extra: str) -> dict[str, str]:
    """This environment without what would turn production settings or the API on."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("RASA_API_TOKEN", "REST_TOKEN", "ACTIONS_HOST", "RASA_HOST", "WEB_HOST",
                        "RASA_PORT", "ACTIONS_PORT", "WEB_PORT", "ACTIONS_URL")}
    return {**env, **extra}


def gone(pid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.1)
    return False


def port_free(port: int) -> bool:
    return not launch.port_in_use(port)


# --- the command lines ---------------------------------------------------------------------------

def test_the_command_lines_are_those_make_run_has_always_run():
    places = launch.Places("127.0.0.1", 5055, "127.0.0.1", 5005, "127.0.0.1", 8080)
    found = {name: command.shell() for name, command in launch.commands(places).items()}
    venv = launch._shown(str(launch.venv_bin()))
    assert found == {
        "actions": f"env SANIC_HOST=127.0.0.1 {venv}/python -m rasa_sdk --actions actions "
                   "--port 5055",
        "rasa": f"{venv}/rasa run --model models --endpoints var/endpoints.yml --credentials "
                "var/credentials.yml --interface 127.0.0.1 --port 5005",
        "web": f"{venv}/python -m channels.webpage --host 127.0.0.1 --port 8080 "
               "--rasa-port 5005",
    }
    # Rasa's HTTP API only with a token; "=": a token that starts with "-" is not an option
    assert launch.commands(places, "-dash")["rasa"].argv[-2:] == ("--enable-api",
                                                                 "--auth-token=-dash")
    # what a server listening everywhere is called at, to see whether it is ready
    exposed = launch.Places("0.0.0.0", 5055, "0.0.0.0", 5005, "::", 8080)
    urls = {name: c.ready_url for name, c in launch.commands(exposed).items()}
    assert urls == {"actions": "http://127.0.0.1:5055/health",
                    "rasa": "http://127.0.0.1:5005/webhooks/rest/",
                    "web": "http://127.0.0.1:8080/"}
    assert launch.commands(exposed)["actions"].env == {"SANIC_HOST": "0.0.0.0"}


def test_the_command_line_tool_prints_them_from_the_settings():
    def cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([PYTHON, "-m", "ops.launch", *args], cwd=PROJECT_ROOT,
                              env=quiet_env(**env), capture_output=True, text=True, timeout=60)

    lines = cli("command", "all", RASA_PORT="5205", ACTIONS_PORT="5255", WEB_PORT="8280",
                RASA_HOST="0.0.0.0").stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("env SANIC_HOST=127.0.0.1 ") and lines[0].endswith("--port 5255")
    assert "--interface 0.0.0.0 --port 5205" in lines[1] and "--enable-api" not in lines[1]
    assert lines[2].endswith("--host 127.0.0.1 --port 8280 --rasa-port 5205")
    one = json.loads(cli("command", "rasa", "--port", "6001", "--json",
                         RASA_API_TOKEN="t0ken").stdout)
    assert one["argv"][0] == str(launch.venv_bin() / "rasa")
    assert one["argv"][-4:] == ["--port", "6001", "--enable-api", "--auth-token=t0ken"]
    assert one["ready_url"] == "http://127.0.0.1:6001/webhooks/rest/"
    bad = cli("command", "all", WEB_PORT="99999")
    assert bad.returncode == 2 and "WEB_PORT must be a port number" in bad.stderr


def test_no_other_file_writes_the_servers_command_lines():
    """The launcher is the one place: the run script, the tests, the benchmarks and deploy/ use
    it."""
    patterns = re.compile("|".join([
        r"rasa_sdk --actions", r'"rasa_sdk", "--actions"',
        r"rasa run --model", r'"run", "--model"',
        r"channels\.webpage --host", r'"channels\.webpage", "--host"']))
    skip = {".venv", ".git", "node_modules", "var", "models", ".mypy_cache", ".ruff_cache"}
    # ours: the launcher, and this test's patterns
    allowed = {Path("ops/launch.py"), Path("tests/test_launcher.py")}
    found = []
    for path in PROJECT_ROOT.rglob("*"):
        relative = path.relative_to(PROJECT_ROOT)
        if (set(relative.parts) & skip or relative in allowed or not path.is_file()
                or not (path.suffix in (".py", ".sh", ".yml") or path.name in (
                    "Makefile", "Dockerfile"))):
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if patterns.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "start the servers through ops/launch.py:\n" + "\n".join(found)


# --- one process ---------------------------------------------------------------------------------

def test_stopping_a_process_stops_what_it_started(tmp_path):
    # as the Rasa server starts its encoder process
    parent = ("import subprocess, sys, time\n"
              "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
              "print(child.pid, flush=True)\n"
              "time.sleep(120)\n")
    process = launch.Process(launch.Command("parent", "parent", (PYTHON, "-c", parent)),
                             tmp_path / "parent.log")
    process.wait_until(lambda: process.log.read_text().strip().isdigit(), timeout=20,
                       poll=0.05)
    child = int(process.log.read_text())
    process.stop(timeout=5)
    assert not process.alive() and gone(child)


def test_waiting_fails_with_the_log_and_leaves_nothing_running(tmp_path):
    crash = launch.Command("crash", "crashing server",
                           (PYTHON, "-c", "import sys; print('no model here'); sys.exit(3)"),
                           ready_url=f"http://127.0.0.1:{free_port()}/")
    process = launch.Process(crash, tmp_path / "crash.log")
    with pytest.raises(RuntimeError, match="crashing server exited while starting:\n"
                                           "no model here"):
        process.wait_ready(20)

    silent = launch.Command("silent", "silent server",
                            (PYTHON, "-c", "import time; time.sleep(120)"),
                            ready_url=f"http://127.0.0.1:{free_port()}/")
    process = launch.Process(silent, tmp_path / "silent.log")
    with pytest.raises(TimeoutError, match="silent server not ready after 1 s"):
        process.wait_ready(1)
    assert gone(process.pid)


# --- make run: run all ---------------------------------------------------------------------------

FAKE_SERVER = """
import http.server, sys

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass

http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""

# `run all` with stand-ins for the three servers that answer at once (the real ones take a
# minute: tests/test_operations.py runs those), its files and logs in a folder of the test's
DRIVER = """
import sys
from pathlib import Path
from ops import launch

folder, fake = Path(sys.argv[1]), sys.argv[2]
launch.LOG_DIR = folder / "log"
launch.CREDENTIALS = folder / "credentials.yml"
launch.write_rasa_files = lambda: True
launch.answered = lambda port, token: True

def commands(places, api_token=None):
    return {name: launch.Command(name, name, (sys.executable, fake, str(port)), {},
                                 f"http://127.0.0.1:{port}/")
            for name, port in (("actions", places.actions_port), ("rasa", places.rasa_port),
                               ("web", places.web_port))}

launch.commands = commands
sys.exit(launch.run_all(start_timeout=30))
"""


class RunAll:
    """`run all` (with stand-ins) in a session of its own, as `setsid make run`."""

    def __init__(self, folder: Path):
        (folder / "fake.py").write_text(FAKE_SERVER)
        (folder / "driver.py").write_text(DRIVER)
        self.ports = {"RASA_PORT": free_port(), "ACTIONS_PORT": free_port(),
                      "WEB_PORT": free_port()}
        self.process = subprocess.Popen(
            [PYTHON, str(folder / "driver.py"), str(folder), str(folder / "fake.py")],
            cwd=PROJECT_ROOT, env={**quiet_env(**{k: str(v) for k, v in self.ports.items()}),
                                   "PYTHONPATH": str(PROJECT_ROOT)},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.out = ""
        # its output, line by line, as it comes (None: the end)
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def read_until(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.out:
            assert time.monotonic() < deadline, f"no {text!r} in:\n{self.out}"
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            assert line is not None, f"it ended before {text!r}:\n{self.out}"
            self.out += line
        return self.out

    def servers(self) -> list[int]:
        return [child.pid for child in psutil.Process(self.process.pid).children()]

    def finish(self, timeout: float = 30) -> tuple[int, str, str]:
        """Its exit status, all its output and its errors, once it has ended."""
        code = self.process.wait(timeout=timeout)
        while (line := self.lines.get(timeout=timeout)) is not None:
            self.out += line
        assert self.process.stderr is not None
        return code, self.out, self.process.stderr.read()


@pytest.mark.parametrize("how", ["the launcher", "its process group"])
def test_run_all_says_running_with_the_urls_then_stops_all_three(tmp_path, how):
    run = RunAll(tmp_path)
    try:
        out = run.read_until("Press Ctrl-C to stop.")
        servers = run.servers()
        assert len(servers) == 3
        ports = run.ports
        assert f"starting the Rasa server on 127.0.0.1:{ports['RASA_PORT']} (log: " \
               "var/log/rasa.log); it takes a minute" in out
        assert "Career Coach is running." in out
        assert f"  Chat page:    http://localhost:{ports['WEB_PORT']}/" in out
        assert f"  REST webhook: http://localhost:{ports['RASA_PORT']}/webhooks/rest/webhook" \
               in out
        assert f"--endpoints var/endpoints.yml --port {ports['RASA_PORT'] + 1}" in out
        if how == "the launcher":
            run.process.send_signal(signal.SIGTERM)
        else:  # as `kill -- -PGID` stops `setsid make run`
            os.killpg(run.process.pid, signal.SIGTERM)
        code, out, err = run.finish()
    finally:
        if run.process.poll() is None:
            os.killpg(run.process.pid, signal.SIGKILL)
    assert code == 0, err
    stopping = re.search(r"\nstopping Career Coach \(pids ([\d ]+)\)\n", out)
    assert stopping and {int(pid) for pid in stopping[1].split()} == set(servers), out
    assert all(gone(pid) for pid in servers)
    assert all(port_free(port) for port in ports.values())


def test_run_all_stops_the_others_when_one_server_dies(tmp_path):
    run = RunAll(tmp_path)
    try:
        run.read_until("Press Ctrl-C to stop.")
        servers = run.servers()
        os.kill(servers[1], signal.SIGKILL)
        code, out, err = run.finish()
    finally:
        if run.process.poll() is None:
            os.killpg(run.process.pid, signal.SIGKILL)
    assert code == 1
    assert "error: a server stopped; the end of its log:" in err
    assert f"==> {tmp_path / 'log' / 'rasa.log'} <==" in err
    assert "stopping Career Coach" in out and all(gone(pid) for pid in servers)


def test_run_all_refuses_a_port_in_use_and_a_bad_setting_before_starting_anything():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([PYTHON, "-m", "ops.launch", "run", "all"], cwd=PROJECT_ROOT,
                                env=quiet_env(RASA_PORT=str(port), ACTIONS_PORT=str(free_port()),
                                              WEB_PORT=str(free_port())),
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"error: port {port} is already in use" in result.stderr
    assert "make run RASA_PORT=5105 ACTIONS_PORT=5155 WEB_PORT=8180" in result.stderr
    assert "starting" not in result.stdout
    result = subprocess.run([PYTHON, "-m", "ops.launch", "run", "all"], cwd=PROJECT_ROOT,
                            env=quiet_env(ACTIONS_PORT="none"), capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2 and "ACTIONS_PORT must be a port number" in result.stderr


# --- the page server: through the launcher, and its one plan store ----------------------------

@pytest.fixture
def plans_url(kb, tmp_path, monkeypatch):
    """A plan database with PERSON's plan; DATABASE_URL names it."""
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    store = PlanStore(url)
    store.create_all()
    store.save(PERSON, build_plan(Profile("representative", 1, kb.careers()[0].id,
                                          region_id="us"), kb))
    store.dispose()
    return url


def test_the_containers_page_server_is_the_launchers_and_closes_its_database_on_sigterm(
        plans_url, tmp_path):
    """deploy/entrypoint.sh's `web`: `python -m ops.launch exec web` becomes the page server
    (the same process, which gets the container's signals); SIGTERM stops it cleanly, with its
    plans' database engine disposed of."""
    store = PlanStore(plans_url)
    links = [store.link_for(PERSON) for _ in range(3)]
    store.dispose()
    port = free_port()
    command = launch.Command("web", "page server (exec)",
                             (PYTHON, "-m", "ops.launch", "exec", "web", "--host", "127.0.0.1",
                              "--port", str(port)), ready_url=f"http://127.0.0.1:{port}/")
    page = launch.Process(command, tmp_path / "web.log")
    try:
        page.wait_ready(30)
        assert "channels.webpage" in " ".join(psutil.Process(page.pid).cmdline())
        for token in links:
            response = requests.get(f"http://127.0.0.1:{port}/plan/{token}.md", timeout=10)
            assert response.status_code == 200, page.tail()
    finally:
        page.stop(timeout=10)
    assert page.process.returncode == 0, page.tail()
    assert "the plans' database engine is closed" in page.tail()


def test_several_downloads_use_one_plan_store_and_one_engine(plans_url, monkeypatch):
    import plans.store as store_module

    made: list[PlanStore] = []
    engines = []
    real_engine = store_module._sqlite_engine

    class Counted(store_module.PlanStore):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.disposed = False
            made.append(self)

        def dispose(self) -> None:
            self.disposed = True
            super().dispose()

    def counted_engine(url: str) -> Any:
        engines.append(real_engine(url))
        return engines[-1]

    monkeypatch.setattr(store_module, "PlanStore", Counted)
    monkeypatch.setattr(store_module, "_sqlite_engine", counted_engine)
    setup = Counted(plans_url)
    links = [setup.link_for(PERSON) for _ in range(4)]
    setup.dispose()
    made.clear()
    engines.clear()

    server = webpage.make_server("127.0.0.1", 0, rasa_port=5005)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for token in links:
            assert requests.get(f"{base}/plan/{token}.md", timeout=10).status_code == 200
        assert requests.get(f"{base}/plan/{'x' * 43}.md", timeout=10).status_code == 404
    finally:
        server.shutdown()
        server.server_close()
        server.plans.close()
    assert len(made) == 1 and len(engines) == 1
    assert made[0].engine is engines[0] and made[0].disposed
    # stopped: no download opens another
    with pytest.raises(RuntimeError, match="stopping"):
        server.plans()
    assert len(made) == 1


def test_a_database_down_at_the_first_download_is_tried_again_with_the_same_engine():
    class Store:
        def __init__(self) -> None:
            self.attempts = 0
            self.disposed = False

        def create_all(self) -> None:
            self.attempts += 1
            if self.attempts == 1:
                raise ConnectionError("the database is down")

        def dispose(self) -> None:
            self.disposed = True

    made: list[Store] = []

    def make() -> Any:
        made.append(Store())
        return made[-1]

    plans = webpage.OnFirstUse(make)
    with pytest.raises(ConnectionError):
        plans()
    assert plans() is plans() is made[0]
    assert len(made) == 1 and made[0].attempts == 2
    plans.close()
    assert made[0].disposed
