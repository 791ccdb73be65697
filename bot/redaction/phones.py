"""Phone and reference numbers the pattern rules cannot see: any country, odd shapes, words.

Why code and not patterns: Google's libphonenumber knows every country's numbering plan, and
numbers said as words ("oh seven seven double oh...") need counting, not matching. Both run on
bounded pieces of the text, so their cost grows with its length and no faster.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from bot.redaction.config import load
from bot.redaction.keep import all_years, digits_of, service_numbers
from bot.redaction.text import digit_view, letters

REGION = "GB"
# A stretch that may hold a phone number: 7 to 18 digits with the separators people use.
# Bounded repetition, so each attempt reads at most ~80 characters (linear in the text).
_CANDIDATE = re.compile(r"(?<![\w+])(?:\+|\(\s?)?\d(?:[\s().\-]{0,3}\d){6,17}(?!\w)")


def _kept(raw: str, view: str, start: int) -> bool:
    digits = digits_of(raw)
    if digits in service_numbers() or all_years(raw):
        return True
    if not raw.lstrip("( ").startswith("+") and not (digits.startswith("0") and 10 <= len(digits) <= 11):
        return True  # without "+", only a UK number (0 and 10-11 digits); the id rules see the rest
    return bool(re.search(r"[£$€]\s?$", view[max(0, start - 3) : start]))


def library_spans(text: str) -> list[tuple[int, int, str]]:
    """Spans of phone numbers found by libphonenumber in the digit view of `text`."""
    view = digit_view(text)
    spans: list[tuple[int, int, str]] = []
    for candidate in _CANDIDATE.finditer(view):
        piece = candidate.group(0)
        if not piece.lstrip("( ").startswith(("+", "0")):
            continue  # only "+..." or a UK "0..." number is taken from the library (see _kept)
        for found in phonenumbers.PhoneNumberMatcher(piece, REGION, leniency=phonenumbers.Leniency.POSSIBLE):
            start = candidate.start() + found.start
            if not _kept(found.raw_string, view, start):
                spans.append((start, candidate.start() + found.end, "phone"))
    return spans


# --- numbers said as words --------------------------------------------------------------------


@dataclass(frozen=True)
class SpokenWords:
    digits: dict[str, str]
    repeat: dict[str, int]
    joiners: frozenset[str]
    tens: dict[str, str]
    min_digits: int


@lru_cache(maxsize=1)
def spoken_words() -> SpokenWords:
    data = load().raw["spoken_digits"]
    digits = {str(word).lower(): digit for digit, words in data["digits"].items() for word in words}
    repeat = {str(w).lower(): 2 for w in data["double"]} | {str(w).lower(): 3 for w in data["triple"]}
    tens = {str(k): str(v) for k, v in data["tens"].items()}
    return SpokenWords(digits, repeat, frozenset(str(j) for j in data["joiners"]), tens, int(data["min_digits"]))


@lru_cache(maxsize=1)
def _token() -> re.Pattern[str]:
    return re.compile(rf"\d+|{letters()}|[,.\-+]")


@dataclass
class _Run:
    start: int = -1
    end: int = -1
    tail: int = -1  # end of the last digit word (a trailing "and" is not part of the number)
    digits: str = ""
    words: int = 0
    repeat: int = 1
    pending_tens: bool = False


def _value(word: str, words: SpokenWords) -> str | None:
    if word.isdigit():
        return word
    if word in words.tens:
        return words.tens[word] + "0"
    if word == "hundred":
        return "00"
    return words.digits.get(word)


def _close(run: _Run, words: SpokenWords, spans: list[tuple[int, int, str]]) -> None:
    if run.words >= 3 and len(run.digits) >= words.min_digits and run.digits not in service_numbers():
        national = digits_of(run.digits)
        kind = "phone" if national.startswith("0") and 10 <= len(national) <= 11 else "id number"
        spans.append((run.start, run.tail, kind))


def _add(run: _Run, word: str, value: str, tens: dict[str, str]) -> None:
    if run.pending_tens and len(value) == 1 and not word.isdigit():
        run.digits = run.digits[:-1] + value  # "seventy seven" -> 77
    else:
        run.digits += value * run.repeat
    run.pending_tens = word in tens
    run.repeat = 1
    run.words += 0 if word.isdigit() else 1


def _enough_words(text: str, words: SpokenWords) -> bool:
    """At least three digit words anywhere (most messages have none): the scan is skipped otherwise."""
    found = 0
    for word in _token().findall(text.lower()):
        if word in words.digits or word in words.repeat or word in words.tens:
            found += 1
            if found >= 3:
                return True
    return False


def spoken_spans(text: str) -> list[tuple[int, int, str]]:
    """Spans of numbers of `min_digits` or more said as words (at least three of them words)."""
    words = spoken_words()
    spans: list[tuple[int, int, str]] = []
    if not _enough_words(text, words):
        return spans
    run = _Run()
    for token in _token().finditer(text):
        word = token.group(0).lower()
        gap = text[run.end : token.start()] if run.start >= 0 else ""
        if run.start >= 0 and (len(gap) > 3 or gap.strip(" \t,.-")):
            _close(run, words, spans)
            run = _Run()
        value = _value(word, words)
        if value is None and word in words.repeat:
            run = run if run.start >= 0 else _Run(start=token.start())
            run.repeat, run.end = words.repeat[word], token.end()
            run.tail = max(run.tail, run.start)
        elif value is not None:
            run = run if run.start >= 0 else _Run(start=token.start())
            _add(run, word, value, words.tens)
            run.end = run.tail = token.end()
        elif run.start >= 0 and word in words.joiners:
            run.end = token.end()
        elif run.start >= 0:
            _close(run, words, spans)
            run = _Run()
    if run.start >= 0:
        _close(run, words, spans)
    return spans
