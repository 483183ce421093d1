"""Starting the real servers for end-to-end tests: free ports, wait for readiness, always stop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import requests

from ops.endpoints import endpoints as endpoints_from
from ops.endpoints import write as write_endpoints
from settings import PROJECT_ROOT

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A process started in its own process group, with its output in a log file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path):
        self.name, self.log = name, log
        self._out = log.open("w")
        self.process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=self._out,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def wait_until(self, ready: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited while starting:\n{self.tail()}")
            try:
                if ready():
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"{self.name} not ready after {timeout:.0f} s:\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def kill(self) -> None:
        """Ends the process group at once (SIGKILL), as a crash would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._out.close()


def server_env(database_url: str, nlp_dir: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "KNOWLEDGE_NLP_DIR": str(nlp_dir),
            "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def launch_actions(env: dict[str, str], log_dir: Path, port: int | None = None) -> tuple[Server,
                                                                                          int]:
    """An action server on 127.0.0.1, started but not yet ready (``wait_actions``)."""
    port = port or free_port()
    server = Server("action server",
                    [str(VENV_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions",
                     "--port", str(port)], {**env, "SANIC_HOST": "127.0.0.1"},
                    log_dir / f"actions-{port}.log")
    return server, port


def wait_actions(server: Server, port: int, timeout: float = 60) -> None:
    """Waits until the action server answers; stops it if it does not."""
    try:
        server.wait_until(lambda: requests.get(f"http://127.0.0.1:{port}/health",
                                               timeout=2).ok, timeout=timeout)
    except Exception:
        server.stop()
        raise


def start_actions(env: dict[str, str], log_dir: Path, port: int | None = None) -> tuple[Server,
                                                                                         int]:
    server, port = launch_actions(env, log_dir, port)
    wait_actions(server, port)
    return server, port


def launch_rasa(env: dict[str, str], log_dir: Path, endpoints: Path,
                credentials: Path | None = None, port: int | None = None,
                api_token: str | None = None) -> tuple[Server, str]:
    """A Rasa server with the trained model in models/, the endpoints file given and the
    channels of ``credentials`` (default credentials.yml: REST and socket.io), started but not
    yet ready (``wait_rasa``); returns it and its base URL. With ``api_token``, Rasa's HTTP API
    (trackers) is on and needs that token."""
    models = PROJECT_ROOT / "models"
    if not any(models.glob("*.tar.gz")):
        raise RuntimeError("no trained model in models/: run `make train` first")
    port = port or free_port()
    server = Server("Rasa server",
                    [str(VENV_BIN / "rasa"), "run", "--model", str(models), "--endpoints",
                     str(endpoints), "--credentials",
                     str(credentials or PROJECT_ROOT / "credentials.yml"),
                     "--port", str(port), "--interface", "127.0.0.1"]
                    # "=": a token may start with "-", which would read as an option
                    + (["--enable-api", f"--auth-token={api_token}"] if api_token else []), env,
                    log_dir / f"rasa-{port}.log")
    return server, f"http://127.0.0.1:{port}"


def wait_rasa(server: Server, base: str, timeout: float = 240) -> None:
    """Waits until the Rasa server's REST channel answers; stops the server if it does not."""
    try:
        server.wait_until(lambda: requests.get(f"{base}/webhooks/rest/", timeout=2).ok,
                          timeout=timeout)
    except Exception:
        server.stop()
        raise


def start_rasa(env: dict[str, str], log_dir: Path, actions_port: int,
               credentials: Path | None = None,
               api_token: str | None = None) -> tuple[Server, str]:
    """A Rasa server with the trained model in models/ and the channels of ``credentials``
    (default credentials.yml: REST and socket.io); returns it and the REST webhook URL."""
    port = free_port()
    endpoints = log_dir / f"endpoints-{port}.yml"
    # as `make run` writes it (ops/endpoints.py), for this action server
    write_endpoints(endpoints, endpoints_from(
        {**env, "ACTIONS_URL": f"http://127.0.0.1:{actions_port}/webhook"}))
    server, base = launch_rasa(env, log_dir, endpoints, credentials, port, api_token)
    wait_rasa(server, base)
    return server, f"{base}/webhooks/rest/webhook"


@contextlib.contextmanager
def sanic_in_process(app: Any) -> Iterator[str]:
    """Serves a Sanic app from a thread of this process on a free port; yields its base URL.
    Faster than a Rasa server, for a channel's blueprint with a stand-in for Rasa."""
    from sanic import Sanic

    # Sanic 21 rewrites its request handling once per process unless in test mode, so a second
    # in-process server (another test module's) would fail to start
    Sanic.test_mode = True
    port = free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, Any] = {}

    async def serve() -> None:
        server = await app.create_server(host="127.0.0.1", port=port,
                                         return_asyncio_server=True)
        await server.startup()
        await server.before_start()
        await server.after_start()
        holder["server"] = server
        started.set()
        await server.serve_forever()

    thread = threading.Thread(target=lambda: loop.run_until_complete(serve()), daemon=True)
    thread.start()
    if not started.wait(30):
        raise TimeoutError("the in-process Sanic server did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(holder["server"].close)
        thread.join(10)
