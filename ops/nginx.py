"""The load balancer's configuration: nginx in front of several Rasa servers and action servers.

    python -m ops.nginx --deploy > deploy/nginx.conf      (the docker-compose setup in deploy/)
    python -m ops.nginx --rasa 10.0.0.5:5005 --rasa 10.0.0.6:5005 --actions 10.0.0.7:5055 \\
        [--page 10.0.0.8:8080] [--listen 80] [--actions-listen 5055]

One function writes both the file in deploy/ and the one the scale test runs
(tests/scale_support.py), so what is tested is what is deployed (a test checks that
deploy/nginx.conf is up to date).

The public server (``--listen``) passes on only what people use:
  /webhooks/   the channels (REST, Slack, Telegram), to any Rasa server (round robin). The
               conversation's messages are kept in order by Rasa's lock store in Redis, whichever
               server gets them (rasa_ext/lock_store.py).
  /socket.io/  the website's channel, to one Rasa server per client address (ip_hash): socket.io
               starts with long-polling, whose requests must reach the server that holds the
               session, and the widget cannot be told to use websockets only.
  /            the chat page and plan downloads (--page), when there is a page server.
Everything else, Rasa's HTTP API (/model, /conversations, /status, ...) included, gets 404. A
body over channels.limits.MAX_BODY_BYTES gets 413 with a JSON reason, before it reaches Rasa, and a
client sending faster than the rate limits below gets 429 with a JSON reason. The logs never
hold a plan download's token (``PLAN_PATH_LOGGED``).

The actions server (``--actions-listen``) is for the Rasa servers only (never publish its port:
an action server's error replies echo the whole conversation): /webhook to any action server,
and to the next one when a server cannot be reached. When none can, Rasa gets a 502 at once and
the person gets the bot's apology (rasa_ext/action_failure.py). Its body limit is its own
(``ACTIONS_MAX_BODY``): each call carries the whole conversation.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from channels.limits import MAX_BODY_BYTES, TOO_LARGE

# deploy/docker-compose.yml: its services' names and ports
DEPLOY_RASA = ("rasa1:5005", "rasa2:5005")
DEPLOY_ACTIONS = ("actions1:5055", "actions2:5055")
DEPLOY_PAGE = "web:8080"
DOCKER_DNS = "127.0.0.11"

NOT_FOUND = "not found: the chat page is at /, the REST webhook at /webhooks/rest/webhook"
UNAVAILABLE = "the assistant cannot be reached right now: please try again in a moment"
TOO_MANY = "too many requests: please wait a moment, then send again"

# The Rasa server -> action server hop. Rasa sends the whole conversation (every event of the
# session, each message with its full reading) with every custom action call, and the domain to
# the actions that ask for it. Measured: about 4 KB a turn of questions answered with figures,
# and 280 KB for one message of channels.limits.MAX_MESSAGE_CHARS characters in a non-Latin script
# (JSON writes each such character as \uXXXX, six bytes, and the text is there twice). The
# public 128 KiB made every custom action fail after 30 to 55 turns, or after one long message,
# for the rest of the session (which ends after an hour without a message: domain.yml). 16 MiB
# holds some 4,000 turns, or 50 of the longest messages; past it that person gets the bot's
# apology, not silence, and nobody else is affected.
ACTIONS_MAX_BODY = "16m"
# What of such a body nginx keeps in memory; the rest of a larger one goes to a temporary file
# (client_body_temp_path). nginx reads the whole body before passing it on, so that it can send
# it again to the next action server when one cannot be reached.
ACTIONS_BODY_BUFFER = "1m"

# Rate limits on the public paths. Requests over the rate pass at once while they fit in the
# burst; past it they get 429 (with a JSON reason) until the rate has made room again.
#   people: REST and the website's channel. A person sends a message every few seconds at most,
#     but one address can be many people (an office, a mobile network's NAT): the rate is dozens
#     of people's, and the burst lets as many start at once.
#   platforms: Slack's and Telegram's webhooks. All of a platform's users arrive from its few
#     servers' addresses, and each request is signed (the channels refuse an unsigned one before
#     the bot reads its message), so their bound only stops a flood of forged requests from one
#     address; both platforms send a refused request again later.
#   sessions: one socket.io session (its `sid` query argument), one person's browser. Long-polling
#     costs a few requests a message; once the channel is upgraded to a websocket, messages are
#     frames nginx does not count, and the Rasa server bounds each person's pending messages
#     itself (channels/turns.py).
# REST's sender is inside the JSON body, which nginx cannot read: there, too, channels/turns.py
# bounds each sender.


@dataclass(frozen=True)
class RateLimit:
    zone: str
    key: str
    rate: str
    burst: int
    memory: str = "10m"

    def zone_line(self) -> str:
        return (f"limit_req_zone {self.key} zone={self.zone}:{self.memory} "
                f"rate={self.rate};")

    def rule(self) -> str:
        return f"limit_req zone={self.zone} burst={self.burst} nodelay;"


PER_ADDRESS = RateLimit("per_address", "$binary_remote_addr", "20r/s", 100)
PER_PLATFORM_ADDRESS = RateLimit("per_platform_address", "$binary_remote_addr", "100r/s", 200,
                                 memory="1m")
PER_SESSION = RateLimit("per_session", "$arg_sid", "5r/s", 20)
RATE_LIMITS = (PER_ADDRESS, PER_PLATFORM_ADDRESS, PER_SESSION)
PLATFORM_WEBHOOKS = r"^/webhooks/(slack|telegram)/"

# A plan download (/plan/<token>.md, channels/webpage.py) is opened by its token alone, so the
# access log shows this path in its place. The map reads $uri, the path as nginx resolved it
# (decoded, slashes merged), so that no other spelling of the path escapes it.
PLAN_PATH_LOGGED = "/plan/<redacted>"


def _json(text: str) -> str:
    """A JSON error body as an nginx single-quoted string."""
    body = json.dumps({"error": text})
    assert "'" not in body and "\\" not in body, body
    return f"'{body}\\n'"


def _upstream(name: str, addresses: Sequence[str], options: str, resolver: str | None,
              first: str = "") -> str:
    lines = [first] if first else []
    if resolver:
        lines.append(f"zone {name} 64k;")
        options += " resolve"
    lines += [f"server {address}{options};" for address in addresses]
    body = "".join(f"        {line}\n" for line in lines)
    return f"    upstream {name} {{\n{body}    }}\n"


@dataclass(frozen=True)
class Runtime:
    """Where nginx writes: ``head`` (main context), the logs, and the temporary folders."""

    head: str
    error_log: str
    access_log: str
    temp: str


def _runtime(runtime_dir: Path | None) -> Runtime:
    if runtime_dir is None:
        return Runtime("", "/dev/stderr", "/dev/stdout", "")
    temp = "".join(f"    {kind}_temp_path {runtime_dir}/{kind}_temp;\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return Runtime(f"pid {runtime_dir}/nginx.pid;\n", f"{runtime_dir}/error.log",
                   f"{runtime_dir}/access.log", temp)


def _webhooks(location: str, limit: RateLimit) -> str:
    return f"""        location {location} {{
            {limit.rule()}
            proxy_pass http://rasa;
            # a message is not sent twice: a request that reached a server which then failed
            # is not passed to the next (nginx never retries a POST once sent)
            proxy_next_upstream error timeout;
            proxy_read_timeout 120s;
        }}
