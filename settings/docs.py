"""docs/configuration.md, written from the table (``python -m settings --docs``)."""

from __future__ import annotations

from settings.table import SETTINGS, Setting

HEADER = """\
# Configuration

<!-- Written by `python -m settings --docs > docs/configuration.md` from settings/table.py;
tests/test_settings.py fails when the two disagree. -->

Career Coach runs without any configuration: every default is embedded, and production settings
come from environment variables only. These are all of them, in one table. The Python code reads
them through one module, `settings/` (its table, `settings/table.py`, is the one below), when it
needs them. A value that cannot be used stops the process with an error that names the variable,
the value (never a secret's; a URL's password masked) and what is expected; an empty variable
counts as unset. `python -m settings --check` checks every variable set in the environment (`make
run` does, before it starts anything), and `python -m settings NAME` prints a value as the code
sees it.

"Used by": the Rasa server includes `python -m channels.credentials` and `python -m
ops.endpoints`, which write its channels and endpoints (`var/credentials.yml`,
`var/endpoints.yml`) from these variables at every start; credentials.yml and endpoints.yml use
none of Rasa's own `${VAR}` expansion. "Rasa's own" and "TensorFlow's own" variables are read by
those libraries, not by our code.

"""

FOOTER = """
Not settings, though they are environment variables:

- set by the Makefile and the image for the libraries, not meant to be changed:
  `RASA_TELEMETRY_ENABLED=false`, `SQLALCHEMY_SILENCE_UBER_WARNING=1`,
  `PYTHONDONTWRITEBYTECODE=1`, `PYTHONUNBUFFERED=1` (the image), and `SANIC_HOST`, the action
  server's interface, which scripts/run.sh sets from `ACTIONS_HOST` (deploy/entrypoint.sh:
  `0.0.0.0`, on the containers' network);
- the arguments of make targets, described with them in the README: `SENDER` (`make forget`),
  `EVAL_ARGS`, `BENCH_ARGS`, `ALL`.
"""


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def row(item: Setting) -> str:
    return (f"| `{item.name}` | {cell(item.default_text())} | {cell(item.users_text())} | "
            f"{cell(item.description)} |")


def markdown() -> str:
    lines = ["| variable | default | used by | what it does |", "| --- | --- | --- | --- |"]
    lines += [row(item) for item in SETTINGS]
    return HEADER + "\n".join(lines) + "\n" + FOOTER
