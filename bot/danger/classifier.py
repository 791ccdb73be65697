"""The second layer: a linear classifier over character and word n-grams, learned from the corpus.

Rules catch what reviewers wrote down; the classifier catches the same danger said in words
nobody listed (other languages, code words, broken grammar). Character n-grams inside word
boundaries (2-5) carry spelling variants, SMS shorthand and scripts without spaces between
morphemes; word n-grams (1-2) carry phrasing. Two models share one feature space: a binary
danger model (class-weighted logistic regression; the alarm threshold is set for recall, see
docs/danger.md) and a kind model (which answer to give), trained on danger lines only.

Training takes a few seconds, is deterministic (fixed solver and seed, inputs in file order)
and happens once per process, when the detector is first used (bot/server.py checks it at
start-up). Nothing is written to disk, so no model file can go stale or be committed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.danger.corpus import Example


@dataclass(frozen=True)
class ClassifierSettings:
    threshold: float = 0.5  # probability of danger at or above which the alarm is raised
    c_binary: float = 4.0
    c_kind: float = 8.0
    char_ngrams: tuple[int, int] = (2, 5)
    word_ngrams: tuple[int, int] = (1, 2)
    min_df: int = 2
    # Weigh each language's danger and not-danger lines equally (see `sample_weights`), instead of
    # the two classes overall. False keeps sklearn's class_weight="balanced".
    balance_per_language: bool = True

    @classmethod
    def from_data(cls, data: dict | None) -> ClassifierSettings:
        data = dict(data or {})
        for key in ("char_ngrams", "word_ngrams"):
            if key in data:
                data[key] = tuple(data[key])
        return cls(**data)


class Features:
    """TF-IDF of character (2-5, inside word boundaries) and word (1-2) n-grams, side by side."""

    def __init__(self, settings: ClassifierSettings) -> None:
        common = {"sublinear_tf": True, "min_df": settings.min_df, "dtype": np.float32, "lowercase": False}
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=settings.char_ngrams, **common)
        self.words = TfidfVectorizer(analyzer="word", ngram_range=settings.word_ngrams, token_pattern=r"\S+", **common)

    def fit(self, texts: Sequence[str]) -> Features:
        self.chars.fit(texts)
        self.words.fit(texts)
        return self

    def transform(self, texts: Sequence[str]):  # noqa: ANN201 (a scipy sparse matrix)
        return hstack([self.chars.transform(texts), self.words.transform(texts)]).tocsr()


@dataclass(frozen=True)
class Judgement:
    probability: float
    kind: str | None
    language: str  # e.g. "pl", "ur-Latn": the language to answer in


@dataclass(frozen=True)
class Block:
    """One vectorizer's part of the models, for scoring one message without sklearn's per-call
    overhead (about 3 ms a message there, 0.3 ms here): n-grams, counts, sublinear TF-IDF, L2."""

    analyzer: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray  # one row per feature: the binary model's weight, then one per kind

    def scores(self, text: str) -> np.ndarray:
        vocabulary = self.vocabulary
        counts = Counter(i for i in map(vocabulary.get, self.analyzer(text)) if i is not None)
        if not counts:
            return np.zeros(self.weights.shape[1])
        index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * self.idf[index]
        values /= np.sqrt(values @ values)
        return values @ self.weights[index]


@dataclass(frozen=True)
class DangerClassifier:
    features: Features
    binary: LogisticRegression
    kinds: LogisticRegression | None
    threshold: float
    blocks: tuple[Block, ...]
    bias: np.ndarray
    kind_names: tuple[str, ...]
    language_names: tuple[str, ...]

    def probability(self, normal: str) -> float:
        """Probability that the (normalised) message shows danger."""
        return self.judge(normal).probability

    def judge(self, normal: str) -> Judgement:
        """Probability of danger, the most likely kind (when it reaches the threshold) and language."""
        scores = self.bias + sum(block.scores(normal) for block in self.blocks)
        probability = float(1.0 / (1.0 + np.exp(-scores[0])))
        kinds = scores[1 : 1 + len(self.kind_names)]
        languages = scores[1 + len(self.kind_names) :]
        kind = self.kind_names[int(np.argmax(kinds))] if self.kind_names and probability >= self.threshold else None
        language = self.language_names[int(np.argmax(languages))] if self.language_names else "en"
        return Judgement(probability, kind, language)

    def sklearn_probability(self, normal: str) -> float:
        """The same probability through sklearn (tests check the fast path against it)."""
        return float(self.binary.predict_proba(self.features.transform([normal]))[0, 1])


def blocks_for(features: Features, models: Sequence[LogisticRegression]) -> tuple[Block, ...]:
    """The models' weights split by vectorizer, side by side (binary, then kinds, then languages)."""
    coef = np.hstack([model.coef_.T for model in models])
    blocks, start = [], 0
    for vectorizer in (features.chars, features.words):
        size = len(vectorizer.vocabulary_)
        weights = np.ascontiguousarray(coef[start : start + size], dtype=np.float64)
        idf = vectorizer.idf_.astype(np.float64)
        blocks.append(Block(vectorizer.build_analyzer(), dict(vectorizer.vocabulary_), idf, weights))
        start += size
    return tuple(blocks)


