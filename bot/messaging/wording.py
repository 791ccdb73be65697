"""The one loader of data/messaging.yml (lock-screen words, keywords, budgets, the channel's texts).

Why a data file: the words that must never show on a lock screen, the keywords and the wording
are reviewed by people who do not read Python, and the tests judge replies by the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from contract.paths import DATA_DIR

MESSAGING_FILE = DATA_DIR / "messaging.yml"


@dataclass(frozen=True)
class Budget:
    """Characters per text: `single` when a text is one segment, `part` per part beyond that."""

    single: int
    part: int


@dataclass(frozen=True)
class Profile:
    """What differs between the messaging channels; everything else is shared."""

    name: str
    max_texts: int
    budgets: dict[str, Budget]  # by encoding: gsm7 / ucs2 (SMS), unicode (WhatsApp)
    gsm_only: bool
    silent_when_limited: bool
    reminder: str
    privacy_note: str = ""  # added after the response named `privacy_response`
    privacy_response: str = ""


@dataclass(frozen=True)
class Wording:
    preview_chars: int
    telling: tuple[str, ...]
    leads: tuple[str, ...]
    filler: tuple[str, ...]
    emergency_repeats: tuple[str, ...]
    nation_short: dict[str, str]
    helplines_line: str
    helpline_line: str
    keywords: dict[str, str]  # word -> keyword
    keyword_max_chars: int
    max_options: int
    texts: dict[str, str]
    memory: dict[str, float]
    profiles: dict[str, Profile]


def _profile(name: str, raw: dict[str, Any]) -> Profile:
    budgets = {k: Budget(int(v["single"]), int(v["part"])) for k, v in raw.items() if k in ("gsm7", "ucs2", "unicode")}
    return Profile(
        name=name,
        max_texts=int(raw["max_texts"]),
        budgets=budgets,
        gsm_only=bool(raw.get("gsm_only")),
        silent_when_limited=bool(raw.get("silent_when_limited")),
        reminder=str(raw["reminder"]),
        privacy_note=str(raw.get("privacy_note", "")),
        privacy_response=str(raw.get("privacy_response", "")),
    )


@lru_cache(maxsize=2)
def wording(path: Path = MESSAGING_FILE) -> Wording:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lock = data["lock_screen"]
    keywords = {str(word): keyword for keyword, words in data["keywords"].items() for word in words}
    return Wording(
        preview_chars=int(lock["preview_chars"]),
        telling=tuple(str(w) for w in lock["telling"]),
        leads=tuple(sorted((str(x) for x in lock["leads"]), key=len)),
        filler=tuple(str(x) for x in data.get("filler") or ()),
        emergency_repeats=tuple(sorted((str(x) for x in data.get("emergency_repeats") or ()), key=len, reverse=True)),
        nation_short=dict(data["nation_short"]),
        helplines_line=str(data["helplines_line"]),
        helpline_line=str(data["helpline_line"]),
        keywords=keywords,
        keyword_max_chars=int(data["keyword_max_chars"]),
        max_options=int(data["max_options"]),
        texts={k: str(v) for k, v in data["texts"].items()},
        memory={k: float(v) for k, v in data["memory"].items()},
        profiles={name: _profile(name, raw) for name, raw in data["profiles"].items()},
    )


def profile(name: str) -> Profile:
    return wording().profiles[name]
