"""The settings module (settings/): docs/configuration.md lists exactly its variables with the
same defaults, a value that cannot be used is an error naming the variable, and no other code
reads the environment."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import settings
from channels.credentials import ConfigError, web_origins
from ops.endpoints import endpoints
from settings import PROJECT_ROOT, SETTINGS, SettingError
from settings.docs import markdown

DOCS = PROJECT_ROOT / "docs" / "configuration.md"
HEADER = "| variable | default | used by | what it does |"
CELL_SPLIT = re.compile(r"(?<!\\)\|")


# --- (a) docs/configuration.md is the table ---

def docs_table(text: str) -> dict[str, tuple[str, str, str]]:
    """name -> (default, used by, what it does), from the one table of the document."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == HEADER]
    assert len(starts) == 1, f"{DOCS.name} must have one table headed {HEADER!r}"
    rows: dict[str, tuple[str, str, str]] = {}
    for line in lines[starts[0] + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip().replace("\\|", "|") for cell in CELL_SPLIT.split(line)[1:-1]]
        assert len(cells) == 4, f"not four cells: {line}"
        name = cells[0].strip("`")
        assert name not in rows, f"{name} is listed twice"
        rows[name] = (cells[1], cells[2], cells[3])
    return rows


def docs_problems(text: str) -> list[str]:
    """How the document disagrees with the settings table (empty: it agrees)."""
    rows = docs_table(text)
    names = {item.name for item in SETTINGS}
    problems = [f"{name} is documented but not in settings/table.py"
                for name in sorted(set(rows) - names)]
    problems += [f"{name} is in settings/table.py but not documented"
                 for name in sorted(names - set(rows))]
    for item in SETTINGS:
        if item.name not in rows:
            continue
        default, users, description = rows[item.name]
        if default != item.default_text():
            problems.append(f"{item.name}: the documented default is {default!r}, the table's "
                            f"{item.default_text()!r}")
        if (users, description) != (item.users_text(), item.description):
            problems.append(f"{item.name}: who uses it or what it does differs")
    return problems


def test_the_documentation_lists_exactly_the_settings_with_their_defaults():
    problems = docs_problems(DOCS.read_text())
    assert not problems, ("docs/configuration.md disagrees with settings/table.py (rewrite it: "
                          "python -m settings --docs > docs/configuration.md):\n"
                          + "\n".join(problems))


def test_a_document_that_disagrees_is_caught():
    text = markdown()
    assert docs_problems(text) == []
    first = f"| `{SETTINGS[0].name}` |"
    without_first = "\n".join(line for line in text.splitlines()
                              if not line.startswith(first))
    assert docs_problems(without_first) == [
        f"{SETTINGS[0].name} is in settings/table.py but not documented"]
    ttl = settings.setting("PLAN_LINK_TTL")
    changed = text.replace(f"| `PLAN_LINK_TTL` | {ttl.default_text()} |",
                           "| `PLAN_LINK_TTL` | `60` |")
    assert [p for p in docs_problems(changed) if "default" in p] == [
        "PLAN_LINK_TTL: the documented default is '`60`', the table's '`3600`'"]
    extra = text.replace(HEADER + "\n| --- | --- | --- | --- |",
                         HEADER + "\n| --- | --- | --- | --- |\n| `NOT_A_SETTING` | x | y | z |")
    assert docs_problems(extra) == ["NOT_A_SETTING is documented but not in settings/table.py"]


def test_every_default_is_a_value_its_parser_accepts():
    for item in SETTINGS:
        assert settings.get(item.name, {}) == item.default
        if item.default is not None:
            assert item.parse(item.parse.show(item.default)) == item.default, item.name
    assert settings.check({}) == []


def shell_defaults() -> dict[str, set[str]]:
    """``${NAME:-default}`` and ``${NAME:?...}`` (default None) in the scripts and the compose
    file: the variables they read from the environment."""
    found: dict[str, set[str]] = {}
    files = [PROJECT_ROOT / "scripts" / "run.sh", PROJECT_ROOT / "scripts" / "find-python310.sh",
             PROJECT_ROOT / "deploy" / "entrypoint.sh",
             PROJECT_ROOT / "deploy" / "docker-compose.yml",
             PROJECT_ROOT / "endpoints.yml", PROJECT_ROOT / "credentials.yml"]
    for path in files:
        for name, kind, default in re.findall(r"\$\{([A-Z][A-Z0-9_]*)(?::?([-?=]))?([^}]*)\}",
                                              path.read_text()):
            found.setdefault(name, set()).add(default if kind == "-" else "")
    return found


def test_the_scripts_and_the_compose_file_read_only_documented_variables():
    for name, defaults in shell_defaults().items():
        item = settings.setting(name)  # KeyError: a variable the table does not have
        for default in defaults - {""}:
            assert item.default is not None and default == item.parse.show(item.default), (
                f"{name}: the default {default!r} in a script disagrees with the table's "
                f"{item.default_text()}")


# --- (b) a value that cannot be used is an error naming the variable ---

