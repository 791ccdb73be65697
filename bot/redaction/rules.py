"""The pattern rules of data/redaction.yml, compiled once and applied in order.

Why: a rule is data (kind, pattern, keep test); this module only turns it into a compiled
pattern and a replacement. A rule never sees what an earlier one replaced.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.redaction.config import Config, load
from bot.redaction.keep import KEEP

# Rule kinds reported under another placeholder (a card failing Luhn is an id number).
_KIND_ALIASES = {"national insurance": "id number"}


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern[str] | None
    keep: Callable[[re.Match[str]], bool] | None = None
    needs_digit: bool = True
    gate: tuple[str, ...] = ()  # skip the rule unless the lower-case text holds one of these
    special: str = ""  # a rule written as code: "phone numbers", "spoken digits"

    def applies(self, lowered: str, has_digit: bool) -> bool:
        if self.needs_digit and not has_digit:
            return False
        return not self.gate or any(g in lowered for g in self.gate)


def _compile(entry: dict[str, Any], config: Config) -> Rule:
    if "special" in entry:
        return Rule(kind="", pattern=None, needs_digit=entry.get("needs_digit", True), special=entry["special"])
    flags = 0 if entry.get("case_sensitive") else re.I
    keep = KEEP[entry["keep"]] if entry.get("keep") else None
    return Rule(
        kind=entry["kind"],
        pattern=re.compile(config.pattern(entry["pattern"]), flags),
        keep=keep,
        needs_digit=entry.get("needs_digit", True),
        gate=tuple(entry.get("gate") or ()),
    )


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """Every rule of the data file, in order."""
    config = load()
    return tuple(_compile(entry, config) for entry in config.raw["rules"])


def kind_of(rule: Rule, m: re.Match[str]) -> str:
    if rule.kind == "card":
        return "bank details" if _luhn(re.sub(r"\D", "", m.group(0))) else "id number"
    return _KIND_ALIASES.get(rule.kind, rule.kind)


def apply(rule: Rule, text: str, found: list[str], placeholders: dict[str, str]) -> str:
    """`text` with every match of `rule` replaced (or only its `pii` group)."""
    assert rule.pattern is not None

    def replace(m: re.Match[str]) -> str:
        if rule.keep is not None and rule.keep(m):
            return m.group(0)
        kind = kind_of(rule, m)
        found.append(kind)
        if "pii" in m.re.groupindex and m.group("pii") is not None:
            start, end = m.start("pii") - m.start(), m.end("pii") - m.start()
            return m.group(0)[:start] + placeholders[kind] + m.group(0)[end:]
        return placeholders[kind]

    return rule.pattern.sub(replace, text)


def replace_spans(text: str, spans: list[tuple[int, int, str]], placeholders: dict[str, str]) -> str:
    """`text` with each (start, end, kind) span replaced, in one pass (spans sorted, disjoint)."""
    pieces: list[str] = []
    last = 0
    for start, end, kind in spans:
        pieces += [text[last:start], placeholders[kind]]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)
