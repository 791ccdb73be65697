"""The data-sharing answer and its detail are chosen per nation, by Rasa's own variant filter.

Why: issue 14 asks for the answer per nation once the nation is known. Rasa picks a response
variant by channel and by the `nation` slot (conditional response variations); this test runs
Rasa 3.6's own filter over the shipped responses, so a missing or doubled variant fails here,
before anyone trains a model. No model is needed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.core.nlg.generator import ResponseVariationFilter

ROOT = Path(__file__).resolve().parents[2]
NATIONS = ("england", "wales", "scotland", "northern_ireland")
# What only the right variant says (None: the nation is not known).
MARK = {None: "Scotland and N", "england": "England", "wales": "Wales", "scotland": "Scotland",
        "northern_ireland": "Northern Ireland"}  # fmt: skip
PER_NATION = ("utter_answer_data_sharing", "utter_more_data_sharing")


def responses() -> dict:
    merged: dict = {}
    for path in sorted((ROOT / "data" / "responses").glob("*.yml")):
        merged.update(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {})
    return merged


RESPONSES = responses()


def chosen(name: str, channel: str, nation: str | None) -> list[dict]:
    return ResponseVariationFilter(RESPONSES).responses_for_utter_action(name, channel, {"nation": nation})


@pytest.mark.parametrize("name", PER_NATION)
@pytest.mark.parametrize("nation", [*NATIONS, None])
@pytest.mark.parametrize("channel", ["socketio", "rest", "twilio"])
def test_one_variant_per_nation_and_channel(name: str, nation: str | None, channel: str) -> None:
    found = chosen(name, channel, nation)
    assert len(found) == 1, (name, channel, nation, len(found))
    variant = found[0]
    assert (variant.get("channel") == "twilio") == (channel == "twilio")
    conditions = variant.get("condition") or []
    assert conditions == ([] if nation is None else [{"type": "slot", "name": "nation", "value": nation}])


@pytest.mark.parametrize("nation", [*NATIONS, None])
def test_the_answer_speaks_of_the_nation(nation: str | None) -> None:
    for channel in ("socketio", "twilio"):
        text = chosen("utter_answer_data_sharing", channel, nation)[0]["text"]
        assert MARK[nation] in text.replace("N. Ireland", "N Ireland"), (channel, nation)


def test_only_england_and_wales_answers_carry_the_england_and_wales_guidance() -> None:
    """Scotland and Northern Ireland were never bound by the super-complaint's guidance (facts.md §3.6)."""
    for nation in ("scotland", "northern_ireland"):
        text = chosen("utter_answer_data_sharing", "socketio", nation)[0]["text"]
        assert "England and Wales only" in text
        assert "must treat you as a victim first" not in text


def test_every_tell_me_more_button_names_a_slot_value() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    values = set(domain["slots"]["more_topic"]["values"])
    payloads = [
        b["payload"] for variants in RESPONSES.values() for v in variants for b in v.get("buttons") or []
        if str(b.get("payload", "")).startswith("/tell_me_more")
    ]  # fmt: skip
    topics = {p.split('"more_topic":"')[1].split('"')[0] for p in payloads}
    assert payloads and topics <= values
    assert {f"utter_more_{t}" for t in values} <= set(RESPONSES)


def test_every_more_topic_has_its_rules() -> None:
    """A button's topic must reach its detail (slot rule), and so must a typed "tell me more"
    right after the answer (the rule that starts with the answer)."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    rules = [r["steps"] for p in sorted((ROOT / "data" / "rules").glob("*.yml"))
             for r in yaml.safe_load(p.read_text(encoding="utf-8"))["rules"]]  # fmt: skip
    for topic in domain["slots"]["more_topic"]["values"]:
        more = f"utter_more_{topic}"
        by_slot = [s for s in rules if {"slot_was_set": [{"more_topic": topic}]} in s and {"action": more} in s]
        typed = [s for s in rules if s[:1] == [{"action": f"utter_answer_{topic}"}] and {"action": more} in s]
        assert by_slot and typed, topic
