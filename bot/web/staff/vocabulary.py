"""What staff write and see, from data/staff_terms.yml: abbreviations, topic names, danger labels, needs.

Kept as data so that people who are not programmers can review every label a call handler reads.
This module only reads the file and answers questions about words; the danger reading of a query
(shorthand spelt out, third person rewritten) is in `reading`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.web.staff.reading import DangerReading, FirstPerson, danger_in
from contract.paths import DATA_DIR

TERMS_FILE = DATA_DIR / "staff_terms.yml"


@dataclass(frozen=True)
class Term:
    term: str
    meaning: str
    pattern: re.Pattern[str]
    expand: bool
    immigration: bool


@dataclass(frozen=True)
class Expansion:
    text: str
    terms: tuple[Term, ...]


def term_pattern(term: str, match_case: bool) -> re.Pattern[str]:
    """Whole-word match that tolerates extra spaces inside multi-word terms ("Appendix  VDA")."""
    body = r"\s+".join(re.escape(part) for part in term.split())
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", 0 if match_case else re.I)


def _term(entry: dict[str, Any]) -> Term:
    return Term(
        entry["term"],
        entry["expansion"],
        term_pattern(entry["term"], bool(entry.get("match_case"))),
        bool(entry.get("expand")),
        bool(entry.get("immigration")),
    )


@dataclass(frozen=True)
class Vocabulary:
    terms: tuple[Term, ...]
    immigration_phrases: tuple[re.Pattern[str], ...]
    danger_reading: DangerReading
    first_person: FirstPerson
    topics: dict[str, dict[str, Any]]
    danger: dict[str, dict[str, str]]
    needs: dict[str, str]

    @classmethod
    def load(cls, path: Path = TERMS_FILE) -> Vocabulary:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        terms = tuple(_term(t) for t in sorted(data["abbreviations"], key=lambda t: -len(t["term"])))
        return cls(
            terms,
            tuple(term_pattern(p, False) for p in data.get("immigration_phrases", [])),
            DangerReading.from_data(data.get("danger_reading") or {}),
            FirstPerson.from_data(data["first_person"]),
            data["topics"],
            data["danger"],
            data["needs"],
        )

    def expand(self, text: str, everything: bool = False) -> Expansion:
        """`text` with each expandable abbreviation (every one, if `everything`) followed by its
        meaning, and every term found. Longest terms first, and a span is used once, so
        "Appendix VDA" is not also read as "VDA"."""
        taken: list[tuple[int, int, Term]] = []
        for term in self.terms:
            for match in term.pattern.finditer(text):
                if all(match.end() <= s or match.start() >= e for s, e, _ in taken):
                    taken.append((match.start(), match.end(), term))
        taken.sort(key=lambda item: item[0])
        pieces, cursor = [], 0
        for _start, end, term in taken:
            pieces.append(text[cursor:end] + (f" ({term.meaning})" if term.expand or everything else ""))
            cursor = end
        pieces.append(text[cursor:])
        unique = {t.term: t for _, _, t in taken}
        return Expansion("".join(pieces), tuple(unique.values()))

    def danger_kinds(self, text: str) -> list[str]:
        """Every danger kind the one detector finds in the query, read as written, with every
        abbreviation spelt out ("FM, flight booked") and rewritten in the first person ("she
        wants to end her life"): staff notes are not written the way callers speak. Listed in
        the order of the `danger` labels, the order staff read them in."""
        spelt_out = self.expand(self.danger_reading.read(text), everything=True).text
        return danger_in([text, spelt_out, *self.first_person.variants(spelt_out)], order=self.danger)

    def topic_name(self, intent: str) -> str:
        return str(self.topics.get(intent, {}).get("name") or intent.replace("_", " "))

    def answerable(self, intent: str) -> bool:
        """False for small talk and questions about this chat service: not an answer for a caller."""
        return self.topics.get(intent, {}).get("answer", True) is not False

    def is_immigration_topic(self, intent: str | None) -> bool:
        return bool(intent and self.topics.get(intent, {}).get("immigration"))

    def mentions_immigration(self, text: str, found: tuple[Term, ...]) -> list[str]:
        """The words in the query that show the case turns on immigration status."""
        words = [t.term for t in found if t.immigration]
        words += [m.group(0) for p in self.immigration_phrases if (m := p.search(text))]
        return words

    def danger_label(self, kind: str) -> dict[str, str]:
        """The label and the step staff see for a danger kind (a plain label for a new kind)."""
        entry = self.danger.get(kind, {})
        return {"kind": kind, "label": entry.get("label", kind.replace("_", " ")), "step": entry.get("step", "")}


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return Vocabulary.load()
