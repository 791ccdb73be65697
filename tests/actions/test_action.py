"""`action_refer` run as the action server runs it: a tracker in, messages and slot events out.

Trackers are built with `Tracker.from_dict`; the directory is the shipped data file on SQLite and
PostgreSQL. Message texts are synthetic placeholders.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.referrals import ActionRefer, need_for, normalise_language, read_turn
from tests.actions.conftest import directory_with, service

SECRET_TEXT = "my number is 07700 900123, email someone@example.com"
SENDER = "test-sender-4f1c"


def tracker(
    intent: str,
    entities: list[dict[str, Any]] | None = None,
    channel: str = "rest",
    metadata: dict[str, Any] | None = None,
    **slots: Any,
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "text": SECRET_TEXT,
        "metadata": metadata or {},
    }
    events = [{"event": "user", "text": SECRET_TEXT, "parse_data": latest, "input_channel": channel}]
    state = {"nation": None, "language": None, "need": None, "asked_nation": False, **slots}
    return Tracker.from_dict({"sender_id": SENDER, "slots": state, "latest_message": latest, "events": events})


async def run(directory, tracker_: Tracker) -> tuple[list[dict[str, Any]], list[Any]]:
    dispatcher = CollectingDispatcher()
    events = await ActionRefer(directory).run(dispatcher, tracker_, {})
    return dispatcher.messages, events


def danger(kind: str) -> list[dict[str, Any]]:
    return [{"entity": "danger", "value": kind, "start": 0, "end": 0, "extractor": "DangerSafetyNet"}]


async def test_cardiff_find_help_gives_live_fear_free(real_directory) -> None:
    messages, events = await run(real_directory, tracker("find_help", nation="wales"))
    assert len(messages) == 1
    assert messages[0]["text"].startswith("Services in Wales that can help with domestic abuse:\n- Live Fear Free")
    assert messages[0]["buttons"][0]["url"] == "tel:08088010800"
    assert events == [SlotSet("need", "domestic_abuse")]


async def test_asks_for_the_nation_once_when_the_answer_depends_on_it(real_directory) -> None:
    messages, events = await run(real_directory, tracker("topic_forced_marriage"))
    assert len(messages) == 1 and messages[0]["text"].startswith("Which part of the UK are you in?")
    assert [b["title"] for b in messages[0]["buttons"]][:2] == ["England", "Wales"]
    assert events == [SlotSet("need", "forced_marriage"), SlotSet("asked_nation", True)]


async def test_after_asking_falls_back_to_uk_wide_services(real_directory) -> None:
    messages, events = await run(real_directory, tracker("find_help", need="forced_marriage", asked_nation=True))
    text = messages[0]["text"]
    assert text.startswith("Services across the UK that can help with forced marriage:\n- Karma Nirvana")
    assert "Forced Marriage Unit: government unit (Home Office and FCDO)" in text
    assert "Open 24 hours, depending on where you are in the UK:" in text
    assert events == []


async def test_the_nation_answer_keeps_the_earlier_need(real_directory) -> None:
    messages, events = await run(
        real_directory, tracker("inform_nation", nation="scotland", need="forced_marriage", asked_nation=True)
    )
    assert messages[0]["text"].startswith(
        "Services in Scotland that can help with forced marriage:\n- Scotland's Domestic Abuse and Forced Marriage"
    )
    assert events == []


async def test_declining_to_say_gives_uk_wide_services_and_never_asks_again(real_directory) -> None:
    messages, events = await run(real_directory, tracker("inform_nation", need="domestic_abuse"))
    assert messages[0]["text"].startswith("Services across the UK")
    assert events == [SlotSet("asked_nation", True)]


async def test_a_man_gets_the_mens_line_without_being_asked_where(real_directory) -> None:
    messages, events = await run(real_directory, tracker("topic_male_victim"))
    assert "- Men's Advice Line (Respect)" in messages[0]["text"]
    assert "National Domestic Abuse Helpline" not in messages[0]["text"]  # a women's service
    assert events == [SlotSet("need", "men")]


async def test_danger_is_never_delayed_by_a_question(real_directory) -> None:
    messages, events = await run(real_directory, tracker("danger_now", danger("forced_marriage_travel")))
    text = messages[0]["text"]
    assert "Karma Nirvana" in text and "government unit (Home Office and FCDO)" in text
    assert events == [SlotSet("need", "forced_marriage")]


async def test_suicide_danger_gets_samaritans(real_directory) -> None:
    messages, _ = await run(real_directory, tracker("danger_now", danger("suicide"), need="immigration_advice"))
    assert "- Samaritans: independent charity" in messages[0]["text"]
    assert "Call 116 123" in messages[0]["text"]


async def test_sms_channel_gets_plain_lines(real_directory) -> None:
    messages, _ = await run(real_directory, tracker("topic_forced_marriage", channel="twilio", nation="england"))
    assert messages[0]["text"].splitlines()[0:2] == [
        "Karma Nirvana, Home Office-funded: 0800 5999 247 (hours not confirmed)",
        "Forced Marriage Unit, government unit (Home Office and FCDO): 020 7008 0151 (hours not confirmed)",
    ]
    assert messages[0]["buttons"] == []


async def test_staff_get_structured_referrals_without_a_question(real_directory) -> None:
    metadata = {"staff": {"needs": ["modern_slavery", "immigration_advice", "not_a_need"]}}
    messages, events = await run(real_directory, tracker("ask_data_sharing", channel="staff", metadata=metadata))
    payload = messages[0]["custom"]
    assert payload["need"] == "modern_slavery" and payload["fallback"] is False
    assert payload["referrals"][0]["id"] == "modern_slavery_helpline"
    assert 1 <= len(payload["referrals"]) <= 5
    assert messages[0]["text"].startswith("Referrals for trafficking and modern slavery, nation unknown (UK-wide):")
    assert events == [SlotSet("need", "modern_slavery")]


async def test_language_slot_is_used(real_directory) -> None:
    messages, _ = await run(real_directory, tracker("find_help", nation="england", language="Spanish"))
    assert "Latin American Women's Aid (LAWA)" in messages[0]["text"]
    assert "Works in Spanish." in messages[0]["text"]


async def test_an_unknown_nation_value_is_treated_as_unknown(real_directory) -> None:
    turn = read_turn(tracker("find_help", nation="narnia", asked_nation=True))
    assert turn.nation is None
    messages, _ = await run(real_directory, tracker("find_help", nation="narnia", asked_nation=True))
    assert messages[0]["text"].startswith("Services across the UK")


async def test_question_is_skipped_when_every_nation_gets_the_same_first_service(store) -> None:
    directory = directory_with(store, [service("only_line", 1, needs=["stalking"])])
    messages, events = await run(directory, tracker("topic_stalking"))
    assert messages[0]["text"].startswith("Services across the UK that can help with stalking:\n- Only Line")
    assert events == [SlotSet("need", "stalking")]


async def test_nothing_the_person_wrote_reaches_the_logs(real_directory, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    await run(real_directory, tracker("find_help", nation="wales"))
    await run(real_directory, tracker("topic_forced_marriage"))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert SECRET_TEXT not in logged and "07700 900123" not in logged and SENDER not in logged


def test_need_comes_from_danger_then_ticked_needs_then_intent_then_slot(catalogue) -> None:
    conversation, known = catalogue.conversation, set(catalogue.vocabulary.needs)
    assert need_for(read_turn(tracker("danger_now", danger("suicide"))), conversation, known) == "suicide"
    assert need_for(read_turn(tracker("danger_now")), conversation, known) == "domestic_abuse"
    staff = tracker("topic_fgm", channel="staff", metadata={"staff": {"needs": ["asylum"]}})
    assert need_for(read_turn(staff), conversation, known) == "asylum"
    public = tracker("topic_fgm", metadata={"staff": {"needs": ["asylum"]}})  # only staff may tick needs
    assert need_for(read_turn(public), conversation, known) == "fgm"
    assert need_for(read_turn(tracker("find_help", need="nrpf")), conversation, known) == "nrpf"
    assert need_for(read_turn(tracker("find_help", need="bogus")), conversation, known) == "domestic_abuse"


def test_language_names_become_tags() -> None:
    assert normalise_language("British Sign Language") == "british_sign_language"
    assert normalise_language("  ") is None and normalise_language(None) is None
