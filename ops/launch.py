"""Starting Career Coach's three processes: the one place that knows their command lines.

    action server  python -m rasa_sdk --actions actions --port N       (SANIC_HOST=interface)
    Rasa server    rasa run --model models --endpoints F --credentials F --interface H --port N
                   [--enable-api --auth-token=T]
    page server    python -m channels.webpage --host H --port N --rasa-port N [--socket-url U]

A ``Command`` is one of them: its argv, the variables it needs on top of the environment, and the
URL that answers once it is ready (``actions``, ``rasa``, ``web`` make them). A ``Process`` runs
a command with its output in a log file, waits until it is ready, and stops it: SIGTERM, then
SIGKILL after 15 s; in a process group of its own (``own_group``), so that stopping it also
stops what it started (the Rasa server's encoder process, rasa_ext/encoder_process.py). The
servers run from the virtual environment of the Python that runs this module.

Callers: scripts/run.sh (``run all``, ``command all``), the tests (tests/servers.py), the
benchmarks (benchmarks/systems.py) and the containers (deploy/entrypoint.sh: ``exec``).

    python -m ops.launch command all           the three command lines `run all` runs
    python -m ops.launch command NAME [--host H] [--port N] [--rasa-port N] [--json]
                                                one command line (NAME: actions, rasa, web);
                                                --json: argv, environment and readiness URL
    python -m ops.launch run all                the three in the foreground, as `make run`: logs
                                                in var/log/, "running" once a real question gets
                                                a real answer, Ctrl-C or SIGTERM stops all three
    python -m ops.launch exec NAME [--host H] [--port N]
                                                becomes that server (a container's process);
                                                rasa first writes var/credentials.yml and
                                                var/endpoints.yml from the environment

Hosts, ports and RASA_API_TOKEN come from ``settings`` (RASA_HOST, RASA_PORT, ACTIONS_HOST,
ACTIONS_PORT, WEB_HOST, WEB_PORT); the options replace them. A value that cannot be used stops
with its error (exit status 2).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, Any

import settings

PROJECT_ROOT = settings.PROJECT_ROOT
MODELS = PROJECT_ROOT / "models"
LOCALHOST = "127.0.0.1"
NAMES = ("actions", "rasa", "web")
STOP_TIMEOUT = 15.0  # seconds a server has to stop after SIGTERM before SIGKILL

# what `run all` (make run) and `exec` (the containers) write and log, relative to the project
CREDENTIALS = Path("var/credentials.yml")
ENDPOINTS = Path("var/endpoints.yml")
LOG_DIR = Path("var/log")


def venv_bin() -> Path:
    """The folder of the Python running this module: the servers run from the same
    environment."""
    return Path(sys.executable).parent


def _reach(host: str) -> str:
    """Where to call a server that listens on ``host`` from this machine."""
    if host in ("", "0.0.0.0", "::", "localhost"):
        return LOCALHOST
    return f"[{host}]" if ":" in host else host


def _shown(arg: str) -> str:
    """An argument as a person would type it in the project's folder."""
    if arg.startswith("/"):
        with contextlib.suppress(ValueError):
            return str(Path(arg).relative_to(PROJECT_ROOT))
    return arg


@dataclass(frozen=True)
class Command:
    """A server's command line: ``argv``, the variables ``env`` it needs on top of the caller's
    environment, and ``ready_url``, which answers 2xx once it serves (None: no such URL)."""

    name: str  # "actions", "rasa", "web" (or the caller's own)
    title: str  # "action server", ...: for messages and logs
    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)
    ready_url: str | None = None

    def environment(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """``base`` (default: this process's environment) with the command's own variables."""
        return {**(settings.environ() if base is None else base), **self.env}

    def shell(self) -> str:
        """The command as one shell line (``env NAME=value ...`` first when it needs variables);
        paths inside the project are shown relative to it."""
        words = [*(["env", *(f"{k}={v}" for k, v in self.env.items())] if self.env else []),
                 *(_shown(arg) for arg in self.argv)]
        return shlex.join(words)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "argv": list(self.argv), "env": dict(self.env),
                "ready_url": self.ready_url}


def actions(port: int, host: str = LOCALHOST, *, bin_dir: Path | None = None) -> Command:
    """The action server (rasa_sdk serving actions/). rasa_sdk has no option for its interface:
    it reads SANIC_HOST."""
    python = str((bin_dir or venv_bin()) / "python")
    return Command("actions", "action server",
                   (python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)),
                   {"SANIC_HOST": host}, f"http://{_reach(host)}:{port}/health")


