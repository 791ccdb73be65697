"""Danger recall on a set written apart from the training data: every message must be caught.

The safety net (bot/danger.py) alone must catch all of them, so that danger is answered even
when the intent classifier is unsure. False alarms on near-miss messages are measured too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.danger import default_detector, detect_danger, shared_detector

SET = yaml.safe_load((Path(__file__).parent / "danger_messages.yml").read_text(encoding="utf-8"))
DANGER = [item["text"] for item in SET["danger"]]
NOT_DANGER = [item["text"] if isinstance(item, dict) else item for item in SET["not_danger"]]


def test_the_set_is_big_enough() -> None:
    assert len(DANGER) >= 150 and len(NOT_DANGER) >= 80


@pytest.mark.parametrize("text", DANGER)
def test_danger_is_caught(text: str) -> None:
    assert detect_danger(text), "missed danger"


def test_false_alarms_stay_rare() -> None:
    """The rules' alarms and emergency answers in place of the answer (see test_detector.test_not_danger)."""
    alarms = [text for text in NOT_DANGER if default_detector().detect(text) or shared_detector().detect_takeover(text)]
    assert len(alarms) / len(NOT_DANGER) <= 0.10, alarms
