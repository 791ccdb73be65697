"""The web widget in a real browser (Debian's /usr/bin/chromium, driven by Playwright) on the real stack.

Covers what a person does and what must never happen: a full conversation, the emergency reply,
quick exit by button and by Shift x3 (with the conversation checked gone on the server), no
cookies or storage, keyboard-only use, 320 px and 200% zoom, the offline safety information,
and axe-core (from node_modules) with no serious or critical violations.
Screenshots and axe reports go to artifacts/.
"""

from __future__ import annotations

import json
import os
import re
import time
from urllib.request import Request, urlopen

import pytest

from tests.browser.support import ARTIFACTS, AXE
from tests.channels.clients import SocketChat

pytestmark = [pytest.mark.browser, pytest.mark.stack]

EXIT_PAGE = "<!doctype html><html lang='en'><title>Weather</title><h1>Weather</h1></html>"
FOCUSED = """() => {
  let node = document.activeElement;
  while (node && node.shadowRoot && node.shadowRoot.activeElement) node = node.shadowRoot.activeElement;
  return node ? (node.getAttribute('aria-label') || node.textContent || node.id || node.tagName).trim() : '';
}"""


# --- Fixtures ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def exit_url(stack) -> str:
    with urlopen(f"{stack.url}/widget/widget.js", timeout=10) as reply:
        script = reply.read().decode("utf-8")
    return json.loads(re.search(r'"exitUrl": ("[^"]*")', script).group(1))


class Widget:
    """One page of the demo host site, plus what the test needs to watch."""

    def __init__(self, context, stack, exit_url: str) -> None:  # type: ignore[no-untyped-def]
        self.context, self.stack, self.exit_url = context, stack, exit_url
        self.page = context.new_page()
        self.sessions: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        exit_page = {"body": EXIT_PAGE, "content_type": "text/html"}  # the neutral site, served offline
        context.route(lambda url: url.startswith(exit_url), lambda route: route.fulfill(**exit_page))
        self.page.on("request", self._request)
        self.page.on("websocket", lambda ws: ws.on("framesent", self._frame))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _request(self, request) -> None:  # type: ignore[no-untyped-def]
        self.requests.append(request.url)
        if "/socket.io/" in request.url and request.method == "POST":
            self._frame(request.post_data or "")

    def _frame(self, payload: str | bytes) -> None:
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
        self.sessions += re.findall(r'"session_request",\{"session_id":"([0-9a-f]+)"', text)

    def open_demo(self) -> Widget:
        self.response = self.page.goto(f"{self.stack.url}/widget/demo")
        self.page.get_by_role("button", name="Chat", exact=True).wait_for()
        return self

    def open_chat(self) -> Widget:
        self.page.get_by_role("button", name="Chat", exact=True).click()
        self.bot_messages().first.wait_for(timeout=30_000)
        return self

    def bot_messages(self):  # type: ignore[no-untyped-def]
        return self.page.locator(".sta-bot")

    def say(self, text: str) -> list[str]:
        """Type a message, send it with Enter, return the texts of the replies that follow."""
        before = self.bot_messages().count()
        self.page.get_by_label("Type your message").fill(text)
        self.page.get_by_label("Type your message").press("Enter")
        return self.wait_for_replies(before)

    def wait_for_replies(self, before: int) -> list[str]:
        deadline = time.monotonic() + 30
        while self.bot_messages().count() <= before and time.monotonic() < deadline:
            self.page.wait_for_timeout(100)
        self.page.wait_for_timeout(400)  # replies to one message arrive together
        texts = self.bot_messages().evaluate_all(
            "items => items.map(item => (item.querySelector('.sta-text') || {}).textContent || '')"
        )
        return texts[before:]

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"widget-{name}.png"))

    def conversations_held(self) -> int:
        token = os.environ["STAFF_TOKEN"]
        request = Request(f"{self.stack.url}/staff/api/status", headers={"Authorization": f"Bearer {token}"})
        with urlopen(request, timeout=10) as reply:
            return int(json.loads(reply.read())["conversations_held"])

    def server_has_conversation(self) -> bool:
        """Whether the server holds the page's conversation. `session_state` no longer says (it is
        the same for every session id: security audit, finding 6), so one more turn on the page's
        session tells: it adds to the server's count only when there was no conversation (and that
        probe conversation is then deleted)."""
        assert self.sessions, "no session_request seen on the wire"
        before = self.conversations_held()
        with SocketChat(self.stack.url, self.sessions[-1]) as probe:
            probe.say("hello")
            held = self.conversations_held() == before
            if not held:
                probe.exit()
        return held


@pytest.fixture()
def widget(browser, stack, exit_url):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    yield Widget(context, stack, exit_url)
    context.close()