def rasa(port: int, host: str = LOCALHOST, *, endpoints: Path, credentials: Path,
         model: Path = MODELS, api_token: str | None = None,
         bin_dir: Path | None = None) -> Command:
    """The Rasa server with the model (a file, or the newest in a folder), the endpoints and
    credentials files given. Rasa's HTTP API is off unless ``api_token`` is given, and then
    needs it. Ready when the REST channel answers (which says nothing of the model: a Rasa
    server that failed to load it answers every message with nothing)."""
    argv = [str((bin_dir or venv_bin()) / "rasa"), "run", "--model", str(model),
            "--endpoints", str(endpoints), "--credentials", str(credentials),
            "--interface", host, "--port", str(port)]
    if api_token:
        argv += ["--enable-api", f"--auth-token={api_token}"]  # "=": a token may start with "-"
    return Command("rasa", "Rasa server", tuple(argv), {},
                   f"http://{_reach(host)}:{port}/webhooks/rest/")


def web(port: int, host: str = LOCALHOST, *, rasa_port: int | None = None,
        socket_url: str | None = None, bin_dir: Path | None = None) -> Command:
    """The chat page server (channels/webpage.py); without ``rasa_port`` or ``socket_url`` it
    takes RASA_PORT and WEB_SOCKET_URL from its environment."""
    argv = [str((bin_dir or venv_bin()) / "python"), "-m", "channels.webpage", "--host", host,
            "--port", str(port)]
    if rasa_port is not None:
        argv += ["--rasa-port", str(rasa_port)]
    if socket_url:
        argv += ["--socket-url", socket_url]
    return Command("web", "page server", tuple(argv), {}, f"http://{_reach(host)}:{port}/")


# --- running one ---------------------------------------------------------------------------------

# never through a proxy: the servers are local
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# what a request to a server that is not up yet raises (urllib's errors are OSErrors, and so are
# requests'), besides http.client's own
NOT_YET = (OSError, http.client.HTTPException)


def answers(url: str, timeout: float = 2) -> bool:
    """Whether ``url`` answers a GET with a 2xx status."""
    try:
        with _OPENER.open(url, timeout=timeout) as response:
            return 200 <= response.status < 300
    except NOT_YET:
        return False


def _signal(pid: int, sig: signal.Signals, group: bool) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if group:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)