"""


def _page_locations(page: str | None, error_log: str) -> str:
    if not page:
        return f"""
        location / {{
            default_type application/json;
            return 404 {_json(NOT_FOUND)};
        }}
"""
    return f"""
        # the chat page, its script and widget (channels/webpage.py)
        location / {{
            limit_except GET {{ deny all; }}
            proxy_pass http://page;
        }}

        # plan downloads: the access log shows {PLAN_PATH_LOGGED} (the map above), and as
        # nginx writes the request line into the error log with any error (a page server that
        # fails, a body too large), this location writes critical errors only; the page
        # server's failures still show in the log of the page's other paths
        location /plan/ {{
            limit_except GET {{ deny all; }}
            proxy_pass http://page;
            error_log {error_log} crit;
        }}
"""


def render(rasa: Sequence[str], actions: Sequence[str], listen: str, actions_listen: str,
           page: str | None = None, runtime_dir: Path | None = None,
           workers: str = "auto", resolver: str | None = None) -> str:
    """The nginx configuration. ``runtime_dir``: where the pid file, logs and temporary files
    go (a test's own folder); None keeps nginx's defaults, logging to stdout and stderr.
    ``resolver``: a DNS server to look the servers' names up again while running (nginx 1.27.3
    or later; Docker's is 127.0.0.11), so a container restarted with a new address is found."""
    if not rasa or not actions:
        raise ValueError("at least one Rasa server and one action server are needed")
    run = _runtime(runtime_dir)
    dns = f"    resolver {resolver} valid=10s ipv6=off;\n" if resolver else ""
    page_upstream = "\n" + _upstream("page", [page], "", resolver) if page else ""
    limit = f"{MAX_BODY_BYTES // 1024}k"
    zones = "".join(f"    {rate_limit.zone_line()}\n" for rate_limit in RATE_LIMITS)
    return f"""# Career Coach behind nginx. Written by `python -m ops.nginx`: do not edit.
worker_processes {workers};
{run.head}error_log {run.error_log} warn;

events {{
    worker_connections 4096;
}}

http {{
    # a plan download's token never goes into the log (PLAN_PATH_LOGGED in ops/nginx.py)
    map $uri $loggable_uri {{
        ~^/plan/  "{PLAN_PATH_LOGGED}";
        default   $request_uri;
    }}
    # which Rasa server or action server answered, and how (the scale test reads it too);
    # in=: the request's size in bytes
    log_format upstreams '$remote_addr [$time_iso8601] '
                         '"$request_method $loggable_uri $server_protocol" $status '
                         '${{request_time}}s in=$request_length '
                         'upstream=$upstream_addr upstream_status=$upstream_status t=$msec';
    access_log {run.access_log} upstreams;
{run.temp}{dns}    server_tokens off;
    proxy_http_version 1.1;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_connect_timeout 2s;
    proxy_max_temp_file_size 0;

    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}

    # Rate limits (RATE_LIMITS in ops/nginx.py says why these): 429 with a JSON reason. The
    # access log has every refused request; the error log does not repeat them.
{zones}    limit_req_status 429;
    limit_req_log_level notice;

    # The channels' webhooks: any Rasa server will do (the conversation is in the tracker store,
    # its lock in Redis). A server that cannot be reached is skipped for 5 s.
{_upstream("rasa", rasa, " max_fails=1 fail_timeout=5s", resolver)}
    # socket.io: one client address, one Rasa server (the session lives in that server).
{_upstream("rasa_sticky", rasa, " max_fails=1 fail_timeout=5s", resolver, first="ip_hash;")}
{_upstream("actions", actions, " max_fails=1 fail_timeout=2s", resolver)}{page_upstream}
    server {{
        listen {listen};
        # Bodies stay in memory (no temporary files): the limit is small.
        client_max_body_size {limit};
        client_body_buffer_size {limit};

        error_page 413 @too_large;
        location @too_large {{
            default_type application/json;
            return 413 {_json(TOO_LARGE)};
        }}
        error_page 429 @too_many;
        location @too_many {{
            default_type application/json;
            add_header Retry-After 1 always;
            return 429 {_json(TOO_MANY)};
        }}
        error_page 502 503 504 =503 @unavailable;
        location @unavailable {{
            default_type application/json;
            return 503 {_json(UNAVAILABLE)};
        }}

        # REST, by client address: its sender is in the JSON body, which nginx cannot read
        # (channels/turns.py bounds each sender in the Rasa server)
{_webhooks("/webhooks/", PER_ADDRESS)}
        # Slack's and Telegram's webhooks: every user of a platform comes from its servers
{_webhooks(f"~ {PLATFORM_WEBHOOKS}", PER_PLATFORM_ADDRESS)}
        location /socket.io/ {{
            {PER_ADDRESS.rule()}
            {PER_SESSION.rule()}
            proxy_pass http://rasa_sticky;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 120s;
        }}
{_page_locations(page, run.error_log)}    }}

    # For the Rasa servers only: the action servers.
    server {{
        listen {actions_listen};
        # each call carries the whole conversation (ACTIONS_MAX_BODY in ops/nginx.py)
        client_max_body_size {ACTIONS_MAX_BODY};
        client_body_buffer_size {ACTIONS_BODY_BUFFER};

        location = /webhook {{
            proxy_pass http://actions;
            # a server that is down costs well under a second: the person gets the bot's
            # apology within 2 s even when no action server can be reached
            proxy_connect_timeout 700ms;
            proxy_next_upstream error timeout;
            proxy_next_upstream_timeout 1500ms;
            proxy_read_timeout 60s;
        }}
        location = /health {{
            proxy_pass http://actions;
        }}
        location / {{
            return 404;
        }}
    }}
}}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the nginx configuration.")
    parser.add_argument("--deploy", action="store_true",
                        help="the docker-compose setup's configuration (deploy/nginx.conf)")
    parser.add_argument("--rasa", action="append", default=[], metavar="HOST:PORT")
    parser.add_argument("--actions", action="append", default=[], metavar="HOST:PORT")
    parser.add_argument("--page", metavar="HOST:PORT")
    parser.add_argument("--listen", default="80")
    parser.add_argument("--actions-listen", default="5055")
    args = parser.parse_args(argv)
    if args.deploy:
        config = render(DEPLOY_RASA, DEPLOY_ACTIONS, "80", "5055", page=DEPLOY_PAGE,
                        resolver=DOCKER_DNS)
    else:
        if not args.rasa or not args.actions:
            parser.error("give --rasa and --actions (once per server), or --deploy")
        config = render(args.rasa, args.actions, args.listen, args.actions_listen,
                        page=args.page)
    sys.stdout.write(config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
