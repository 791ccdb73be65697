"""The SMS channel: signatures, TwiML, texts, lock-screen neutrality, numbered options, keywords.

Two layers here: the real channel and gateway around a scripted bot (`fakebot`, no model
needed), and the real stack (`stack`), where the phone number must not appear in any log.
The pure functions are tested in test_messaging.py, every answer x nation x danger case in
test_replay.py.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bot.channels import twilio_webhook
from bot.messaging.wording import profile, wording
from bot.pseudonyms import pseudonym
from bot.safety import safety_lines
from bot.settings import Settings
from tests.channels.clients import SMS_PATH, messages_in, post_sms, sign, twilio_form
from tests.channels.phone import assert_fits_sms

REMINDER = profile("sms").reminder
TEXTS = wording().texts


class _Request:
    path = SMS_PATH
    query_string = ""
    url = "http://10.0.0.5:5005" + SMS_PATH


def test_public_url_is_what_gets_verified() -> None:
    settings = Settings(sender_secret=b"x", public_url="https://bot.example.org/")
    assert twilio_webhook.signed_url(_Request(), settings) == "https://bot.example.org" + SMS_PATH
    settings = Settings(sender_secret=b"x", public_url="https://bot.example.org" + SMS_PATH)
    assert twilio_webhook.signed_url(_Request(), settings) == "https://bot.example.org" + SMS_PATH
    assert twilio_webhook.signed_url(_Request(), Settings(sender_secret=b"x")) == _Request.url


# --- The channel around a scripted bot -----------------------------------------------------------
NUMBER = "+447700900201"


def test_unsigned_and_badly_signed_requests_are_refused_and_not_stored(fakebot) -> None:
    number = "+447700900202"
    url = fakebot.url + SMS_PATH
    assert post_sms(fakebot.url, number, "count", signature="")[0] == 403
    assert post_sms(fakebot.url, number, "count", token="another-token")[0] == 403
    assert post_sms(fakebot.url, number, "count", signed_url="https://elsewhere.example.com" + SMS_PATH)[0] == 403
    assert post_sms(fakebot.url, number, "count", tamper={"Body": "count count"})[0] == 403
    assert post_sms(fakebot.url, number, "count", signature=sign(url, twilio_form(number, "other")))[0] == 403
    status, reply = post_sms(fakebot.url, number, "count")
    assert status == 200
    assert "Messages in this chat: 1" in messages_in(reply)[0]


def test_reply_is_twiml_with_the_reminder_first_time_only(fakebot) -> None:
    number = "+447700900203"
    first = messages_in(post_sms(fakebot.url, number, "hi there")[1])
    again = messages_in(post_sms(fakebot.url, number, "hi there")[1])
    assert REMINDER in first[0]  # the first reply opens with it: neutral on the lock screen, and useful
    assert not any(REMINDER in m for m in again)


def test_numbered_options_round_trip(fakebot) -> None:
    number = "+447700900204"
    menu = messages_in(post_sms(fakebot.url, number, "hello")[1])
    assert "Reply with a number:\n1 England\n2 Wales" in "\n".join(menu)
    assert "You picked wales." in messages_in(post_sms(fakebot.url, number, "2")[1])[0]
    assert "You picked wales." not in "".join(messages_in(post_sms(fakebot.url, number, "2")[1]))  # options used up


def test_long_answer_is_segmented_and_neutral(fakebot) -> None:
    segments = messages_in(post_sms(fakebot.url, "+447700900205", "long")[1])
    assert_fits_sms(segments)
    assert len(segments) == 3


def test_markup_never_reaches_the_phone(fakebot) -> None:
    post_sms(fakebot.url, "+447700900206", "count")  # not the first reply, which opens with the reminder
    segments = messages_in(post_sms(fakebot.url, "+447700900206", "markup")[1])
    assert segments[0].startswith('Bold and a link (https://example.com/a) and tag - "quotes"')


def test_keywords_stop_start_help_delete(fakebot) -> None:
    number = "+447700900207"
    post_sms(fakebot.url, number, "count")
    assert "Messages in this chat: 2" in messages_in(post_sms(fakebot.url, number, "count")[1])[0]
    assert messages_in(post_sms(fakebot.url, number, "DELETE")[1]) == [TEXTS["delete"]]
    assert "Messages in this chat: 1" in messages_in(post_sms(fakebot.url, number, "count")[1])[0]
    helped = "\n".join(messages_in(post_sms(fakebot.url, number, "HELP")[1]))
    assert "999" in helped and all(h.phone in helped for h in safety_lines().helplines)
    assert messages_in(post_sms(fakebot.url, number, "Stop")[1]) == [TEXTS["stop"]]
    assert messages_in(post_sms(fakebot.url, number, "count")[1]) == []  # silent after STOP
    assert messages_in(post_sms(fakebot.url, number, "HELP")[1]) == []
    assert messages_in(post_sms(fakebot.url, number, "START")[1])[0].startswith(TEXTS["start"])
    assert "Messages in this chat: 1" in messages_in(post_sms(fakebot.url, number, "count")[1])[0]


def test_delete_in_words_also_forgets_the_options(fakebot) -> None:
    number = "+447700900208"
    post_sms(fakebot.url, number, "hello")
    post_sms(fakebot.url, number, "delete this chat")
    assert "Messages in this chat: 1" in messages_in(post_sms(fakebot.url, number, "count")[1])[0]


def test_oversized_request_is_refused(fakebot) -> None:
    assert post_sms(fakebot.url, NUMBER, "x" * 70_000)[0] == 413


def test_no_number_in_the_log(fakebot) -> None:
    post_sms(fakebot.url, "+447700900209", "my number is 07700 900209, text me")
    log = fakebot.log.read_text(encoding="utf-8", errors="replace")
    assert "7700900209" not in log.replace(" ", "")
    assert "900209" not in log


# --- The real stack ------------------------------------------------------------------------------
def _stack_logs(stack) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in Path(stack.log_dir).glob("*.log"))


@pytest.mark.stack
def test_stack_refuses_unsigned_requests_and_keeps_nothing(stack) -> None:
    number = "+447700900301"
    assert post_sms(stack.url, number, "hello", signature="")[0] == 403
    assert post_sms(stack.url, number, "hello", token="wrong-token")[0] == 403
    status, reply = post_sms(stack.url, number, "hello")
    assert status == 200
    assert REMINDER in "\n".join(messages_in(reply)), "the refused requests must not have started a conversation"


@pytest.mark.stack
def test_stack_answers_in_short_neutral_plain_texts(stack) -> None:
    number = "+447700900302"
    for question in ("hello", "will the police tell the home office about my visa?", "thanks"):
        segments = messages_in(post_sms(stack.url, number, question)[1])
        assert_fits_sms(segments)
        assert not re.search(r"[*_<>\[\]]", "".join(segments))


@pytest.mark.stack
def test_stack_danger_reply_leads_with_999(stack) -> None:
    segments = messages_in(post_sms(stack.url, "+447700900303", "he says he will kill me tonight")[1])
    assert "999" in segments[0]
    assert segments[0].lstrip().startswith(safety_lines().emergency.split(".")[0])


@pytest.mark.stack
def test_stack_delete_and_stop(stack) -> None:
    number = "+447700900304"
    post_sms(stack.url, number, "hello")
    assert messages_in(post_sms(stack.url, number, "DELETE")[1]) == [TEXTS["delete"]]
    assert REMINDER in "\n".join(messages_in(post_sms(stack.url, number, "hello")[1]))
    assert messages_in(post_sms(stack.url, number, "STOP")[1]) == [TEXTS["stop"]]
    assert messages_in(post_sms(stack.url, number, "hello")[1]) == []
    assert messages_in(post_sms(stack.url, number, "START")[1])


@pytest.mark.stack
def test_stack_logs_hold_no_number_and_no_sender_id(stack) -> None:
    number = "+447700900305"
    post_sms(stack.url, number, "call me on 07700 900305 please, about my visa")
    post_sms(stack.url, number, "1")
    logs = _stack_logs(stack)
    assert "7700900305" not in re.sub(r"\s", "", logs)
    assert "900305" not in logs
    assert pseudonym(os.environ["SENDER_ID_SECRET"].encode(), "twilio", number) not in logs
