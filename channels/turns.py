"""One turn of a conversation as every channel hands it to Rasa: bounded per person, and never
silent when it fails.

- **A bound per person.** A person (a conversation id) may have at most ``MAX_PENDING`` messages
  waiting or being answered in this process; Rasa answers one conversation's messages one after
  another, so a client that floods one conversation would otherwise queue work without end. The
  message over the bound is not processed: the person gets ``BUSY``.
- **A kind reply on failure.** When Rasa cannot process the message (Redis or the database down,
  a lock not granted, any error), the person gets ``FAILED`` instead of nothing; the error is
  logged. Rasa's own failed custom actions already apologise (rasa_ext/action_failure.py).

The counts live in the event loop of one Rasa server, so they need no lock; replicas each bound
their own share (nginx bounds each client address in front of them, deploy/nginx.conf).
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

logger = logging.getLogger(__name__)

MAX_PENDING = 5
BUSY = ("I'm still answering your earlier messages. Please wait for my replies, then send that "
        "again.")
FAILED = "Sorry, something went wrong on my side. Please try again in a moment."

_pending: Counter[str] = Counter()


def pending(sender_id: str) -> int:
    """How many of this person's messages this process is waiting on or answering."""
    return _pending[sender_id]


async def run_turn(on_new_message: Callable[[UserMessage], Awaitable[Any]],
                   message: UserMessage) -> str | None:
    """Hands ``message`` to Rasa; None when Rasa processed it. Over the bound, or when it
    fails, the person is told so through the message's output channel, and what they were told
    (``BUSY`` or ``FAILED``) is returned."""
    sender = message.sender_id or ""
    if _pending[sender] >= MAX_PENDING:
        logger.warning("%s has %d messages pending: one more was refused", sender,
                       _pending[sender])
        await _tell(message.output_channel, sender, BUSY)
        return BUSY
    _pending[sender] += 1
    try:
        await on_new_message(message)
        return None
    except CancelledError:
        # the client went away (Sanic cancels the handler): nobody is left to tell
        logger.error("handling a message of %s was cancelled", sender)
        raise
    except Exception:
        logger.exception("the message of %s failed", sender)
        await _tell(message.output_channel, sender, FAILED)
        return FAILED
    finally:
        _pending[sender] -= 1
        if _pending[sender] <= 0:
            del _pending[sender]


async def _tell(output: OutputChannel | None, sender: str, text: str) -> None:
    if output is None:
        return
    try:
        await output.send_text_message(sender, text)
    except Exception:  # the platform cannot be reached either: the log has both
        logger.exception("could not tell %s that their message failed", sender)