class Process:
    """A started command, its output (stdout and stderr) in ``log``. ``env`` is the base
    environment (default: this process's); ``own_group``: in a process group of its own, which
    ``stop`` and ``kill`` end as a whole (False: in the caller's, so that Ctrl-C in a terminal
    reaches it, and only the process itself is signalled)."""

    def __init__(self, command: Command, log: Path, *, env: Mapping[str, str] | None = None,
                 cwd: Path = PROJECT_ROOT, own_group: bool = True):
        self.command, self.name, self.log, self.own_group = command, command.title, log, own_group
        log.parent.mkdir(parents=True, exist_ok=True)
        self._out: IO[str] = log.open("w")
        try:
            self.process = subprocess.Popen(
                list(command.argv), cwd=cwd, env=command.environment(env),
                stdin=subprocess.DEVNULL, stdout=self._out, stderr=subprocess.STDOUT,
                start_new_session=own_group)
        except BaseException:
            self._out.close()
            raise

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def tail(self, lines: int = 30, skip: str = "") -> str:
        """The last lines of its log (leaving out those that contain ``skip``)."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        kept = [line for line in text.splitlines() if not skip or skip not in line]
        return "\n".join(kept[-lines:])

    def wait_until(self, ready: Callable[[], bool], timeout: float, poll: float = 0.5) -> None:
        """Calls ``ready()`` until it is true (a request that fails counts as not yet). Fails with
        the end of the log when the process exits first, or after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited while starting:\n{self.tail()}")
            with contextlib.suppress(*NOT_YET):
                if ready():
                    return
            time.sleep(poll)
        raise TimeoutError(f"{self.name} not ready after {timeout:.0f} s:\n{self.tail()}")

    def wait_ready(self, timeout: float) -> None:
        """Waits until its readiness URL answers; stops it if it does not."""
        url = self.command.ready_url
        if url is None:
            raise ValueError(f"{self.name} has no readiness URL")
        try:
            self.wait_until(lambda: answers(url), timeout)
        except BaseException:
            self.stop()
            raise

    def terminate(self) -> None:
        """Asks it to stop (SIGTERM), without waiting."""
        if self.alive():
            _signal(self.pid, signal.SIGTERM, self.own_group)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM, SIGKILL if it is still there after ``timeout``; closes its log."""
        if self.alive():
            _signal(self.pid, signal.SIGTERM, self.own_group)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _signal(self.pid, signal.SIGKILL, self.own_group)
                self.process.wait()
        if self.own_group:
            # children that outlived it keep the process group's id
            _signal(self.pid, signal.SIGKILL, True)
        if not self._out.closed:
            self._out.close()

    def kill(self) -> None:
        """Ends it at once (SIGKILL), as a crash would."""
        if self.alive():
            _signal(self.pid, signal.SIGKILL, self.own_group)
            self.process.wait()


def stop_all(processes: Iterable[Process], timeout: float = STOP_TIMEOUT) -> None:
    """Asks every process to stop at once, then waits for each (SIGKILL after ``timeout``)."""
    processes = list(processes)
    for process in processes:
        process.terminate()
    for process in processes:
        process.stop(timeout)


# --- the settings' commands: make run and the containers -----------------------------------------

@dataclass(frozen=True)
class Places:
    """Where the three listen, from the settings (or the command line)."""

    actions_host: str
    actions_port: int
    rasa_host: str
    rasa_port: int
    web_host: str
    web_port: int

    @classmethod
    def from_settings(cls) -> Places:
        """SettingError when a value cannot be used."""
        return cls(settings.get("ACTIONS_HOST"), settings.get("ACTIONS_PORT"),
                   settings.get("RASA_HOST"), settings.get("RASA_PORT"),
                   settings.get("WEB_HOST"), settings.get("WEB_PORT"))

    def ports(self) -> tuple[int, int, int]:
        return self.rasa_port, self.actions_port, self.web_port


def commands(places: Places, api_token: str | None = None) -> dict[str, Command]:
    """The three as `make run` starts them, with the files under var/ it writes."""
    return {
        "actions": actions(places.actions_port, places.actions_host),
        "rasa": rasa(places.rasa_port, places.rasa_host, endpoints=PROJECT_ROOT / ENDPOINTS,
                     credentials=PROJECT_ROOT / CREDENTIALS, api_token=api_token),
        "web": web(places.web_port, places.web_host, rasa_port=places.rasa_port),
    }


def write_rasa_files(credentials: Path | None = None, endpoints: Path | None = None) -> bool:
    """The Rasa server's channels and endpoints (default: var/credentials.yml and
    var/endpoints.yml) from the environment (channels/credentials.py, ops/endpoints.py), each
    saying what it wrote; False (the error said) when a variable cannot be used."""
    from channels import credentials as channel_credentials
    from ops import endpoints as ops_endpoints

    credentials = credentials or PROJECT_ROOT / CREDENTIALS
    endpoints = endpoints or PROJECT_ROOT / ENDPOINTS
    return (channel_credentials.main(["--out", str(credentials)]) == 0
            and ops_endpoints.main(["--out", str(endpoints)]) == 0)


def _say(*lines: str, err: bool = False) -> None:
    print(*lines, sep="\n", file=sys.stderr if err else sys.stdout, flush=True)


def _error(message: str) -> None:
    _say(f"error: {message}", err=True)


def port_in_use(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((LOCALHOST, port), timeout=1):
        return True
    return False


def log_tails(paths: Sequence[Path], lines: int = 20) -> str:
    """The ends of several logs, as ``tail -n 20 FILE...`` shows them."""
    parts = []
    for path in paths:
        try:
            text = (PROJECT_ROOT / path).read_text(errors="replace")
        except OSError:
            text = ""
        parts.append(f"==> {path} <==\n" + "\n".join(text.splitlines()[-lines:]))
    return "\n\n".join(parts)


class _Stop(Exception):
    """SIGINT or SIGTERM while `run all` runs."""


QUESTION = {"sender": "make-run-check", "message": "what does a team lead make?"}


def answered(rasa_port: int, rest_token: str | None) -> bool:
    """Whether the test question gets an answer with a figure (a Rasa server that is up but
    failed to load its model, or cannot reach the action server, answers with none)."""
    request = urllib.request.Request(
        f"http://{LOCALHOST}:{rasa_port}/webhooks/rest/webhook",
        data=json.dumps(QUESTION).encode(), method="POST",
        headers={"Content-Type": "application/json",
                 **({"Authorization": f"Bearer {rest_token}"} if rest_token else {})})
    try:
        with _OPENER.open(request, timeout=60) as response:
            replies = json.load(response)
    except (*NOT_YET, ValueError):
        return False
    return isinstance(replies, list) and any(
        "$" in str(reply.get("text", "")) for reply in replies if isinstance(reply, dict))


def _banner(places: Places, credentials: Path) -> str:
    import yaml

    page_host = places.web_host
    if page_host in ("127.0.0.1", "0.0.0.0", "::", ""):
        page_host = "localhost"
    port = places.rasa_port
    try:
        channels = yaml.safe_load((PROJECT_ROOT / credentials).read_text()) or {}
    except (OSError, yaml.YAMLError):
        channels = {}
    extra = ""
    if "channels.slack.SlackInput" in channels:
        extra += ("  Slack: events and interactivity go to "
                  "https://<public host>/webhooks/slack/webhook\n")
    if "channels.telegram.TelegramInput" in channels:
        extra += (f"  Telegram: webhook {settings.shown('TELEGRAM_WEBHOOK_URL')} (its "
                  "registration: var/log/rasa.log)\n")
    rasa_bin = _shown(str(venv_bin() / "rasa"))
    return f"""
