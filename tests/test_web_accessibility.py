"""The website chat page for everyone (issue #19), in real headless Chromium: axe-core finds no
violation of WCAG 2.0 and 2.1 (A and AA) or of its best practices in any state of the page; the
keyboard alone does everything, with a visible focus ring; a screen reader hears each message of
the bot once (the page's live region, filled by web/app.js); contrast, a 320-pixel screen, 200%
zoom, reduced motion and the page's language; the bot's links are web and mail links only; the
privacy sentence matches the docs.

Against the real servers (tests.channel_support.channel_bot) and, for pictures and the links the
bot does not send, a socket.io stand-in for Rasa (SocketStub). Screenshots at 320 px and at 200%
zoom are left in var/test-artifacts/ for a person to look at.

The page embeds the widget (`embedded: true` in web/app.js): rasa-webchat then has no launcher
and no closed state (its conversation is always open), so the states tested are the ones that
exist: before the server answers, waiting for a server that went away, the greeting and its
buttons, after a question, after a reply button, with a picture and links, on a 320-pixel screen
and at 200% zoom."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from knowledge.formatting import amount
from settings import PROJECT_ROOT
from tests.browser_support import (
    TIMEOUT,
    assert_accessible,
    contrast,
    screenshot,
)
from tests.channel_support import SocketStub, channel_bot, start_page

pytestmark = pytest.mark.e2e

ANNOUNCER = "#announcer"
FIELD = ".rw-new-message"
BOT_MESSAGES = ".rw-group-message.rw-from-response .rw-message"
DESKTOP = {"viewport": {"width": 1100, "height": 800}}
NARROW = {"viewport": {"width": 320, "height": 568}, "device_scale_factor": 2, "is_mobile": True,
          "has_touch": True}
# Chromium at 200% in a 1280x800 window lays the page out in 640x400 CSS pixels, two screen
# pixels each: the same as this viewport (media queries included).
ZOOMED = {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2}

# Markdown links of every kind: only the web and mail ones may stay links
LINKS = ("Read [the guide](https://example.org/guide) or write to "
         "[the coach](mailto:coach@example.org). Not [a script](javascript:window.__hijacked=1), "
         "[a page](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19oaWphY2tlZD0yPC9zY3JpcHQ+) "
         "or [another script](JaVaScRiPt:window.__hijacked=3).")
SAFE_LINKS = {"the guide": "https://example.org/guide", "the coach": "mailto:coach@example.org"}
UNSAFE_LINKS = ("a script", "a page", "another script")


@pytest.fixture(scope="module")
def bot(request):
    return channel_bot(request)


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory):
    """The page on a socket.io stand-in for Rasa: a greeting with two reply buttons; "Show me"
    gets a picture and a message of links with a button; anything else a short text."""
    def replies(message: str) -> list[dict[str, Any]]:
        if message == "/greet":
            return [{"text": "Hello from the stand-in.", "quick_replies": [
                {"content_type": "text", "title": "Show me", "payload": "/show"},
                {"content_type": "text", "title": "Something else", "payload": "/else"}]}]
        if message == "/show":
            return [{"attachment": {"type": "image",
                                    "payload": {"src": f"{stub.url}/chart.png"}}},
                    {"text": LINKS, "quick_replies": [
                        {"content_type": "text", "title": "More", "payload": "/more"}]}]
        return [{"text": "The stand-in read that."}]

    stub = SocketStub(replies)
    page_server, url = start_page(5005, tmp_path_factory.mktemp("a11y-page"), dict(os.environ),
                                  socket_url=stub.url)
    try:
        yield url
    finally:
        page_server.stop()
        stub.close()


def new_page(browser, **options: Any) -> Any:
    context = browser.new_context(**{**DESKTOP, **options})
    context.set_default_timeout(TIMEOUT)
    return context.new_page()


def focused(page) -> dict[str, Any]:
    """What has the focus, and its focus ring."""
    return page.evaluate("""() => {
        const e = document.activeElement, s = getComputedStyle(e);
        return {cls: e.getAttribute("class") || "", role: e.getAttribute("role"),
                tag: e.tagName.toLowerCase(), text: e.textContent.trim(),
                name: e.getAttribute("aria-label"), outline: s.outlineStyle,
                width: parseFloat(s.outlineWidth), colour: s.outlineColor};
    }""")


def assert_focus_ring(here: dict[str, Any]) -> None:
    """A ring of at least 2 px, at least 3:1 against the white of the chat (WCAG 1.4.11)."""
    assert here["outline"] != "none" and here["width"] >= 2, f"no focus ring: {here}"
    assert contrast(here["colour"], "rgb(255, 255, 255)") >= 3, f"a faint focus ring: {here}"


def announced(page) -> list[str]:
    return page.locator(f"{ANNOUNCER} p").all_text_contents()


def bot_texts(page) -> list[str]:
    """Each message of the bot as the page shows it (its text, else its picture's name)."""
    return page.evaluate(f"""() => [...document.querySelectorAll("{BOT_MESSAGES}")].map(m => {{
        const text = m.querySelector(".rw-message-text"), img = m.querySelector("img");
        return text ? text.innerText.trim() : (img ? img.alt : m.innerText.trim());
    }})""")


def assert_each_bot_message_announced_once(page) -> None:
    lines, shown = announced(page), bot_texts(page)
    assert len(lines) == len(shown), f"announced {lines}\nshown {shown}"
    for line, text in zip(lines, shown, strict=True):
        assert line.startswith(text), (line, text)


# --- axe-core on every state ---

def test_axe_finds_nothing_when_the_server_goes_away(browser, tmp_path):
    """When the Rasa server goes away the widget says it is waiting for it; on a page opened
    while it is away, the widget stays hidden until it answers."""
    from playwright.sync_api import expect

    stub = SocketStub(lambda _: [{"text": "Hello from the stand-in."}])
    page_server, url = start_page(5005, tmp_path, dict(os.environ), socket_url=stub.url)
    page = new_page(browser)
    try:
        page.goto(url)
        expect(page.locator(".rw-response")).to_contain_text("Hello from the stand-in.")
        stub.disconnect_all()
        waiting = page.locator(".rw-loading")
        expect(waiting).to_be_visible()
        assert_accessible(page, "while the widget waits for the server")
        colours = waiting.evaluate("e => [getComputedStyle(e).color, "
                                   "getComputedStyle(e).backgroundColor]")
        assert contrast(*colours) >= 4.5, colours
        # the server unreachable from the start
        page.route(f"{stub.url}/**", lambda route: route.abort())
        page.reload()
        page.wait_for_timeout(1000)
        expect(page.locator(".rw-widget-embedded")).to_be_hidden()
        assert_accessible(page, "before the server answers")
    finally:
        page.context.close()
        page_server.stop()
        stub.close()


def test_axe_finds_nothing_in_a_conversation(bot, browser, greeting, kb):
    from playwright.sync_api import expect

    page = new_page(browser)
    try:
        page.goto(bot.page_url)
        expect(page.locator(".rw-response").filter(has_text=greeting[:60])).to_have_count(1)
        expect(page.locator(".rw-reply").first).to_be_visible()
        # embedded: the conversation is open from the start, and there is nothing to close it
        # or open it with (no launcher, no close button shown)
        assert page.locator(".rw-launcher").count() == 0
        assert page.locator(".rw-close-button:visible").count() == 0
        assert_accessible(page, "in the first state (the greeting and its buttons)")

        team_lead = kb.role("team_lead")
        page.fill(FIELD, "what does a team lead make?")
        page.press(FIELD, "Enter")
        expect(page.locator(".rw-response").filter(
            has_text=amount(team_lead.median_usd, "USD"))).to_have_count(1)
        expect(page.locator(".rw-reply").last).to_contain_text(team_lead.name)
        assert_accessible(page, "after a question (the answer and its button)")

        page.locator(".rw-reply").last.click()
        years = f"{team_lead.years_low}-{team_lead.years_high} years"
        expect(page.locator(".rw-response").filter(has_text=years)).to_have_count(1)
        assert_accessible(page, "after a reply button")
    finally:
        page.context.close()


def test_axe_finds_nothing_with_pictures_and_links(browser, stand_in):
    from playwright.sync_api import expect

    page = new_page(browser)
    try:
        page.goto(stand_in)
        expect(page.get_by_role("button", name="Show me")).to_be_visible()
        assert_accessible(page, "with the stand-in's greeting and buttons")
        page.get_by_role("button", name="Show me").click()
        picture = page.locator(".rw-messages-container img.rw-image-frame")
        expect(picture).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=picture.element_handle())
        expect(picture).to_have_attribute("alt", re.compile(r"\S"))
        expect(page.get_by_role("button", name="More")).to_be_visible()
        assert_accessible(page, "after a reply button, with a picture and links")
        page.fill(FIELD, "thanks")
        page.press(FIELD, "Enter")
        expect(page.locator(".rw-response").filter(has_text="The stand-in read that.")
               ).to_have_count(1)
        assert_accessible(page, "after a question to the stand-in")
    finally:
        page.context.close()


