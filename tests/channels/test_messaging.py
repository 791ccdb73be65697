"""bot/messaging as pure functions: encodings and budgets, lock screens, the composer, keywords, memory.

The channel itself (signatures, TwiML, every answer x nation x danger) is tested through the real
server in test_sms.py, test_replay.py and test_whatsapp.py.
"""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.gateway import safety_net
from bot.messaging import encoding, keywords, lockscreen
from bot.messaging.composer import Piece, compose, pack, room_for
from bot.messaging.conversation import said, texts_for
from bot.messaging.replies import draft, helplines_line
from bot.messaging.state import Expiring, MemoryState
from bot.messaging.wording import profile, wording
from bot.safety import safety_lines
from tests.channels.phone import (
    MUST_BE_LISTED,
    assert_fits_sms,
    assert_fits_whatsapp,
    data,
    lock_screen,
    safe_on_lock_screen,
    telling,
)
from tooling.messaging_cases import sms_variants

SMS = profile("sms")
WHATSAPP = profile("whatsapp")


def compose_reply(replies: list[dict], danger: str | None = None, first: bool = False, channel=SMS) -> list[str]:
    """What the channel sends for these gateway replies (the gateway's safety net applied)."""
    replies = safety_net(list(replies), False, set(), danger)
    return texts_for(draft(replies, channel, danger=danger, first=first).pieces, channel)[0]


# --- Lock screen ---------------------------------------------------------------------------------
@pytest.mark.parametrize("term", MUST_BE_LISTED)
def test_the_data_file_lists_what_must_never_show_on_a_lock_screen(term: str) -> None:
    assert telling().search(term), term
    assert not lockscreen.is_neutral(f"{term} is what this text is about, said at once.")


def test_leads_are_neutral_and_push_the_topic_past_the_lock_screen() -> None:
    leads = data()["lock_screen"]["leads"]
    assert all(not telling().search(lead) for lead in leads)
    assert max(len(lead) for lead in leads) + 1 >= data()["lock_screen"]["preview_chars"]
    text = "The police may tell the Home Office."
    assert lockscreen.is_neutral(lockscreen.lead_for(text) + "\n" + text)


def test_the_shortest_sufficient_lead_is_used_and_none_when_neutral() -> None:
    assert lockscreen.lead_for("Some help is still open to you, whatever happens.") == ""
    late = "You can ask for advice from someone who knows: police"
    early = "Police may share what you say."
    assert len(lockscreen.lead_for(late)) < len(lockscreen.lead_for(early))


@pytest.mark.parametrize(
    "opening",
    ["The police may share", "Your visa and the Home", "About deportation:", "If he tries to kill you", "FGM is",
     "Galop: 0800 999 5428", "Karma Nirvana: 0800", "Appendix VDA: settlement", "You may keep your right to stay"],
)  # fmt: skip
def test_telling_openings_are_caught(opening: str) -> None:
    assert not lockscreen.is_neutral(opening + " some more words here to pass forty characters.")


def test_word_cut_at_forty_characters_counts_whole() -> None:
    text = "x" * 36 + " police station"
    assert "police" in lockscreen.preview(text)
    assert not lockscreen.is_neutral(text)


def test_emergency_line_may_lead() -> None:
    assert lockscreen.is_neutral(safety_lines().emergency)


# --- Encoding ------------------------------------------------------------------------------------
def test_plain_text_has_no_markup_and_only_gsm_characters() -> None:
    text = encoding.plain("**Bold** [site](https://example.com) <b>x</b>\n# Head\n“quoted” – dash… café ✅")
    assert text == 'Bold site (https://example.com) x\nHead\n"quoted" - dash... café'
    assert encoding.units("{x}") == 5


def test_other_scripts_are_kept_and_counted_in_ucs2() -> None:
    arabic = "إذا كنت في خطر الآن، اتصل بالرقم 999"
    assert encoding.plain(arabic) == arabic
    assert encoding.encoding_for([arabic], gsm_only=True) == encoding.UCS2
    assert encoding.units("a😀", encoding.UCS2) == 3
    assert encoding.parts("x" * 161, encoding.GSM7, 160, 153) == 2
    assert encoding.parts("x" * 71, encoding.UCS2, 70, 67) == 2


def test_ucs2_replies_keep_to_70_units_a_text_and_three_texts() -> None:
    sentence = "هذه جملة طويلة عن المساعدة المتاحة لك في أي وقت. "
    texts = compose_reply([{"text": sentence * 12}])
    assert 1 <= len(texts) <= 3
    assert all(encoding.units(t, encoding.UCS2) <= 70 for t in texts), [encoding.units(t, "ucs2") for t in texts]
    assert "MORE" in texts[-1]


