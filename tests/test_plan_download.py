"""The website's plan download: the export action gives a link on the web page, the page server
serves the plan by it while it is valid, and a made-up, expired or forgotten link gets nothing.
The link names nobody and is not written to the page server's log."""

from __future__ import annotations

import logging
import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
import requests
from sqlalchemy import update

from actions import knowledge_base, plan_store
from actions.plan import ActionPlanExport
from channels.webpage import make_server
from plans import links
from plans.builder import build_plan
from plans.profile import Profile
from plans.store import PlanStore, links_table
from tests.actions_support import run, tracker

PERSON = "tester"  # the sender id of tests.actions_support.tracker


@pytest.fixture
def saved_plan(kb, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    store = PlanStore(url)
    store.create_all()
    profile = Profile("representative", 1, kb.careers()[0].id, region_id="us")
    store.save(PERSON, build_plan(profile, kb))
    yield store
    store.dispose()


@pytest.fixture
def page(saved_plan):
    server = make_server("127.0.0.1", 0, rasa_port=5005)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    server.plans.close()


def test_a_link_opens_its_plan_only_and_names_nobody(saved_plan):
    token = saved_plan.link_for(PERSON)
    assert links.TOKEN_PATTERN.fullmatch(token) and "tester" not in token
    assert saved_plan.sender_for_link(token) == PERSON
    assert saved_plan.sender_for_link(saved_plan.link_for(PERSON)) == PERSON  # a second one
    flipped = ("A" if token[0] != "A" else "B") + token[1:]
    assert saved_plan.sender_for_link(flipped) is None
    assert saved_plan.sender_for_link("not a token") is None
    # only the token's hash is stored
    with saved_plan.engine.connect() as connection:
        stored = connection.execute(links_table.select()).mappings().all()
    assert stored and all(token not in str(dict(row)) for row in stored)


def test_a_link_expires(saved_plan, monkeypatch):
    token = saved_plan.link_for(PERSON, ttl=60)
    assert saved_plan.sender_for_link(token) == PERSON
    with saved_plan.engine.begin() as connection:
        connection.execute(update(links_table).values(
            expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    assert saved_plan.sender_for_link(token) is None
    monkeypatch.setenv("PLAN_LINK_TTL", "soon")
    with pytest.raises(ValueError, match="PLAN_LINK_TTL"):
        saved_plan.link_for(PERSON)


def test_forgetting_the_plan_deletes_its_links(saved_plan):
    token = saved_plan.link_for(PERSON)
    assert saved_plan.delete(PERSON)
    assert saved_plan.sender_for_link(token) is None
    with saved_plan.engine.connect() as connection:
        assert connection.execute(links_table.select()).all() == []


def test_on_the_web_page_export_is_a_download_link(kb, saved_plan):
    knowledge_base.use(kb)
    plan_store.use(saved_plan)
    try:
        t = tracker("plan_export")
        t.events.append({"event": "user", "input_channel": "socketio"})
        reply = run(ActionPlanExport(), t)
        assert reply.responses == ["utter_plan_download"]
        link = re.fullmatch(r"/plan/(.+)\.md", reply.messages[0]["link"])
        assert link and saved_plan.sender_for_link(link.group(1)) == PERSON
        assert reply.messages[0]["minutes"] == 60
        elsewhere = run(ActionPlanExport(), tracker("plan_export"))
        assert elsewhere.responses == ["utter_plan_export"]
    finally:
        plan_store.use(None)
        knowledge_base.use(None)


def test_the_page_serves_the_plan_by_its_link_only_and_logs_no_link(page, saved_plan,
                                                                     caplog):
    token = saved_plan.link_for(PERSON)
    with caplog.at_level(logging.INFO, logger="channels.webpage"):
        response = requests.get(f"{page}/plan/{token}.md", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/markdown")
    assert "attachment" in response.headers["Content-Disposition"]
    for step in saved_plan.load(PERSON).steps:
        assert step.title in response.text
    assert "/plan/<link>" in caplog.text and token not in caplog.text
    made_up = links.new_token()
    assert requests.get(f"{page}/plan/{made_up}.md", timeout=10).status_code == 404
    assert requests.get(f"{page}/plan/../index.html.md", timeout=10).status_code == 404
    saved_plan.delete(PERSON)
    assert requests.get(f"{page}/plan/{token}.md", timeout=10).status_code == 404
