"""The question the referral action asks ("which part of the UK?"), from data/questions.yml, per channel."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from actions.directory.render import Reply, style_for

QUESTIONS_FILE = Path(__file__).resolve().parents[2] / "data" / "questions.yml"


@lru_cache(maxsize=1)
def _questions(path: Path = QUESTIONS_FILE) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def ask_nation(channel: str | None) -> Reply:
    """Buttons on the web (SMS numbers them too); a plain question that says what to text back on SMS."""
    question = _questions()["ask_nation"]
    if style_for(channel) == "sms":
        return Reply(question["sms"], buttons=list(question["buttons"]))
    return Reply(question["text"], buttons=list(question["buttons"]))
