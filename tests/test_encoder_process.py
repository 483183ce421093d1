"""The encoder process (rasa_ext/encoder_process.py) gives the vectors the Rasa server would
compute itself, encodes messages that arrive together in one pass, goes away with its parent,
and the server encodes by itself when the process is not there (rasa_ext/encode_ahead.py)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from rasa_ext import encode_ahead
from rasa_ext.encoder_process import EncoderProcess, frame, read_frame
from rasa_ext.sentence_encoder import shared_encoder

TEXTS = ["what does a team lead make?", "next", "how much in Germany?",
         "I've answered phones for six years and want out: which careers use what I know?"]


@pytest.fixture()
def client():
    made = encode_ahead.EncoderClient()
    yield made
    if made._process is not None:
        made._process.stop()


def test_vectors_from_the_process_are_the_ones_computed_here(client):
    async def ask_all():
        return await asyncio.gather(*(client.vector(text) for text in TEXTS))

    vectors = asyncio.run(ask_all())
    local = shared_encoder().encode(TEXTS)
    assert all(v is not None for v in vectors)
    assert np.allclose(np.array(vectors), local, atol=1e-5)
    assert not client.failed


def test_a_request_that_is_not_a_list_of_texts_gets_an_empty_reply():
    process = EncoderProcess()
    try:
        assert process.wait_until_ready()

        async def ask(payload: bytes) -> bytes:
            reader, writer = await asyncio.open_unix_connection(process.socket)
            writer.write(frame(payload))
            await writer.drain()
            reply = await read_frame(reader)
            writer.close()
            return reply

        assert asyncio.run(ask(json.dumps({"text": "hi"}).encode())) == b""
        # and the process still answers the next one
        assert len(asyncio.run(ask(json.dumps(["hi"]).encode()))) == 4 * shared_encoder().dim
    finally:
        process.stop()
    assert not os.path.exists(process.socket)


def test_the_process_exits_when_its_parent_dies():
    parent = subprocess.Popen(
        [sys.executable, "-c",
         "import time; from rasa_ext.encoder_process import EncoderProcess\n"
         "p = EncoderProcess(); assert p.wait_until_ready()\n"
         "print(p.process.pid, flush=True); time.sleep(600)"],
        stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.2)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def test_without_the_process_the_server_encodes_by_itself(client, monkeypatch, caplog):
    def cannot_start() -> None:
        raise OSError("no such interpreter")

    monkeypatch.setattr(encode_ahead, "EncoderProcess", cannot_start)
    assert asyncio.run(client.vector("hello")) is None
    assert client.failed
    assert "encodes messages itself" in caplog.text
    assert asyncio.run(client.vector("hello again")) is None  # no second attempt


def test_a_provided_vector_is_used_once_and_can_be_taken_back():
    encoder = shared_encoder()
    marker = np.zeros(encoder.dim, dtype=np.float32)
    marker[0] = 1.0
    encoder.provide("a text nobody sends", marker)
    assert np.array_equal(encoder.encode(["a text nobody sends"])[0], marker)
    encoder.provide("another text", marker)
    encoder.take_back("another text")
    assert not np.array_equal(encoder.encode(["another text"])[0], marker)


def test_sockets_left_by_killed_servers_are_removed(tmp_path, monkeypatch):
    import tempfile

    import rasa_ext.encoder_process as module

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    orphan = tmp_path / f"{module.SOCKET_PREFIX}{int(dead.stdout)}-abcd1234.sock"
    alive = tmp_path / f"{module.SOCKET_PREFIX}{os.getpid()}-abcd1234.sock"
    other = tmp_path / f"{module.SOCKET_PREFIX}not-a-pid.sock"
    for path in (orphan, alive, other):
        path.touch()
    module._remove_orphaned_sockets()
    assert not orphan.exists() and alive.exists() and other.exists()


def test_only_texts_the_server_has_not_cached_go_to_the_process(monkeypatch):
    # one cache, in the Rasa server: a text it already holds costs no round trip
    from types import SimpleNamespace

    from rasa.core.channels.channel import UserMessage

    asked, parsed = [], []

    async def vector(text):
        asked.append(text)
        return None

    async def original_parse(processor, message, tracker, only_output_properties):
        parsed.append(message.text)
        return {}

    monkeypatch.setattr(encode_ahead._client, "vector", vector)
    monkeypatch.setattr(encode_ahead, "_original_parse", original_parse)
    encoder = shared_encoder()
    if not encoder._cache_size:
        pytest.skip("SENTENCE_CACHE_SIZE=0: nothing is cached")
    encoder.encode(["a text the server has seen"])
    processor = SimpleNamespace(http_interpreter=None)
    for text in ("a text the server has seen", "a text it has not seen"):
        asyncio.run(encode_ahead._parse_message(processor, UserMessage(text)))
    assert asked == ["a text it has not seen"]
    assert parsed == ["a text the server has seen", "a text it has not seen"]


def test_a_long_message_s_question_is_what_goes_to_the_process(monkeypatch):
    # the featurizer encodes the question of a long message that tells and asks
    # (rasa_ext/question_focus.py): that is the vector to make ahead, not the whole message's
    from types import SimpleNamespace

    from rasa.core.channels.channel import UserMessage

    asked = []

    async def vector(text):
        asked.append(text)
        return None

    async def original_parse(processor, message, tracker, only_output_properties):
        return {}

    monkeypatch.setattr(encode_ahead._client, "vector", vector)
    monkeypatch.setattr(encode_ahead, "_original_parse", original_parse)
    text = ("six years on the phones and my back is wrecked from the chair. what jobs could I do "
            "standing up?")
    asyncio.run(encode_ahead._parse_message(SimpleNamespace(http_interpreter=None),
                                            UserMessage(text)))
    assert asked == ["what jobs could I do standing up?"]


def test_the_encoder_process_keeps_none_of_the_texts_it_is_sent():
    # "forget me" can only reach the Rasa server's cache (rasa_ext.sentence_encoder.forget)
    from rasa_ext.encoder_process import Server, process_encoder

    async def ask() -> tuple[Server, bytes]:
        server = Server(process_encoder())
        batches = asyncio.create_task(server.encode_batches())
        reply: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        await server.queue.put((["something only I would write"], reply))
        payload = await reply
        batches.cancel()
        return server, payload

    server, payload = asyncio.run(ask())
    assert len(payload) == 4 * server.encoder.dim
    assert not server.encoder.has_cached("something only I would write")
    assert server.encoder.cached_bytes == 0 and not server.encoder._provided
