"""Danger detector figures: recall and false alarms per kind and per language, tuned and blind.

    python -m bench.danger [--folds 5] [--no-cv] [--sweep]

- dev: the detector as shipped, on tests/danger/dev (written for tuning, in every language and
  script, never trained on): thresholds are chosen on it and on the cross-validation.
- tuned: k-fold cross-validation over the corpus (data/danger_corpus): each fold's classifier
  learns from the other folds (and the NLU data) and is scored on the fold it never saw; the
  rules are the same in every fold (they were written with the corpus in view, so their part
  of the tuned figure is optimistic).
- blind: the detector as shipped, on tests/danger/blind/danger_blind.yml and the older
  tests/danger/danger_blind.yml. Only counts are printed, never a blind message: nobody may
  tune on them (tests/danger/test_blind_gate.py gates them).
- latency: the detector's own time per message (p50, p95), measured in this process.
`--sweep` prints cross-validated recall and false alarms at other classifier thresholds (how
the threshold in data/danger.yml was chosen).
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.danger.corpus import Example, load_corpus, load_nlu_examples
from bot.danger.detector import Detector, Verdict, build_detector, shared_detector
from contract.danger import canonical_kind
from contract.paths import PROJECT_ROOT
from tooling.stats import percentile

BLIND = PROJECT_ROOT / "tests" / "danger" / "blind" / "danger_blind.yml"
OLD_BLIND = PROJECT_ROOT / "tests" / "danger" / "danger_blind.yml"
DEV = PROJECT_ROOT / "tests" / "danger" / "dev"  # written for tuning, never trained on
GATE_RECALL = 0.97
GATE_FALSE_ALARMS = 0.10


@dataclass(frozen=True)
class Item:
    text: str
    danger: bool
    kind: str | None
    lang: str
    category: str = "-"  # a near miss's category (idiom, cooking, past_for_reason...)


def blind_items(path: Path = BLIND) -> list[Item]:
    """The blind set (`danger: [{text, kind, lang, style}]`, `near_miss: [{text, lang, category}]`)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    danger = [Item(d["text"], True, canonical_kind(d["kind"]), d.get("lang", "en")) for d in data["danger"]]
    near = [
        Item(d["text"], False, None, d.get("lang", "en"), str(d.get("category") or "-"))
        for d in data.get("near_miss") or []
    ]
    return danger + near


