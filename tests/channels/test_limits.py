"""Over the rate limit: SMS sends one short notice, then stays silent (every text costs money);
WhatsApp, like every other channel, keeps its safety reply. MORE counts like any message."""

from __future__ import annotations

import pytest

from tests.channels.clients import sms
from tests.channels.conftest import serve

PER_SENDER = 3


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory):
    log = tmp_path_factory.mktemp("limited") / "limited.log"
    yield from serve(
        "tests.channels.fakebot", log, RATE_PER_SENDER_PER_MINUTE=str(PER_SENDER), RATE_PER_ADDRESS_PER_MINUTE="0"
    )


def test_sms_sends_one_short_notice_then_stays_silent(limited) -> None:
    number = "+447700900501"
    for _ in range(PER_SENDER):
        assert sms(limited.url, number, "count")
    notice = sms(limited.url, number, "count")
    assert len(notice) == 1 and "999" in notice[0] and "a lot of messages" in notice[0]
    assert sms(limited.url, number, "count") == []
    assert sms(limited.url, number, "he says he will kill me tonight") == []
    assert sms(limited.url, number, "MORE") == []


def test_whatsapp_keeps_its_safety_reply(limited) -> None:
    number = "+447700900502"
    for _ in range(PER_SENDER):
        assert sms(limited.url, number, "count", whatsapp=True)
    for _ in range(2):
        reply = "\n".join(sms(limited.url, number, "count", whatsapp=True))
        assert "999" in reply and "a lot of messages" in reply
