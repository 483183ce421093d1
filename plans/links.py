"""Download links for a person's plan (the website's "export").

A link is ``/plan/<token>.md`` with a random token (192 bits) that names nobody: the plan store
keeps only the token's SHA-256 with the conversation it opens and when it expires (PLAN_LINK_TTL
seconds after it was given, default one hour). A leaked database row does not give the link, a
guessed token opens nothing, and "forget me" deletes the person's outstanding links with the plan.
"""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 24
# what a token looks like in a URL (base64url of TOKEN_BYTES bytes)
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the store keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def path_for(token: str) -> str:
    """The page's path of the download (served by channels/webpage.py)."""
    return f"/plan/{token}.md"
