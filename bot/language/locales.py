"""The languages served, read from data/translations/locales.yml (names, direction, fallbacks)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from contract.paths import DATA_DIR

TRANSLATIONS_DIR = DATA_DIR / "translations"
LOCALES_FILE = TRANSLATIONS_DIR / "locales.yml"
DETECTION_FILE = TRANSLATIONS_DIR / "detection.yml"


@dataclass(frozen=True)
class Locale:
    code: str
    self_name: str
    english_name: str
    lingua: str | None
    rtl: bool
    fallback: str | None
    note: str
    switched: str
    switch: tuple[str, ...]


@dataclass(frozen=True)
class Locales:
    default: str
    by_code: dict[str, Locale]

    def get(self, code: str | None) -> Locale:
        return self.by_code.get(code or self.default, self.by_code[self.default])

    def chain(self, code: str) -> list[str]:
        """The codes whose translations serve `code`, best first (e.g. ur-Latn, then ur)."""
        out: list[str] = []
        while code and code in self.by_code and code not in out:
            out.append(code)
            code = self.by_code[code].fallback or ""
        return out

    def translated(self) -> list[str]:
        """Every code except the default (English is the source)."""
        return [code for code in self.by_code if code != self.default]


@lru_cache(maxsize=2)
def locales(path: Path = LOCALES_FILE) -> Locales:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    by_code = {
        code: Locale(
            code=code,
            self_name=str(item["self_name"]),
            english_name=str(item["english_name"]),
            lingua=item.get("lingua"),
            rtl=bool(item.get("rtl", False)),
            fallback=item.get("fallback"),
            note=str(item.get("note", "")),
            switched=str(item["switched"]),
            switch=tuple(str(s).lower() for s in item.get("switch", [])),
        )
        for code, item in data["locales"].items()
    }
    return Locales(default=str(data["default"]), by_code=by_code)


def language_menu() -> list[dict[str, str]]:
    """The widget's language menu: main forms only (romanised forms are detected, not chosen)."""
    return [{"code": code, "name": loc.self_name} for code, loc in locales().by_code.items() if not loc.fallback]
