"""The one danger detector every channel uses (gateway, NLU safety net, staff API).

Two layers, either of which raises the alarm: the reviewed rules (bot/danger/rules.py over
data/danger.yml) and the classifier learned from the corpus (bot/danger/classifier.py). A rule
pattern raises it on its own; a keyword (knife, kill, strangle: words as often said of a recipe,
a film or a boss) only when the classifier gives the message at least a low floor; the classifier
alone at its threshold (surer in a long message). Then one lowering: danger that is clearly in the
past and asked about for another reason ("he strangled me years ago, does that count as evidence
for the concession?") is answered as a question with the short 999 footer, not the emergency card
(issue 12). Strangulation and threats to kill are lowered only when it was years ago: the rules'
idiom exclusions never take them out, and any sign of now or of a recent day keeps the alarm.
The bars and why: docs/danger.md.

Public functions (stable; the staff API calls them):
- `detect_danger(text) -> str | None`: the kind that decides the answer, or None.
- `detect_all(text) -> list[str]`: every kind shown, the deciding kind first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import yaml

from bot.danger.classifier import ClassifierSettings, DangerClassifier, Judgement, train
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
    """Past danger asked about for another reason: a past marker, a question about a process (or
    a friend's or relative's story), and no sign that it is happening now (each a list of
    patterns in data/danger.yml `past_for_reason`)."""

    past: tuple[re.Pattern[str], ...]
    asking: tuple[re.Pattern[str], ...]
    now: tuple[re.Pattern[str], ...]
    calm: tuple[re.Pattern[str], ...] = ()  # "I'm safe now": removed before `now` is looked for
    distant: tuple[re.Pattern[str], ...] = ()  # years ago: needed to lower NEVER_LOWERED kinds
    others: tuple[re.Pattern[str], ...] = ()  # a friend's or relative's story: the past is enough

    @classmethod
    def from_data(cls, data: dict[str, Any], words: dict[str, list[str]]) -> PastForReason:
        def build(name: str) -> tuple[re.Pattern[str], ...]:
            return compile_patterns([fold_pattern(expand_words(p, words)) for p in data.get(name) or []])

        return cls(*(build(name) for name in ("past", "asking", "now", "calm", "distant", "others")))

    def long_ago(self, normal: str) -> bool:
        """Years, not weeks, ago: what lowering strangulation or a threat to kill also needs."""
        return any(p.search(normal) for p in self.distant)

    def applies(self, normal: str) -> bool:
        def found(patterns: tuple[re.Pattern[str], ...], text: str = normal) -> bool:
            return any(p.search(text) for p in patterns)

        if not (found(self.past) and (found(self.asking) or found(self.others))):
            return False
        settled = normal
        for pattern in self.calm:
            settled = pattern.sub(" ", settled)
        return not found(self.now, f" {settled} ")


@dataclass(frozen=True)
class Context:
    """What the classifier is told about a message besides its words (data/danger.yml `context`):
    one extra word per context found ("zzmedia", "zzpast"...), so that what it learns about a film,
    a recipe or a question about a process in one language carries to the others."""

    names: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    past_for_reason: PastForReason

    @classmethod
    def from_data(cls, data: dict[str, Any], words: dict[str, list[str]], past: PastForReason) -> Context:
        names = tuple(
            (str(name), compile_patterns([fold_pattern(expand_words(p, words)) for p in patterns]))
            for name, patterns in (data or {}).items()
        )
        return cls(names, past)

    def tagged(self, normal: str, whole: str) -> str:
        """What the classifier reads: the prepared text, then one word per context found in `whole`
        (the normalised text before the exclusions took "hit me years ago" and the like out)."""
        whole = f" {whole.strip()} "
        found = [name for name, patterns in self.names if any(p.search(whole) for p in patterns)]
        past = self.past_for_reason
        flags = {
            name: any(p.search(whole) for p in patterns)
            for name, patterns in (("past", past.past), ("asking", past.asking), ("now", past.now))
        }
        found += [name for name, hit in flags.items() if hit]
        if flags["past"] and flags["asking"]:
            found.append("pastasking")
        return " ".join([normal.strip(), *(f"zz{name}" for name in found)])


@dataclass(frozen=True)
class Detector:
    rules: DangerDetector
    classifier: DangerClassifier
    past_for_reason: PastForReason
    # A classifier-only alarm below this probability adds the 999 lines and the emergency card to the
    # answer to the person's question; at or above it (or when the rules fire) the emergency answer
    # replaces it (the NLU safety net sets the intent). data/danger.yml `classifier.takeover`.
    takeover: float = 0.8
    # A keyword (data/danger.yml `keywords`: knife, kill, strangle...) raises the alarm when the
    # classifier gives the message at least `keyword_floor`, and takes over at `keyword_takeover`.
    keyword_floor: float = 0.15
    keyword_takeover: float = 0.5
    context: Context | None = None
    # per kind, where the general bar would cost too much recall (indirect suicide is said in
    # ordinary words; strangulation is too dangerous to miss): data/danger.yml `classifier`
    keyword_floors: dict[str, float] = field(default_factory=dict)
    kind_thresholds: dict[str, float] = field(default_factory=dict)
    threshold: float | None = None  # the classifier's alarm for other kinds (None: the classifier's own)
    # A long message (a visa story with one past incident) shares many words with danger by
    # chance: the classifier alone needs this probability there. The rules still read every
    # sentence, so a danger sentence in the middle of a long message is still caught by them.
    long_words: int = 25
    long_threshold: float = 0.0

    def classifier_alarm(self, judgement: Judgement, words: int) -> str | None:
        """The classifier's kind, when its probability reaches that kind's threshold (and, in a
        long message, `long_threshold`)."""
        kind = judgement.kind
        general = self.classifier.threshold if self.threshold is None else self.threshold
        bar = self.kind_thresholds.get(kind or "", general)
        if words >= self.long_words:
            bar = max(bar, self.long_threshold)
        if kind is None or judgement.probability < bar:
            return None
        return kind

    def classifier_text(self, normal: str, whole: str) -> str:
        return self.context.tagged(normal, whole) if self.context else normal.strip()

    def assess(self, text: str) -> Verdict:
        normal = self.rules.prepared(text)
        rule_kinds = self.rules.kinds_in(normal)
        whole = self.rules.normalise(text)
        judgement = self.classifier.judge(self.classifier_text(normal, whole))
        kinds = list(rule_kinds)
        floors, floor = self.keyword_floors, self.keyword_floor
        keyword_kinds = [
            k
            for k in self.rules.keyword_kinds_in(normal)
            if k not in kinds and judgement.probability >= floors.get(k, floor)
        ]
        kinds += keyword_kinds
        alarm = self.classifier_alarm(judgement, len(whole.split()))
        if alarm and alarm not in kinds:
            kinds.append(alarm)
        # on the text before the exclusions, which take out "hit me years ago" and the like
        seen = bool(kinds) or bool(self.rules.keyword_kinds_in(normal))
        lowered = seen and self.past_for_reason.applies(f" {whole} ")
        if lowered:
            long_ago = self.past_for_reason.long_ago(f" {whole} ")
            kinds = [] if long_ago else [k for k in kinds if k in NEVER_LOWERED]
        rules_stand = any(k in rule_kinds for k in kinds)
        keywords_stand = any(k in keyword_kinds for k in kinds) and judgement.probability >= self.keyword_takeover
        takes_over = bool(kinds) and (rules_stand or keywords_stand or judgement.probability >= self.takeover)
        by_rules = bool(rule_kinds) or bool(keyword_kinds)
        return Verdict(
            tuple(kinds), by_rules, judgement.probability, judgement.language, lowered and not kinds, takes_over
        )

    def detect(self, text: str) -> str | None:
        return self.assess(text).kind

    def detect_all(self, text: str) -> list[str]:
        return list(self.assess(text).kinds)

    def detect_takeover(self, text: str) -> str | None:
        """The kind, when the emergency answer should replace the answer to the question."""
        verdict = self.assess(text)
        return verdict.kind if verdict.takes_over else None


def decision_settings(data: dict[str, Any]) -> dict[str, Any]:
    """The detector's bars from data/danger.yml `classifier` (the rest configures the classifier)."""
    floats = {"takeover": 0.8, "keyword_floor": 0.15, "keyword_takeover": 0.5, "long_threshold": 0.0}
    out: dict[str, Any] = {name: float(data.get(name, default)) for name, default in floats.items()}
    out["long_words"] = int(data.get("long_words", 25))
    out["keyword_floors"] = {str(k): float(v) for k, v in (data.get("keyword_floors") or {}).items()}
    out["kind_thresholds"] = {str(k): float(v) for k, v in (data.get("kind_thresholds") or {}).items()}
    return out


