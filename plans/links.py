"""Download links for a person's plan (the website's "export"), signed so that only the person the
bot gave the link to can use it: a sender id alone (a Telegram chat id, say) is guessable, a
signature over it without the secret is not.

The secret is PLAN_LINK_SECRET; without it, one is made on first use and kept in
var/plan-link.secret, which the action server and the page server on one machine share. Replicas
on several machines need PLAN_LINK_SECRET set to the same value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from knowledge.settings import VAR_DIR

SECRET_FILE = VAR_DIR / "plan-link.secret"


def _secret(path: Path = SECRET_FILE) -> bytes:
    configured = os.environ.get("PLAN_LINK_SECRET")
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


def _signature(sender_id: str) -> str:
    return hmac.new(_secret(), sender_id.encode(), hashlib.sha256).hexdigest()[:32]


def token_for(sender_id: str) -> str:
    """"<sender id, base64url>.<signature>": the name of the download."""
    encoded = base64.urlsafe_b64encode(sender_id.encode()).decode().rstrip("=")
    return f"{encoded}.{_signature(sender_id)}"


def sender_for(token: str) -> str | None:
    """The sender id a token was made for, or None when it is not a valid token."""
    encoded, _, signature = token.partition(".")
    try:
        sender_id = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return sender_id if hmac.compare_digest(signature, _signature(sender_id)) else None
