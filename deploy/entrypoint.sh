#!/bin/sh
# The roles of Career Coach's image (deploy/Dockerfile, deploy/docker-compose.yml). The servers'
# command lines are ops/launch.py's (as for `make run`, the tests and the benchmarks); `exec`
# makes the server the container's main process.
#   rasa     a Rasa server on :5005: channels and endpoints from the environment
#            (channels/credentials.py, ops/endpoints.py); the HTTP API only with RASA_API_TOKEN
#   actions  an action server on :5055, on the container's network only (never publish it)
#   web      the chat page on :8080
#   kb       loads the knowledge base into DATABASE_URL, then exits
set -eu
cd /app
case "${1:-rasa}" in
  rasa)
    exec python -m ops.launch exec rasa --host 0.0.0.0 --port 5005 ;;
  actions)
    exec python -m ops.launch exec actions --host 0.0.0.0 --port 5055 ;;
  web)
    exec python -m ops.launch exec web --host 0.0.0.0 --port 8080 ;;
  kb)
    exec python -m knowledge.build ;;
  *)
    exec "$@" ;;
esac
