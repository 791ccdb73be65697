"""A small classifier for what lingua-language-detector does not know: Roman Urdu, Roman Punjabi
and Roman Bengali among Latin-script messages, and Shahmukhi Punjabi against Urdu in the Arabic
script. Character n-grams, trained at load time from data/translations/detection.yml; training is
deterministic (fixed solver, no random state involved) and takes well under a second."""

from __future__ import annotations

from functools import lru_cache

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from bot.language.locales import DETECTION_FILE

LATIN = "latin"
ARABIC_SCRIPT = "arabic_script"


def _train(groups: dict[str, list[str]]) -> Pipeline:
    texts = [text for examples in groups.values() for text in examples]
    labels = [code for code, examples in groups.items() for _ in examples]
    model = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True),
        LogisticRegression(C=10.0, max_iter=2000, solver="lbfgs"),
    )
    return model.fit(texts, labels)


@lru_cache(maxsize=1)
def _models() -> dict[str, Pipeline]:
    data = yaml.safe_load(DETECTION_FILE.read_text(encoding="utf-8"))
    return {group: _train(examples) for group, examples in data.items()}


def classify(text: str, group: str) -> tuple[str, float]:
    """The most likely code in `group` (LATIN or ARABIC_SCRIPT) and its probability."""
    model = _models()[group]
    probabilities = model.predict_proba([text.lower()])[0]
    best = int(probabilities.argmax())
    return str(model.classes_[best]), float(probabilities[best])
