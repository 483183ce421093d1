"""The website's session ids: issued by the Rasa server, never chosen by the browser.

A session id is ``<32 hex digits, random>.<signature>``: 128 random bits, and an HMAC-SHA256
over them with the server's secret, so a browser can keep its session across reloads (the widget
sends it back) but cannot make one up, short or known. The conversation is ``web:<random part>``.

The secret is SESSION_SECRET; without it, one is made on first use and kept in
var/session.secret (mode 600), which every Rasa server on one machine shares. Replicas on
several machines need SESSION_SECRET set to the same value.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

import settings

SECRET_FILE = settings.VAR_DIR / "session.secret"
SESSION_PATTERN = re.compile(r"([0-9a-f]{32})\.([0-9a-f]{32})")
LEGACY_PATTERN = re.compile(r"[0-9a-f]{32}")


def secret(path: Path = SECRET_FILE) -> bytes:
    configured: str | None = settings.get("SESSION_SECRET")
    if configured:
        return configured.encode()
    try:
        return path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL: when two processes race, one writes and both then read the same secret
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes()
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_hex(32).encode())
        return path.read_bytes()


def _signature(random_part: str, key: bytes) -> str:
    return hmac.new(key, random_part.encode(), hashlib.sha256).hexdigest()[:32]


def issue(key: bytes, random_part: str | None = None) -> str:
    """A new session id (or the signed form of a legacy one the caller vouches for)."""
    random_part = random_part or secrets.token_hex(16)
    return f"{random_part}.{_signature(random_part, key)}"


def verified(session_id: object, key: bytes) -> str | None:
    """The random part of a session id this server issued, else None."""
    if not isinstance(session_id, str):
        return None
    match = SESSION_PATTERN.fullmatch(session_id)
    if match is None:
        return None
    random_part, signature = match.groups()
    return random_part if hmac.compare_digest(signature, _signature(random_part, key)) else None
