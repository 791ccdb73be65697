"""Referrals through the real running servers (REST channel): what a person would see."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.stack

NATION_QUESTION = "Which part of the UK are you in?"


def new_sender() -> str:
    return f"e2e-referrals-{uuid.uuid4().hex[:12]}"


def test_cardiff_gets_the_welsh_helpline(say) -> None:
    reply = say(new_sender(), "I'm in Cardiff and need help")
    assert "Services in Wales" in reply
    assert "Live Fear Free" in reply and "0808 80 10 800" in reply
    assert NATION_QUESTION not in reply


def test_forced_marriage_gives_specialists_first_and_labels_the_unit(say) -> None:
    sender = new_sender()
    reply = say(sender, "my family are forcing me to marry a man I don't want to marry")
    if NATION_QUESTION in reply:  # the answer depends on the nation: it is asked once
        reply = say(sender, '/inform_nation{"nation":"england"}')
    listed = reply[reply.index("Services in") :]
    assert listed.index("Karma Nirvana") < listed.index("Forced Marriage Unit")
    assert "Forced Marriage Unit: government unit (Home Office and FCDO)" in listed
    assert listed.index("Forced Marriage Unit") < listed.index("National Domestic Abuse Helpline")


def test_a_man_gets_the_mens_advice_line(say) -> None:
    reply = say(new_sender(), "I'm a man and my wife hits me")
    assert "Men's Advice Line" in reply and "0808 801 0327" in reply
    assert NATION_QUESTION not in reply


def test_danger_referrals_fit_the_kind_of_danger(say) -> None:
    suicide = say(new_sender(), "i want to end my life")
    # Issue 12: suicide and self-harm get Samaritans first, then 999.
    assert suicide.lstrip().startswith("If you are thinking about ending your life, call Samaritans free on 116 123")
    assert "call 999" in suicide
    assert "- Samaritans: independent charity" in suicide
    travel = say(new_sender(), "they are taking me to the airport tomorrow to marry him")
    assert "Karma Nirvana" in travel and "Forced Marriage Unit: government unit (Home Office and FCDO)" in travel
    assert NATION_QUESTION not in travel  # danger is never delayed by a question
