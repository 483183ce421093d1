"""Serves the website chat page (web/) and the rasa-webchat widget installed there by npm.

    python -m channels.webpage [--host 127.0.0.1] [--port 8080] [--rasa-port 5005]
                               [--socket-url URL]

Defaults come from WEB_HOST, WEB_PORT, RASA_PORT and WEB_SOCKET_URL. The page talks to the Rasa
server's socket.io channel: by default on the page's own host name at RASA_PORT; WEB_SOCKET_URL
(e.g. https://chat.example.org behind a proxy) replaces that.

Only the page's own files and the widget's bundle are served; nothing else under web/ (not
node_modules, not package.json). Every answer carries a Content-Security-Policy that allows
scripts from this server only and connections to this server and the Rasa server only, as a
second line of defence behind the widget, which shows what people type as text. The widget's
stylesheet imports a web font from Google: the bundle is served without that import (the page
uses the system's fonts), so the page makes no request outside these two servers.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import signal
import sys
import threading
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import settings

if TYPE_CHECKING:
    from plans.store import PlanStore

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WEB_DIR = PROJECT_ROOT / "web"
WIDGET_BUNDLE = Path("node_modules/rasa-webchat/lib/index.js")
FONT_IMPORT = b"@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700&display=swap);"

# URL path -> (file under web/, content type)
FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/style.css": ("style.css", "text/css; charset=utf-8"),
    "/favicon.svg": ("favicon.svg", "image/svg+xml"),
    "/vendor/webchat.js": (str(WIDGET_BUNDLE), "text/javascript; charset=utf-8"),
}

# /plan/<token>.md: a person's plan, by the link the bot gave them (plans/links.py); the token is
# a key to the plan, so it is never written to the log
PLAN_PATH = re.compile(r"/plan/([^/]*)\.md")
PLAN_IN_LOG = re.compile(r"/plan/[^ ?#]*")

logger = logging.getLogger(__name__)


def socket_origins(socket_url: str | None, host_header: str, rasa_port: int) -> list[str]:
    """The origins (http and ws) the page may connect to for the socket.io channel."""
    if socket_url:
        parts = urlsplit(socket_url)
        http = f"{parts.scheme}://{parts.netloc}"
        ws = ("wss" if parts.scheme == "https" else "ws") + f"://{parts.netloc}"
        return [http, ws]
    hostname = urlsplit(f"//{host_header}").hostname or "localhost"
    if ":" in hostname:  # an IPv6 address
        hostname = f"[{hostname}]"
    return [f"http://{hostname}:{rasa_port}", f"ws://{hostname}:{rasa_port}"]


def content_security_policy(connect: list[str]) -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        # the widget injects its styles at run time
        "style-src 'self' 'unsafe-inline'",
        # the bot may send pictures from anywhere
        "img-src 'self' data: https: http:",
        "font-src 'self' data:",
        "connect-src 'self' " + " ".join(connect),
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ])


def config_script(rasa_port: int, socket_url: str | None) -> bytes:
    config = {"rasaPort": rasa_port, "socketUrl": socket_url}
    return f"window.CAREER_COACH = {json.dumps(config)};\n".encode()


class PageHandler(BaseHTTPRequestHandler):
    server_version = "CareerCoachPage"
    sys_version = ""

    def __init__(self, *args, web_dir: Path, rasa_port: int, socket_url: str | None,
                 plans: Callable[[], PlanStore], **kwargs) -> None:
        self.web_dir, self.rasa_port, self.socket_url = web_dir, rasa_port, socket_url
        self.plans = plans
        super().__init__(*args, **kwargs)

    def do_HEAD(self) -> None:  # noqa: N802 (the name http.server calls)
        self._serve(with_body=False)

    def do_GET(self) -> None:  # noqa: N802
        self._serve(with_body=True)

    def _serve(self, with_body: bool) -> None:
        path = urlsplit(self.path).path
        plan = PLAN_PATH.fullmatch(path)
        if plan:
            self._serve_plan(plan.group(1), with_body)
            return
        if path == "/config.js":
            body, content_type = (config_script(self.rasa_port, self.socket_url),
                                  "text/javascript; charset=utf-8")
        elif path in FILES:
            name, content_type = FILES[path]
            try:
                body = (self.web_dir / name).read_bytes()
            except FileNotFoundError:
                hint = " (run `make web`: npm installs the widget)" if "node_modules" in name \
                    else ""
                self._send(HTTPStatus.NOT_FOUND, f"{name} is missing{hint}\n".encode(),
                           "text/plain; charset=utf-8", with_body)
                return
            if name == str(WIDGET_BUNDLE):
                body = body.replace(FONT_IMPORT, b"")
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8",
                       with_body)
            return
        self._send(HTTPStatus.OK, body, content_type, with_body)

    def _serve_plan(self, token: str, with_body: bool) -> None:
        """The person's plan as a Markdown download, by the link the bot gave them."""
        from plans.export import to_markdown

        try:
            store = self.plans()
            sender_id = store.sender_for_link(token)
            # links are made for the conversation's own id: nothing to adopt, and the page
            # server's database user may only read plans
            saved = store.load(sender_id, adopt=False) if sender_id is not None else None
        except Exception:  # a database that is down: say so, keep serving the page
            logger.exception("could not read a plan")
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"the plans can't be read right now\n",
                       "text/plain; charset=utf-8", with_body)
            return
        if saved is None:
            self._send(HTTPStatus.NOT_FOUND, b"this link has expired or opens no plan: ask the "
                       b"bot for your plan again\n", "text/plain; charset=utf-8", with_body)
            return
        self._send(HTTPStatus.OK, to_markdown(saved).encode(), "text/markdown; charset=utf-8",
                   with_body, download="career-plan.md")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, with_body: bool,
              download: str | None = None) -> None:
        connect = socket_origins(self.socket_url, self.headers.get("Host", ""), self.rasa_port)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", content_security_policy(connect))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        if download:
            self.send_header("Content-Disposition", f'attachment; filename="{download}"')
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's name)
        logger.info("%s %s", self.address_string(),
                    PLAN_IN_LOG.sub("/plan/<link>", format % args))


