"""Every factual answer is sourced and fresh; no response makes a promise no law guarantees."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from tests.channels.phone import lock_screen, safe_on_lock_screen, telling

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date.today()
MAX_AGE = dt.timedelta(days=365)
FORBIDDEN = [
    "police will never tell",
    "will never tell the home office",
    "reporting is completely safe",
    "completely safe to report",
    "crimestoppers will help you",
    "you will not be deported",
    "you won't be deported",
    "you are safe to report",
]
# What the audit saw slip through on lock screens (issue 14): the list itself is data/messaging.yml
# `lock_screen.telling`, the one list the code and every test read (tests/channels/phone.py).
MUST_STAY_OFF_THE_LOCK_SCREEN = ["LGBT+", "Galop", "Karma Nirvana", "Appendix VDA", "right to stay", "Victim Support"]
ALLOWED_NUMBERS = {"999", "112", "55", "101", "18000", "18001", "116 123", "200"}


def _load_dir(name: str, key: str) -> dict:
    merged: dict = {}
    for path in sorted((ROOT / "data" / name).glob("*.yml")):
        merged.update(yaml.safe_load(path.read_text(encoding="utf-8")).get(key) or {})
    return merged


RESPONSES = _load_dir("responses", "responses")
SOURCES = _load_dir("sources", "sources")
FACTUAL = sorted(name for name in RESPONSES if name.startswith("utter_answer_") or name == "utter_danger")


def variants(name: str) -> list[dict]:
    return RESPONSES[name]


def default_text(name: str) -> str:
    return next(v["text"] for v in variants(name) if "channel" not in v)


def sms_text(name: str) -> str | None:
    return next((v["text"] for v in variants(name) if v.get("channel") == "twilio"), None)


def sms_texts(name: str) -> list[str]:
    """Every SMS variant of a response (one per condition: nation, kind of danger, topic)."""
    return [v["text"] for v in variants(name) if v.get("channel") == "twilio"]


def test_every_answer_topic_has_a_response() -> None:
    rules = yaml.safe_load((ROOT / "data/rules/answers.yml").read_text())["rules"]
    used = {step["action"] for rule in rules for step in rule["steps"] if "action" in step}
    assert sorted(used - set(RESPONSES) - {"action_refer"}) == []


@pytest.mark.parametrize("name", FACTUAL)
def test_factual_response_has_fresh_sources(name: str) -> None:
    entry = SOURCES.get(name)
    assert entry, f"{name} has no entry in data/sources/"
    reviewed = entry["reviewed"]
    reviewed = reviewed if isinstance(reviewed, dt.date) else dt.date.fromisoformat(str(reviewed))
    assert TODAY - reviewed <= MAX_AGE, f"{name} was last reviewed {reviewed}: review it against its sources"
    links = entry.get("links") or []
    assert links and all(
        str(link["url"]).startswith("https://") or str(link["url"]).startswith("http://") for link in links
    )


@pytest.mark.parametrize("name", FACTUAL)
def test_factual_text_names_a_registered_source(name: str) -> None:
    text = default_text(name)
    urls = re.findall(r"https?://\S+", text.split("Source:")[-1]) if "Source:" in text else []
    assert urls, f"{name} has no 'Source:' line with a URL"
    registered = {str(link["url"]).rstrip("/.") for link in SOURCES[name]["links"]}
    assert {u.rstrip("/.),") for u in urls} <= registered


def test_no_sources_entry_without_a_response() -> None:
    assert sorted(set(SOURCES) - set(RESPONSES)) == []


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_no_forbidden_promise(name: str) -> None:
    for variant in variants(name):
        text = variant.get("text", "").lower().replace("’", "'")
        assert not [phrase for phrase in FORBIDDEN if phrase in text]


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_sms_variant_is_short_and_neutral_on_the_lock_screen(name: str) -> None:
    texts = sms_texts(name)
    assert texts, f"{name} has no `channel: twilio` SMS variant"
    for text in texts:
        assert len(text) <= 320, (len(text), text[:40])
        if name != "utter_danger":  # the danger reply must lead with 999, by design
            assert safe_on_lock_screen(text), lock_screen(text)


@pytest.mark.parametrize("term", MUST_STAY_OFF_THE_LOCK_SCREEN)
def test_the_lock_screen_list_covers_what_slipped_through(term: str) -> None:
    assert telling().search(term), f"add {term!r} to lock_screen.telling in data/messaging.yml"
    assert not safe_on_lock_screen(f"{term} is what this text is about, said at once.")


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_only_emergency_numbers_in_answers(name: str) -> None:
    """Service numbers come from the directory (checked there), never hard-coded in answers."""
    for variant in variants(name):
        text = re.sub(r"https?://\S+", "", variant.get("text", ""))
        numbers = {m.strip() for m in re.findall(r"\b\d[\d ]{1,12}\d\b|\b\d{2,}\b", text)}
        years = {n for n in numbers if re.fullmatch(r"(19|20)\d\d", n)}
        assert numbers - years - ALLOWED_NUMBERS <= {n for n in numbers if len(n.replace(" ", "")) <= 2}, numbers


def test_danger_reply_leads_with_999() -> None:
    assert default_text("utter_danger").startswith("If you are in danger now, call 999.")
    assert sms_text("utter_danger").startswith("If you are in danger now, call 999.")
    assert "116 123" in default_text("utter_danger")


def test_not_understood_reply_keeps_the_999_line() -> None:
    assert "999" in default_text("utter_default")
