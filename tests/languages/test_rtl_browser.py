"""Right to left in a real browser (Debian's Chromium) on the real stack: a message in Arabic or
Urdu is answered in that language, and those messages carry dir="rtl" while English ones do not.
Screenshots go to docs/screenshots/ (the documentation shows them)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import browser  # noqa: F401  (the shared Chromium fixture)
from tests.browser.support import ROOT
from tests.browser.test_widget import Widget, exit_url  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.stack]
SHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture()
def widget(browser, stack, exit_url):  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(viewport={"width": 420, "height": 800}, locale="en-GB")
    yield Widget(context, stack, exit_url)
    context.close()


def _directions(widget: Widget) -> list[str]:
    return widget.page.locator(".sta-bot .sta-text").evaluate_all("items => items.map(p => p.getAttribute('dir'))")


@pytest.mark.parametrize(
    ("code", "message", "word"),
    [
        ("ar", "هل ستخبر الشرطة دائرة الهجرة عني إذا اشتكيت؟", "999"),
        ("ur", "کیا پولیس میرے بارے میں امیگریشن کو بتائے گی؟", "999"),
    ],
)
def test_rtl_messages_render_right_to_left(widget: Widget, code: str, message: str, word: str) -> None:
    widget.open_demo().open_chat()
    before = len(_directions(widget))
    replies = widget.say(message)
    assert replies and any(word in text for text in replies)
    new = _directions(widget)[before:]
    assert "rtl" in new, new
    user = widget.page.locator(".sta-user .sta-text").last.get_attribute("dir")
    assert user == "rtl"
    assert set(_directions(widget)[:before]) <= {"ltr"}  # earlier English messages (the welcome) stay left to right
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.page.screenshot(path=str(SHOTS / f"widget-rtl-{code}.png"))