@pytest.mark.parametrize("name, value, expected", [
    ("PLAN_LINK_TTL", "abc", "whole number of seconds"),
    ("PLAN_LINK_TTL", "0", "1 or more"),
    ("WEB_PORT", "-1", "port number"),
    ("ACTIONS_PORT", "70000", "port number"),
    ("DB_CONNECT_TIMEOUT", "1.5", "whole number"),
    ("SENTENCE_ENCODER_PROCESS", "maybe", "true"),
    ("ACTIONS_URL", "actions:5055", "http://"),
    ("TRACKER_STORE_URL", "mysql://db/x", "postgresql://"),
    ("REDIS_URL", "redis://r/x", "database is a number"),
    ("WEB_HOST", "$(reboot)", "host name"),
])
def test_a_bad_value_is_an_error_naming_the_variable_the_value_and_what_is_expected(
        monkeypatch, name, value, expected):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingError) as error:
        settings.get(name)
    message = str(error.value)
    assert message.startswith(f"{name} must be ") and repr(value) in message
    assert expected in message
    assert error.value.name == name


def test_the_code_that_reads_them_fails_loudly_too(monkeypatch):
    monkeypatch.setenv("PLAN_LINK_TTL", "abc")
    with pytest.raises(ValueError, match="PLAN_LINK_TTL must be a whole number"):
        settings.link_ttl()
    with pytest.raises(ConfigError, match="WEB_PORT must be a port number.*'-8080'"):
        web_origins({"WEB_PORT": "-8080"})
    with pytest.raises(ConfigError, match="ACTIONS_PORT must be a port number.*'-5055'"):
        endpoints({"ACTIONS_PORT": "-5055"})


def test_secrets_and_passwords_are_not_shown(monkeypatch):
    monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", "hunter2 and more")
    with pytest.raises(SettingError) as error:
        settings.get("TELEGRAM_SECRET_TOKEN")
    assert "TELEGRAM_SECRET_TOKEN" in str(error.value) and "hunter2" not in str(error.value)
    monkeypatch.setenv("REDIS_URL", "redis://:hunter2@redis:6379/x")
    with pytest.raises(SettingError) as error:
        settings.get("REDIS_URL")
    assert "redis://:***@redis:6379/x" in str(error.value) and "hunter2" not in str(error.value)


def test_empty_is_unset_and_values_are_read_when_asked_for(monkeypatch):
    monkeypatch.setenv("PLAN_LINK_TTL", "  ")
    assert settings.link_ttl() == 3600
    monkeypatch.setenv("PLAN_LINK_TTL", " 60 ")
    assert settings.link_ttl() == 60
    with pytest.raises(KeyError, match="settings/table.py"):
        settings.get("NOT_A_SETTING")


def test_the_command_line_checks_and_prints(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PLAN_LINK_TTL": "soon", "RASA_PORT": "5105"}
    run = [sys.executable, "-m", "settings"]
    checked = subprocess.run([*run, "--check"], cwd=PROJECT_ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 2
    assert "PLAN_LINK_TTL must be a whole number of seconds, 1 or more, not 'soon'" in \
        checked.stderr
    shell = subprocess.run([*run, "--shell", "RASA_PORT", "ACTIONS_HOST"], cwd=PROJECT_ROOT,
                           env=env, capture_output=True, text=True, timeout=60)
    assert shell.stdout.splitlines() == ["RASA_PORT=5105", "ACTIONS_HOST=127.0.0.1"]


# --- (c) nothing else reads the environment ---

ENVIRONMENT_READ = re.compile(
    r"\bos\.(environ|environb|getenv|getenvb|putenv|unsetenv)\b"
    r"|\bfrom\s+os\s+import\s[^\n]*\b(environ|getenv)\b")
NOT_SCANNED = {".venv", ".git", "settings", "tests", "var", "models", "node_modules",
               ".mypy_cache", ".ruff_cache", ".pytest_cache", ".rasa", "build"}


def environment_reads(root: Path) -> list[str]:
    """file:line of every os.environ / os.getenv in the .py files under ``root``, but for
    settings/ and tests/ (and what is not the project's code: .venv, var, ...)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if parts[0] in NOT_SCANNED or any(part in NOT_SCANNED - {"settings", "tests"}
                                          for part in parts[:-1]):
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if ENVIRONMENT_READ.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_no_code_outside_settings_reads_the_environment():
    found = environment_reads(PROJECT_ROOT)
    assert not found, ("read environment variables through settings (settings/table.py), not "
                       "os.environ:\n" + "\n".join(found))


def test_a_read_of_the_environment_is_found(tmp_path):
    (tmp_path / "channels").mkdir()
    (tmp_path / "channels" / "sneaky.py").write_text(
        "import os\nfrom os import getenv\nTOKEN = os.environ['X'] or os.getenv('Y')\n")
    (tmp_path / "settings").mkdir()
    (tmp_path / "settings" / "ok.py").write_text("import os\nos.environ.get('X')\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "ok.py").write_text("import os\nos.environ.get('X')\n")
    assert environment_reads(tmp_path) == [
        "channels/sneaky.py:2: from os import getenv",
        "channels/sneaky.py:3: TOKEN = os.environ['X'] or os.getenv('Y')"]
