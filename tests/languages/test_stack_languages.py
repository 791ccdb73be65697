"""Through the real running server (REST and SMS): a message in another language is answered in
it, short messages keep it, and a switch request changes it."""

from __future__ import annotations

import time

import pytest

from bot.language.locales import locales
from tests.channels.clients import sms

pytestmark = pytest.mark.stack
POLISH = "Czy policja powie o mnie urzędowi imigracyjnemu, jeśli zgłoszę przemoc?"


def _until(say, sender: str, message: str, expected: str, seconds: float = 40) -> str:
    """The models load in the background when the server starts: ask again until they are in."""
    deadline = time.monotonic() + seconds
    while True:
        reply = say(sender, message)
        if expected in reply or time.monotonic() > deadline:
            return reply
        time.sleep(2)


def test_polish_on_rest_is_answered_in_polish_and_kept(say) -> None:
    reply = _until(say, "lang-rest-pl-3f9c2a7d1e", POLISH, "999")
    assert "Jeśli grozi Ci niebezpieczeństwo" in reply or "Reszta" in reply, "no Polish in the reply"
    assert "999" in reply
    after = say("lang-rest-pl-3f9c2a7d1e", "ok")
    assert "I didn't understand" not in after
    switched = say("lang-rest-pl-3f9c2a7d1e", "English please")
    assert locales().get("en").switched in switched


def test_urdu_on_sms_gets_a_reply_with_999(stack) -> None:
    deadline = time.monotonic() + 40
    while True:
        replies = sms(stack.url, "07700 900321", "کیا پولیس میرے بارے میں امیگریشن کو بتائے گی؟")
        if any("999" in r for r in replies) or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert any("999" in r for r in replies)


def test_sms_lang_keyword_lists_the_languages(stack) -> None:
    replies = sms(stack.url, "07700 900322", "LANG")
    assert any("LANG" in r for r in replies)
