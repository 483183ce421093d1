"""The website's plan download: the export action gives a signed link on the web page, the page
server serves the plan by it, and a forged or altered link gets nothing."""

from __future__ import annotations

import threading

import pytest
import requests

from actions import knowledge_base, plan_store
from actions.plan import ActionPlanExport
from channels.webpage import make_server
from plans import links
from plans.builder import build_plan
from plans.profile import Profile
from plans.store import PlanStore
from tests.actions_support import run, tracker


@pytest.fixture
def secret(monkeypatch):
    monkeypatch.setenv("PLAN_LINK_SECRET", "test-secret")


@pytest.fixture
def saved_plan(kb, tmp_path, monkeypatch, secret):
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    store = PlanStore(url)
    store.create_all()
    profile = Profile("representative", 1, kb.careers()[0].id, region_id="us")
    store.save("tester", build_plan(profile, kb))
    return store


@pytest.fixture
def page():
    server = make_server("127.0.0.1", 0, rasa_port=5005)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_token_names_its_sender_and_a_changed_one_nothing(secret):
    token = links.token_for("web-session-1")
    assert links.sender_for(token) == "web-session-1"
    encoded, signature = token.split(".")
    other = links.token_for("someone-else").split(".")[0]
    assert links.sender_for(f"{other}.{signature}") is None
    flipped = ("1" if signature[0] != "1" else "2") + signature[1:]
    assert links.sender_for(f"{encoded}.{flipped}") is None
    assert links.sender_for("not a token") is None


def test_the_secret_is_made_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("PLAN_LINK_SECRET", raising=False)
    path = tmp_path / "var" / "secret"
    first = links._secret(path)
    assert len(first) == 64 and links._secret(path) == first
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_on_the_web_page_export_is_a_download_link(kb, saved_plan):
    knowledge_base.use(kb)
    plan_store.use(saved_plan)
    try:
        t = tracker("plan_export")
        t.events.append({"event": "user", "input_channel": "socketio"})
        reply = run(ActionPlanExport(), t)
        assert reply.responses == ["utter_plan_download"]
        assert reply.messages[0]["link"] == f"/plan/{links.token_for('tester')}.md"
        elsewhere = run(ActionPlanExport(), tracker("plan_export"))
        assert elsewhere.responses == ["utter_plan_export"]
    finally:
        plan_store.use(None)
        knowledge_base.use(None)


def test_the_page_serves_the_plan_by_its_link_only(page, saved_plan):
    response = requests.get(f"{page}/plan/{links.token_for('tester')}.md", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/markdown")
    assert "attachment" in response.headers["Content-Disposition"]
    for step in saved_plan.load("tester").steps:
        assert step.title in response.text
    forged = links.token_for("tester").split(".")[0] + "." + "0" * 32
    assert requests.get(f"{page}/plan/{forged}.md", timeout=10).status_code == 404
    nobody = links.token_for("nobody")
    assert requests.get(f"{page}/plan/{nobody}.md", timeout=10).status_code == 404