Career Coach is running.
  Chat page:    http://{page_host}:{places.web_port}/
  REST webhook: http://localhost:{port}/webhooks/rest/webhook
  Try:  curl -s -X POST http://localhost:{port}/webhooks/rest/webhook \\
          -H 'Content-Type: application/json' \\
          -d '{{"sender": "me", "message": "what does a team lead make?"}}'
  Chat in a terminal (another shell):  {rasa_bin} shell --endpoints {ENDPOINTS} --port {port + 1}
{extra}  Logs: var/log/rasa.log, var/log/actions.log, var/log/web.log
Press Ctrl-C to stop."""


def run_all(start_timeout: int = 240) -> int:
    """`make run`: the three in the foreground until Ctrl-C or SIGTERM (exit 0) or one of them
    stops (exit 1). Says "running" only once a real question gets a real answer; stops all
    three, whatever ends it."""
    try:
        places = Places.from_settings()
        api_token = settings.get("RASA_API_TOKEN")
        rest_token = settings.get("REST_TOKEN")
    except settings.SettingError as error:
        _error(str(error))
        return 2
    (PROJECT_ROOT / LOG_DIR).mkdir(parents=True, exist_ok=True)
    # every other variable that is set, checked before anything starts
    problems = settings.check()
    for problem in problems:
        _error(str(problem))
    if problems:
        return 2
    for port in places.ports():
        if port_in_use(port):
            _error(f"port {port} is already in use. Stop what uses it, or choose another port:")
            _say("  make run RASA_PORT=5105 ACTIONS_PORT=5155 WEB_PORT=8180", err=True)
            return 1
    # the channels (REST and the website always, Slack and Telegram when their variables are
    # set); the action server, tracker store and lock store
    if not write_rasa_files():
        return 2

    todo = commands(places, api_token)
    # the page server and the channels' origins take these from the environment too
    env = {**settings.environ(), "RASA_PORT": str(places.rasa_port),
           "WEB_PORT": str(places.web_port)}
    logs = [LOG_DIR / "rasa.log", LOG_DIR / "actions.log", LOG_DIR / "web.log"]
    started: list[Process] = []

    # a stop asked for while a process is being started waits until it is in ``started``
    starting = {"now": False, "stop asked": False}

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if starting["now"]:
            starting["stop asked"] = True
            return
        raise _Stop

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        api = ", HTTP API on with the token" if api_token else ""
        for name, message in (
                ("actions", f"starting the action server on {places.actions_host}:"
                            f"{places.actions_port} (log: var/log/actions.log)"),
                ("rasa", f"starting the Rasa server on {places.rasa_host}:{places.rasa_port}"
                         f"{api} (log: var/log/rasa.log); it takes a minute"),
                ("web", f"starting the chat page on {places.web_host}:{places.web_port} "
                        "(log: var/log/web.log)")):
            _say(message)
            starting["now"] = True
            try:
                # in this process's group: Ctrl-C in the terminal reaches every server, as does
                # a signal to the whole group
                started.append(Process(todo[name], PROJECT_ROOT / LOG_DIR / f"{name}.log",
                                       env=env, own_group=False))
            finally:
                starting["now"] = False
            if starting["stop asked"]:
                raise _Stop
        if not _wait_for_answer(started, places.rasa_port, rest_token, logs, start_timeout):
            return 1
        _say(_banner(places, CREDENTIALS))
        while all(process.alive() for process in started):
            time.sleep(0.5)
        _error("a server stopped; the end of its log:")
        _say(log_tails(logs), err=True)
        return 1
    except (_Stop, KeyboardInterrupt):
        return 0  # a requested stop is a clean exit
    finally:
        # a second Ctrl-C does not interrupt the stopping
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)
        if started:
            _say("", f"stopping Career Coach (pids {' '.join(str(p.pid) for p in started)})")
            stop_all(started)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _wait_for_answer(started: list[Process], rasa_port: int, rest_token: str | None,
                     logs: Sequence[Path], attempts: int) -> bool:
    """Until the test question gets an answer with a figure; False (and why, with the end of
    the logs) when a process dies first or it takes too long."""
    unanswered = 0
    for _ in range(attempts):
        if not all(process.alive() for process in started):
            _error("a server stopped while starting; the end of its log:")
            _say(log_tails(logs), err=True)
            return False
        if answers(f"http://{LOCALHOST}:{rasa_port}/webhooks/rest/", timeout=5):
            if answered(rasa_port, rest_token):
                return True
            # up but not answering: give the action server a few seconds more, not minutes
            unanswered += 1
            if unanswered >= 10:
                break
        time.sleep(1)
    _error('Career Coach is not running: the test question ("what does a team lead make?") got '
           "no answer with a figure. The model or the action server did not load, or the "
           "action server cannot be reached. The end of the logs:")
    _say(log_tails(logs), err=True)
    return False


# --- the command line ----------------------------------------------------------------------------

def _one(name: str, args: argparse.Namespace) -> Command:
    """One command from the settings, with the command line's host and port."""
    places = Places.from_settings()
    if name == "actions":
        return actions(args.port or places.actions_port, args.host or places.actions_host)
    if name == "rasa":
        return rasa(args.port or places.rasa_port, args.host or places.rasa_host,
                    endpoints=PROJECT_ROOT / ENDPOINTS, credentials=PROJECT_ROOT / CREDENTIALS,
                    api_token=settings.get("RASA_API_TOKEN"))
    return web(args.port or places.web_port, args.host or places.web_host,
               rasa_port=args.rasa_port or places.rasa_port)