# --- links ---

def test_only_web_and_mail_links_stay_links(browser, stand_in):
    from playwright.sync_api import expect

    page = new_page(browser)
    opened: list[str] = []
    page.context.on("page", lambda other: opened.append(other.url))
    try:
        page.goto(stand_in)
        page.get_by_role("button", name="Show me").click()
        message = page.locator(".rw-response").filter(has_text="Read the guide")
        expect(message).to_have_count(1)
        for name, href in SAFE_LINKS.items():
            link = message.get_by_role("link", name=name)
            expect(link).to_have_attribute("href", href)
            expect(link).to_have_attribute("rel", "noopener noreferrer")
        for name in UNSAFE_LINKS:
            expect(message.get_by_role("link", name=name)).to_have_count(0)
            expect(message.get_by_text(name, exact=True)).to_be_visible()
        hrefs = page.evaluate("[...document.querySelectorAll('[href]')].map(e => e.href)")
        assert all(re.match(r"(https?|mailto):", href) for href in hrefs), hrefs
        # what was a link does nothing when clicked
        message.get_by_text("a script", exact=True).click()
        message.get_by_text("a page", exact=True).click()
        page.wait_for_timeout(300)
        assert page.evaluate("window.__hijacked") is None
        assert opened == []
        assert page.url.startswith(stand_in)
    finally:
        page.context.close()


