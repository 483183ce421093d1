#!/bin/sh
# The roles of Career Coach's image (deploy/Dockerfile, deploy/docker-compose.yml).
#   rasa     a Rasa server on :5005: channels and endpoints from the environment
#            (channels/credentials.py, ops/endpoints.py); the HTTP API only with RASA_API_TOKEN
#   actions  an action server on :5055, on the container's network only (never publish it)
#   web      the chat page on :8080
#   kb       loads the knowledge base into DATABASE_URL, then exits
set -eu
cd /app
case "${1:-rasa}" in
  rasa)
    python -m channels.credentials --out var/credentials.yml
    python -m ops.endpoints --out var/endpoints.yml
    set -- rasa run --model models --endpoints var/endpoints.yml \
      --credentials var/credentials.yml --interface 0.0.0.0 --port 5005
    if [ -n "${RASA_API_TOKEN:-}" ]; then
      set -- "$@" --enable-api "--auth-token=$RASA_API_TOKEN"  # "=": a token may start with "-"
    fi
    exec "$@" ;;
  actions)
    SANIC_HOST=0.0.0.0 exec python -m rasa_sdk --actions actions --port 5055 ;;
  web)
    exec python -m channels.webpage --host 0.0.0.0 --port 8080 ;;
  kb)
    exec python -m knowledge.build ;;
  *)
    exec "$@" ;;
esac
