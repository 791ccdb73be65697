"""Adding an intent, a helpline or a channel touches several files: this test fails when one of
them was left out (the recipes in docs/architecture.md list them in order)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract import channels, intents
from contract.danger import KINDS
from contract.paths import DATA_DIR, PROJECT_ROOT
from contract.safety_lines import safety_lines

HELD_OUT = PROJECT_ROOT / "tests" / "nlu" / "heldout"
# Intents whose referrals take the need of the conversation so far (or its danger kind), not a
# need of their own.
NEED_FROM_CONVERSATION = {intents.FIND_HELP, intents.NATION, intents.DANGER, intents.LANGUAGE_HELP}


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _merged(folder: str, key: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for path in sorted((DATA_DIR / folder).glob("*.yml")):
        merged.update(_load(path).get(key) or {})
    return merged


@lru_cache(maxsize=1)
def domain_intents() -> tuple[str, ...]:
    return tuple(_load(PROJECT_ROOT / "domain.yml")["intents"])


@lru_cache(maxsize=1)
def rule_actions() -> dict[str, list[str]]:
    """intent -> the actions its rule runs after it (the first rule that starts with it)."""
    found: dict[str, list[str]] = {}
    for path in sorted((DATA_DIR / "rules").glob("*.yml")):
        for rule in _load(path).get("rules") or []:
            steps = rule.get("steps") or []
            starts = [i for i, step in enumerate(steps) if "intent" in step]
            for i in starts:
                after = [s["action"] for s in steps[i + 1 :] if "action" in s]
                found.setdefault(steps[i]["intent"], after)
    return found


def held_out_intents() -> set[str]:
    return {item["intent"] for path in HELD_OUT.glob("*.yml") for item in _load(path).get("nlu") or []}


RESPONSES = _merged("responses", "responses")
SOURCES = _merged("sources", "sources")
STAFF_TOPICS = _load(DATA_DIR / "staff_terms.yml")["topics"]
CONVERSATION_NEEDS = _load(DATA_DIR / "services.yml")["from_conversation"]


@pytest.mark.parametrize("intent", domain_intents())
def test_every_intent_has_a_rule_an_answer_a_staff_topic_and_held_out_examples(intent: str) -> None:
    actions = rule_actions().get(intent)
    assert actions, f"{intent}: no rule in data/rules/ starts with it"
    utters = [a for a in actions if a.startswith("utter_")]
    assert utters or intents.ACTION_REFER in actions, f"{intent}: its rule says nothing"
    for name in utters:
        variants = RESPONSES.get(name)
        assert variants, f"{intent}: {name} is not in data/responses/"
        assert any("channel" not in v for v in variants), f"{name}: no web (channel-free) text"
        assert any(v.get("channel") == channels.TWILIO for v in variants), f"{name}: no SMS text"
        if name.startswith("utter_answer_"):
            assert name in SOURCES, f"{name}: a factual answer without sources in data/sources/"
    assert intent in STAFF_TOPICS, f"{intent}: no staff topic in data/staff_terms.yml"
    assert intent in held_out_intents(), f"{intent}: no held-out examples in tests/nlu/heldout/"


@pytest.mark.parametrize("intent", [i for i in domain_intents() if intents.ACTION_REFER in rule_actions().get(i, [])])
def test_every_referring_intent_has_a_need(intent: str) -> None:
    if intent not in NEED_FROM_CONVERSATION:
        assert intent in CONVERSATION_NEEDS["intents"], f"{intent}: no need in services.yml from_conversation"


def test_every_danger_kind_has_a_need_and_a_staff_label() -> None:
    assert set(KINDS) <= set(CONVERSATION_NEEDS["danger"]), "services.yml from_conversation.danger"
    assert set(KINDS) <= set(_load(DATA_DIR / "staff_terms.yml")["danger"]), "staff_terms.yml danger"


def test_every_national_line_matches_the_directory() -> None:
    """The 24/7 numbers shipped for outages (data/safety.yml) are the directory's own."""
    services = _load(DATA_DIR / "services.yml")["services"]
    for line in safety_lines().helplines:
        owners = [
            s
            for s in services
            if line.nation in s.get("nations", [])
            and any(c.get("type") == "phone" and str(c.get("value")) == line.phone for c in s.get("contacts", []))
        ]
        assert owners, f"{line.name} {line.phone}: no service in data/services.yml for {line.nation} has it"


def test_every_channel_named_in_responses_is_known() -> None:
    named = {v["channel"] for variants in RESPONSES.values() for v in variants if "channel" in v}
    assert named <= channels.KNOWN, named - channels.KNOWN