# --- the keyboard and the screen reader ---

def test_a_conversation_by_keyboard_alone(bot, browser, greeting, kb):
    """Tab to the message field (through the conversation and the greeting's buttons), type a
    question and send it with Enter, go back to the answer's reply button (Shift+Tab: it is
    just above the field), press it with Enter, send another question with the Send button,
    and hear every answer once in the live region; a reload reads nothing out again."""
    from playwright.sync_api import expect

    page = new_page(browser)
    try:
        page.goto(bot.page_url)
        announcer = page.locator(ANNOUNCER)
        assert announcer.get_attribute("role") == "log"
        assert announcer.get_attribute("aria-live") == "polite"
        expect(announcer).to_contain_text(greeting[:60])
        expect(page.locator(".rw-reply")).to_have_count(3)

        stops = []
        for _ in range(10):
            page.keyboard.press("Tab")
            here = focused(page)
            stops.append(here)
            assert_focus_ring(here)
            if "rw-new-message" in here["cls"]:
                break
        else:
            pytest.fail(f"Tab never reached the message field: {stops}")
        assert stops[0]["name"] == "Conversation", stops[0]  # the list scrolls with the keys
        buttons = [stop["text"] for stop in stops if stop["role"] == "button"]
        assert len(buttons) == 3 and "What does a team lead make?" in buttons, stops

        team_lead = kb.role("team_lead")
        salary = amount(team_lead.median_usd, "USD")
        page.keyboard.type("what does a team lead make?")
        page.keyboard.press("Enter")
        expect(announcer).to_contain_text(salary)
        expect(page.locator(FIELD)).to_be_focused()

        page.keyboard.press("Shift+Tab")
        here = focused(page)
        assert here["role"] == "button" and team_lead.name in here["text"], here
        assert_focus_ring(here)
        years = f"{team_lead.years_low}-{team_lead.years_high} years"
        page.keyboard.press("Enter")
        expect(announcer).to_contain_text(years)
        # the pressed button has gone with its row: the person goes on in the field
        expect(page.locator(FIELD)).to_be_focused()

        senior = kb.role("senior_representative")
        page.keyboard.type("and a senior rep?")
        page.keyboard.press("Tab")
        here = focused(page)
        assert "rw-send" in here["cls"] and here["name"] == "Send", here
        assert_focus_ring(here)
        page.keyboard.press("Enter")
        expect(announcer).to_contain_text(f"{senior.years_low}-{senior.years_high} years")
        expect(page.locator(FIELD)).to_be_focused()

        expect(page.locator(BOT_MESSAGES)).to_have_count(len(announced(page)))
        assert_each_bot_message_announced_once(page)
        assert not any(line.startswith(("what does a team lead make", "and a senior rep"))
                       for line in announced(page))

        count = page.locator(BOT_MESSAGES).count()
        page.reload()
        expect(page.locator(BOT_MESSAGES)).to_have_count(count)
        page.wait_for_timeout(500)
        assert announced(page) == []
    finally:
        page.context.close()


