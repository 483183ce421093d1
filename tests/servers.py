"""Starting the real servers for end-to-end tests: free ports, wait for readiness, always stop.
The command lines, the readiness URLs and the stopping are ops/launch.py's, as for `make run`."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ops import launch
from ops.endpoints import endpoints as endpoints_from
from ops.endpoints import write as write_endpoints
from settings import PROJECT_ROOT

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server(launch.Process):
    """A process started in its own process group, with its output in a log file: one of
    ops.launch's commands, or any ``command`` (nginx) under ``name``."""

    def __init__(self, name: str, command: list[str] | launch.Command, env: dict[str, str],
                 log: Path):
        if not isinstance(command, launch.Command):
            command = launch.Command(name, name, tuple(command))
        super().__init__(command, log, env=env)


def server_env(database_url: str, nlp_dir: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "KNOWLEDGE_NLP_DIR": str(nlp_dir),
            "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def launch_actions(env: dict[str, str], log_dir: Path, port: int | None = None) -> tuple[Server,
                                                                                          int]:
    """An action server on 127.0.0.1, started but not yet ready (``wait_actions``)."""
    port = port or free_port()
    server = Server("action server", launch.actions(port, bin_dir=VENV_BIN), env,
                    log_dir / f"actions-{port}.log")
    return server, port


def wait_actions(server: Server, port: int, timeout: float = 60) -> None:
    """Waits until the action server answers; stops it if it does not."""
    server.wait_ready(timeout)


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
    command = launch.rasa(port, endpoints=endpoints,
                          credentials=credentials or PROJECT_ROOT / "credentials.yml",
                          model=models, api_token=api_token, bin_dir=VENV_BIN)
    server = Server("Rasa server", command, env, log_dir / f"rasa-{port}.log")
    return server, f"http://127.0.0.1:{port}"


def wait_rasa(server: Server, base: str, timeout: float = 240) -> None:
    """Waits until the Rasa server's REST channel answers; stops the server if it does not."""
    server.wait_ready(timeout)


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


def start_page(rasa_port: int, log_dir: Path, env: dict[str, str], port: int | None = None,
               socket_url: str | None = None) -> tuple[Server, str]:
    """The chat page server (python -m channels.webpage) on 127.0.0.1; returns it and the page's
    URL (at localhost, as people open it)."""
    port = port or free_port()
    command = launch.web(port, rasa_port=rasa_port, socket_url=socket_url, bin_dir=VENV_BIN)
    server = Server("page server", command, env, log_dir / f"page-{port}.log")
    server.wait_ready(30)
    return server, f"http://localhost:{port}/"


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
