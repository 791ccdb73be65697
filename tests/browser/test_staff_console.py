"""The staff console in a real browser (Debian's /usr/bin/chromium, driven by Playwright) on the real stack.

A call handler's session: the page loads without the token, asks for it, a query is sent with
Ctrl+Enter, the result shows danger first, topics, the answer with sources, "say this" and the
referrals with copy buttons; the keyboard shortcuts copy what they say; the token is never stored;
axe-core (from node_modules) finds no serious or critical violations. Screenshots go to artifacts/
and docs/screenshots/staff-console.png.
"""

from __future__ import annotations

import json

import pytest

from tests.browser.support import ARTIFACTS, AXE, ROOT

pytestmark = [pytest.mark.browser, pytest.mark.stack]

SCREENSHOT = ROOT / "docs" / "screenshots" / "staff-console.png"
TOKEN = "test-staff-token"
QUERY = "caller spouse visa, husband British, wants to leave, NRPF"
DANGER_QUERY = "husband strangled her last night, spouse visa, NRPF"


@pytest.fixture()
def console(browser, stack):  # type: ignore[no-untyped-def]
    """A fresh tab on /staff/ that may use the clipboard; page errors and CSP reports collected."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.url)
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    page.goto(f"{stack.url}/staff/")
    yield page
    context.close()


def ask(page, query: str, nation: str = "") -> None:  # type: ignore[no-untyped-def]
    page.fill("#token", TOKEN)
    page.fill("#query", query)
    if nation:
        page.select_option("#nation", nation)
    page.focus("#query")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#result:not([hidden])", timeout=30_000)


def clipboard(page) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate("() => navigator.clipboard.readText()")


def run_axe(page, name: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """axe-core's WCAG 2.1 A/AA rules; the serious and critical violations (report in artifacts/)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm install` (package.json lists it).")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-staff-{name}.json").write_text(json.dumps(result["violations"], indent=2), encoding="utf-8")
    return [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_page_asks_for_the_token_and_stores_nothing(console) -> None:  # type: ignore[no-untyped-def]
    assert console.evaluate("() => document.activeElement.id") == "token"
    assert console.get_attribute("#token", "type") == "password"
    console.fill("#query", QUERY)
    console.keyboard.press("Control+Enter")
    assert "token" in console.text_content("#status").lower()
    ask(console, QUERY)
    stored = console.evaluate("() => [localStorage.length, sessionStorage.length, document.cookie, location.href]")
    assert stored[:3] == [0, 0, ""] and TOKEN not in stored[3]


def test_query_renders_the_result_with_copy_buttons(console) -> None:  # type: ignore[no-untyped-def]
    ask(console, QUERY, nation="wales")
    assert console.is_hidden("#danger")
    topics = console.locator("#topics li")
    assert topics.count() >= 1 and "%" in topics.first.text_content()
    assert "public funds" in console.text_content("#answer")
    assert console.locator("#sources a").count() >= 1
    assert "reviewed" in console.text_content("#reviewed").lower()
    assert console.text_content("#say").strip()
    referrals = console.locator("#referrals > li")
    assert 3 <= referrals.count() <= 5
    assert console.locator(".copy-referral").count() == referrals.count()
    assert console.locator("#referrals .label").count() == referrals.count()
    assert console.is_visible("#copy-answer") and console.is_visible("#copy-say")
    assert "regulated immigration adviser" in console.text_content("#notices")
    ARTIFACTS.mkdir(exist_ok=True)
    console.screenshot(path=str(ARTIFACTS / "staff-console.png"), full_page=True)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    console.screenshot(path=str(SCREENSHOT), full_page=True)
    assert console.errors == []


def test_keyboard_shortcuts_copy_and_clear(console) -> None:  # type: ignore[no-untyped-def]
    ask(console, QUERY)
    first = console.evaluate("() => document.querySelector('.referral-name').firstChild.textContent")
    console.keyboard.press("Alt+1")
    console.wait_for_function("() => document.getElementById('status').textContent.startsWith('Copied referral 1')")
    assert clipboard(console).splitlines()[0].startswith(first)
    console.keyboard.press("Alt+A")
    console.wait_for_function("() => document.getElementById('status').textContent === 'Copied the answer.'")
    assert "Sources" in clipboard(console)
    console.keyboard.press("Alt+S")
    console.wait_for_function("() => document.getElementById('status').textContent === 'Copied the say-this text.'")
    console.click(".copy-referral >> nth=1")
    console.wait_for_function("() => document.getElementById('status').textContent.startsWith('Copied referral 2')")
    console.keyboard.press("Alt+C")
    assert console.is_hidden("#result") and console.input_value("#query") == ""
    assert console.evaluate("() => document.activeElement.id") == "query"
    assert "Alt+1" in console.text_content(".shortcuts")


def test_danger_comes_first_and_is_announced(console) -> None:  # type: ignore[no-untyped-def]
    ask(console, DANGER_QUERY)
    assert console.get_attribute("#danger", "role") == "alert"
    assert "999" in console.text_content("#danger") and "Strangulation" in console.text_content("#danger")
    positions = console.evaluate(
        "() => ['danger', 'topics', 'referrals'].map(id => document.getElementById(id).getBoundingClientRect().top)"
    )
    assert positions == sorted(positions)
    assert console.evaluate("() => document.activeElement.id") == "danger"
    console.screenshot(path=str(ARTIFACTS / "staff-console-danger.png"), full_page=True)


def test_keyboard_only_reaches_every_control(console) -> None:  # type: ignore[no-untyped-def]
    ask(console, QUERY)
    seen = set()
    for _ in range(60):
        console.keyboard.press("Tab")
        seen.add(console.evaluate("() => document.activeElement.id || document.activeElement.className"))
    for control in ("token", "query", "nation", "language", "submit", "clear", "copy-answer", "copy-say"):
        assert control in seen, control
    assert any("copy-referral" in item for item in seen)


def test_axe_finds_no_serious_violations(console) -> None:  # type: ignore[no-untyped-def]
    assert run_axe(console, "empty") == []
    ask(console, DANGER_QUERY)
    assert run_axe(console, "result") == []
