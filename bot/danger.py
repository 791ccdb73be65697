"""The safety net beyond the intent classifier: does this message show immediate danger?

Rules, not a model, so that it works the same for misspelt and broken English, for long messages
with the danger in the middle, and whatever the classifier or the dialogue state says. The
patterns live in data/danger.yml so they can be reviewed by people who are not programmers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DANGER_FILE = Path(__file__).resolve().parent.parent / "data" / "danger.yml"
_REPEATS = re.compile(r"([a-z])\1{2,}")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or swap turns `a` into `b`."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        if len(diffs) == 1:
            return True
        i, j = (diffs + [0, 0])[:2]
        return len(diffs) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    for i in range(len(long_)):
        if long_[:i] + long_[i + 1 :] == short:
            return True
    return False


@dataclass(frozen=True)
class DangerDetector:
    kinds: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    exclusions: tuple[re.Pattern[str], ...]
    fuzzy_words: frozenset[str]
    protected_words: frozenset[str]

    @classmethod
    def from_file(cls, path: Path = DANGER_FILE) -> "DangerDetector":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(
            kinds=tuple(
                (kind, tuple(re.compile(p) for p in patterns)) for kind, patterns in data["kinds"].items()
            ),
            exclusions=tuple(re.compile(p) for p in data.get("exclusions", [])),
            fuzzy_words=frozenset(data.get("fuzzy_words", [])),
            protected_words=frozenset(data.get("protected_words", [])),
        )

    def _correct(self, token: str) -> str:
        if len(token) < 5 or token in self.fuzzy_words or token in self.protected_words:
            return token
        for word in self.fuzzy_words:
            if edit_distance_at_most_one(token, word):
                return word
        return token

    def normalise(self, text: str) -> str:
        """Lower case, no accents or apostrophes, single spaces, common misspellings corrected."""
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
        text = text.replace("'", "").replace("\u2019", "")
        text = _REPEATS.sub(r"\1\1", _NOT_WORD.sub(" ", text))
        return " ".join(self._correct(token) for token in text.split())

    def detect_all(self, text: str) -> list[str]:
        """Every kind of danger shown (e.g. ["strangulation", "children_at_risk"]), in file order."""
        normal = f" {self.normalise(text)} "
        for exclusion in self.exclusions:
            normal = exclusion.sub(" ", normal)
        return [kind for kind, patterns in self.kinds if any(p.search(normal) for p in patterns)]

    def detect(self, text: str) -> str | None:
        """The first kind of danger shown, or None."""
        kinds = self.detect_all(text)
        return kinds[0] if kinds else None


@lru_cache(maxsize=1)
def default_detector() -> DangerDetector:
    return DangerDetector.from_file()


def detect_danger(text: str) -> str | None:
    """The kind of immediate danger in `text`, or None (see data/danger.yml)."""
    return default_detector().detect(text)
