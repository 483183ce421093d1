"""A kind reply instead of silence when the action server fails.

Rasa 3.6 logs a failed custom action and goes on without a word to the user (the processor drops
the action's events). Rasa has no hook for this, so rasa_ext/patches.py (`install()`) wraps
`RemoteAction.run` with `_run_or_apologise`: when the call fails (server down, timeout, error
status), the action returns the domain's `utter_action_failed` response instead, and the
conversation goes on. Rejections (a form rejecting its action) keep their normal path; if the
apology itself cannot be made, the action's error goes on as Rasa's own code raised it.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.shared.exceptions import RasaException

from rasa_ext import patches

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
        try:
            logger.error("custom action %s failed; telling the user: %s", self.name(), err)
            message = await nlg.generate(FAILURE_RESPONSE, tracker, output_channel.name())
            return [create_bot_utterance(message)] if message else []
        except Exception as error:  # noqa: BLE001 - Rasa's own handling of the failure
            patches.failed_call("action_failure", error)
            raise err from None
