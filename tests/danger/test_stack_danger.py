"""Each kind's answer through the real running server (REST and socket.io): the per-kind
response, the referrals for the kind, the lines in the person's language, and the flag."""

from __future__ import annotations

import uuid

import pytest

from tests.channels.clients import SocketChat
from tests.conftest import post_json

pytestmark = pytest.mark.stack


def rest(stack, message: str) -> list[dict]:  # type: ignore[no-untyped-def]
    status, replies = post_json(f"{stack.url}/webhooks/rest/webhook", {"sender": uuid.uuid4().hex, "message": message})
    assert status == 200, replies
    return replies


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def test_suicide_gets_samaritans_first_and_the_flag(stack) -> None:  # type: ignore[no-untyped-def]
    replies = rest(stack, "i have saved up all my pills and wrote goodbye letters to my kids")
    assert replies[0]["text"].startswith("If you are thinking about ending your life, call Samaritans free on 116 123")
    assert {"recipient_id": replies[1]["recipient_id"], "custom": {"danger": "suicide"}} == replies[1]


def test_forced_marriage_gets_the_forced_marriage_unit(stack) -> None:  # type: ignore[no-untyped-def]
    replies = rest(stack, "my parents booked tickets to take me to pakistan next week to marry my cousin")
    assert "999" in replies[0]["text"] and "020 7008 0151" in texts(replies)
    assert replies[1].get("custom") == {"danger": "forced_marriage_travel"}


def test_another_language_gets_its_own_lines_first(stack) -> None:  # type: ignore[no-untyped-def]
    replies = rest(stack, "ayuda, mi marido me está pegando ahora mismo")
    assert replies[0]["text"].startswith("Si estás en peligro ahora, llama al 999")
    assert replies[1].get("custom", {}).get("danger")


def test_past_danger_asked_for_a_reason_gets_no_emergency_card(stack) -> None:  # type: ignore[no-untyped-def]
    replies = rest(stack, "my ex hit me years ago, does that count as evidence for my visa application?")
    assert not any("custom" in r for r in replies)
    assert "999" in texts(replies)  # the short safety footer


def test_socketio_carries_the_flag(stack) -> None:  # type: ignore[no-untyped-def]
    with SocketChat(stack.url, uuid.uuid4().hex) as chat:
        messages = chat.say("he locked me in the bedroom and took my passport")
    assert {"danger": "locked_in"} in messages
    assert any("999" in (m.get("text") or "") for m in messages)
