"""The SMS channel: signatures, TwiML, segments, lock-screen neutrality, numbered options, keywords.

Three layers: the pure functions; the real channel and gateway around a scripted bot
(`fakebot`, no model needed); and the real stack (`stack`), where the phone number must not
appear in any log.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from bot.channels import sms
from bot.pseudonyms import pseudonym
from bot.safety import safety_lines
from tests.channels.clients import SMS_PATH, messages_in, post_sms, sign, twilio_form

ROOT = Path(__file__).resolve().parents[2]


def twilio_responses() -> dict[str, str]:
    """Every `channel: twilio` response text in data/responses."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "data" / "responses").glob("*.yml")):
        for name, variants in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}).items():
            for variant in variants:
                if variant.get("channel") == "twilio":
                    found[name] = variant["text"]
    return found


def assert_fits_sms(segments: list[str]) -> None:
    assert 1 <= len(segments) <= sms.MAX_SEGMENTS, segments
    for text in segments:
        assert sms.units(text) <= sms.SEGMENT_LIMIT, (sms.units(text), text)
        assert all(c in sms.GSM_BASIC or c in sms.GSM_EXTENDED for c in text), text
        assert sms.is_neutral(text), sms.lock_screen_text(text)


# --- Pure functions ------------------------------------------------------------------------------
def test_lead_lines_are_neutral_and_push_the_topic_past_the_lock_screen() -> None:
    for lead in (sms.LEAD_FIRST, sms.LEAD_NEXT):
        assert len(lead) + 1 >= sms.LOCK_SCREEN_CHARS
        assert not sms.SENSITIVE.search(lead)
    assert sms.is_neutral(sms._lead(0) + "The police may tell the Home Office.")


@pytest.mark.parametrize(
    "opening",
    ["The police may share", "Your visa and the Home", "About deportation:", "If he tries to kill you", "FGM is"],
)
def test_telling_openings_are_caught(opening: str) -> None:
    assert not sms.is_neutral(opening + " some more words here to pass forty characters.")


def test_word_cut_at_forty_characters_counts_whole() -> None:
    text = "x" * 36 + " police station"
    assert "police" in sms.lock_screen_text(text)
    assert not sms.is_neutral(text)


def test_emergency_line_may_lead() -> None:
    assert sms.is_neutral(safety_lines().emergency)


def test_plain_text_has_no_markup_and_only_gsm_characters() -> None:
    text = sms.plain("**Bold** [site](https://example.com) <b>x</b>\n# Head\n“quoted” – dash… café ✅")
    assert text == 'Bold site (https://example.com) x\nHead\n"quoted" - dash... café'
    assert sms.units("{x}") == 5


@pytest.mark.parametrize("name", sorted(twilio_responses()))
def test_every_twilio_response_fits_and_opens_neutrally(name: str) -> None:
    text = sms.plain(twilio_responses()[name])
    assert_fits_sms(sms.compose([text]))
    assert_fits_sms(sms.compose([text], first=True))
    danger = sms.compose([text], danger="threat", first=True)
    assert_fits_sms(danger)
    assert danger[0].startswith(safety_lines().emergency)
    assert "".join(danger).count("If you are in danger now") == 1


def test_long_answers_are_cut_to_three_segments_most_important_first() -> None:
    long_text = " ".join(f"Sentence {n} says the police and the Home Office may share data." for n in range(30))
    segments = sms.compose([long_text, "Last block."], first=True)
    assert_fits_sms(segments)
    assert len(segments) == 3
    assert segments[0].startswith(sms.LEAD_FIRST)
    assert "Sentence 0 " in segments[0]
    assert segments[-1].endswith(sms.REMINDER)
    assert "Last block." not in "".join(segments)


def test_personal_data_notice_and_reminder_survive_a_long_answer() -> None:
    notice = sms.plain(safety_lines().personal_data)
    long_text = " ".join(f"Sentence {n} is about what guidance says and what happens." for n in range(20))
    segments = sms.compose([long_text, notice], first=True)
    assert_fits_sms(segments)
    assert notice in "\n".join(segments) and segments[-1].endswith(sms.REMINDER)
    assert sms.compose(["Short answer.", notice], first=False) == [f"Short answer.\n{notice}\n{sms.SMS_EMERGENCY}"]


def test_danger_puts_the_999_block_first() -> None:
    segments = sms.compose(["An answer about visas.", safety_lines().emergency], danger="threat")
    assert segments[0].startswith("If you are in danger now, call 999.")
    suicide = sms.compose(["Some answer."], danger="suicide")
    assert suicide[0].startswith(safety_lines().emergency) and "116 123" in "".join(suicide)


