"""Find training lines that copy a blind line: equal once normalised, or character-trigram Jaccard > 0.8.

A blind set is only worth its figure while no line of it (or a light rewording) is in what the
models learn from. Callers get positions, never the text, so a check can report a leak without
showing the blind line. One checker serves the NLU, language and danger blind sets.

Lines of one or two words ("hola", "do widzenia", "thank you") are left out of the comparison:
any writer produces the same greeting, so such a line in both sets is not a leak of authorship,
and keeping "hola" out of training would only make the assistant worse at a greeting.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

_NON_WORD = re.compile(r"[^\w]+")
_ENTITY = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")
NEAR_COPY_JACCARD = 0.8
SHORTEST_COMPARED = 3  # words; shorter lines are formulas, not authored text
_COMMON_TRIGRAM = 400  # trigrams shared by more lines than this do not pick candidates (they still count)


def normalise(text: str) -> str:
    """Lower case, entity markup, diacritics and punctuation removed, single spaces (any script)."""
    text = _ENTITY.sub(lambda m: m.group(1) or m.group(2), text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", text).split())


def trigrams(norm: str) -> frozenset[str]:
    padded = f" {norm} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Leak:
    """Index of the test line and of the training line that copies it."""

    test_index: int
    train_index: int


class _Index:
    """Training lines by trigram, so each blind line is compared with a few candidates only."""

    def __init__(self, lines: list[str], norm: Callable[[str], str]) -> None:
        self.norm = norm
        self.exact = {norm(t): i for i, t in enumerate(lines)}
        self.grams = [trigrams(norm(t)) for t in lines]
        self.by_gram: dict[str, list[int]] = defaultdict(list)
        for i, grams in enumerate(self.grams):
            for gram in grams:
                self.by_gram[gram].append(i)

    def match(self, text: str, limit: float) -> int | None:
        norm = self.norm(text)
        if norm in self.exact:
            return self.exact[norm]
        mine = trigrams(norm)
        votes = Counter(
            i for gram in mine if len(self.by_gram.get(gram, ())) <= _COMMON_TRIGRAM for i in self.by_gram.get(gram, ())
        )
        for i, _ in votes.most_common(5):
            if jaccard(mine, self.grams[i]) > limit:
                return i
        return None


def near_copies(
    tests: Iterable[str],
    training: Iterable[str],
    limit: float = NEAR_COPY_JACCARD,
    norm: Callable[[str], str] = normalise,
) -> list[Leak]:
    index = _Index(list(training), norm)
    leaks: list[Leak] = []
    for ti, text in enumerate(tests):
        if len(norm(text).split()) < SHORTEST_COMPARED:
            continue
        found = index.match(text, limit)
        if found is not None:
            leaks.append(Leak(ti, found))
    return leaks


def nlu_examples(path: Path) -> list[str]:
    """Every example of a Rasa NLU file (entity markup kept; `normalise` drops it)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lines: list[str] = []
    for block in data.get("nlu") or []:
        for line in str(block.get("examples", "")).splitlines():
            if line.strip().startswith("- "):
                lines.append(line.strip()[2:])
    return lines


def yaml_strings(path: Path) -> list[str]:
    """Every string in a YAML file of word lists (e.g. the language detector's examples)."""

    def walk(node: object) -> Iterable[str]:
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    return list(walk(yaml.safe_load(path.read_text(encoding="utf-8"))))