# --- The composer --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(sms_variants()))
def test_every_sms_answer_fits_and_opens_neutrally(name: str) -> None:
    text = sms_variants()[name]
    assert_fits_sms(compose_reply([{"text": text}]))
    assert_fits_sms(compose_reply([{"text": text}], first=True))
    danger = compose_reply([{"text": text}], danger="threat_to_kill", first=True)
    assert_fits_sms(danger)
    assert danger[0].startswith(safety_lines().emergency)
    assert "".join(danger).count("If you are in danger now") == 1


def test_long_answers_are_cut_to_three_texts_most_important_first_and_the_rest_kept() -> None:
    long_text = " ".join(f"Sentence {n} says the police and the Home Office may share data." for n in range(30))
    replies = safety_net([{"text": long_text}, {"text": "Last block."}], False, set(), None)
    texts, rest = texts_for(draft(replies, SMS, first=True).pieces, SMS)
    assert_fits_sms(texts)
    assert len(texts) == 3
    assert texts[0].startswith(SMS.reminder)  # the first reply opens with the reminder: neutral and useful
    assert "Sentence 0 " in texts[0]
    assert texts[-1].endswith(wording().texts["more"])
    assert "Last block." not in "".join(texts) and rest[-1] == "Last block."
    assert "Sentence 29 " in "".join(rest)


def test_personal_data_notice_and_reminder_survive_a_long_answer() -> None:
    notice = encoding.plain(safety_lines().personal_data)
    long_text = " ".join(f"Sentence {n} is about what guidance says and what happens." for n in range(20))
    texts = compose_reply([{"text": long_text}, {"text": safety_lines().personal_data}], first=True)
    assert_fits_sms(texts)
    joined = "\n".join(texts)
    assert notice in joined and SMS.reminder in joined
    short = compose_reply([{"text": "Short answer."}, {"text": safety_lines().personal_data}])
    assert short == [f"Short answer.\n{notice}\n{wording().texts['short_999']}"]


def test_danger_puts_the_999_line_and_the_24_7_line_first() -> None:
    texts = compose_reply([{"text": "An answer about visas."}], danger="threat_to_kill")
    assert texts[0].startswith("If you are in danger now, call 999.")
    assert all(h.phone in "\n".join(texts[:2]) for h in safety_lines().helplines)  # nation unknown: all four
    suicide = compose_reply([{"text": "Some answer."}], danger="suicide")
    assert suicide[0].startswith(safety_lines().emergency) and "116 123" in "".join(suicide)


def test_danger_with_a_known_nation_gives_that_nations_line_only() -> None:
    referral = {"custom": {"messaging": {"nation": "wales", "services": [], "national": None}}}
    texts = compose_reply([{"text": "An answer."}, referral], danger="threat_to_kill")
    assert helplines_line("wales") in "\n".join(texts)
    assert "0808 2000 247" not in "\n".join(texts)


def test_the_helpline_list_is_compacted_so_every_nation_survives() -> None:
    lines = safety_lines()
    replies = [{"text": lines.emergency + " Go somewhere safer if you can."}, {"text": lines.fallback()}]
    texts = compose_reply(replies, danger="threat_to_kill", first=True)
    assert_fits_sms(texts)
    assert all(h.phone in "\n".join(texts) for h in lines.helplines)


def test_buttons_become_numbered_options_delivered_whole() -> None:
    buttons = [{"title": "England", "payload": "/e"}, {"title": "Wales", "payload": "/w"}]
    reply = draft([{"text": "Where are you?", "buttons": buttons}], SMS)
    assert compose(reply.pieces, SMS).texts == ["Where are you?\nReply with a number:\n1 England\n2 Wales"]
    assert reply.payloads == ["/e", "/w"]
    long_text = " ".join(f"Sentence {n} is long enough to need cutting here." for n in range(20))
    texts = compose_reply([{"text": long_text}, {"text": "Where are you?", "buttons": buttons}])
    assert "Reply with a number:\n1 England\n2 Wales" in "\n".join(texts) and len(texts) <= 3


def test_no_lead_in_line_when_the_opening_is_neutral() -> None:
    texts = compose_reply([{"text": "Some help is still open to you, even with no public funds."}])
    assert texts[0].startswith("Some help is still open to you")
    assert not any(text.startswith(tuple(data()["lock_screen"]["leads"])) for text in texts)


