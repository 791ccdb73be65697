"""The WhatsApp channel: Twilio's WhatsApp sender, the same signed webhook, its own budget and wording."""

from __future__ import annotations

import pytest

from bot.channels.twilio_webhook import channel_for
from bot.messaging.wording import profile
from bot.settings import Settings
from contract import channels
from contract.channels import Style, reply_style
from tests.channels.clients import SMS_PATH, WHATSAPP_PATH, messages_in, post_sms, sms
from tests.channels.phone import assert_fits_whatsapp

WHATSAPP = profile("whatsapp")


def test_whatsapp_is_a_known_channel_with_the_sms_style() -> None:
    assert reply_style(channels.WHATSAPP) is Style.SMS
    assert channels.RESPONSE_VARIANT[channels.WHATSAPP] == channels.TWILIO


def test_whatsapp_is_off_unless_configured() -> None:
    off, on = Settings(sender_secret=b"x"), Settings(sender_secret=b"x", whatsapp_enabled=True)
    assert channel_for("whatsapp:+447700900401", off) is None
    assert channel_for("whatsapp:+447700900401", on) == channels.WHATSAPP
    assert channel_for("+447700900401", on) == channels.TWILIO


def test_requests_must_be_signed(fakebot) -> None:
    number = "+447700900402"
    assert post_sms(fakebot.url, number, "count", whatsapp=True, signature="")[0] == 403
    assert post_sms(fakebot.url, number, "count", whatsapp=True, token="another-token")[0] == 403
    assert post_sms(fakebot.url, number, "count", whatsapp=True, tamper={"Body": "count count"})[0] == 403
    assert post_sms(fakebot.url, number, "count", whatsapp=True)[0] == 200


def test_first_reply_says_how_to_delete_the_chat_and_about_disappearing_messages(fakebot) -> None:
    number = "+447700900403"
    first = sms(fakebot.url, number, "hi there", whatsapp=True)
    assert_fits_whatsapp(first)
    assert first[0].startswith(WHATSAPP.reminder) and "disappearing messages" in first[0]
    again = sms(fakebot.url, number, "hi there", whatsapp=True)
    assert not any(WHATSAPP.reminder in text for text in again)


def test_the_privacy_answer_says_what_whatsapp_keeps(fakebot) -> None:
    texts = sms(fakebot.url, "+447700900404", "privacy", whatsapp=True)
    assert WHATSAPP.privacy_note in "\n".join(texts)
    assert WHATSAPP.privacy_note not in "\n".join(sms(fakebot.url, "+447700900404", "privacy"))  # not on SMS


def test_whatsapp_is_its_own_conversation_and_also_reaches_the_sms_webhook(fakebot) -> None:
    number = "+447700900405"
    sms(fakebot.url, number, "count")
    assert "Messages in this chat: 1" in "\n".join(sms(fakebot.url, number, "count", whatsapp=True))
    status, body = post_sms(fakebot.url, number, "count", whatsapp=True, path=SMS_PATH)  # one webhook for both
    assert status == 200 and "Messages in this chat: 2" in "\n".join(messages_in(body))


def test_long_answer_arrives_in_one_message(fakebot) -> None:
    texts = sms(fakebot.url, "+447700900406", "long", whatsapp=True)
    assert_fits_whatsapp(texts)
    assert len(texts) == 1 and "text again any time for more" in texts[0]


@pytest.mark.parametrize("keyword", ["STOP", "DELETE"])
def test_keywords_work_on_whatsapp(fakebot, keyword: str) -> None:
    number = "+447700900407" if keyword == "STOP" else "+447700900408"
    sms(fakebot.url, number, "count", whatsapp=True)
    assert sms(fakebot.url, number, keyword, whatsapp=True)
    if keyword == "STOP":
        assert sms(fakebot.url, number, "count", whatsapp=True) == []
    else:
        assert "Messages in this chat: 1" in "\n".join(sms(fakebot.url, number, "count", whatsapp=True))


def test_the_whatsapp_path_answers(fakebot) -> None:
    status, _ = post_sms(fakebot.url, "+447700900409", "count", whatsapp=True, path=WHATSAPP_PATH)
    assert status == 200
