"""Every answer x nation x danger-or-not, through the real SMS and WhatsApp channels.

Each case is what Rasa and action_refer send for one turn (tooling/messaging_cases.py, the
shipped responses and directory), played back by tooling/replay_bot.py behind the real webhook,
gateway and tracker store; every request is signed with the twilio library's own validator.
"""

from __future__ import annotations

import pytest

from bot.safety import safety_lines
from tests.channels.clients import sms
from tests.channels.phone import EMERGENCY_OPENING, assert_fits_sms, assert_fits_whatsapp
from tooling.messaging_cases import Case, all_cases, delivered, digits, message_for

CASES = list(enumerate(all_cases()))
MAX_MORE = 8


def sender(index: int, whatsapp: bool) -> str:
    return f"+447700{900000 + index + (500 if whatsapp else 0)}"


def converse(url: str, index: int, case: Case, whatsapp: bool) -> tuple[list[str], list[list[str]]]:
    """The first reply to a case, and each page MORE returns after it (until none is offered)."""
    number = sender(index, whatsapp)
    sms(url, number, "DELETE", whatsapp)
    first = sms(url, number, message_for(index, case), whatsapp)
    pages: list[list[str]] = []
    last = first
    while any("Reply MORE" in text for text in last):
        assert len(pages) < MAX_MORE, "MORE never ends"
        last = sms(url, number, "MORE", whatsapp)
        pages.append(last)
    return first, pages


def assert_case(case: Case, first: list[str], pages: list[list[str]], whatsapp: bool) -> None:
    (assert_fits_whatsapp if whatsapp else assert_fits_sms)(first)
    for page in pages:
        (assert_fits_whatsapp if whatsapp else assert_fits_sms)(page)
    if case.wanted:
        assert delivered(case.wanted[0], first), (case.wanted[0], first)
    joined = "\n".join(first)
    assert all(f"{n} {title}" in joined for n, title in enumerate(case.options, 1)), first
    assert "999" in joined
    if case.danger:
        assert first[0].startswith(EMERGENCY_OPENING)
        phones = [h.phone for h in safety_lines().helplines if case.nation in (None, h.nation)]
        assert all(delivered(phone, first) for phone in phones), (phones, first)
    everything = [*first, *(text for page in pages for text in page)]
    assert all(delivered(number, everything) for number in case.wanted), (case.wanted, everything)
    stream, position = digits("|".join(everything)), 0
    led = safety_lines().phones() if case.danger else set()  # in danger the 24/7 lines lead, by design
    for number in (n for n in case.wanted if n not in led):  # in list order: the first reply, then each MORE
        position = stream.find(digits(number), position)
        assert position >= 0, ("MORE must return the rest in order", number, everything)


@pytest.mark.parametrize(("index", "case"), CASES, ids=[c.key for _, c in CASES])
def test_sms_delivers_the_first_number_the_options_and_the_rest_on_more(replaybot, index: int, case: Case) -> None:
    first, pages = converse(replaybot.url, index, case, whatsapp=False)
    assert_case(case, first, pages, whatsapp=False)


@pytest.mark.parametrize(("index", "case"), CASES, ids=[c.key for _, c in CASES])
def test_whatsapp_delivers_it_all_within_its_budget(replaybot, index: int, case: Case) -> None:
    first, pages = converse(replaybot.url, index, case, whatsapp=True)
    assert_case(case, first, pages, whatsapp=True)
    if case.wanted:
        assert all(delivered(number, first) for number in case.wanted), first  # 1,600 characters hold a whole list


@pytest.mark.parametrize("whatsapp", [False, True], ids=["sms", "whatsapp"])
def test_stop_silences_everything_until_start(replaybot, whatsapp: bool) -> None:
    index, case = next((i, c) for i, c in CASES if c.options)
    number = sender(999, whatsapp)
    sms(replaybot.url, number, message_for(index, case), whatsapp)
    assert sms(replaybot.url, number, "STOP", whatsapp)
    for text in (message_for(index, case), "MORE", "HELP", "1", "he says he will kill me tonight"):
        assert sms(replaybot.url, number, text, whatsapp) == [], text
    assert sms(replaybot.url, number, "START", whatsapp)
    assert sms(replaybot.url, number, message_for(index, case), whatsapp)


def test_more_with_nothing_left_says_so(replaybot) -> None:
    number = sender(998, False)
    assert "That is all" in "\n".join(sms(replaybot.url, number, "MORE"))