class OnFirstUse:
    """The server's one plan store, and so its one database engine: made when the first download
    asks for it, shared by every download after it, disposed by ``close`` when the server stops.
    When the database cannot be reached at first, the next download tries the same engine again
    (no engine is left behind); after ``close`` no download opens another."""

    def __init__(self, make: Callable[[], PlanStore] | None = None) -> None:
        self._lock = threading.Lock()
        self._make = make
        self._store: PlanStore | None = None
        self._tables_checked = False
        self._closed = False

    def __call__(self) -> PlanStore:
        with self._lock:
            if self._closed:
                raise RuntimeError("the page server is stopping: its plan store is closed")
            if self._store is None:
                if self._make is None:
                    from plans.store import PlanStore

                    self._make = PlanStore
                self._store = self._make()
            if not self._tables_checked:
                self._store.create_all()
                self._tables_checked = True
            return self._store

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._store is not None:
                self._store.dispose()
                self._store = None
                logger.info("the plans' database engine is closed")


def make_server(host: str, port: int, rasa_port: int, socket_url: str | None = None,
                web_dir: Path = WEB_DIR) -> ThreadingHTTPServer:
    """The page server, with one plan store for all its downloads (``server.plans``);
    ``server.plans.close()`` (also done by ``main`` when it stops) closes its database."""
    plans = OnFirstUse()
    handler = partial(PageHandler, web_dir=web_dir, rasa_port=rasa_port, socket_url=socket_url,
                      plans=plans)
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    server.plans = plans  # type: ignore[attr-defined]
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve Career Coach's website chat page")
    try:
        defaults = {name: settings.get(name)
                    for name in ("WEB_HOST", "WEB_PORT", "RASA_PORT", "WEB_SOCKET_URL")}
    except settings.SettingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    parser.add_argument("--host", default=defaults["WEB_HOST"])
    parser.add_argument("--port", type=int, default=defaults["WEB_PORT"])
    parser.add_argument("--rasa-port", type=int, default=defaults["RASA_PORT"])
    parser.add_argument("--socket-url", default=defaults["WEB_SOCKET_URL"])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if not (WEB_DIR / WIDGET_BUNDLE).exists():
        print(f"error: {WEB_DIR / WIDGET_BUNDLE} is missing: run `make web` (npm ci in web/)",
              file=sys.stderr)
        return 1
    server = make_server(args.host, args.port, args.rasa_port, args.socket_url)
    logger.info("serving the chat page on http://%s:%s/", args.host, args.port)
    # SIGTERM (how the launcher, make run and containers stop it) ends it as Ctrl-C does, so that
    # the plans' database engine is disposed of
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.plans.close()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
