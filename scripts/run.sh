#!/usr/bin/env bash
# Starts Career Coach in the foreground: the action server, the Rasa server and the website chat
# page, and prints how to talk to it once a real question gets a real answer. Ctrl-C or SIGTERM
# stops every process it started. Called by `make run`, after the knowledge base is built, the
# model trained and the widget installed. The command lines, the checks and the supervision are
# ops/launch.py's (`python -m ops.launch run all`), which the tests, the benchmarks and
# deploy/entrypoint.sh use too.
#   Every variable, its default and what it must be: docs/configuration.md (settings/table.py).
#   RASA_PORT (5005)   ACTIONS_PORT (5055)   WEB_PORT (8080)
#   RASA_HOST / ACTIONS_HOST / WEB_HOST (127.0.0.1)
#   Slack and Telegram are on when their variables are set (channels/credentials.py,
#   docs/channels.md).
#   TRACKER_STORE_URL, REDIS_URL, ACTIONS_URL: where conversations, locks and the action server
#   are (ops/endpoints.py, docs/operations.md); in memory and localhost by default.
#   RASA_API_TOKEN: when set, Rasa's HTTP API is on and needs this token (docs/security.md).
#   VENV (.venv): the virtual environment the servers run from.
#   --dry-run: print the servers' command lines and stop.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
if [ "${1:-}" = "--dry-run" ]; then
  exec "$VENV/bin/python" -m ops.launch command all
fi
exec "$VENV/bin/python" -m ops.launch run all
