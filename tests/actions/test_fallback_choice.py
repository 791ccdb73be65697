"""`action_fallback_choice` run as the action server runs it: never a request to start again.

Trackers are built with `Tracker.from_dict`; texts are synthetic placeholders.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback_choice import ActionFallbackChoice, choice_rules, helpline_line, ranked_concerns
from contract.safety_lines import safety_lines

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = {
    name
    for path in (ROOT / "data" / "responses").glob("*.yml")
    for name in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {})
}
DOMAIN = {"responses": {name: [{"text": "x"}] for name in RESPONSES}}


def tracker(parse: dict[str, Any], nation: str | None = None) -> Tracker:
    latest = {"text": "a synthetic story", "intent": {"name": "nlu_fallback", "confidence": 0.45}, **parse}
    events = [{"event": "user", "text": "a synthetic story", "parse_data": latest, "input_channel": "rest"}]
    return Tracker.from_dict(
        {"sender_id": "test-sender", "slots": {"nation": nation}, "latest_message": latest, "events": events}
    )


def run(parse: dict[str, Any], nation: str | None = None) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionFallbackChoice().run(dispatcher, tracker(parse, nation), DOMAIN))
    return dispatcher.messages


def ranking(*pairs: tuple[str, float]) -> list[dict[str, Any]]:
    return [{"name": "nlu_fallback", "confidence": 0.45}, *({"name": n, "confidence": c} for n, c in pairs)]


def test_a_clear_concern_is_answered_and_the_others_offered() -> None:
    parse = {
        "intent_ranking": ranking(("ask_immigration_options", 0.4), ("ask_nrpf", 0.16), ("greet", 0.1)),
        "concerns": [{"intent": "ask_immigration_options", "confidence": 0.7}],
    }
    messages = run(parse, nation="wales")
    names = [m.get("response") for m in messages]
    assert names[0] == "utter_fallback_ack"
    assert "utter_answer_immigration_options" in names
    also = next(m for m in messages if m.get("response") == "utter_fallback_also")
    assert [b["payload"] for b in also["buttons"]] == ["/ask_nrpf"]
    assert messages[-1]["helpline"] == "Live Fear Free (Wales): 0808 80 10 800"


def test_no_clear_concern_offers_the_likeliest_topics_as_buttons() -> None:
    parse = {
        "intent_ranking": ranking(("ask_nrpf", 0.3), ("find_help", 0.28), ("topic_stalking", 0.2), ("ask_euss", 0.1))
    }
    messages = run(parse)
    choose = next(m for m in messages if m.get("response") == "utter_fallback_choose")
    assert [b["payload"] for b in choose["buttons"]] == ["/ask_nrpf", "/find_help", "/topic_stalking"]
    assert not any(str(m.get("response", "")).startswith("utter_answer_") for m in messages)


def test_unknown_nation_gets_every_nation_s_number() -> None:
    assert helpline_line(None) == "; ".join(safety_lines().short_numbers())
    assert "0808 2000 247" in helpline_line("england")


def test_conversation_intents_are_never_offered() -> None:
    parse = {"intent_ranking": ranking(("greet", 0.4), ("thanks", 0.3))}
    assert ranked_concerns(parse, set(choice_rules().titles)) == []
    choose = next(m for m in run(parse) if m.get("response") == "utter_fallback_choose")
    assert [b["payload"] for b in choose["buttons"]] == ["/find_help"]


def test_every_offerable_topic_is_an_intent_with_training_data() -> None:
    trained = {
        block["intent"]
        for path in (ROOT / "data" / "nlu").glob("*.yml")
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
        if "intent" in block
    }
    assert set(choice_rules().titles) <= trained


def test_no_reply_asks_the_person_to_start_again() -> None:
    banned = ("say it again", "in a few words", "try again in", "didn't understand", "did not understand")
    for path in (ROOT / "data" / "responses").glob("*.yml"):
        text = path.read_text(encoding="utf-8").lower()
        assert not [b for b in banned if b in text], path.name


def test_the_fallback_rule_runs_the_choice_action() -> None:
    rules = yaml.safe_load((ROOT / "data" / "rules" / "safety.yml").read_text(encoding="utf-8"))["rules"]
    steps = next(r["steps"] for r in rules if r["steps"][0].get("intent") == "nlu_fallback")
    assert steps[1] == {"action": "action_fallback_choice"}