def test_pictures_and_buttons_are_announced(browser, stand_in):
    from playwright.sync_api import expect

    page = new_page(browser)
    try:
        page.goto(stand_in)
        expect(page.locator(ANNOUNCER)).to_contain_text(
            "Hello from the stand-in. Reply buttons: Show me; Something else.")
        page.get_by_role("button", name="Show me").focus()
        page.keyboard.press("Space")
        expect(page.locator(ANNOUNCER)).to_contain_text("Reply buttons: More.")
        expect(page.locator(FIELD)).to_be_focused()
        assert_each_bot_message_announced_once(page)
        lines = announced(page)
        assert lines[1] == page.locator("img.rw-image-frame").get_attribute("alt"), lines
        assert "a script" in lines[2] and "javascript" not in lines[2].lower(), lines
    finally:
        page.context.close()


# --- what people see: small screens, zoom, contrast, motion, language ---

@pytest.mark.parametrize("name, screen", [("320px", NARROW), ("200-percent-zoom", ZOOMED)])
def test_a_narrow_screen_and_200_percent_zoom(bot, browser, greeting, kb, name, screen):
    from playwright.sync_api import expect

    page = new_page(browser, **screen)
    width, height = screen["viewport"]["width"], screen["viewport"]["height"]
    try:
        page.goto(bot.page_url)
        expect(page.locator(".rw-response").filter(has_text=greeting[:60])).to_have_count(1)
        team_lead = kb.role("team_lead")
        page.fill(FIELD, "what does a team lead make?")
        page.press(FIELD, "Enter")
        expect(page.locator(".rw-response").filter(
            has_text=amount(team_lead.median_usd, "USD"))).to_have_count(1)
        expect(page.locator(".rw-reply").last).to_contain_text(team_lead.name)

        # no sideways scrolling, and nothing cut off at the side
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for selector in (".intro", "#chat", FIELD, ".rw-response", ".rw-client", ".rw-reply"):
            for element in page.locator(selector).all():
                box = element.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (selector,
                                                                                    box)
        # once scrolled to, the whole chat is on the screen: the field, and the answer's button
        # above it (the conversation scrolls inside the chat)
        page.locator("#chat").scroll_into_view_if_needed()
        for selector in ("#chat", FIELD, ".rw-reply >> nth=-1"):
            box = page.locator(selector).bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= height + 1, (selector,
                                                                                      box)
        path = screenshot(page, f"chat-{name}.png")
        assert path.stat().st_size > 0
        assert_accessible(page, f"at {name}")
    finally:
        page.context.close()


def test_contrast_motion_and_language(browser, stand_in):
    from playwright.sync_api import expect

    page = new_page(browser)
    try:
        page.goto(stand_in)
        expect(page.get_by_role("button", name="Show me")).to_be_visible()
        assert page.locator("html").get_attribute("lang") == "en"
        # the field's hint, which axe-core does not measure
        hint, field = page.locator(FIELD).evaluate(
            "e => [getComputedStyle(e, '::placeholder').color,"
            " getComputedStyle(e).backgroundColor]")
        assert contrast(hint, field) >= 4.5, (hint, field)
        # the widget moves things...
        assert moving(page), "nothing moves: the check below would prove nothing"
    finally:
        page.context.close()

    # ...and not for someone who asked for reduced motion
    page = new_page(browser, reduced_motion="reduce")
    try:
        page.goto(stand_in)
        expect(page.get_by_role("button", name="Show me")).to_be_visible()
        page.get_by_role("button", name="Show me").click()
        expect(page.get_by_role("button", name="More")).to_be_visible()
        assert moving(page) == []
    finally:
        page.context.close()


def moving(page) -> list[str]:
    """The elements with an animation or a transition."""
    return page.evaluate("""() => [...document.querySelectorAll("body *")].filter(e => {
        const s = getComputedStyle(e);
        return s.animationName !== "none"
            || s.transitionDuration.split(",").some(d => parseFloat(d) > 0);
    }).map(e => e.tagName.toLowerCase() + "." + (e.getAttribute("class") || ""))""")


def test_the_privacy_sentence_is_the_one_the_docs_explain():
    """web/index.html's privacy sentence is quoted word for word in docs/channels.md, which says
    what each part of it rests on (the default `make run`)."""
    page = (PROJECT_ROOT / "web" / "index.html").read_text()
    sentence = re.search(r'<p class="privacy">(.*?)</p>', page, re.S)
    assert sentence
    words = " ".join(sentence.group(1).split())
    quoted = re.sub(r"(?m)^> ?", "", (PROJECT_ROOT / "docs" / "channels.md").read_text())
    assert words in " ".join(quoted.split())
