"""The redaction data file (data/redaction.yml), read once and expanded.

Why a module of its own: the rules and word lists are data that a non-programmer reviews; the
code only needs them compiled. `{name}` in a pattern stands for the fragment `name`, and a
pattern written as a list of pieces is joined without spaces (see the file's header).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA_FILE = ROOT / "data" / "redaction.yml"
_REFERENCE = re.compile(r"\{([a-z_]+)\}")


def joined(pattern: str | list[str]) -> str:
    """A pattern as one string (lists of pieces are joined without separators)."""
    return "".join(pattern) if isinstance(pattern, list) else str(pattern)


def expand(pattern: str, fragments: dict[str, str]) -> str:
    """`pattern` with every `{name}` replaced by its fragment (fragments may use earlier ones)."""
    for _ in range(10):  # fragments nest a few levels deep at most
        expanded = _REFERENCE.sub(lambda m: fragments.get(m.group(1), m.group(0)), pattern)
        if expanded == pattern:
            return expanded
        pattern = expanded
    return pattern


def wordset(words: str | list[str]) -> frozenset[str]:
    """Lower-case words from a whitespace-separated text or a list."""
    items = words.split() if isinstance(words, str) else [str(w) for w in words]
    return frozenset(w.lower() for w in items)


@dataclass(frozen=True)
class Config:
    """data/redaction.yml, with fragments expanded into every pattern."""

    raw: dict[str, Any]
    fragments: dict[str, str]

    def pattern(self, value: str | list[str]) -> str:
        return expand(joined(value), self.fragments)

    def words(self, key: str) -> frozenset[str]:
        return wordset(self.raw["words"].get(key) or "")

    @property
    def placeholders(self) -> dict[str, str]:
        return dict(self.raw["placeholders"])


def _fragments(raw: dict[str, Any]) -> dict[str, str]:
    fragments: dict[str, str] = {}
    for name, value in (raw.get("fragments") or {}).items():
        fragments[name] = expand(joined(value), fragments)
    return fragments


@lru_cache(maxsize=4)
def load(path: Path = DATA_FILE) -> Config:
    """The data file, parsed and expanded (cached: it is read once per process)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Config(raw, _fragments(raw))
