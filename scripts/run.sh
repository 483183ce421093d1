#!/usr/bin/env bash
# Starts Career Coach in the foreground: the action server, the Rasa server and the website chat
# page, and prints how to talk to it. Ctrl-C or SIGTERM stops every process it started. Called by
# `make run`, after the knowledge base is built, the model trained and the widget installed.
#   Every variable, its default and what it must be: docs/configuration.md (settings/table.py).
#   RASA_PORT (5005)   ACTIONS_PORT (5055)   WEB_PORT (8080)
#   RASA_HOST / ACTIONS_HOST / WEB_HOST (127.0.0.1)
#   Slack and Telegram are on when their variables are set (channels/credentials.py, README).
#   TRACKER_STORE_URL, REDIS_URL, ACTIONS_URL: where conversations, locks and the action server
#   are (ops/endpoints.py, README "Production"); in memory and localhost by default.
#   RASA_API_TOKEN: when set, Rasa's HTTP API is on and needs this token (README "Security").
#   --dry-run: print the servers' command lines and stop.
set -euo pipefail
cd "$(dirname "$0")/.."
dry_run=false
if [ "${1:-}" = "--dry-run" ]; then dry_run=true; fi

VENV=${VENV:-.venv}
# The ports and interfaces, checked, with their defaults from the settings table (a bad value
# stops here, naming the variable). The action server listens on localhost unless told
# otherwise: its error replies echo the whole tracker.
values=$("$VENV/bin/python" -m settings --shell RASA_PORT ACTIONS_PORT ACTIONS_HOST RASA_HOST \
  WEB_PORT WEB_HOST)
eval "$values"
export WEB_PORT RASA_PORT
credentials=var/credentials.yml
endpoints=var/endpoints.yml

# rasa_sdk takes its interface from SANIC_HOST (it has no option for it)
actions_cmd=(env SANIC_HOST="$ACTIONS_HOST" "$VENV/bin/python" -m rasa_sdk --actions actions
             --port "$ACTIONS_PORT")
rasa_cmd=("$VENV/bin/rasa" run --model models --endpoints "$endpoints"
          --credentials "$credentials" --interface "$RASA_HOST" --port "$RASA_PORT")
# Rasa's HTTP API (conversations, model upload) is off unless a token is given; never without one.
if [ -n "${RASA_API_TOKEN:-}" ]; then
  rasa_cmd+=(--enable-api "--auth-token=$RASA_API_TOKEN")  # "=": a token may start with "-"
fi
web_cmd=("$VENV/bin/python" -m channels.webpage --host "$WEB_HOST" --port "$WEB_PORT"
         --rasa-port "$RASA_PORT")
if $dry_run; then
  printf '%s\n' "${actions_cmd[*]}" "${rasa_cmd[*]}" "${web_cmd[*]}"
  exit 0
fi
mkdir -p var/log
# Every other variable that is set, checked before anything starts.
"$VENV/bin/python" -m settings --check

pids=()
stop() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    echo; echo "stopping Career Coach (pids ${pids[*]})"
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'stop; exit 0' INT TERM  # a requested stop is a clean exit

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$RASA_PORT" "$ACTIONS_PORT" "$WEB_PORT"; do
  if ! port_free "$port"; then
    echo "error: port $port is already in use. Stop what uses it, or choose another port:" >&2
    echo "  make run RASA_PORT=5105 ACTIONS_PORT=5155 WEB_PORT=8180" >&2
    exit 1
  fi
done

# The channels: REST and the website always, Slack and Telegram when their variables are set.
"$VENV/bin/python" -m channels.credentials --out "$credentials"

# The Rasa server's action server, tracker store and lock store, from the environment.
"$VENV/bin/python" -m ops.endpoints --out "$endpoints"

echo "starting the action server on $ACTIONS_HOST:$ACTIONS_PORT (log: var/log/actions.log)"
"${actions_cmd[@]}" > var/log/actions.log 2>&1 &
pids+=($!)

api=""
if [ -n "${RASA_API_TOKEN:-}" ]; then api=", HTTP API on with the token"; fi
echo "starting the Rasa server on $RASA_HOST:$RASA_PORT$api (log: var/log/rasa.log); it takes a minute"
"${rasa_cmd[@]}" > var/log/rasa.log 2>&1 &
pids+=($!)

echo "starting the chat page on $WEB_HOST:$WEB_PORT (log: var/log/web.log)"
"${web_cmd[@]}" > var/log/web.log 2>&1 &
pids+=($!)

# Ready when a real question gets a real answer (a server that is up but failed to load the model
# answers nothing); give up, and say why, if a process dies first or it takes too long.
question='{"sender": "make-run-check", "message": "what does a team lead make?"}'
auth=()
if [ -n "${REST_TOKEN:-}" ]; then auth=(-H "Authorization: Bearer $REST_TOKEN"); fi
answered() {
  curl -sf --max-time 60 "${auth[@]}" -H 'Content-Type: application/json' -d "$question" \
    "http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook" \
    | "$VENV/bin/python" -c 'import json, sys
replies = json.load(sys.stdin)
sys.exit(0 if any("$" in r.get("text", "") for r in replies) else 1)' 2>/dev/null
}
ready=false
unanswered=0
for _ in $(seq 1 240); do
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "error: a server stopped while starting; the end of its log:" >&2
      tail -n 20 var/log/rasa.log var/log/actions.log var/log/web.log >&2
      exit 1
    fi
  done
  if curl -sf "http://127.0.0.1:$RASA_PORT/webhooks/rest/" > /dev/null; then
    if answered; then ready=true; break; fi
    # up but not answering: give the action server a few seconds more, not minutes
    unanswered=$((unanswered + 1))
    if [ "$unanswered" -ge 10 ]; then break; fi
  fi
  sleep 1
done
if ! $ready; then
  echo "error: Career Coach is not running: the test question (\"what does a team lead" \
       "make?\") got no answer with a figure. The model or the action server did not load," \
       "or the action server cannot be reached. The end of the logs:" >&2
  tail -n 20 var/log/rasa.log var/log/actions.log var/log/web.log >&2
  exit 1
fi

page_host=$WEB_HOST
case "$page_host" in 127.0.0.1|0.0.0.0|::|"") page_host=localhost ;; esac
channels=""
if grep -q '^"channels.slack.SlackInput"' "$credentials"; then
  channels+="  Slack: events and interactivity go to https://<public host>/webhooks/slack/webhook"$'\n'
fi
if grep -q '^"channels.telegram.TelegramInput"' "$credentials"; then
  channels+="  Telegram: webhook $TELEGRAM_WEBHOOK_URL (its registration: var/log/rasa.log)"$'\n'
fi

cat <<EOF

Career Coach is running.
  Chat page:    http://$page_host:$WEB_PORT/
  REST webhook: http://localhost:$RASA_PORT/webhooks/rest/webhook
  Try:  curl -s -X POST http://localhost:$RASA_PORT/webhooks/rest/webhook \\
          -H 'Content-Type: application/json' \\
          -d '{"sender": "me", "message": "what does a team lead make?"}'
  Chat in a terminal (another shell):  $VENV/bin/rasa shell --endpoints $endpoints --port $((RASA_PORT + 1))
${channels}  Logs: var/log/rasa.log, var/log/actions.log, var/log/web.log
Press Ctrl-C to stop.
EOF
wait -n "${pids[@]}"
echo "error: a server stopped; the end of its log:" >&2
tail -n 20 var/log/rasa.log var/log/actions.log var/log/web.log >&2
exit 1
