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
FACTUAL = sorted(
    name
    for name, variants in RESPONSES.items()
    if name.startswith(("utter_answer_", "utter_more_"))
    or name == "utter_danger"
    or any("Source:" in str(v.get("text", "")) for v in variants)
)


def variants(name: str) -> list[dict]:
    return RESPONSES[name]


def default_text(name: str) -> str:
    return next(v["text"] for v in variants(name) if "channel" not in v)


def web_texts(name: str) -> list[str]:
    """Every web (channel-free) variant of a response: one per condition (nation, kind of danger)."""
    return [v["text"] for v in variants(name) if "channel" not in v]


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
    registered = {str(link["url"]).rstrip("/.") for link in SOURCES[name]["links"]}
    for text in web_texts(name):
        urls = re.findall(r"https?://\S+", text.split("Source:")[-1]) if "Source:" in text else []
        assert urls, f"{name} has a web variant with no 'Source:' line with a URL"
        assert {u.rstrip("/.),;") for u in urls} <= registered, text[:60]


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


def phone_like(number: str) -> bool:
    """A number someone could dial: a group with spaces, or one starting with 0 or 1 (UK numbers and
    short service codes: 101, 111, 116 123...). Counts from the sources ("207 people") are not."""
    digits = number.replace(" ", "")
    if re.fullmatch(r"(19|20)\d\d", digits) or len(digits) <= 2:
        return False
    return " " in number.strip() or digits[0] in "01" or len(digits) >= 5


def test_phone_like_tells_numbers_to_dial_from_counts_and_years() -> None:
    assert phone_like("0808 2000 247") and phone_like("111") and phone_like("116 123") and phone_like("07700900123")
    assert not phone_like("207") and not phone_like("2020") and not phone_like("43") and not phone_like("537")


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_only_emergency_numbers_in_answers(name: str) -> None:
    """Service numbers come from the directory (checked there), never hard-coded in answers."""
    for variant in variants(name):
        text = re.sub(r"https?://\S+", "", variant.get("text", ""))
        numbers = {m.strip() for m in re.findall(r"\b\d[\d ]{1,12}\d\b|\b\d{2,}\b", text)}
        dialled = {n for n in numbers if phone_like(n)} - ALLOWED_NUMBERS
        assert not dialled, dialled


def test_danger_reply_leads_with_999() -> None:
    assert default_text("utter_danger").startswith("If you are in danger now, call 999.")
    assert sms_text("utter_danger").startswith("If you are in danger now, call 999.")
    assert "116 123" in default_text("utter_danger")


def test_not_understood_reply_keeps_the_999_line() -> None:
    assert "999" in default_text("utter_default")
