"""What an operator runs: `make run` says "running" only when the bot really answers, `make forget`
takes any sender id as data and never as shell code, and `make lock` keeps setuptools."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest

from plans.builder import build_plan
from plans.profile import Profile
from plans.store import PlanStore
from settings import PROJECT_ROOT
from tests.servers import free_port


def make(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_make_forget_treats_the_sender_id_as_data(tmp_path, kb):
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    store = PlanStore(url)
    store.create_all()
    marker = tmp_path / f"pwned-{uuid.uuid4().hex[:6]}"
    hostile = [f"x; touch {marker}", f'x"; touch {marker}; echo "', f"$(touch {marker})",
               f"`touch {marker}`", f"x' && touch {marker} && '", "-h"]
    plan = build_plan(Profile("representative", 1, kb.careers()[0].id, region_id="us"), kb)
    for sender in hostile:
        store.save(sender, plan)
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_STORE_URL", "REDIS_URL")}
    env["DATABASE_URL"] = url
    for sender in hostile:
        # on make's command line "$" is make's own (written "$$"); from the environment an id
        # arrives as it is
        result = (make("forget", env={**env, "SENDER": sender}) if "$" in sender
                  else make("forget", f"SENDER={sender}", env=env))
        assert result.returncode == 0, result.stderr
        assert f"{sender}: deleted its plan" in result.stdout
        assert not marker.exists(), sender
        assert store.load(sender) is None
    assert make("forget", env=env).returncode == 2  # no sender: usage, nothing deleted
    store.dispose()


def test_make_lock_keeps_setuptools():
    """locust imports pkg_resources at run time; `pip freeze` leaves setuptools out unless
    asked, so a re-locked environment would lose it."""
    recipe = make("-n", "lock", env=dict(os.environ), timeout=30).stdout
    assert "bin/pip freeze --all " in recipe and "-e '^pip=='" in recipe  # setuptools, not pip
    locked = (PROJECT_ROOT / "requirements.lock").read_text().splitlines()
    assert any(line.startswith("setuptools==") for line in locked)


@pytest.mark.e2e
def test_make_run_stops_and_says_why_when_the_bot_cannot_answer(tmp_path):
    """The servers start, but the action server the Rasa server is told to use cannot be
    reached: no figure comes back, so the script must not say "running"."""
    ports = {"RASA_PORT": str(free_port()), "ACTIONS_PORT": str(free_port()),
             "WEB_PORT": str(free_port())}
    env = {**os.environ, **ports, "VENV": ".venv",
           "ACTIONS_URL": f"http://127.0.0.1:{free_port()}/webhook"}
    for name in ("TRACKER_STORE_URL", "REDIS_URL", "REST_TOKEN", "RASA_API_TOKEN",
                 "SLACK_TOKEN", "TELEGRAM_TOKEN"):
        env.pop(name, None)
    result = subprocess.run(["bash", str(Path("scripts") / "run.sh")], cwd=PROJECT_ROOT,
                            env=env, capture_output=True, text=True, timeout=420)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "is running" not in result.stdout
    assert "got no answer with a figure" in result.stderr
    # and it stopped what it started
    for port in ports.values():
        free = subprocess.run(["bash", "-c", f"exec 3<>/dev/tcp/127.0.0.1/{port}"],
                              capture_output=True)
        assert free.returncode != 0, f"port {port} is still in use"
