"""The sentence encoder in a process of its own, beside the Rasa server.

Why: the Rasa server does all its work on one thread, and encoding a message is the largest
single part of a turn (about 10 ms of ~27 on this machine). In this process it runs on the other
core while the server gets on with other conversations (rasa_ext/encode_ahead.py), and the
messages that arrive while it is busy are encoded together in one pass, which costs little
more than encoding one (see GEMV_ROWS in rasa_ext/sentence_encoder.py).

    python -m rasa_ext.encoder_process --socket PATH   (started by the Rasa server; see
                                                        EncoderProcess)

The protocol, over a Unix socket in the temporary directory (removed when either side stops; a
Linux abstract socket would need no file, but uvloop, which Rasa runs on, refuses those): a request
is a 4-byte big-endian length and that many bytes of JSON, a list of texts; the reply is a
4-byte length and the vectors as float32 bytes, one row of `dim` numbers per text. A reply of
length 0 means the request could not be encoded; the caller then encodes it itself. The process
keeps none of the texts it is sent (``process_encoder``), and exits when its parent does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import numpy as np

from rasa_ext.sentence_encoder import SentenceEncoder

HEADER = struct.Struct(">I")
MAX_REQUEST = 16 * 1024 * 1024  # a request is one message's text; anything larger is refused


async def read_frame(reader: asyncio.StreamReader) -> bytes:
    (length,) = HEADER.unpack(await reader.readexactly(HEADER.size))
    if length > MAX_REQUEST:
        raise ValueError(f"a frame of {length} bytes")
    return await reader.readexactly(length)


def frame(payload: bytes) -> bytes:
    return HEADER.pack(len(payload)) + payload


class Server:
    """Encodes every request that is waiting in one pass, then the ones that came meanwhile."""

    def __init__(self, encoder: SentenceEncoder):
        self.encoder = encoder
        self.queue: asyncio.Queue[tuple[list[str], asyncio.Future[bytes]]] = asyncio.Queue()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                request = await read_frame(reader)
                texts = json.loads(request)
                if not (isinstance(texts, list) and all(isinstance(t, str) for t in texts)):
                    writer.write(frame(b""))
                    continue
                reply: asyncio.Future[bytes] = loop.create_future()
                await self.queue.put((texts, reply))
                writer.write(frame(await reply))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass  # the client went away, or sent something that is not this protocol
        finally:
            writer.close()

    async def encode_batches(self) -> None:
        while True:
            batch = [await self.queue.get()]
            await asyncio.sleep(0)  # let requests that arrived together queue up first
            while not self.queue.empty():
                batch.append(self.queue.get_nowait())
            texts = [text for request, _ in batch for text in request]
            try:
                vectors = self.encoder.encode(texts).astype(np.float32)
            except Exception as error:  # noqa: BLE001 - every waiting caller falls back
                print(f"encoder process: could not encode: {error!r}", file=sys.stderr)
                for _, reply in batch:
                    reply.set_result(b"")
                continue
            start = 0
            for request, reply in batch:
                reply.set_result(vectors[start:start + len(request)].tobytes())
                start += len(request)


async def watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        await asyncio.sleep(1.0)


def process_encoder() -> SentenceEncoder:
    """The encoder of this process. It keeps no texts: the Rasa server keeps the one cache and
    asks only for texts not in it, and a text the server forgets (a person's "forget me",
    rasa_ext.sentence_encoder.forget) must not live on here, where nobody could reach it."""
    return SentenceEncoder(cache_size=0, cache_limit_bytes=0)


async def serve(socket_name: str, parent: int) -> None:
    encoder = process_encoder()
    encoder.w  # noqa: B018 - load the weights before saying we are ready
    server = Server(encoder)
    try:
        async with await asyncio.start_unix_server(server.handle, path=socket_name):
            batches = asyncio.create_task(server.encode_batches())
            print("ready", flush=True)  # EncoderProcess waits for this line
            await watch_parent(parent)
            batches.cancel()
    finally:
        with contextlib.suppress(OSError):
            os.unlink(socket_name)


SOCKET_PREFIX = "career-coach-encoder-"


def _remove_orphaned_sockets() -> None:
    """Socket files left by servers that were killed (SIGKILL leaves no chance to remove
    them): their names carry the server's process id."""
    for path in Path(tempfile.gettempdir()).glob(f"{SOCKET_PREFIX}*.sock"):
        try:
            os.kill(int(path.name[len(SOCKET_PREFIX):].split("-")[0]), 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                path.unlink()
        except (ValueError, PermissionError):
            continue  # not ours to judge: a name we did not write, or another user's server


class EncoderProcess:
    """Starts the encoder process as a child of this one and knows where to reach it."""

    def __init__(self) -> None:
        _remove_orphaned_sockets()
        self.socket = str(Path(tempfile.gettempdir())
                          / f"{SOCKET_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}.sock")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "rasa_ext.encoder_process", "--socket", self.socket,
             "--parent", str(os.getpid())],
            stdout=subprocess.PIPE, text=True)
        self.ready: bool | None = None  # None: not known yet (wait_until_ready)

    def wait_until_ready(self) -> bool:
        if self.ready is None:
            assert self.process.stdout is not None
            self.ready = self.process.stdout.readline().strip() == "ready"
        return self.ready

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        with contextlib.suppress(OSError):
            os.unlink(self.socket)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--socket", required=True, help="the Unix socket's path")
    parser.add_argument("--parent", type=int, default=os.getppid(),
                        help="exit when this process is no longer the parent")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.socket, args.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
