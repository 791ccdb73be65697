"""What a rule lets through: money, years, recent dates, and the numbers the bot itself gives.

Why: the answer needs amounts, years and visa dates, and a person who asks "is 0808 2000 247
free?" must be understood; none of these identifies anyone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path

from bot.redaction.config import ROOT, load
from bot.redaction.vocabulary import is_ordinary, vocabulary

_ANY_NUMBER = re.compile(r"(?:\+|\b)\d[\d\s().-]{4,20}\d\b")
_MONEY_BEFORE = re.compile(r"[£$€]\s?$")
_MONEY_AFTER = re.compile(r"\s*(?:pounds?|quid|gbp|euros?|eur|dollars?|usd|k|m|p|pence|million|bn)\b")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def digits_of(number: str) -> str:
    """The digits of a phone number in national form (+44 / 0044 / (0) -> 0)."""
    digits = re.sub(r"\D", "", number)
    for prefix in ("0044", "44"):
        if digits.startswith(prefix) and len(digits) >= len(prefix) + 9:
            rest = digits[len(prefix) :]
            return rest if rest.startswith("0") else "0" + rest
    return digits


def _service_files(root: Path) -> Iterable[Path]:
    settings = load().raw["service_numbers"]
    suffixes = set(settings["suffixes"])
    for name in settings["sources"]:
        path = root / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from (p for p in sorted(path.rglob("*")) if p.suffix in suffixes)


@lru_cache(maxsize=1)
def service_numbers(root: Path = ROOT) -> frozenset[str]:
    """Digits of every number in the files the bot speaks from (helplines, 999, 116 123...)."""
    settings = load().raw["service_numbers"]
    found: set[str] = set()
    for path in _service_files(root):
        text = path.read_text(encoding="utf-8", errors="replace")
        found |= {digits_of(m.group(0)) for m in _ANY_NUMBER.finditer(text)}
    kept = {d for d in found if len(d) >= int(settings["min_digits"])}
    return frozenset(kept | {str(n) for n in settings.get("always") or []})


def before(m: re.Match[str], n: int = 3) -> str:
    return m.string[max(0, m.start() - n) : m.start()]


def after(m: re.Match[str], n: int = 12) -> str:
    return m.string[m.end() : m.end() + n].lower()


def is_money(m: re.Match[str]) -> bool:
    return bool(_MONEY_BEFORE.search(before(m)) or _MONEY_AFTER.match(after(m)))


def all_years(text: str) -> bool:
    groups = re.findall(r"\d+", text)
    return all(len(g) == 4 and g[:2] in ("19", "20") for g in groups)


def is_service(m: re.Match[str]) -> bool:
    return digits_of(m.group(0)) in service_numbers()


def keep_number(m: re.Match[str]) -> bool:
    """Money, lists of years and the bot's own service numbers are not personal data."""
    return is_money(m) or all_years(m.group(0)) or is_service(m)


def _year_of(text: str) -> int | None:
    years = [g for g in re.findall(r"\d+", text) if len(g) in (2, 4)]
    if not years:
        return None
    year = max(years, key=len) if any(len(y) == 4 for y in years) else years[-1]
    if len(year) == 2:
        value = int(year)
        return 2000 + value if 2000 + value <= date.today().year else 1900 + value
    return int(year)


def recent_date(m: re.Match[str]) -> bool:
    """A full date less than `adult_years` ago (a visa expiry, an incident) is kept."""
    year = _year_of(m.group(0))
    return year is None or year > date.today().year - int(load().raw["adult_years"])


def too_short(m: re.Match[str]) -> bool:
    """After "visa", "case", "card"...: fewer than five characters is a count or a year, not an id."""
    value = m.group("pii")
    return len(re.sub(r"\W", "", value)) < 5 or all_years(value) or is_money(m)


def iban_too_short(m: re.Match[str]) -> bool:
    return len(re.sub(r"\D", "", m.group(0))) < 8


def known_words(m: re.Match[str]) -> bool:
    """True when every word (bar the street type) is an ordinary word: "the High Street"."""
    words = [w.lower() for w in _WORD.findall(m.group(0))][:-1]
    return all(w in vocabulary() for w in words)


def ordinary_word(m: re.Match[str]) -> bool:
    """The `pii` part is an ordinary word without digits ("my insta is private")."""
    value = m.group("pii")
    return value.isalpha() and is_ordinary(value.lower())


KEEP: dict[str, Callable[[re.Match[str]], bool]] = {
    "number": keep_number,
    "service": is_service,
    "short": too_short,
    "recent": recent_date,
    "iban": iban_too_short,
    "known": known_words,
    "word": ordinary_word,
}
