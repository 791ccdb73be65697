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
_CANDIDATE = re.compile(r"(?<![\w+])(?:\+|\(\s?)?\d(?:[\s().\-]{0,5}\d){6,17}(?!\w)")


def _kept(raw: str, view: str, start: int) -> bool:
    digits = digits_of(raw)
    if digits in service_numbers() or all_years(raw):
        return True
    if not raw.lstrip("( ").startswith("+") and not (digits.startswith("0") and 10 <= len(digits) <= 11):
        return True  # without "+", only a UK number (0 and 10-11 digits); the id rules see the rest
    return bool(re.search(r"[£$€]\s?$", view[max(0, start - 3) : start]))


def _compact(piece: str) -> tuple[str, list[int]]:
    """`piece` with runs of spaces cut to one, and the index in `piece` of each character kept."""
    chars: list[str] = []
    index: list[int] = []
    for i, char in enumerate(piece):
        if char.isspace() and chars and chars[-1] == " ":
            continue
        chars.append(" " if char.isspace() else char)
        index.append(i)
    return "".join(chars), index


def _international_spans(view: str) -> list[tuple[int, int, str]]:
    """Numbers written with "+": libphonenumber knows every country's plan."""
    spans: list[tuple[int, int, str]] = []
    for candidate in _CANDIDATE.finditer(view):
        piece, index = _compact(candidate.group(0))
        if not piece.startswith("+"):
            continue
        for found in phonenumbers.PhoneNumberMatcher(piece, REGION, leniency=phonenumbers.Leniency.POSSIBLE):
            start = candidate.start() + index[found.start]
            if not _kept(found.raw_string, view, start):
                spans.append((start, candidate.start() + index[found.end - 1] + 1, "phone"))
    return spans


_GROUP = re.compile(r"\d+")
_GAP = re.compile(r"[\s().\-]{0,10}")
_UK_LENGTHS = (10, 11)
_DATE = re.compile(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}(?!\d)")  # 01/02/2025 10:30 is a date and a time


def _national_end(view: str, groups: list[re.Match[str]], first: int) -> int:
    """Index after the last group of a UK number (0 and 10-11 digits) starting at `first`, or -1."""
    digits, best = 0, -1
    for j in range(first, min(first + 11, len(groups))):
        if j > first and _GAP.fullmatch(view, groups[j - 1].end(), groups[j].start()) is None:
            break
        digits += len(groups[j].group(0))
        if digits > _UK_LENGTHS[-1]:
            break
        if digits in _UK_LENGTHS:
            best = j + 1
    return best


def _inside_number(view: str, at: int) -> bool:
    """The group at `at` continues a number ("+44 ...", "20-00-00"): no number starts there."""
    before = view[max(0, at - 2) : at]
    return before.endswith("+") or (len(before) == 2 and before[0].isdigit() and before[1] in "-./")


def _national_spans(text: str, view: str) -> list[tuple[int, int, str]]:
    """UK numbers in digit groups split any way ("07700 x 900 x 123", "0 77 00 90 01 23").

    Groups are joined from the left until they hold 10 or 11 digits (at most 11 groups are read
    from each start: linear). A number given by the bot (a service number) is kept.
    """
    spans: list[tuple[int, int, str]] = []
    groups = list(_GROUP.finditer(view))
    i = 0
    while i < len(groups):
        at = groups[i].start()
        starts_like_phone = groups[i].group(0).startswith("0") and not _inside_number(view, at)
        starts_like_phone = starts_like_phone and _DATE.match(text, at) is None
        end = _national_end(view, groups, i) if starts_like_phone else -1
        if end < 0:
            i += 1
            continue
        start, stop = groups[i].start(), groups[end - 1].end()
        if not _kept(view[start:stop], view, start):
            spans.append((start, stop, "phone"))
        i = end
    return spans


def library_spans(text: str) -> list[tuple[int, int, str]]:
    """Phone numbers the pattern rules missed, found in the digit view of `text`."""
    view = digit_view(text)
    spans = _international_spans(view) if "+" in view else []
    taken = [(a, b) for a, b, _ in spans]
    national = [s for s in _national_spans(text, view) if not any(a < s[1] and s[0] < b for a, b in taken)]
    return sorted(spans + national)


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
    """Three digit words in a row somewhere (most messages have none): else the scan is skipped."""
    run = 0
    for piece in text.lower().split():
        word = piece.strip(",.-!?;:()")
        if word.isdigit() or word in words.digits or word in words.repeat or word in words.tens:
            run += 1
            if run >= 3:
                return True
        elif word not in words.joiners:
            run = 0
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
