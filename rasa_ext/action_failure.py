"""A kind reply instead of silence when the action server fails.

Rasa 3.6 logs a failed custom action and goes on without a word to the user (the processor drops
the action's events). Rasa has no hook for this, so importing this module wraps
`RemoteAction.run`: when the call fails (server down, timeout, error status), the action returns
the domain's `utter_action_failed` response instead, and the conversation goes on. Rejections
(a form rejecting its action) keep their normal path.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.shared.exceptions import RasaException

FAILURE_RESPONSE = "utter_action_failed"
logger = logging.getLogger(__name__)
_original_run = RemoteAction.run


@functools.wraps(_original_run)
async def _run_or_apologise(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any,
                            domain: Any) -> list:
    try:
        return await _original_run(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except RasaException as err:
        logger.error("custom action %s failed; telling the user: %s", self.name(), err)
        message = await nlg.generate(FAILURE_RESPONSE, tracker, output_channel.name())
        return [create_bot_utterance(message)] if message else []


if getattr(RemoteAction.run, "__wrapped__", None) is not _original_run:
    RemoteAction.run = _run_or_apologise