def old_blind_items(path: Path = OLD_BLIND) -> list[Item]:
    """The older English blind set (`danger: [{text, kind}]`, `not_danger: [{text}]`)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    danger = [Item(d["text"], True, canonical_kind(d["kind"]), "en") for d in data["danger"]]
    return danger + [Item(d["text"], False, None, "en") for d in data["not_danger"]]


def dev_items(directory: Path = DEV) -> list[Item]:
    """The dev set (tests/danger/dev/*.yml, the corpus's format): tuned on, never trained on."""
    return [as_item(e) for e in load_corpus(directory)]


def as_item(example: Example) -> Item:
    return Item(example.text, example.danger, example.kind, example.lang, example.category or "-")


@dataclass
class Tally:
    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.hits += int(hit)
        self.total += 1

    def rate(self) -> float | None:
        return self.hits / self.total if self.total else None


@dataclass
class Scores:
    recall: Tally = dataclasses.field(default_factory=Tally)
    false_alarms: Tally = dataclasses.field(default_factory=Tally)
    right_kind: Tally = dataclasses.field(default_factory=Tally)
    by_rules: Tally = dataclasses.field(default_factory=Tally)
    takeover_danger: Tally = dataclasses.field(default_factory=Tally)  # the emergency answer replaced the topic
    takeover_near: Tally = dataclasses.field(default_factory=Tally)
    recall_by_kind: dict[str, Tally] = dataclasses.field(default_factory=lambda: defaultdict(Tally))
    recall_by_lang: dict[str, Tally] = dataclasses.field(default_factory=lambda: defaultdict(Tally))
    alarms_by_lang: dict[str, Tally] = dataclasses.field(default_factory=lambda: defaultdict(Tally))
    takeover_by_lang: dict[str, Tally] = dataclasses.field(default_factory=lambda: defaultdict(Tally))
    alarms_by_category: dict[str, Tally] = dataclasses.field(default_factory=lambda: defaultdict(Tally))
    takeover_by_category: dict[str, Tally] = dataclasses.field(default_factory=lambda: defaultdict(Tally))

    def add(self, item: Item, verdict: Verdict) -> None:
        alarm = verdict.kind is not None
        if item.danger:
            self.recall.add(alarm)
            self.recall_by_kind[item.kind or "?"].add(alarm)
            self.recall_by_lang[item.lang].add(alarm)
            self.by_rules.add(verdict.by_rules)
            self.takeover_danger.add(verdict.takes_over)
            if alarm:
                self.right_kind.add(item.kind in verdict.kinds)
        else:
            self.false_alarms.add(alarm)
            self.takeover_near.add(verdict.takes_over)
            self.alarms_by_lang[item.lang].add(alarm)
            self.takeover_by_lang[item.lang].add(verdict.takes_over)
            self.alarms_by_category[item.category].add(alarm)
            self.takeover_by_category[item.category].add(verdict.takes_over)


def score(pairs: Iterable[tuple[Item, Verdict]]) -> Scores:
    scores = Scores()
    for item, verdict in pairs:
        scores.add(item, verdict)
    return scores


def judged(detector: Detector, items: Sequence[Item]) -> list[tuple[Item, Verdict]]:
    return [(item, detector.assess(item.text)) for item in items]


def folds(examples: Sequence[Example], k: int) -> list[list[int]]:
    """k folds, each language and label spread evenly (every k-th line of each group)."""
    groups: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for i, example in enumerate(examples):
        groups[(example.lang, example.danger)].append(i)
    out: list[list[int]] = [[] for _ in range(k)]
    for indices in groups.values():
        for position, i in enumerate(indices):
            out[position % k].append(i)
    return out


def cross_validated(k: int = 5, threshold: float | None = None) -> list[tuple[Item, Detector]]:
    """Each corpus line with the detector that did not learn from it."""
    corpus, nlu = load_corpus(), load_nlu_examples()
    pairs: list[tuple[Item, Detector]] = []
    for held in folds(corpus, k):
        held_set = set(held)
        detector = build_detector([e for i, e in enumerate(corpus) if i not in held_set] + nlu)
        if threshold is not None:
            detector = at_threshold(detector, threshold)
        pairs += [(as_item(corpus[i]), detector) for i in held]
    return pairs


def at_threshold(detector: Detector, threshold: float) -> Detector:
    """The detector with one classifier threshold for every kind."""
    classifier = dataclasses.replace(detector.classifier, threshold=threshold)
    return dataclasses.replace(detector, classifier=classifier, threshold=threshold, kind_thresholds={})


def latency_ms(detector: Detector, texts: Sequence[str]) -> tuple[float, float, float]:
    """p50 and p95 of the detector's own CPU time per message, and the p95 of wall time, in ms.
    CPU time is the detector's cost; wall time adds whatever else the machine runs meanwhile."""
    cpu, wall = [], []
    for text in texts:
        start, start_cpu = time.perf_counter(), time.thread_time()
        detector.assess(text)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return percentile(cpu, 50), percentile(cpu, 95), percentile(wall, 95)


def pct(tally: Tally | None) -> str:
    rate = tally.rate() if tally else None
    return "   -  " if rate is None else f"{rate:6.1%}"


def table(title: str, keys: Iterable[str], columns: dict[str, dict[str, Tally]]) -> list[str]:
    names = list(columns)
    lines = [f"{title:<24}" + "".join(f"{name:>16}" for name in names)]
    for key in keys:
        cells = []
        for name in names:
            tally = columns[name].get(key)
            cells.append(f"{pct(tally)} ({tally.total if tally else 0:>3})".rjust(16))
        lines.append(f"{key:<24}" + "".join(cells))
    return lines


def summary(name: str, scores: Scores) -> str:
    return (
        f"{name:<10} recall {pct(scores.recall)} of {scores.recall.total}, false alarms {pct(scores.false_alarms)} "
        f"of {scores.false_alarms.total}, right kind {pct(scores.right_kind)}, caught by rules {pct(scores.by_rules)}; "
        f"emergency answer instead of the topic: danger {pct(scores.takeover_danger)}, "
        f"near misses {pct(scores.takeover_near)}"
    )


def report(sets: dict[str, Scores]) -> list[str]:
    kinds = sorted({k for s in sets.values() for k in s.recall_by_kind})
    langs = sorted({k for s in sets.values() for k in [*s.recall_by_lang, *s.alarms_by_lang]})
    lines = [summary(name, s) for name, s in sets.items()]
    lines += ["", *table("recall by kind", kinds, {n: s.recall_by_kind for n, s in sets.items()})]
    lines += ["", *table("recall by language", langs, {n: s.recall_by_lang for n, s in sets.items()})]
    lines += ["", *table("false alarms by language", langs, {n: s.alarms_by_lang for n, s in sets.items()})]
    lines += ["", *table("takeover by language", langs, {n: s.takeover_by_lang for n, s in sets.items()})]
    categories = sorted({k for s in sets.values() for k in s.alarms_by_category})
    lines += ["", *table("false alarms by category", categories, {n: s.alarms_by_category for n, s in sets.items()})]
    lines += ["", *table("takeover by category", categories, {n: s.takeover_by_category for n, s in sets.items()})]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-cv", action="store_true", help="blind figures and latency only")
    parser.add_argument("--sweep", action="store_true", help="cross-validated figures at other thresholds")
    args = parser.parse_args(argv)
    detector = shared_detector()
    sets: dict[str, Scores] = {}
    if not args.no_cv:
        cv = cross_validated(args.folds)
        sets["tuned (cv)"] = score((item, d.assess(item.text)) for item, d in cv)
        if args.sweep:
            for threshold in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
                s = score((item, at_threshold(d, threshold).assess(item.text)) for item, d in cv)
                print(f"threshold {threshold:.2f}: {summary('cv', s)}")
    sets["dev"] = score(judged(detector, dev_items()))
    blind, old = blind_items(), old_blind_items()
    sets["blind"] = score(judged(detector, blind))
    sets["old blind"] = score(judged(detector, old))
    print("\n".join(report(sets)))
    texts = [item.text for item in [*blind, *old]] + [e.text for e in load_corpus()]
    p50, p95, wall95 = latency_ms(detector, texts)
    print(
        f"\ndetector latency per message (CPU): p50 {p50:.2f} ms, p95 {p95:.2f} ms (target p95 < 5 ms); "
        f"wall-clock p95 {wall95:.2f} ms on this machine now; {len(texts)} messages"
    )
    gate = sets["blind"]
    passed = (gate.recall.rate() or 0) >= GATE_RECALL and (gate.false_alarms.rate() or 1) <= GATE_FALSE_ALARMS
    verdict = "pass" if passed else "FAIL"
    print(f"blind gate (recall >= {GATE_RECALL:.0%}, false alarms <= {GATE_FALSE_ALARMS:.0%}): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def _recall_and_alarms(scores: Scores, lang: str) -> str:
    recall, alarms = pct(scores.recall_by_lang.get(lang)).strip(), pct(scores.alarms_by_lang.get(lang)).strip()
    return f"recall {recall}, false alarms {alarms}"


def measure() -> dict[str, Any]:
    """The blind figures and the detector's latency for `make bench` (counts only, never a line)."""
    detector = shared_detector()
    blind = blind_items()
    scores = score(judged(detector, blind))
    p50, p95, _ = latency_ms(detector, [item.text for item in blind])
    langs = sorted({*scores.recall_by_lang, *scores.alarms_by_lang})
    return {
        "blind_recall": pct(scores.recall).strip(),
        "false_alarms": pct(scores.false_alarms).strip(),
        "emergency_answer_on_near_misses": pct(scores.takeover_near).strip(),
        "p50_ms": round(p50, 2),
        "p95_ms": round(p95, 2),
        "by_language": {lang: _recall_and_alarms(scores, lang) for lang in langs},
    }
