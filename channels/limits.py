"""Limits shared by the edge (nginx, ops/nginx.py), the Rasa server's channels and the tests.

A chat message is text a person typed: a request body of 128 KiB holds a 20,000-character message
in any script even when the client escapes every character as ``\\uXXXX`` (6 bytes each), and
Slack's longest message (40,000 characters) as UTF-8 in Latin script. A larger body is refused
before it reaches the language model, with a 413 that says why. A message of more than
``MAX_MESSAGE_CHARS`` characters is refused by every channel (REST and socket.io with an error,
Slack and Telegram with a kind reply), so that no single message can swell a conversation.
"""

from __future__ import annotations

MAX_BODY_BYTES = 128 * 1024
MAX_MESSAGE_CHARS = 20_000
TOO_LARGE = (f"the request is larger than {MAX_BODY_BYTES // 1024} KiB: a message must be "
             "shorter (about 20,000 characters at most)")
TOO_LONG = (f"a message can be at most {MAX_MESSAGE_CHARS:,} characters: please send a shorter "
            "one")
