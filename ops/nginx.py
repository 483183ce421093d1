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
               server gets them (ops/lock_store.py).
  /socket.io/  the website's channel, to one Rasa server per client address (ip_hash): socket.io
               starts with long-polling, whose requests must reach the server that holds the
               session, and the widget cannot be told to use websockets only.
  /            the chat page and plan downloads (--page), when there is a page server.
Everything else, Rasa's HTTP API (/model, /conversations, /status, ...) included, gets 404. A
body over ops.limits.MAX_BODY_BYTES gets 413 with a JSON reason, before it reaches Rasa.

The actions server (``--actions-listen``) is for the Rasa servers only (never publish its port:
an action server's error replies echo the whole conversation): /webhook to any action server,
and to the next one when a server cannot be reached. When none can, Rasa gets a 502 at once and
the person gets the bot's apology (rasa_ext/action_failure.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ops.limits import MAX_BODY_BYTES, TOO_LARGE

# deploy/docker-compose.yml: its services' names and ports
DEPLOY_RASA = ("rasa1:5005", "rasa2:5005")
DEPLOY_ACTIONS = ("actions1:5055", "actions2:5055")
DEPLOY_PAGE = "web:8080"
DOCKER_DNS = "127.0.0.11"

NOT_FOUND = "not found: the chat page is at /, the REST webhook at /webhooks/rest/webhook"
UNAVAILABLE = "the assistant cannot be reached right now: please try again in a moment"


def _json(text: str) -> str:
    """A JSON error body as an nginx single-quoted string."""
    body = json.dumps({"error": text})
    assert "'" not in body and "\\" not in body, body
    return f"'{body}\\n'"


def render(rasa: Sequence[str], actions: Sequence[str], listen: str, actions_listen: str,
           page: str | None = None, runtime_dir: Path | None = None,
           workers: str = "auto", resolver: str | None = None) -> str:
    """The nginx configuration. ``runtime_dir``: where the pid file, logs and temporary files
    go (a test's own folder); None keeps nginx's defaults, logging to stdout and stderr.
    ``resolver``: a DNS server to look the servers' names up again while running (nginx 1.27.3
    or later; Docker's is 127.0.0.11), so a container restarted with a new address is found."""
    if not rasa or not actions:
        raise ValueError("at least one Rasa server and one action server are needed")

    def upstream(name: str, addresses: Sequence[str], options: str, first: str = "") -> str:
        lines = [first] if first else []
        if resolver:
            lines.append(f"zone {name} 64k;")
            options += " resolve"
        lines += [f"server {address}{options};" for address in addresses]
        body = "".join(f"        {line}\n" for line in lines)
        return f"    upstream {name} {{\n{body}    }}\n"

    dns = f"    resolver {resolver} valid=10s ipv6=off;\n" if resolver else ""
    if runtime_dir is None:
        head = "error_log /dev/stderr warn;\n"
        access_log = "/dev/stdout"
        temp = ""
    else:
        head = f"pid {runtime_dir}/nginx.pid;\nerror_log {runtime_dir}/error.log warn;\n"
        access_log = f"{runtime_dir}/access.log"
        temp = "".join(f"    {kind}_temp_path {runtime_dir}/{kind}_temp;\n"
                       for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    page_location = """
        # the chat page, its script and widget, and plan downloads (channels/webpage.py)
        location / {
            limit_except GET { deny all; }
            proxy_pass http://page;
        }
""" if page else f"""
        location / {{
            default_type application/json;
            return 404 {_json(NOT_FOUND)};
        }}
"""
    page_upstream = "\n" + upstream("page", [page], "") if page else ""
    limit = f"{MAX_BODY_BYTES // 1024}k"
    return f"""# Career Coach behind nginx. Written by `python -m ops.nginx`: do not edit.
worker_processes {workers};
{head}
events {{
    worker_connections 4096;
}}

http {{
    # which Rasa server or action server answered, and how (the scale test reads it too)
    log_format upstreams '$remote_addr [$time_iso8601] "$request" $status ${{request_time}}s '
                         'upstream=$upstream_addr upstream_status=$upstream_status t=$msec';
    access_log {access_log} upstreams;
{temp}{dns}    server_tokens off;
    # Bodies stay in memory (no temporary files): the limit is small.
    client_max_body_size {limit};
    client_body_buffer_size {limit};
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

    # The channels' webhooks: any Rasa server will do (the conversation is in the tracker store,
    # its lock in Redis). A server that cannot be reached is skipped for 5 s.
{upstream("rasa", rasa, " max_fails=1 fail_timeout=5s")}
    # socket.io: one client address, one Rasa server (the session lives in that server).
{upstream("rasa_sticky", rasa, " max_fails=1 fail_timeout=5s", first="ip_hash;")}
{upstream("actions", actions, " max_fails=1 fail_timeout=2s")}{page_upstream}
    server {{
        listen {listen};

        error_page 413 @too_large;
        location @too_large {{
            default_type application/json;
            return 413 {_json(TOO_LARGE)};
        }}
        error_page 502 503 504 =503 @unavailable;
        location @unavailable {{
            default_type application/json;
            return 503 {_json(UNAVAILABLE)};
        }}

        location /webhooks/ {{
            proxy_pass http://rasa;
            # a message is not sent twice: a request that reached a server which then failed
            # is not passed to the next (nginx never retries a POST once sent)
            proxy_next_upstream error timeout;
            proxy_read_timeout 120s;
        }}

        location /socket.io/ {{
            proxy_pass http://rasa_sticky;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 120s;
        }}
{page_location}    }}

    # For the Rasa servers only: the action servers.
    server {{
        listen {actions_listen};

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
