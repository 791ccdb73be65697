"""NLU component: immediate danger overrides whatever the intent classifier decided.

Runs last in the pipeline, after the FallbackClassifier, so low confidence, misspellings and the
dialogue state cannot hide danger. It uses the one detector (bot/danger: rules and classifier, past
danger asked about for another reason lowered to a footer), so the kind it reports is the one the
gateway flags: the intent becomes `danger_now` with confidence 1.0, and a
`danger` entity records the kind so referrals can fit it (e.g. suicide, forced marriage travel).
"""

from __future__ import annotations

from typing import Any, Protocol

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.danger import shared_detector
from contract.intents import DANGER as DANGER_INTENT
from contract.intents import DANGER_ENTITY


class Detects(Protocol):
    def detect(self, text: str) -> str | None: ...


class _TakeOver:
    """The shared detector, answering only when the emergency answer should replace the topic:
    a less sure classifier alarm leaves the intent alone, and the gateway still adds the 999
    lines and the flag to the answer (bot/danger/flag.py)."""

    def detect(self, text: str) -> str | None:
        return shared_detector().detect_takeover(text)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DangerSafetyNet(GraphComponent):
    def __init__(self, detector: Detects) -> None:
        self.detector = detector

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DangerSafetyNet:
        shared_detector()  # trained now, at model load, not on a person's first message
        return cls(_TakeOver())

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            kind = self.detector.detect(message.get(TEXT) or "")
            if kind is None:
                continue
            override, ranking, entity = danger_override(message.get(INTENT_RANKING_KEY, []), kind, "DangerSafetyNet")
            message.set(INTENT, override, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages


def danger_override(
    ranking: list[dict[str, Any]], kind: str, extractor: str
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """What immediate danger makes of a parse, wherever it was found (this component, the staff
    console): intent danger_now at confidence 1.0, the ranking with it on top, and an entity
    recording the kind, which the referral action reads to fit the referrals."""
    override = {"name": DANGER_INTENT, "confidence": 1.0}
    rest = [r for r in ranking if r.get("name") != DANGER_INTENT]
    entity = {"entity": DANGER_ENTITY, "value": kind, "start": 0, "end": 0, "extractor": extractor}
    return override, [override, *rest], entity