def sample_weights(examples: Sequence[Example]) -> np.ndarray:
    """Weights that give danger and not-danger the same total weight in each language, and within
    not-danger, the corpus's near misses and the NLU data's ordinary questions the same share.

    Balancing the classes only overall let the languages' own mixes leak in: English has five
    ordinary lines to each danger line (the NLU data), the other languages about two, so after
    balancing any Polish or Urdu message started near even odds and harmless ones raised the
    alarm. Balanced per language, the language's letters tell nothing; only the words do. The NLU
    data grows with every topic and story added; without its own share, thousands of ordinary
    questions outweighed the near misses written for this classifier and blunted it (cross-validated
    recall fell from 96.7% to 93.4% when the new topics, stories and languages were merged)."""
    danger = Counter(e.lang for e in examples if e.danger)
    total = Counter(e.lang for e in examples)
    ordinary = Counter((e.lang, e.source == "nlu") for e in examples if not e.danger)
    weights = []
    for e in examples:
        half = total[e.lang] / 2
        if danger[e.lang] in (0, total[e.lang]):
            weights.append(1.0)
        elif e.danger:
            weights.append(half / danger[e.lang])
        else:
            shares = sum(1 for nlu in (True, False) if ordinary[(e.lang, nlu)])
            weights.append(half / shares / ordinary[(e.lang, e.source == "nlu")])
    return np.array(weights) / np.mean(weights)


def train(texts: Sequence[str], examples: Sequence[Example], settings: ClassifierSettings) -> DangerClassifier:
    """Fit both models; `texts` are the examples' texts already normalised by the detector."""
    features = Features(settings).fit(texts)
    matrix = features.transform(texts)
    labels = np.array([int(e.danger) for e in examples])
    if settings.balance_per_language:
        binary = LogisticRegression(C=settings.c_binary, solver="liblinear", random_state=0)
        binary.fit(matrix, labels, sample_weight=sample_weights(examples))
    else:
        binary = LogisticRegression(C=settings.c_binary, class_weight="balanced", solver="liblinear", random_state=0)
        binary.fit(matrix, labels)
    with_kind = [i for i, e in enumerate(examples) if e.danger and e.kind]
    kinds = None
    if len({examples[i].kind for i in with_kind}) > 1:
        kinds = LogisticRegression(C=settings.c_kind, class_weight="balanced", solver="liblinear", random_state=0)
        kinds.fit(matrix[with_kind], [examples[i].kind for i in with_kind])
    if kinds is not None and len(kinds.classes_) < 3:
        kinds = None  # two kinds give one column in sklearn: not worth a special case
    languages = LogisticRegression(C=settings.c_kind, solver="liblinear", random_state=0)
    languages.fit(matrix, [e.lang for e in examples])
    models = [m for m in (binary, kinds, languages) if m is not None]
    if len(languages.classes_) < 3:
        models.pop()
    bias = np.concatenate([m.intercept_ for m in models]).astype(np.float64)
    kind_names = tuple(str(k) for k in kinds.classes_) if kinds is not None else ()
    language_names = tuple(str(k) for k in languages.classes_) if models[-1] is languages else ()
    blocks = blocks_for(features, models)
    return DangerClassifier(features, binary, kinds, settings.threshold, blocks, bias, kind_names, language_names)
