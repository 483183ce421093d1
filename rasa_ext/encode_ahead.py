"""The Rasa server has each message's sentence vector made in the encoder process
(rasa_ext/encoder_process.py) before it parses the message.

Why: Rasa 3.6 parses a message synchronously on its only thread, so the ~10 ms of encoding
stopped every other conversation. Awaiting the encoder process instead lets the server get on
with other conversations meanwhile, and the encoding happens on the other core; the featurizer
(rasa_ext/sentence_featurizer.py) then finds the vector ready. If the encoder process cannot be
started or does not answer, the server encodes the message itself, as before, and says so once
in its log.

SENTENCE_ENCODER_PROCESS=0 turns it off.

Installed by rasa_ext/patches.py (`install()`), which checks first that
`MessageProcessor.parse_message` is the one this was written for; an error in the step added
here hands the message to Rasa's own parse.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import logging
from typing import Any

import numpy as np
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

import settings
from rasa_ext import patches
from rasa_ext.encoder_process import EncoderProcess, frame, read_frame
from rasa_ext.sentence_encoder import shared_encoder
from understanding.focus import main_question

logger = logging.getLogger(__name__)

START_TIMEOUT = 60.0  # seconds for the encoder process to load its weights
REPLY_TIMEOUT = 10.0  # seconds for one message's vector before encoding it here instead


def enabled() -> bool:
    on: bool = settings.get("SENTENCE_ENCODER_PROCESS")
    return on


class EncoderClient:
    """Connections to one encoder process, started on first use; one request per connection
    at a time, idle connections kept for the next."""

    def __init__(self) -> None:
        self._process: EncoderProcess | None = None
        self._starting: asyncio.Task[bool] | None = None
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self.failed = False

    async def vector(self, text: str) -> np.ndarray | None:
        """``text``'s unit-length vector from the encoder process, or None: encode it here."""
        if self.failed or not await self._started():
            return None
        assert self._process is not None
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # connections belong to the loop that opened them
            self._loop, self._idle = loop, []
        connection = None
        try:
            connection = (self._idle.pop() if self._idle
                          else await asyncio.open_unix_connection(self._process.socket))
            reader, writer = connection
            writer.write(frame(json.dumps([text]).encode()))
            await writer.drain()
            payload = await asyncio.wait_for(read_frame(reader), REPLY_TIMEOUT)
        except (OSError, ValueError, asyncio.TimeoutError, asyncio.IncompleteReadError) as error:
            if connection is not None:
                connection[1].close()
            self._give_up_if_dead(error)
            return None
        self._idle.append(connection)
        if not payload:
            return None
        return np.frombuffer(payload, dtype=np.float32).reshape(-1, shared_encoder().dim)[0]

    async def _started(self) -> bool:
        if self._process is not None and self._process.ready is not None:
            return self._process.ready  # known; `failed` says if it stopped since
        if self._starting is None or self._starting.get_loop() is not \
                asyncio.get_running_loop():
            self._starting = asyncio.create_task(self._start())
        return await asyncio.shield(self._starting)

    def spawn(self) -> None:
        """Starts the process if it is not running yet; it says when it is ready."""
        if self._process is None and not self.failed:
            self._process = EncoderProcess()
            atexit.register(self._process.stop)

    async def _start(self) -> bool:
        try:
            self.spawn()
            assert self._process is not None
            ready = await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(
                None, self._process.wait_until_ready), START_TIMEOUT)
        except (OSError, asyncio.TimeoutError) as error:
            ready, reason = False, repr(error)
        else:
            reason = "it did not say it was ready"
        if not ready:
            self.failed = True
            if self._process is not None:
                self._process.stop()
            logger.warning(f"The sentence encoder process did not start ({reason}); this "
                           "server encodes messages itself.")
        return ready

    def _give_up_if_dead(self, error: BaseException) -> None:
        if self._process is not None and self._process.process.poll() is not None:
            self.failed = True
            logger.warning(f"The sentence encoder process stopped ({error!r}); this server "
                           "encodes messages itself from now on.")


_client = EncoderClient()


def start_encoder_process() -> None:
    """Starts the encoder process ahead of the first message (when the model loads)."""
    if enabled():
        try:
            _client.spawn()
        except OSError as error:
            logger.warning(f"The sentence encoder process did not start ({error!r}); this "
                           "server encodes messages itself.")
            _client.failed = True


_original_parse = MessageProcessor.parse_message


async def _parse_message(self: MessageProcessor, message: UserMessage,
                         tracker: DialogueStateTracker | None = None,
                         only_output_properties: bool = True) -> dict[str, Any]:
    # what the featurizer will encode: a long message's question (rasa_ext/question_focus.py)
    text = (main_question(message.text) or message.text) if isinstance(message.text, str) \
        else message.text
    provided = False
    try:
        if enabled() and self.http_interpreter is None and isinstance(text, str) and text \
                and not shared_encoder().has_cached(text):
            vector = await _client.vector(text)
            if vector is not None:
                shared_encoder().provide(text, vector)
                provided = True
    except Exception as error:  # noqa: BLE001 - the featurizer encodes the message itself
        patches.failed_call("encode_ahead", error)
    if not provided:
        return await _original_parse(self, message, tracker, only_output_properties)
    assert isinstance(text, str)
    try:
        # Rasa's own parse: the graph runs at once (nothing is awaited before it), so the
        # vector handed over above is the one the featurizer takes
        return await _original_parse(self, message, tracker, only_output_properties)
    finally:
        shared_encoder().take_back(text)
