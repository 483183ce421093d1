"""Whose conversation a message belongs to: sender ids checked, and one namespace per channel.

Every channel names its conversations ``<channel>:<id>`` (``rest:alice``, ``web:…``,
``slack:U04…``, ``telegram:123…``), so that no channel can name another's conversation: a Slack
member id sent over REST becomes ``rest:U04…``, a different conversation with no plan. The
platform's own id (what Slack and Telegram send replies to) is ``platform_id``.

An id a channel receives must be at most ``MAX_SENDER_CHARS`` printable characters (no NUL, no
control characters): PostgreSQL refuses longer or NUL-bearing ids, and Rasa's fail-safe tracker
store would then keep such a conversation in memory for ever.

Plans saved before the namespaces carry the bare id. ``legacy_id`` says which bare id a
namespaced one may adopt, once, by the shape each channel's ids have (a Telegram chat id is a
number, a Slack id is upper-case letters and digits, the website's old session ids are 32 hex
digits); a REST sender adopts only a bare id no other channel could have made, so REST cannot
reach a Slack, Telegram or website plan that way.
"""

from __future__ import annotations

import re

MAX_SENDER_CHARS = 128
CHANNELS = ("rest", "web", "slack", "telegram")

# the shapes of the ids each channel gave before namespaces (Slack: user, or user_channel_thread)
_LEGACY_SHAPES = {
    "telegram": re.compile(r"-?\d{1,20}"),
    "slack": re.compile(r"[A-Z][A-Z0-9]{4,}(?:_[A-Z0-9.]+)*"),
    "web": re.compile(r"[0-9a-f]{32}"),
}


def valid_sender_id(raw: object) -> bool:
    """Whether a channel may use ``raw`` as a conversation id."""
    return (isinstance(raw, str) and 0 < len(raw) <= MAX_SENDER_CHARS and raw.isprintable()
            and bool(raw.strip()))


def namespaced(channel: str, raw: str) -> str:
    """The conversation id of ``raw`` on ``channel`` (``raw`` checked by the caller)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    return f"{channel}:{raw}"


def platform_id(sender_id: str) -> str:
    """The platform's own id inside a conversation id (what replies are addressed to)."""
    channel, colon, raw = sender_id.partition(":")
    return raw if colon and channel in CHANNELS else sender_id


def legacy_id(sender_id: str) -> str | None:
    """The bare id a plan saved before namespaces has, when ``sender_id`` may adopt it."""
    channel, colon, raw = sender_id.partition(":")
    if not colon or channel not in CHANNELS:
        return None
    if channel == "rest":
        return None if any(shape.fullmatch(raw) for shape in _LEGACY_SHAPES.values()) else raw
    return raw if _LEGACY_SHAPES[channel].fullmatch(raw) else None
