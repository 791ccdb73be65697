"""Text shapes: Unicode normalisation, letters of every script, and the digit view for phones.

Why: people (and people hiding a number from a filter) type full-width letters, invisible format
characters and digits of their own script; every rule is written once, for the normal form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Zero-width joiner / non-joiner shape letters in Arabic and Indic scripts: kept between letters.
_JOINERS = "\u200c\u200d"
_PUNCTUATION = {"\u3002": ".", "\uff61": ".", "\u2024": ".", "\ufe52": ".", "\u066b": ".", "\u066c": ","}


def _ranges(codes: list[int]) -> str:
    """A regex character-class body for these code points, as ranges."""
    parts: list[str] = []
    start = prev = codes[0]
    for code in [*codes[1:], -1]:
        if code == prev + 1:
            prev = code
            continue
        parts.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
        start = prev = code
    return "".join(parts)


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], str, str]:
    digits: dict[int, str] = {}
    marks: list[int] = []
    formats: list[int] = []
    for code in range(0x80, 0x10000):
        char = chr(code)
        category = unicodedata.category(char)
        if category == "Nd":
            digits[code] = str(unicodedata.digit(char))
        elif category[0] == "M":
            marks.append(code)
        elif category == "Cf" and char not in _JOINERS:
            formats.append(code)
    digits.update({ord(k): v for k, v in _PUNCTUATION.items()})
    return digits, _ranges(marks), _ranges(formats)


def marks_class() -> str:
    """Combining marks of every script (vowel signs of Devanagari, Bengali, Gurmukhi...)."""
    return _tables()[1]


@lru_cache(maxsize=1)
def _format_chars() -> re.Pattern[str]:
    joiner_not_in_word = rf"(?<![^\W\d_{marks_class()}])[{_JOINERS}]|[{_JOINERS}](?![^\W\d_{marks_class()}])"
    return re.compile(rf"[{_tables()[2]}]+|{joiner_not_in_word}")


def _nfkc(text: str) -> str:
    """NFKC, except that a character expanding to more than three (a ligature such as U+FDFA,
    never used to hide a number or an address) stays as it is: the text cannot balloon."""
    normal = unicodedata.normalize("NFKC", text)
    if len(normal) <= len(text) + 16:
        return normal
    pieces = (unicodedata.normalize("NFKC", c) for c in text)
    return unicodedata.normalize("NFC", "".join(p if len(p) <= 3 else c for p, c in zip(pieces, text, strict=True)))


def normalise(text: str) -> str:
    """NFKC, without invisible format characters, with every script's digits as 0-9."""
    if text.isascii():
        return text
    text = _nfkc(text)
    text = _format_chars().sub("", text)
    return text.translate(_tables()[0])


# Between two digit groups, what people put to hide a number from a filter: one to six letters
# ("07700x900x123", "07700 a 900 b 123", "07700 dot 900", "punct") or odd punctuation (, * | ~ ; # = + _ /).
_ODD_SEPARATOR = re.compile(r"(?<=\d)[ \t]{0,2}(?:[^\W\d_]{1,6}|[,*|~;#=+_/]{1,3})[ \t]{0,2}(?=\d)")
# Letters o / O (zero) and l / I (one) inside a group of digits ("o77oo 9oo l23").
_OH_GROUP = re.compile(r"(?<!\w)(?=[0-9oOlI]*\d)[0-9oOlI]+(?!\w)")
_LOOK_ALIKE_DIGITS = str.maketrans("oOlI", "0011")


def digit_view(text: str) -> str:
    """A copy of `text`, the same length, where odd separators are spaces and o-for-0 is 0.

    Phone detection runs on this view and its spans are cut from the real text (same offsets).
    """
    view = text.replace("_", " ")
    view = _OH_GROUP.sub(lambda m: m.group(0).translate(_LOOK_ALIKE_DIGITS), view)
    return _ODD_SEPARATOR.sub(lambda m: " " * len(m.group(0)), view)


def letters(min_count: int = 1) -> str:
    """A regex for a run of letters of any script, combining marks included."""
    return rf"(?:[^\W\d_]|[{marks_class()}]){{{min_count},}}"
