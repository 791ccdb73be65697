"""Which UK nation, and which language, a message mentions.

Help differs between England, Wales, Scotland and Northern Ireland, so a place name ("I'm in
Cardiff") is enough to pick the right helplines. Names come from data/places.yml and
data/languages.yml; names that are also ordinary words or exist in two nations are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_LONGEST_NAME = 4


@dataclass(frozen=True)
class Mention:
    value: str
    start: int
    end: int
    text: str


def _casefold(name: str) -> str:
    return " ".join(w.group(0) for w in _WORD.finditer(name.casefold()))


@dataclass(frozen=True)
class Gazetteer:
    """Lower-case names (one to four words) mapped to a canonical value."""

    names: dict[str, str]

    def find(self, text: str) -> Mention | None:
        """The first (longest at each position) name mentioned in `text`."""
        words = list(_WORD.finditer(text))
        for i in range(len(words)):
            for size in range(min(_LONGEST_NAME, len(words) - i), 0, -1):
                span = words[i : i + size]
                key = " ".join(w.group(0).casefold() for w in span)
                if key in self.names:
                    start, end = span[0].start(), span[-1].end()
                    return Mention(self.names[key], start, end, text[start:end])
        return None


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=1)
def nations() -> Gazetteer:
    data = _load(DATA_DIR / "places.yml")
    ignored = {_casefold(n) for n in data.get("ambiguous", []) or []}
    names: dict[str, str] = {}
    for section in ("places", "nations"):
        for nation, entries in (data.get(section) or {}).items():
            for entry in entries or []:
                key = _casefold(str(entry))
                if key and key not in ignored:
                    names[key] = nation
    return Gazetteer(names)


@lru_cache(maxsize=1)
def languages() -> Gazetteer:
    data = _load(DATA_DIR / "languages.yml")
    names = {
        _casefold(str(entry)): language
        for language, entries in (data.get("languages") or {}).items()
        for entry in [language, *(entries or [])]
    }
    return Gazetteer(names)
