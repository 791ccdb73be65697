"""The answer each kind of danger gets: the flag on every reply, the lines in the person's
language, the per-kind responses, and the gateway path that carries them whatever fails."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from rasa.core.channels.channel import UserMessage

from bot.channels.socketio import socket_messages
from bot.danger.flag import LINES_FILE, danger_flag, emergency_card, flag_replies, translated_lines
from bot.gateway import Gateway, Incoming
from bot.settings import Settings
from contract.danger import KINDS, SUICIDE

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = Settings(sender_secret=b"k" * 32, rasa_timeout_seconds=0.5, rate_per_sender_per_minute=30)
LINES = yaml.safe_load(LINES_FILE.read_text(encoding="utf-8"))
RESPONSES = yaml.safe_load((ROOT / "data/responses/danger.yml").read_text(encoding="utf-8"))["responses"]
LANGUAGES = ["pl", "ro", "es", "pt", "ar", "ur", "ur-Latn", "pa", "pa-Arab", "pa-Latn", "bn", "bn-Latn"]


def test_flag_shape() -> None:
    assert danger_flag("weapon") == {"custom": {"danger": "weapon"}}
    assert socket_messages(danger_flag("weapon")) == [{"danger": "weapon"}]


def test_no_flag_without_danger() -> None:
    replies = [{"text": "hello"}]
    assert flag_replies(replies, None, "hello") == replies


def test_english_danger_gets_the_flag_second_and_nothing_else() -> None:
    out = flag_replies([{"text": "If you are in danger now, call 999."}], "weapon", "he has a knife")
    assert out == [{"text": "If you are in danger now, call 999."}, {"custom": {"danger": "weapon"}}]
    more = flag_replies([{"text": "999 first"}, {"text": "services"}], "weapon", "he has a knife")
    assert more == [{"text": "999 first"}, danger_flag("weapon"), {"text": "services"}]


def test_another_language_gets_its_lines_first() -> None:
    out = flag_replies([{"text": "If you are in danger now, call 999."}], "violence_now", "pomocy, on mnie bije")
    assert out[0]["text"] == LINES["lines"]["pl"]["emergency"] and out[1] == danger_flag("violence_now")


def test_suicide_in_another_language_puts_samaritans_first() -> None:
    text = translated_lines().for_kind("es", SUICIDE) or ""
    assert text.index("116 123") < text.index("999")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_both_lines_with_numbers_unchanged(language: str) -> None:
    lines = LINES["lines"][language]
    for name, numbers in LINES["numbers"].items():
        assert all(number in lines[name] for number in numbers), (language, name)


def test_translations_are_marked_not_reviewed() -> None:
    assert LINES["reviewed_by_native_speaker"] is False
    assert "NOT REVIEWED BY A NATIVE SPEAKER" in LINES_FILE.read_text(encoding="utf-8")


def test_emergency_card_says_what_55_does() -> None:
    card = emergency_card()
    assert "999" in card["call"] and "55" in card["press55"] and "police" in card["press55"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_its_own_answer_on_web_and_sms(kind: str) -> None:
    variants = [
        v
        for v in RESPONSES["utter_danger"]
        if {"name": "danger", "type": "slot", "value": kind} in (v.get("condition") or [])
    ]
    assert {v.get("channel") for v in variants} == {None, "twilio"}, kind
    for variant in variants:
        assert "999" in variant["text"]
        if kind == SUICIDE:
            assert variant["text"].startswith("If you are thinking about ending your life, call Samaritans")


def test_service_numbers_come_from_the_directory_not_the_answers() -> None:
    for variant in RESPONSES["utter_danger"]:
        numbers = set(re.findall(r"\b0\d{2,4} ?\d{3,4} ?\d{3,4}\b", variant["text"]))
        assert not numbers


def test_every_kind_maps_to_a_need() -> None:
    services = yaml.safe_load((ROOT / "data/services.yml").read_text(encoding="utf-8"))
    assert set(services["from_conversation"]["danger"]) == set(KINDS)


def rasa_replying(*texts: str):
    async def on_new_message(message: UserMessage) -> None:
        for text in texts:
            await message.output_channel.send_response(message.sender_id, {"text": text})

    return on_new_message


async def broken(message: UserMessage) -> None:
    raise RuntimeError("the action server is down")


async def test_gateway_flags_every_danger_reply() -> None:
    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", "he is strangling me"), rasa_replying("ok"), None)
    assert outcome.replies[0]["text"].startswith("If you are in danger now, call 999")
    assert outcome.replies[1] == danger_flag("strangulation")


async def test_gateway_flags_danger_when_rasa_fails() -> None:
    outcome = await Gateway(SETTINGS).handle(Incoming("socketio", "b", "ella me va a matar esta noche"), broken, None)
    texts = " ".join(r.get("text") or "" for r in outcome.replies)
    assert outcome.degraded and "999" in texts and LINES["lines"]["es"]["emergency"] in texts
    assert danger_flag("threat_to_kill") in outcome.replies


async def test_gateway_does_not_flag_ordinary_questions() -> None:
    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "c", "can i get a visa"), rasa_replying("ok"), None)
    assert not any("custom" in r for r in outcome.replies)
