"""NLU component: `nation` and `language` entities from the place and language gazetteers."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.places import Gazetteer, languages, nations


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class GazetteerExtractor(GraphComponent):
    """Adds `nation` (england, wales, scotland, northern_ireland) and `language` entities."""

    def __init__(self, gazetteers: dict[str, Gazetteer]) -> None:
        self.gazetteers = gazetteers

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GazetteerExtractor:
        return cls({"nation": nations(), "language": languages()})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            found = [
                {
                    "entity": entity,
                    "value": mention.value,
                    "start": mention.start,
                    "end": mention.end,
                    "extractor": type(self).__name__,
                    "confidence_entity": 1.0,
                }
                for entity, gazetteer in self.gazetteers.items()
                if (mention := gazetteer.find(text)) is not None
            ]
            if found:
                message.set(ENTITIES, [*message.get(ENTITIES, []), *found], add_to_output=True)
        return messages