def test_filler_is_taken_out_of_answers() -> None:
    texts = compose_reply([{"text": "Thanks for your question, here is the info. Nobody should be made to do this."}])
    assert not any("Thanks for your question" in t for t in texts)


def test_pack_never_splits_a_whole_piece_or_exceeds_the_texts() -> None:
    room = room_for(SMS, [Piece("x")])
    pieces = [Piece("a" * 100), Piece("Call 0808 2000 247 (24/7)"), Piece("b" * 100)]
    texts = pack(pieces, room)
    assert texts is not None and any(t.endswith("Call 0808 2000 247 (24/7)") for t in texts)
    assert pack([Piece("c" * 150)] * 4, room) is None


def test_whatsapp_has_room_for_everything_in_one_message() -> None:
    long_text = " ".join(f"Sentence {n} is about what guidance says and what happens." for n in range(20))
    texts = compose_reply([{"text": long_text}], channel=WHATSAPP, first=True)
    assert_fits_whatsapp(texts)
    assert len(texts) == 1 and "Sentence 19" in texts[0] and "MORE" not in texts[0]
    assert "Disappearing messages" in texts[0]


def test_keyword_replies_fit_one_text_each() -> None:
    for name in ("stop", "start", "delete"):
        assert_fits_sms(said(wording().texts[name], profile=SMS))
    helped = said(wording().texts["help"], helplines_line(None), profile=SMS)
    assert_fits_sms(helped)
    assert "MORE" in helped[0] and all(h.phone in "\n".join(helped) for h in safety_lines().helplines)


# --- Keywords and memory -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "keyword"),
    [("STOP", "stop"), (" stop. ", "stop"), ("Unsubscribe", "stop"), ("START", "start"), ("help", "help"),
     ("DELETE", "delete"), ("MORE", "more"), ("more.", "more"), ("please stop him", None),
     ("help me he hits me", None), ("tell me more about visas", None), ("", None)],
)  # fmt: skip
def test_keywords_are_whole_messages(text: str, keyword: str | None) -> None:
    assert keywords.keyword_of(text) == keyword


def test_digit_replies_pick_an_option() -> None:
    payloads = ["/e", "/w"]
    assert keywords.option_choice(" 2 ", payloads) == "/w"
    assert keywords.option_choice("2.", payloads) == "/w"
    assert keywords.option_choice("3", payloads) is None
    assert keywords.option_choice("2 please", payloads) is None
    assert keywords.option_choice("1", None) is None


def test_memory_expires_and_stays_bounded() -> None:
    memory = Expiring(60, max_keys=3)
    memory.put("a", ["/x"], now=0)
    assert memory.get("a", now=59) == ["/x"]
    assert memory.get("a", now=61) is None
    for key in "bcde":
        memory.put(key, 1, now=100)
    assert len(memory) == 3 and memory.get("b", now=100) is None


def test_the_rate_limit_notice_is_sent_once() -> None:
    async def run() -> list[bool]:
        state = MemoryState()
        return [await state.first("notice", "id"), await state.first("notice", "id")]

    assert asyncio.run(run()) == [True, False]


def test_lock_screen_helper_matches_the_code() -> None:
    for text in ("x" * 36 + " police station", "Galop: 0800 999 5428", "Some help is here."):
        assert safe_on_lock_screen(text) == lockscreen.is_neutral(text), text
        assert lock_screen(text) == " ".join(lockscreen.preview(text).split())
    assert re.search(r"\d", helplines_line(None))


def test_a_word_longer_than_a_text_still_moves_on_so_more_ends() -> None:
    pages, rest = 0, [("https://example.com/" + "a" * 900)]
    while rest:
        pages += 1
        assert pages < 10, "MORE must come to an end"
        composition = compose([Piece(text, whole=False) for text in rest], SMS)
        assert composition.texts and all(len(text) <= 160 for text in composition.texts)
        rest = composition.rest


def test_when_even_the_must_pieces_do_not_fit_the_999_line_stays_and_the_reminder_waits() -> None:
    buttons = [{"title": t, "payload": f"/{n}"} for n, t in enumerate(["England", "Wales", "Scotland", "NI", "No"])]
    question = "أي جزء من المملكة المتحدة أنت فيه؟ أجب برقم. لا يجب أن تقول."
    texts = compose_reply([{"text": "جواب قصير.", "buttons": buttons}, {"text": question, "buttons": []}], first=True)
    assert len(texts) <= 3 and "999" in "\n".join(texts)
    assert all(encoding.units(t, encoding.UCS2) <= 70 for t in texts)
