"""The translations, one file per language in data/translations/<code>.yml, keyed by the English
source's key and variant (bot/language/sources.py). Each entry records whether a native speaker
has reviewed it; an entry whose English source changed since it was translated is stale."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.language.locales import TRANSLATIONS_DIR, locales


@dataclass(frozen=True)
class Translation:
    key: str
    variant: str
    text: str
    buttons: tuple[str, ...]
    reviewed: bool
    needs_update: bool  # the English is being rewritten: translate again when it lands


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
        data.setdefault(key, {})[variant] = entry
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


@lru_cache(maxsize=16)
def translations(code: str) -> dict[tuple[str, str], Translation]:
    return load_file(translation_file(code))


def lookup(code: str, key: str, variant: str) -> Translation | None:
    """The translation for `code`, trying its fallbacks (Roman Urdu -> Urdu) in order. One marked
    `needs_update` is never served: its English changed, so it may say what is no longer true, and
    the person gets the current English instead."""
    for candidate in locales().chain(code):
        found = translations(candidate).get((key, variant))
        if found and not found.needs_update:
            return found
    return None
