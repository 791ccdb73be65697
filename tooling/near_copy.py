"""Find training lines that copy a test line: equal once normalised, or character-trigram Jaccard > 0.8.

The blind NLU set is only worth its figure while no line of it (or a light rewording) is in the
training data. Callers get positions, never the text, so a check can report a leak without
showing the blind line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_NON_WORD = re.compile(r"[^\w]+")
NEAR_COPY_JACCARD = 0.8


def normalise(text: str) -> str:
    """Lower case, punctuation and runs of spaces folded to one space."""
    return _NON_WORD.sub(" ", text.lower()).strip()


def trigrams(text: str) -> frozenset[str]:
    norm = normalise(text)
    return frozenset(norm[i : i + 3] for i in range(max(len(norm) - 2, 1)))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Leak:
    """Index of the test line and of the training line that copies it."""

    test_index: int
    train_index: int


def _could_match(a: frozenset[str], b: frozenset[str], limit: float) -> bool:
    """Jaccard can exceed `limit` only when the sets' sizes are within that ratio."""
    small, large = sorted((len(a), len(b)))
    return large > 0 and small / large > limit


def near_copies(tests: Iterable[str], training: Iterable[str], limit: float = NEAR_COPY_JACCARD) -> list[Leak]:
    test_lines = list(tests)
    train_lines = list(training)
    train_norm = {normalise(t): i for i, t in enumerate(train_lines)}
    train_grams = [trigrams(t) for t in train_lines]
    leaks: list[Leak] = []
    for ti, text in enumerate(test_lines):
        if normalise(text) in train_norm:
            leaks.append(Leak(ti, train_norm[normalise(text)]))
            continue
        grams = trigrams(text)
        for ri, other in enumerate(train_grams):
            if _could_match(grams, other, limit) and jaccard(grams, other) > limit:
                leaks.append(Leak(ti, ri))
                break
    return leaks
