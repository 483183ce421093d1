"""Redis down, end to end (#14 item 8): a Rasa server whose lock store cannot be reached answers
each message with a kind "try again" within seconds, not a silent empty reply or a hang. A Redis
that hangs is the harder case (a refused connection fails at once: tests/test_stores.py)."""

from __future__ import annotations

import socket
import threading
import time
import uuid

import pytest
import requests

from channels.turns import FAILED
from tests.servers import server_env, start_actions, start_rasa


class Blackhole:
    """A TCP port that accepts connections and never answers (a Redis that hangs)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        self.sock.close()
        for connection in self.held:
            connection.close()


@pytest.mark.e2e
def test_a_lock_store_that_hangs_gets_a_kind_reply_fast(built, tmp_path):
    url, nlp_dir = built
    blackhole = Blackhole()
    env = {**server_env(url, nlp_dir), "REDIS_URL": f"redis://127.0.0.1:{blackhole.port}/0"}
    env.pop("TRACKER_STORE_URL", None)
    actions, actions_port = start_actions(env, tmp_path)
    rasa, webhook = None, None
    try:
        rasa, webhook = start_rasa(env, tmp_path, actions_port)
        started = time.monotonic()
        response = requests.post(webhook, timeout=60, json={
            "sender": f"redis-{uuid.uuid4().hex[:6]}", "message": "what does a team lead make?"})
        took = time.monotonic() - started
        assert response.status_code == 200
        assert [m.get("text") for m in response.json()] == [FAILED]
        assert took < 10, f"the person waited {took:.1f} s"
    finally:
        if rasa is not None:
            rasa.stop()
        actions.stop()
        blackhole.close()
