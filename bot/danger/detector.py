"""The one danger detector every channel uses (gateway, NLU safety net, staff API).

Two layers, either of which raises the alarm: the reviewed rules (bot/danger/rules.py over
data/danger.yml) and the classifier learned from the corpus (bot/danger/classifier.py). Then
one lowering: danger that is clearly in the past and asked about for another reason ("he hit
me years ago, does that count for the concession?") is answered as a question with the short
999 footer, not the emergency card, except strangulation and threats to kill, which are never
lowered (contract.danger.NEVER_LOWERED).

Public functions (stable; the staff API calls them):
- `detect_danger(text) -> str | None`: the kind that decides the answer, or None.
- `detect_all(text) -> list[str]`: every kind shown, the deciding kind first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from bot.danger.classifier import ClassifierSettings, DangerClassifier, train
from bot.danger.corpus import Example, training_examples
from bot.danger.rules import DANGER_FILE, DangerDetector, compile_patterns, expand_words, fold_pattern
from contract.danger import NEVER_LOWERED


@dataclass(frozen=True)
class Verdict:
    kinds: tuple[str, ...]  # every kind shown, the deciding kind first; empty when no danger
    by_rules: bool
    probability: float  # the classifier's probability of danger
    language: str  # the language to answer in ("en", "pl", "ur-Latn"...)
    lowered: bool  # past danger asked about for another reason: footer, not the emergency card
    takes_over: bool = False  # the rules, or a classifier this sure: the emergency answer replaces the topic

    @property
    def kind(self) -> str | None:
        return self.kinds[0] if self.kinds else None


@dataclass(frozen=True)
class PastForReason:
    """Past danger asked about for another reason: a past marker, a question about a process,
    and no sign that it is happening now (each a list of patterns in data/danger.yml)."""

    past: tuple[re.Pattern[str], ...]
    asking: tuple[re.Pattern[str], ...]
    now: tuple[re.Pattern[str], ...]

    @classmethod
    def from_data(cls, data: dict[str, Any], words: dict[str, list[str]]) -> PastForReason:
        def build(name: str) -> tuple[re.Pattern[str], ...]:
            return compile_patterns([fold_pattern(expand_words(p, words)) for p in data.get(name) or []])

        return cls(build("past"), build("asking"), build("now"))

    def applies(self, normal: str) -> bool:
        def found(patterns: tuple[re.Pattern[str], ...]) -> bool:
            return any(p.search(normal) for p in patterns)

        return found(self.past) and found(self.asking) and not found(self.now)


@dataclass(frozen=True)
class Detector:
    rules: DangerDetector
    classifier: DangerClassifier
    past_for_reason: PastForReason
    # A classifier-only alarm below this probability adds the 999 lines and the emergency card to the
    # answer to the person's question; at or above it (or when the rules fire) the emergency answer
    # replaces it (the NLU safety net sets the intent). data/danger.yml `classifier.takeover`.
    takeover: float = 0.8

    def assess(self, text: str) -> Verdict:
        normal = self.rules.prepared(text)
        rule_kinds = self.rules.kinds_in(normal)
        judgement = self.classifier.judge(normal.strip())
        kinds = list(rule_kinds)
        if judgement.kind and judgement.kind not in kinds:
            kinds.append(judgement.kind)
        # on the text before the exclusions, which take out "hit me years ago" and the like
        lowered = bool(kinds) and self.past_for_reason.applies(f" {self.rules.normalise(text)} ")
        if lowered:
            kinds = [k for k in kinds if k in NEVER_LOWERED]
        rules_stand = any(k in rule_kinds for k in kinds)
        takes_over = bool(kinds) and (rules_stand or judgement.probability >= self.takeover)
        return Verdict(
            tuple(kinds), bool(rule_kinds), judgement.probability, judgement.language, lowered and not kinds, takes_over
        )

    def detect(self, text: str) -> str | None:
        return self.assess(text).kind

    def detect_all(self, text: str) -> list[str]:
        return list(self.assess(text).kinds)

    def detect_takeover(self, text: str) -> str | None:
        """The kind, when the emergency answer should replace the answer to the question."""
        verdict = self.assess(text)
        return verdict.kind if verdict.takes_over else None


def build_detector(examples: Sequence[Example] | None = None, settings: ClassifierSettings | None = None) -> Detector:
    """Rules from data/danger.yml, the classifier trained on `examples` (default: the corpus and
    the NLU data; a few seconds). Cross-validation passes a part of the corpus."""
    data = yaml.safe_load(DANGER_FILE.read_text(encoding="utf-8"))
    rules = DangerDetector.from_data(data)
    classifier_data = dict(data.get("classifier") or {})
    takeover = float(classifier_data.pop("takeover", 0.8))
    settings = settings or ClassifierSettings.from_data(classifier_data)
    examples = training_examples() if examples is None else examples
    classifier = train([rules.prepared(e.text).strip() for e in examples], examples, settings)
    past = PastForReason.from_data(data.get("past_for_reason") or {}, rules.words)
    return Detector(rules, classifier, past, takeover)


@lru_cache(maxsize=1)
def shared_detector() -> Detector:
    """The process's detector, built on first use."""
    return build_detector()


def detect_danger(text: str) -> str | None:
    """The kind of danger that decides the answer to `text` (contract.danger.KINDS), or None."""
    return shared_detector().detect(text)


def detect_all(text: str) -> list[str]:
    """Every kind of danger `text` shows, the deciding kind first; [] when none."""
    return shared_detector().detect_all(text)
