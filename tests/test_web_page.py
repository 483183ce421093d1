"""The website chat page in real headless Chromium (Debian's package; `make test` installs it):
the page served by channels/webpage.py, the rasa-webchat widget from web/node_modules, the real
Rasa server's socket.io channel behind it. Pictures, which the bot does not send yet, are checked
against a socket.io stand-in for Rasa."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import pytest
import requests

from knowledge.formatting import amount
from tests.browser_support import PHONE, TIMEOUT
from tests.channel_support import SocketStub, channel_bot, start_page

pytestmark = pytest.mark.e2e

XSS = ('<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
       '<b>bold</b> what does a team lead make?')


@pytest.fixture(scope="module")
def bot(request):
    return channel_bot(request)


def outside_requests(urls: list[str]) -> list[str]:
    return [url for url in urls if urlsplit(url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(url).hostname not in ("localhost", "127.0.0.1")]


def test_a_conversation_in_the_browser(bot, kb, browser, greeting):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1100, "height": 800})
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(bot.page_url)
        # the page says what the bot knows and where its facts come from
        about = page.locator("#about")
        expect(about).to_contain_text("pays")
        expect(about).to_contain_text("career guides")
        messages = page.locator(".rw-messages-container .rw-group-message")
        responses = page.locator(".rw-response")
        # the bot greets first
        expect(responses.filter(has_text=greeting[:60])).to_have_count(1)
        assert "rw-from-response" in (messages.first.get_attribute("class") or "")

        # a salary question gets the knowledge base's figure
        team_lead = kb.role("team_lead")
        salary = amount(team_lead.median_usd, "USD")
        page.fill(".rw-new-message", "what does a team lead make?")
        page.press(".rw-new-message", "Enter")
        expect(responses.filter(has_text=salary)).to_have_count(1)

        # its button (how long to become a team lead) works
        button = page.locator(".rw-reply").last
        expect(button).to_contain_text(team_lead.name)
        years = f"{team_lead.years_low}-{team_lead.years_high} years"
        before = responses.filter(has_text=years).count()
        button.click()
        expect(responses.filter(has_text=years)).to_have_count(before + 1)

        # a reload keeps the conversation, and it goes on where it was: after the reload a
        # follow-up ("and a senior rep?") is still about the years to a level
        page.reload()
        expect(responses.filter(has_text=salary)).to_have_count(1)
        expect(page.locator(".rw-client").filter(has_text="what does a team lead make?")
               ).to_have_count(1)
        expect(responses.filter(has_text=greeting[:60])).to_have_count(1)
        senior = kb.role("senior_representative")
        page.fill(".rw-new-message", "and a senior rep?")
        page.press(".rw-new-message", "Enter")
        expect(responses.filter(has_text=f"{senior.years_low}-{senior.years_high} years")
               ).to_have_count(1)

        # HTML and scripts are shown as text and never run
        answered = responses.count()
        page.fill(".rw-new-message", XSS)
        page.press(".rw-new-message", "Enter")
        expect(responses).to_have_count(answered + 1)
        shown = page.locator(".rw-client").last
        expect(shown).to_have_text(XSS)
        assert page.evaluate("window.__xss") is None
        assert page.locator(".rw-client :is(script, img, b)").count() == 0
        page.reload()
        expect(page.locator(".rw-client").last).to_have_text(XSS)
        assert page.evaluate("window.__xss") is None

        assert outside_requests(urls) == []
        assert errors == []
    finally:
        context.close()


def test_forget_me_clears_the_chat_the_page_saved(bot, browser, greeting):
    """After "forget me" the browser keeps nothing of the conversation: a reload starts a new
    one (the server sends the page its `forget` event; web/app.js clears the widget's storage)."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1100, "height": 800})
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    try:
        page.goto(bot.page_url)
        responses = page.locator(".rw-response")
        expect(responses.filter(has_text=greeting[:60])).to_have_count(1)
        page.fill(".rw-new-message", "forget me")
        page.press(".rw-new-message", "Enter")
        expect(responses.filter(has_text="can't be undone")).to_have_count(1)
        session_before = page.evaluate("JSON.parse(localStorage.chat_session).session_id")
        page.fill(".rw-new-message", "yes")
        page.press(".rw-new-message", "Enter")
        expect(responses.filter(has_text="deleted")).to_have_count(1)
        page.wait_for_function("localStorage.getItem('career-coach-forgotten') === '1'")
        page.reload()
        expect(responses.filter(has_text=greeting[:60])).to_have_count(1)
        expect(page.locator(".rw-client")).to_have_count(0)  # nothing of what was said
        session_after = page.evaluate("JSON.parse(localStorage.chat_session).session_id")
        assert session_after != session_before
    finally:
        context.close()


def test_the_page_is_usable_on_a_phone(bot, browser, greeting):
    from playwright.sync_api import expect

    context = browser.new_context(**PHONE)
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    try:
        page.goto(bot.page_url)
        expect(page.locator(".rw-response").filter(has_text=greeting[:60])).to_have_count(1)
        width = PHONE["viewport"]["width"]
        height = PHONE["viewport"]["height"]
        # nothing wider than the screen, the message field and the chat on the first screen
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        field = page.locator(".rw-new-message").bounding_box()
        assert field and field["x"] >= 0 and field["x"] + field["width"] <= width
        assert field["y"] + field["height"] <= height
        chat = page.locator("#chat").bounding_box()
        assert chat and chat["height"] >= 0.5 * height
        for button in page.locator(".rw-reply").all():
            box = button.bounding_box()
            assert box and box["x"] + box["width"] <= width
        # and people can type into it and get an answer
        page.locator(".rw-new-message").tap()
        page.fill(".rw-new-message", "hi")
        page.press(".rw-new-message", "Enter")
        expect(page.locator(".rw-client").filter(has_text="hi")).to_have_count(1)
        expect(page.locator(".rw-response").filter(has_text=greeting[:60])).to_have_count(2)
    finally:
        context.close()


def test_the_page_serves_only_its_own_files_with_a_strict_policy(bot):
    page = requests.get(bot.page_url, timeout=10)
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    rasa_port = bot.rasa_url.rsplit(":", 1)[1]
    assert f"ws://localhost:{rasa_port}" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    bundle = requests.get(bot.page_url + "vendor/webchat.js", timeout=10)
    assert bundle.ok and "fonts.googleapis.com/css" not in bundle.text
    for path in ("package.json", "node_modules/rasa-webchat/package.json", "../credentials.yml",
                 "%2e%2e/credentials.yml"):
        assert requests.get(bot.page_url + path, timeout=10).status_code == 404, path


def test_pictures_and_the_bots_html_render_as_they_should(browser, tmp_path):
    """Against a stand-in for Rasa that answers every message with a picture and with text
    that carries HTML."""
    from playwright.sync_api import expect

    picture = {"attachment": {"type": "image", "payload": {"src": "PICTURE"}}}
    html = {"text": 'Chart: <img src=x onerror="window.__xss=3"> <script>window.__xss=4'
                    "</script>", "quick_replies": [
                        {"content_type": "text", "title": "More", "payload": "/more"}]}
    stub = SocketStub(lambda _: [
        {**picture, "attachment": {**picture["attachment"],
                                   "payload": {"src": f"{stub.url}/chart.png"}}}, html])
    page_server, url = start_page(5005, tmp_path, dict(os.environ), socket_url=stub.url)
    context = browser.new_context(**PHONE)
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    try:
        page.goto(url)
        image = page.locator(".rw-messages-container img[src$='/chart.png']")
        expect(image).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=image.element_handle())
        box = image.bounding_box()
        assert box and 0 < box["width"] <= PHONE["viewport"]["width"]
        expect(page.locator(".rw-response").filter(has_text=re.compile(r"Chart: .*<img"))
               ).to_have_count(1)
        assert page.evaluate("window.__xss") is None
        expect(page.locator(".rw-reply").filter(has_text="More")).to_have_count(1)
        page.locator(".rw-reply").filter(has_text="More").click()
        expect(page.locator(".rw-messages-container img[src$='/chart.png']")).to_have_count(2)
        assert [m.get("message") for m in stub.received] == ["/greet", "/more"]
    finally:
        context.close()
        page_server.stop()
        stub.close()
