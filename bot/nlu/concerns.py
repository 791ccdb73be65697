"""NLU component: score each sentence of a long message and add a ranked `concerns` list.

People who tell their story write several sentences, and each may hold a different worry
(danger, status, children, housing). DIET sees the whole message at once, so one long story
dilutes every signal and often ends below the fallback threshold. This component, placed after
DIET and before the FallbackClassifier, trains a small scikit-learn model (character and word
n-grams, logistic regression) on the same NLU data and:

- blends its whole-message probabilities with DIET's ranking (a second, differently built
  opinion: the intent and its confidence are the blend);
- for messages of two or more sentences, scores every sentence, and an intent that one sentence
  states clearly (e.g. "he says he will cancel my visa") counts even when the rest is story;
- writes `concerns` to the parse output: up to `max_concerns` topical intents, best first, each
  `{"intent": name, "confidence": score}`. Rasa 3.6 copies every output key of the message into
  the UserUttered parse data, so actions read it from `tracker.latest_message["concerns"]`.
"""

from __future__ import annotations

import re
from typing import Any

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

CONCERNS_KEY = "concerns"
_MODEL_FILE = "sentence_model.joblib"
# A sentence ends at . ! ? or a line break; a fragment shorter than this joins its neighbour.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_MIN_SENTENCE_CHARS = 25


def split_sentences(text: str) -> list[str]:
    """Sentences long enough to carry a concern on their own."""
    parts = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]
    sentences: list[str] = []
    for part in parts:
        if sentences and min(len(part), len(sentences[-1])) < _MIN_SENTENCE_CHARS:
            sentences[-1] = f"{sentences[-1]} {part}"
        else:
            sentences.append(part)
    return sentences


def _new_pipeline(seed: int) -> Pipeline:
    features = FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
        ]
    )
    classifier = LogisticRegression(C=10.0, max_iter=3000, random_state=seed)
    return Pipeline([("features", features), ("classifier", classifier)])


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SentenceConcerns(GraphComponent):
    """Blends a sentence-level model with DIET and lists the concerns of a long message."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "random_seed": 2026,
            # Share of DIET in the blended intent ranking (the rest is this component's model).
            "diet_weight": 0.5,
            # A sentence names a concern when the model gives it at least this probability.
            "sentence_threshold": 0.5,
            "max_concerns": 3,
            # Intents that are part of the conversation, not a worry to answer (never a concern).
            "not_concerns": [],
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        pipeline: Pipeline | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self.model_storage = model_storage
        self.resource = resource
        self.pipeline = pipeline

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceConcerns:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceConcerns:
        try:
            with model_storage.read_from(resource) as directory:
                pipeline = joblib.load(directory / _MODEL_FILE)
        except ValueError:
            pipeline = None
        return cls(config, model_storage, resource, pipeline)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        labels = [m.get(INTENT) for m in examples]
        if len(set(labels)) < 2:
            return self.resource
        self.pipeline = _new_pipeline(int(self.config["random_seed"]))
        self.pipeline.fit([m.get(TEXT) for m in examples], labels)
        with self.model_storage.write_to(self.resource) as directory:
            joblib.dump(self.pipeline, directory / _MODEL_FILE)
        return self.resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        if self.pipeline is None:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            if text.strip():
                self._annotate(message, text)
        return messages

    def _probabilities(self, texts: list[str]) -> np.ndarray:
        return self.pipeline.predict_proba(texts)

    def _annotate(self, message: Message, text: str) -> None:
        sentences = split_sentences(text)
        texts = [text, *sentences] if len(sentences) > 1 else [text]
        probs = self._probabilities(texts)
        names = list(self.pipeline.classes_)
        blended = self._blend(message, names, probs[0])
        ranking = [{"name": n, "confidence": float(c)} for n, c in sorted(blended.items(), key=lambda x: -x[1])]
        ranking = ranking[: max(len(message.get(INTENT_RANKING_KEY) or []), 10)]
        if ranking:
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        message.set(CONCERNS_KEY, self._concerns(ranking, names, probs[1:]), add_to_output=True)

    def _blend(self, message: Message, names: list[str], own: np.ndarray) -> dict[str, float]:
        weight = float(self.config["diet_weight"])
        diet = {r["name"]: float(r["confidence"]) for r in message.get(INTENT_RANKING_KEY) or []}
        if not diet:
            weight = 0.0
        keys = set(names) | set(diet)
        mine = dict(zip(names, own.tolist(), strict=True))
        return {k: weight * diet.get(k, 0.0) + (1 - weight) * mine.get(k, 0.0) for k in keys}

    def _concerns(self, ranking: list[dict[str, Any]], names: list[str], sentences: np.ndarray) -> list[dict[str, Any]]:
        """The message's intent first, then what single sentences state, best first: each clearly
        (at least `sentence_threshold`), so a message that says nothing clear has no concerns."""
        skip = set(self.config["not_concerns"])
        threshold = float(self.config["sentence_threshold"])
        scores: dict[str, float] = {}
        if ranking and ranking[0]["name"] not in skip and float(ranking[0]["confidence"]) >= threshold:
            scores[ranking[0]["name"]] = float(ranking[0]["confidence"])
        for row in sentences:
            best = int(np.argmax(row))
            name, score = names[best], float(row[best])
            if name in skip or score < threshold:
                continue
            scores[name] = max(scores.get(name, 0.0), score)
        first = [ranking[0]["name"]] if ranking and ranking[0]["name"] in scores else []
        rest = sorted((n for n in scores if n not in first), key=lambda n: -scores[n])
        ordered = [*first, *rest][: int(self.config["max_concerns"])]
        return [{"intent": n, "confidence": round(scores[n], 3)} for n in ordered]