def run_axe(page, name: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """axe-core's WCAG 2.1 A/AA rules; the serious and critical violations (report in artifacts/)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(result["violations"], indent=2), encoding="utf-8")
    return [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]


def wait_until_deleted(widget: Widget, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not widget.server_has_conversation():
            return True
        time.sleep(0.3)
    return False


# --- What a person sees --------------------------------------------------------------------------
def test_closed_state_and_title_are_neutral(widget: Widget) -> None:
    widget.open_demo()
    widget.shot("closed")
    assert not re.search(r"abuse|violence|domestic|police|immigra", widget.page.title(), re.I)
    closed = widget.page.locator(".sta-bar").inner_text()
    assert not re.search(r"abuse|violence|domestic", closed, re.I)
    assert widget.page.get_by_role("button", name="Exit this page now").is_visible()
    assert widget.sessions == [], "nothing connects before the person opens the chat"
    csp = widget.response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "script-src 'self'" in csp, "only this server may supply anything"


def test_full_conversation(widget: Widget) -> None:
    widget.open_demo().open_chat()
    greeting = widget.bot_messages().first
    choices = greeting.locator("button")
    assert choices.count() >= 2, "the greeting's Rasa buttons render as <button>s"
    before = widget.bot_messages().count()
    widget.page.get_by_role("button", name="Will the police tell the Home Office?").click()
    answer = widget.wait_for_replies(before)
    assert "Home Office" in " ".join(answer)
    assert widget.page.locator(".sta-user").last.inner_text().endswith("Will the police tell the Home Office?")
    follow_up = widget.say("is this chat private?")
    assert follow_up and "can't answer properly" not in " ".join(follow_up)
    for link in widget.page.locator(".sta-log a").all():
        assert link.get_attribute("rel") == "noopener noreferrer"
        assert link.get_attribute("target") == "_blank"
        assert link.get_attribute("href").startswith("http")
    widget.shot("conversation")
    assert not widget.errors


def test_emergency_reply_shows_999_first(widget: Widget) -> None:
    widget.open_demo().open_chat()
    replies = widget.say("he has a knife and says he will kill me")
    assert "999" in replies[0], replies
    widget.page.wait_for_function(  # smooth scrolling takes a moment
        """() => {
            const log = document.querySelector('[data-safe-to-ask]').shadowRoot.querySelector('.sta-log');
            const first = [...log.querySelectorAll('.sta-bot')].reverse().find(m => m.textContent.includes('999'));
            const a = log.getBoundingClientRect(), b = first.getBoundingClientRect();
            return b.top >= a.top - 1 && b.top < a.bottom - 40;
        }""",
        timeout=3_000,
    )  # the start of the answer, with 999, is what the person sees first; not its end
    widget.shot("emergency")


def test_danger_flag_shows_the_emergency_card(widget: Widget) -> None:
    """The reply's {"danger": kind} flag (bot/danger/flag.py) becomes a card at the start of the
    answer: a one-tap tel:999 link and what pressing 55 does; an ordinary question gets none."""
    widget.open_demo().open_chat()
    widget.say("is this chat private?")
    assert widget.page.locator(".sta-emergency").count() == 0
    widget.say("my husband is hitting me right now")
    card = widget.page.locator(".sta-emergency")
    card.wait_for(timeout=10_000)
    assert card.count() == 1 and card.get_attribute("role") == "alert"
    assert card.get_attribute("data-danger") == "violence_now"
    call = card.locator("a.sta-call")
    assert call.get_attribute("href") == "tel:999" and "999" in call.inner_text()
    assert "55" in card.inner_text() and "police" in card.inner_text()
    order = widget.page.locator(".sta-msg").evaluate_all(
        "items => items.map(i => i.classList.contains('sta-emergency') ? 'card'"
        " : i.classList.contains('sta-user') ? 'user' : 'bot')"
    )
    assert order[order.index("card") - 1] == "user", order  # the card opens the answer
    widget.shot("emergency-card")
    assert not widget.errors


def test_text_is_never_html(widget: Widget) -> None:
    widget.open_demo().open_chat()
    dialogs: list[str] = []
    widget.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    widget.say('<img src=x onerror="alert(1)"><b>bold</b>')
    assert widget.page.locator(".sta-log img, .sta-log b").count() == 0
    assert '<img src=x onerror="alert(1)">' in widget.page.locator(".sta-user").last.inner_text()
    assert dialogs == []


# --- Quick exit ----------------------------------------------------------------------------------
def test_quick_exit_button_deletes_and_replaces_the_page(widget: Widget) -> None:
    widget.open_demo().open_chat()
    widget.say("will the police tell the home office")
    assert widget.server_has_conversation()
    widget.page.locator(".sta-panel").get_by_role("button", name="Exit this page now").click()
    widget.page.wait_for_url(widget.exit_url + "*", timeout=5_000)
    assert wait_until_deleted(widget), "the conversation is still on the server after Exit"
    widget.page.go_back()
    assert "/widget/demo" not in widget.page.url, "Back must not return to the chat"


def test_shift_three_times_exits(widget: Widget) -> None:
    widget.open_demo().open_chat()
    widget.say("can I stay in the UK if my visa depends on him")
    assert widget.server_has_conversation()
    widget.page.get_by_label("Type your message").focus()
    for _ in range(3):
        widget.page.keyboard.press("Shift")
    widget.page.wait_for_url(widget.exit_url + "*", timeout=5_000)
    assert wait_until_deleted(widget)


def test_capital_letters_do_not_trigger_exit(widget: Widget) -> None:
    widget.open_demo().open_chat()
    widget.page.get_by_label("Type your message").press_sequentially("I Am In Leeds")
    assert "/widget/demo" in widget.page.url


def test_nothing_stored_in_the_browser(widget: Widget) -> None:
    widget.open_demo()
    history = widget.page.evaluate("history.length")
    widget.open_chat()
    widget.say("is this chat private?")
    widget.say("thanks")
    assert widget.context.cookies() == []
    storage = widget.page.evaluate("[localStorage.length, sessionStorage.length, history.length]")
    assert storage == [0, 0, history], "no storage and no history entry per message"
    own = widget.stack.url
    assert all(url.startswith(own) or url.startswith("data:") for url in widget.requests), widget.requests


# --- Accessibility -------------------------------------------------------------------------------
def test_keyboard_only(widget: Widget) -> None:
    page = widget.open_demo().page
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED) == "Chat":
            break
    assert page.evaluate(FOCUSED) == "Chat", "the launcher is reachable with Tab"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.shadowRoot.activeElement.id") == "sta-input"
    widget.bot_messages().first.wait_for(timeout=30_000)
    before = widget.bot_messages().count()
    page.keyboard.type("where can I get help in Scotland")
    page.keyboard.press("Enter")
    assert widget.wait_for_replies(before)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED), "focus moves backwards through the panel"
    page.keyboard.press("Escape")
    assert page.evaluate(FOCUSED) == "Chat", "Escape closes the chat and returns focus to the launcher"


@pytest.mark.parametrize(("width", "height", "name"), [(320, 640, "320px"), (640, 400, "zoom-200")])
def test_small_screens_and_zoom(browser, stack, exit_url, width: int, height: int, name: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        widget = Widget(context, stack, exit_url).open_demo().open_chat()
        widget.say("what is the silent solution")
        page = widget.page
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for selector in (".sta-panel", ".sta-form", ".sta-header"):
            box = page.locator(selector).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (selector, box)
        assert page.get_by_role("button", name="Exit this page now").last.is_visible()
        assert page.get_by_label("Type your message").is_visible()
        widget.shot(name)
    finally:
        context.close()


def test_reduced_motion_is_respected(browser, stack, exit_url) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(reduced_motion="reduce")
    try:
        widget = Widget(context, stack, exit_url).open_demo().open_chat()
        assert widget.page.locator(".sta-panel").evaluate("el => getComputedStyle(el).animationName") == "none"
    finally:
        context.close()


def test_axe_finds_no_serious_violations(widget: Widget) -> None:
    widget.open_demo()
    assert run_axe(widget.page, "closed") == []
    widget.open_chat()
    widget.say("will the police tell the home office")
    assert run_axe(widget.page, "conversation") == []
    widget.page.locator(".sta-log").evaluate("log => { log.scrollTop = 0; }")  # axe checks what is in view
    assert run_axe(widget.page, "conversation-top") == []
    widget.page.get_by_role("button", name="Privacy").click()
    widget.shot("privacy-note")
    assert run_axe(widget.page, "privacy-note") == []


def test_privacy_page_is_accessible_and_honest(widget: Widget) -> None:
    widget.page.goto(f"{widget.stack.url}/widget/privacy")
    text = widget.page.inner_text("main")
    assert "cannot erase your browser history" in text
    assert "private window" in text.lower()
    assert run_axe(widget.page, "privacy-page") == []


# --- When the server cannot be reached -----------------------------------------------------------
def test_offline_shows_999_and_the_shipped_helplines(widget: Widget) -> None:
    from bot.safety import safety_lines

    widget.page.route("**/socket.io/**", lambda route: route.abort())
    widget.open_demo()
    widget.page.get_by_role("button", name="Chat", exact=True).click()
    alert = widget.page.get_by_role("alert")
    alert.wait_for(timeout=15_000)
    shown = alert.inner_text()
    assert "can't connect" in shown
    assert "999" in shown
    for line in safety_lines().helplines:
        assert line.phone in shown
    assert widget.page.locator(".sta-offline a[href^='tel:']").count() == len(safety_lines().helplines)
    widget.shot("offline")
    assert run_axe(widget.page, "offline") == []