def test_the_helpline_list_is_compacted_so_every_nation_survives() -> None:
    lines = safety_lines()
    blocks, _ = sms.render([{"text": lines.emergency + " Go somewhere safer if you can."}, {"text": lines.fallback()}])
    segments = sms.compose(blocks, danger="threat", first=True)
    assert_fits_sms(segments)
    assert all(h.phone in "\n".join(segments) for h in lines.helplines)


def test_buttons_become_numbered_options() -> None:
    buttons = [{"title": "England", "payload": "/e"}, {"title": "Wales", "payload": "/w"}]
    replies = [{"text": "Where are you?", "buttons": buttons}]
    blocks, payloads = sms.render(replies)
    assert blocks == ["Where are you?\nReply with a number:\n1 England\n2 Wales"]
    assert payloads == ["/e", "/w"]
    assert sms.option_choice(" 2 ", payloads) == "/w"
    assert sms.option_choice("2.", payloads) == "/w"
    assert sms.option_choice("3", payloads) is None
    assert sms.option_choice("2 please", payloads) is None
    assert sms.option_choice("1", None) is None


@pytest.mark.parametrize(
    ("text", "keyword"),
    [("STOP", "stop"), (" stop. ", "stop"), ("Unsubscribe", "stop"), ("START", "start"), ("help", "help"),
     ("DELETE", "delete"), ("please stop him", None), ("help me he hits me", None), ("", None)],
)  # fmt: skip
def test_keywords_are_whole_messages(text: str, keyword: str | None) -> None:
    assert sms.keyword_of(text) == keyword


def test_options_memory_expires() -> None:
    memory = sms.Expiring(60)
    memory.put("a", ["/x"], now=0)
    assert memory.get("a", now=59) == ["/x"]
    assert memory.get("a", now=61) is None
    memory.put("b", 1, now=100)
    assert len(memory) == 1


class _Request:
    path = SMS_PATH
    query_string = ""
    url = "http://10.0.0.5:5005" + SMS_PATH


def test_public_url_is_what_gets_verified() -> None:
    settings = sms.Settings(sender_secret=b"x", public_url="https://bot.example.org/")
    assert sms.signed_url(_Request(), settings) == "https://bot.example.org" + SMS_PATH
    settings = sms.Settings(sender_secret=b"x", public_url="https://bot.example.org" + SMS_PATH)
    assert sms.signed_url(_Request(), settings) == "https://bot.example.org" + SMS_PATH
    assert sms.signed_url(_Request(), sms.Settings(sender_secret=b"x")) == _Request.url


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
    assert sms.REMINDER in first[-1]
    assert not any(sms.REMINDER in m for m in again)


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
    segments = messages_in(post_sms(fakebot.url, "+447700900206", "markup")[1])
    assert segments[0].startswith('Bold and a link (https://example.com/a) and tag - "quotes"')


def test_keywords_stop_start_help_delete(fakebot) -> None:
    number = "+447700900207"
    post_sms(fakebot.url, number, "count")
    assert "Messages in this chat: 2" in messages_in(post_sms(fakebot.url, number, "count")[1])[0]
    assert messages_in(post_sms(fakebot.url, number, "DELETE")[1]) == [sms.DELETE_TEXT]
    assert "Messages in this chat: 1" in messages_in(post_sms(fakebot.url, number, "count")[1])[0]
    helped = "\n".join(messages_in(post_sms(fakebot.url, number, "HELP")[1]))
    assert "999" in helped and all(h.phone in helped for h in safety_lines().helplines)
    assert messages_in(post_sms(fakebot.url, number, "Stop")[1]) == [sms.STOP_TEXT]
    assert messages_in(post_sms(fakebot.url, number, "count")[1]) == []  # silent after STOP
    assert messages_in(post_sms(fakebot.url, number, "HELP")[1]) == []
    assert messages_in(post_sms(fakebot.url, number, "START")[1])[0].startswith(sms.START_TEXT)
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
    assert sms.REMINDER in messages_in(reply)[-1], "the refused requests must not have started a conversation"


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
    assert messages_in(post_sms(stack.url, number, "DELETE")[1]) == [sms.DELETE_TEXT]
    assert sms.REMINDER in messages_in(post_sms(stack.url, number, "hello")[1])[-1]
    assert messages_in(post_sms(stack.url, number, "STOP")[1]) == [sms.STOP_TEXT]
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
