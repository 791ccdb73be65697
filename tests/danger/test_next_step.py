"""After the emergency answer, the topic the message also raises is offered as the next step
(issue 12): bot/danger/next_step.py and the gateway that reads the parse Rasa stored."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from rasa.core.channels.channel import UserMessage

from bot.danger.flag import danger_flag
from bot.danger.next_step import NextStep, next_step
from bot.gateway import Gateway, Incoming
from bot.settings import Settings

SETTINGS = Settings(sender_secret=b"k" * 32, rasa_timeout_seconds=0.5, rate_per_sender_per_minute=30)
STEP = NextStep(
    text="When you are safe, I can also tell you about this:",
    topics=("topic_modern_slavery", "ask_immigration_options"),
    titles={"topic_modern_slavery": "Forced work or trafficking", "ask_immigration_options": "Can I stay in the UK?"},
    min_confidence=0.1,
)
DANGER_PARSE = {
    "intent_ranking": [
        {"name": "danger_now", "confidence": 1.0},
        {"name": "greet", "confidence": 0.3},
        {"name": "topic_modern_slavery", "confidence": 0.2},
    ]
}


def test_the_next_topic_skips_danger_and_what_cannot_be_offered() -> None:
    assert STEP.topic(DANGER_PARSE) == "topic_modern_slavery"


def test_sentence_concerns_come_before_the_ranking() -> None:
    parse = {**DANGER_PARSE, "concerns": [{"intent": "ask_immigration_options", "confidence": 0.5}]}
    assert STEP.topic(parse) == "ask_immigration_options"


def test_nothing_is_offered_below_the_minimum_or_without_a_topic() -> None:
    assert STEP.topic({"intent_ranking": [{"name": "topic_modern_slavery", "confidence": 0.05}]}) is None
    assert STEP.offer({"intent_ranking": [{"name": "danger_now", "confidence": 1.0}]}) == []


def test_the_offer_is_one_button_to_the_topic() -> None:
    [reply] = STEP.offer(DANGER_PARSE)
    assert reply["buttons"] == [{"title": "Forced work or trafficking", "payload": "/topic_modern_slavery"}]


def test_the_shipped_topics_all_have_titles() -> None:
    step = next_step()
    assert step.topics and all(topic in step.titles for topic in step.topics)
    assert {"topic_modern_slavery", "topic_honour_abuse", "ask_immigration_options"} <= set(step.topics)


class Store:
    """A tracker store that holds one parse (or fails)."""

    def __init__(self, parse: dict[str, Any] | None) -> None:
        self.parse = parse

    async def retrieve(self, sender_id: str) -> Any:
        if self.parse is None:
            raise ConnectionError("redis is down")
        return SimpleNamespace(latest_message=SimpleNamespace(parse_data=self.parse))


async def emergency_answer(message: UserMessage) -> None:
    await message.output_channel.send_response(message.sender_id, {"text": "Call 999 now."})


async def test_the_gateway_offers_the_next_topic_after_the_emergency_answer() -> None:
    text = "he locked me in the house and my boss keeps my passport, i work for no money"
    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", text), emergency_answer, Store(DANGER_PARSE))
    assert outcome.replies[1] == danger_flag(outcome.danger)
    offers = [r for r in outcome.replies if r.get("buttons")]
    assert [b["payload"] for r in offers for b in r["buttons"]] == ["/topic_modern_slavery"]
    texts = [r.get("text") for r in outcome.replies]
    assert texts.index("Call 999 now.") < texts.index(next_step().text)


async def test_no_offer_without_danger_or_when_the_store_fails() -> None:
    question = Incoming("rest", "b", "can i get a visa")
    quiet = await Gateway(SETTINGS).handle(question, emergency_answer, Store(DANGER_PARSE))
    assert not any(r.get("buttons") for r in quiet.replies)
    text = "he is strangling me"
    failed = await Gateway(SETTINGS).handle(Incoming("rest", "c", text), emergency_answer, Store(None))
    assert failed.danger and not any(r.get("buttons") for r in failed.replies)
