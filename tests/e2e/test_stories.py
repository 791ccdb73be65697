"""People who tell their story, through the real running servers (REST channel), issue 13.

A story gets an answer to what the person is worried about, or a short choice of the likeliest
topics with 999 and a helpline, never a request to start again; a follow-up question answered in a
sentence and a correction are understood. Texts are synthetic.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from contract.safety_lines import safety_lines
from tests.conftest import post_json

pytestmark = pytest.mark.stack

START_AGAIN = ("say it again", "few words", "didn't understand", "try again")


def new_sender() -> str:
    return f"story-{uuid.uuid4().hex[:12]}"


def send(stack: Any, sender: str, message: str) -> list[dict[str, Any]]:
    status, replies = post_json(f"{stack.url}/webhooks/rest/webhook", {"sender": sender, "message": message})
    assert status == 200, replies
    return replies


def text_of(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def test_a_vague_story_gets_a_choice_and_a_helpline_not_a_request_to_start_again(stack) -> None:
    story = "so yeah. that is where things are now, with him and everything"
    replies = send(stack, new_sender(), story)
    reply = text_of(replies).lower()
    assert not [p for p in START_AGAIN if p in reply], reply
    assert "999" in reply
    assert any(phone in reply for phone in safety_lines().phones())
    assert any(r.get("buttons") for r in replies)


def test_a_long_story_about_a_visa_gets_the_immigration_answer(stack) -> None:
    story = (
        "I came here three years ago on a spouse visa. From the start he controlled my money and my phone. "
        "Now he says that if I leave him he will write to the Home Office and my visa will be finished. "
        "Is there any way I can stay in this country on my own?"
    )
    reply = text_of(send(stack, new_sender(), story)).lower()
    assert not [p for p in START_AGAIN if p in reply], reply
    assert "domestic abuse" in reply and ("visa" in reply or "settlement" in reply)


def test_the_nation_question_answered_in_a_sentence(stack) -> None:
    sender = new_sender()
    first = text_of(send(stack, sender, "where can i get help"))
    assert "which part of the uk" in first.lower()
    reply = text_of(send(stack, sender, "we live in a small village near swansea, me and the kids"))
    assert "which part of the uk" not in reply.lower()
    assert "0808 80 10 800" in reply  # Live Fear Free, the Wales 24/7 line


def test_a_correction_about_who_it_is_for_is_understood(stack) -> None:
    sender = new_sender()
    send(stack, sender, "my husband keeps my passport and decides everything, is that abuse?")
    reply = text_of(
        send(stack, sender, "no, i meant my sister. her husband is polish and she has pre-settled status through him")
    )
    assert "settle" in reply.lower()