def build_detector(examples: Sequence[Example] | None = None, settings: ClassifierSettings | None = None) -> Detector:
    """Rules from data/danger.yml, the classifier trained on `examples` (default: the corpus and
    the NLU data; a few seconds). Cross-validation passes a part of the corpus."""
    data = yaml.safe_load(DANGER_FILE.read_text(encoding="utf-8"))
    rules = DangerDetector.from_data(data)
    classifier_data = dict(data.get("classifier") or {})
    decision = decision_settings(classifier_data)
    for name in [*decision, "keyword_floors", "kind_thresholds"]:
        classifier_data.pop(name, None)
    settings = settings or ClassifierSettings.from_data(classifier_data)
    decision["threshold"] = settings.threshold
    # the classifier names a kind from the lowest of the thresholds; the detector applies each
    settings = replace(settings, threshold=min([settings.threshold, *decision["kind_thresholds"].values()]))
    examples = training_examples() if examples is None else examples
    past = PastForReason.from_data(data.get("past_for_reason") or {}, rules.words)
    context = Context.from_data(data.get("context") or {}, rules.words, past)
    texts = [context.tagged(rules.prepared(e.text), rules.normalise(e.text)) for e in examples]
    classifier = train(texts, examples, settings)
    return Detector(rules, classifier, past, context=context, **decision)


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
