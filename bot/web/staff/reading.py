"""Staff notes read the way the danger patterns expect, then handed to the one danger detector.

The patterns of data/danger.yml (bot/danger) are written as callers speak: "I want to end my life",
"he is taking me abroad to be married". Call handlers write notes about the caller in the third
person and in shorthand ("FM, flight booked", "she wants to end her life"). This module only
rewrites the text (readings from data/staff_terms.yml); which words show danger is decided by the
one detector, never here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot import danger as detector
from contract.danger import KINDS, NEVER_LOWERED

_APOSTROPHES = re.compile(r"[\u2019']")


def words_pattern(words: list[str]) -> re.Pattern[str]:
    """Any of `words` as a whole word, longest first."""
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b")


@dataclass(frozen=True)
class FirstPerson:
    """Rewrites staff notes about the caller ("she wants to end her life") the way callers speak
    ("i want to end my life"), because the danger patterns are written in the first person."""

    subjects: re.Pattern[str]
    objects: re.Pattern[str]
    possessives: re.Pattern[str]
    reflexives: re.Pattern[str]
    possessed: re.Pattern[str]
    verb_pattern: re.Pattern[str]
    verbs: dict[str, str]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> FirstPerson:
        possessive = "|".join(map(re.escape, data["possessives"]))
        nouns = "|".join(map(re.escape, data["possessed"]))
        verbs = {str(k): str(v) for k, v in data["verbs"].items()}
        return cls(
            words_pattern(data["subjects"]),
            words_pattern(data["objects"]),
            words_pattern(data["possessives"]),
            words_pattern(data["reflexives"]),
            re.compile(rf"\b({possessive}) (?=({nouns})\b)"),
            re.compile(r"\bi (" + "|".join(map(re.escape, verbs)) + r")\b"),
            verbs,
        )

    def _verbs(self, text: str) -> str:
        return self.verb_pattern.sub(lambda m: "i " + self.verbs[m.group(1)], text)

    def variants(self, text: str) -> list[str]:
        """Two rewrites, since a bare "her" is both "me" (strangled her) and "my" (her mum's)."""
        lowered = _APOSTROPHES.sub("", text.lower())
        subject = self.reflexives.sub("myself", self.subjects.sub("i", self.possessed.sub("my ", lowered)))
        return [self._verbs(self.objects.sub("me", subject)), self._verbs(self.possessives.sub("my", subject))]


@dataclass(frozen=True)
class DangerReading:
    """Staff shorthand spelt the way the danger patterns expect ("FM" -> "to be married")."""

    rewrites: tuple[tuple[re.Pattern[str], str], ...]
    negations: tuple[re.Pattern[str], ...]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> DangerReading:
        rewrites = tuple((re.compile(r["pattern"], re.I), str(r["reading"])) for r in data.get("rewrites", []))
        return cls(rewrites, tuple(re.compile(p, re.I) for p in data.get("negations", [])))

    def read(self, text: str) -> str:
        for negation in self.negations:
            text = negation.sub(" ", text)
        for pattern, reading in self.rewrites:
            text = pattern.sub(lambda m, r=reading: f"{m.group(0)} ({r})", text)
        return text


def kinds_in(text: str) -> list[str]:
    """Every danger kind the one detector finds in `text`, when it is sure enough to give the
    emergency answer (the rules, or the classifier at `takeover`): a call handler's flag must not
    cry wolf, and the classifier-only alarms are too often false (docs/danger.md). A threat to kill
    or strangulation is flagged whenever it is found: those are the handler's first questions."""
    verdict = detector.shared_detector().assess(text)
    if verdict.takes_over or set(verdict.kinds) & NEVER_LOWERED:  # a threat to kill or strangling: always shown
        return list(verdict.kinds)
    return []


def danger_in(texts: Iterable[str], order: Iterable[str] = KINDS) -> list[str]:
    """The danger kinds found in any of `texts`, in `order` (kinds not in it last)."""
    found: set[str] = set()
    for text in dict.fromkeys(texts):
        found.update(kinds_in(text))
    listed = [kind for kind in dict.fromkeys(order) if kind in found]
    return listed + sorted(found - set(listed))
