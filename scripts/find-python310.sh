#!/usr/bin/env bash
# Prints the path of a working Python 3.10 interpreter, or explains and fails.
# Rasa 3.6 runs on Python 3.8-3.10 only, and machines often have 3.10 installed but not active
# (a pyenv shim named python3.10 that fails unless asked for), so try, in order:
# $PYTHON, a working python3.10 on the PATH, pyenv's 3.10.x, uv's 3.10.
set -u

works() { "$1" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }

candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for p in $(ls -d "$root"/versions/3.10*/bin/python3.10 2>/dev/null | sort -rV); do candidates+=("$p"); done
fi
for p in "$HOME"/.pyenv/versions/3.10*/bin/python3.10; do [ -e "$p" ] && candidates+=("$p"); done
if command -v uv >/dev/null 2>&1; then
  p=$(uv python find 3.10 2>/dev/null) && candidates+=("$p")
fi

for p in "${candidates[@]}"; do
  if works "$p"; then echo "$p"; exit 0; fi
done

cat >&2 <<'MSG'
error: no Python 3.10 interpreter found.
Rasa 3.6 needs Python 3.10 (3.11 and newer cannot install it). Install one, for example
  pyenv install 3.10.13        (then `make` finds it by itself)
  apt-get install python3.10 python3.10-venv
or point to one: make PYTHON=/path/to/python3.10 run
MSG
exit 1