def exec_server(command: Command) -> int:
    """Replaces this process with the server (the container's main process gets the signals);
    the Rasa server's files are written first."""
    if command.name == "rasa" and not write_rasa_files():
        return 2
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(PROJECT_ROOT)
    os.execve(command.argv[0], list(command.argv), command.environment())
    return 1  # not reached


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.launch",
                                     description=(__doc__ or "").splitlines()[0])
    actions_ = parser.add_subparsers(dest="action", required=True)
    command = actions_.add_parser("command", help="print command lines; start nothing")
    command.add_argument("name", choices=(*NAMES, "all"))
    command.add_argument("--json", action="store_true",
                         help="argv, environment and readiness URL as JSON")
    run = actions_.add_parser("run", help="start and supervise all three in the foreground")
    run.add_argument("name", choices=("all",))
    become = actions_.add_parser("exec", help="become one server (containers)")
    become.add_argument("name", choices=NAMES)
    for sub in (command, become):
        sub.add_argument("--host", help="the interface it listens on")
        sub.add_argument("--port", type=int, help="its port")
        sub.add_argument("--rasa-port", type=int, help="web: the Rasa server's port")
    args = parser.parse_args(argv)
    if args.action == "run":
        return run_all()
    try:
        if args.name == "all":
            if args.host or args.port or args.rasa_port:
                parser.error("--host, --port and --rasa-port go with one server, not all")
            chosen = list(commands(Places.from_settings(),
                                   settings.get("RASA_API_TOKEN")).values())
        else:
            chosen = [_one(args.name, args)]
    except settings.SettingError as error:
        _error(str(error))
        return 2
    if args.action == "exec":
        return exec_server(chosen[0])
    if args.json:
        _say(json.dumps([c.as_json() for c in chosen] if args.name == "all"
                        else chosen[0].as_json(), indent=2))
    else:
        _say(*(c.shell() for c in chosen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
