"""Writes the Rasa server's credentials file: the channels that are always on (``credentials.yml``:
REST and the website's socket.io) plus Slack and Telegram when their environment variables are
set. ``scripts/run.sh`` runs it before every start, so a channel is on exactly when its
variables are set, and the bot starts without them.

    python -m channels.credentials [--base credentials.yml] [--out var/credentials.yml]

Why not ``${VAR}`` in credentials.yml: Rasa expands a placeholder only when it is unquoted and
stops when the variable is unset, so one file cannot leave a channel off. The values are written
into the file itself (mode 600, under the git-ignored ``var/``), double-quoted so that Rasa never
expands anything in them.

Website the page's origins may use the socket.io channel: WEB_ORIGINS, else localhost and
        127.0.0.1 on WEB_PORT (8080)

Slack   on with SLACK_TOKEN and SLACK_SIGNING_SECRET; optional SLACK_CHANNEL (a channel it also
        answers without an @-mention), SLACK_USE_THREADS (true: answer in a thread),
        SLACK_API_URL (default Slack's Web API)
Telegram on with TELEGRAM_TOKEN, TELEGRAM_VERIFY (the bot's username), TELEGRAM_WEBHOOK_URL and
        TELEGRAM_SECRET_TOKEN (required on every update: Telegram signs nothing else, so without
        it anyone could post updates in any chat's name; it stays off without one, and says
        so); optional TELEGRAM_API_URL
Both    with REDIS_URL (and REDIS_KEY_PREFIX), a delivery the platform repeats is answered once
        across every replica (channels/recent.py); without it, once per process
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

import settings
from channels.rasa_files import write_rasa_yaml
from settings.table import TELEGRAM_SECRET_PATTERN

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SOCKETIO_CLASS = "channels.socketio.SocketIOInput"
SLACK_CLASS = "channels.slack.SlackInput"
TELEGRAM_CLASS = "channels.telegram.TelegramInput"
SLACK_REQUIRED = ("SLACK_TOKEN", "SLACK_SIGNING_SECRET")
TELEGRAM_REQUIRED = ("TELEGRAM_TOKEN", "TELEGRAM_VERIFY", "TELEGRAM_WEBHOOK_URL",
                     "TELEGRAM_SECRET_TOKEN")

# channels/telegram.py checks a secret token from a credentials file by the same rule
SECRET_TOKEN_PATTERN = re.compile(TELEGRAM_SECRET_PATTERN)

# A channel's variable is set but wrong (settings/table.py says what each must be).
ConfigError = settings.SettingError


@dataclass
class Channels:
    credentials: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def _missing(env: Mapping[str, str], names: tuple[str, ...]) -> list[str]:
    return [name for name in names if not settings.is_set(name, env)]


def shared_deliveries(env: Mapping[str, str]) -> dict[str, Any]:
    """Where Slack and Telegram remember the deliveries they answered, for every replica to see
    (channels/recent.py): REDIS_URL and REDIS_KEY_PREFIX, when set."""
    config: dict[str, Any] = {}
    url = settings.get("REDIS_URL", env)
    if url:
        config["redis_url"] = url
        prefix = settings.get("REDIS_KEY_PREFIX", env)
        if prefix:
            config["redis_key_prefix"] = prefix
    return config


def slack(env: Mapping[str, str]) -> dict[str, Any] | None:
    if _missing(env, SLACK_REQUIRED):
        return None
    config: dict[str, Any] = {"slack_token": settings.get("SLACK_TOKEN", env),
                              "slack_signing_secret": settings.get("SLACK_SIGNING_SECRET", env),
                              **shared_deliveries(env)}
    if settings.is_set("SLACK_CHANNEL", env):
        config["slack_channel"] = settings.get("SLACK_CHANNEL", env)
    if settings.get("SLACK_USE_THREADS", env):
        config["use_threads"] = True
    if settings.is_set("SLACK_API_URL", env):
        config["api_url"] = settings.get("SLACK_API_URL", env)
    return config


def telegram(env: Mapping[str, str]) -> dict[str, Any] | None:
    if _missing(env, TELEGRAM_REQUIRED):
        return None
    token = settings.get("TELEGRAM_TOKEN", env)
    url = settings.get("TELEGRAM_WEBHOOK_URL", env)
    secret = settings.get("TELEGRAM_SECRET_TOKEN", env)
    config: dict[str, Any] = {"access_token": token,
                              "verify": settings.get("TELEGRAM_VERIFY", env).lstrip("@"),
                              "webhook_url": url, "secret_token": secret,
                              **shared_deliveries(env)}
    if settings.is_set("TELEGRAM_API_URL", env):
        config["api_url"] = settings.get("TELEGRAM_API_URL", env)
    return config


def web_origins(env: Mapping[str, str]) -> list[str]:
    """The web pages that may use the socket.io channel: WEB_ORIGINS (comma- or space-separated,
    "*" for any), else the chat page at localhost and 127.0.0.1 on WEB_PORT (8080)."""
    listed: list[str] | None = settings.get("WEB_ORIGINS", env)
    if listed:
        return [origin.rstrip("/") for origin in listed]
    port = settings.get("WEB_PORT", env)
    return [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]


def channels(env: Mapping[str, str], base: Path) -> Channels:
    """The credentials for ``env``: the base file's channels (the website's with its origins),
    then Slack and Telegram if on."""
    credentials = dict(yaml.safe_load(base.read_text()) or {})
    result = Channels(credentials)
    if SOCKETIO_CLASS in credentials:
        origins = web_origins(env)
        credentials[SOCKETIO_CLASS] = {**(credentials[SOCKETIO_CLASS] or {}),
                                       "cors_allowed_origins": "*" if "*" in origins
                                       else origins}
    for label, key, required, make in (("Slack", SLACK_CLASS, SLACK_REQUIRED, slack),
                                       ("Telegram", TELEGRAM_CLASS, TELEGRAM_REQUIRED,
                                        telegram)):
        config = make(env)
        if config is not None:
            credentials[key] = config
            result.notes.append(f"{label}: on")
            continue
        missing = _missing(env, required)
        if len(missing) < len(required):
            result.notes.append(f"{label}: off, {', '.join(missing)} not set "
                                f"(it needs {', '.join(required)})")
        else:
            result.notes.append(f"{label}: off (set {', '.join(required)} to turn it on)")
    return result


def write(path: Path, credentials: dict[str, Any]) -> None:
    write_rasa_yaml(path, credentials, written_by="python -m channels.credentials")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, default=PROJECT_ROOT / "credentials.yml")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "var" / "credentials.yml")
    args = parser.parse_args(argv)
    try:
        result = channels(settings.environ(), args.base)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    write(args.out, result.credentials)
    print(f"channels: REST and website always on; {'; '.join(result.notes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
