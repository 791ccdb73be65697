"""The translations, one file per language in data/translations/<code>.yml, keyed by the English
source's key and variant (bot/language/sources.py). Each entry records whether a native speaker
has reviewed it, and `source`: a short hash of the English it was translated from. An entry whose
English changed since (its hash no longer matches) is stale, like one marked `needs_update`, and is
never served: nobody has to remember to mark it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import takewhile
from pathlib import Path

import yaml

from bot.language.locales import TRANSLATIONS_DIR, locales
from bot.language.sources import source_hash, sources


@dataclass(frozen=True)
class Translation:
    key: str
    variant: str
    text: str
    buttons: tuple[str, ...]
    reviewed: bool
    needs_update: bool  # the English is being rewritten: translate again when it lands
    source: str = ""  # hash of the English it was translated from (bot.language.sources.source_hash)

    def is_current(self) -> bool:
        """Translated from the English as it is now, and not marked for an update."""
        english = sources().get((self.key, self.variant))
        return not self.needs_update and english is not None and self.source == source_hash(english.text)


def translation_file(code: str, directory: Path = TRANSLATIONS_DIR) -> Path:
    return directory / f"{code}.yml"


def parse(data: dict) -> dict[tuple[str, str], Translation]:
    out: dict[tuple[str, str], Translation] = {}
    for key, variants in (data or {}).items():
        for variant, item in variants.items():
            out[(key, variant)] = Translation(
                key=key,
                variant=variant,
                text=str(item["text"]).strip(),
                buttons=tuple(str(b) for b in item.get("buttons") or []),
                reviewed=bool(item.get("reviewed", False)),
                needs_update=bool(item.get("needs_update", False)),
                source=str(item.get("source") or ""),
            )
    return out


def load_file(path: Path) -> dict[tuple[str, str], Translation]:
    if not path.exists():
        return {}
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")))


def dump(translations: dict[tuple[str, str], Translation]) -> str:
    """YAML text for one language's file, in a stable order."""
    data: dict[str, dict[str, dict]] = {}
    for (key, variant), item in sorted(translations.items()):
        entry: dict = {"text": item.text}
        if item.buttons:
            entry["buttons"] = list(item.buttons)
        entry["reviewed"] = item.reviewed
        if item.needs_update:
            entry["needs_update"] = True
        if item.source:
            entry["source"] = item.source
        data.setdefault(key, {})[variant] = entry
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


@lru_cache(maxsize=16)
def translations(code: str) -> dict[tuple[str, str], Translation]:
    return load_file(translation_file(code))


def lookup(code: str, key: str, variant: str) -> Translation | None:
    """The translation for `code`, trying its fallbacks (Roman Urdu -> Urdu) in order. A stale one
    is never served: its English changed, so it may say what is no longer true, and the person gets
    the current English instead."""
    for candidate in locales().chain(code):
        found = translations(candidate).get((key, variant))
        if found and found.is_current():
            return found
    return None


def stamp(code: str) -> int:
    """Record the current English's hash on every entry of `code` that has none and is not marked
    `needs_update`: for a translator who has just translated from the current English. Returns the
    count stamped."""
    path = translation_file(code)
    have = load_file(path)
    stamped = 0
    for ident, item in list(have.items()):
        english = sources().get(ident)
        if item.source or item.needs_update or english is None:
            continue
        have[ident] = replace(item, source=source_hash(english.text))
        stamped += 1
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = "".join(takewhile(lambda line: line.startswith("#"), lines))
    path.write_text(header + dump(have), encoding="utf-8")
    translations.cache_clear()
    return stamped
