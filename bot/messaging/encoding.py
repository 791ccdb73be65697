"""Plain text for phones, and its length in the units each encoding counts.

Why: an SMS holds 160 GSM-7 characters but only 70 once a single character needs UCS-2, and
an extension character (€, [, ]...) takes two septets. Text is folded to GSM-7 where a faithful
form exists (curly quotes, dashes, accents), so English replies keep the 160 budget; text in a
script GSM-7 cannot write (Arabic, Bengali...) stays as it is and is counted in UCS-2.
"""

from __future__ import annotations

import re
import unicodedata

GSM7 = "gsm7"
UCS2 = "ucs2"
UNICODE = "unicode"  # WhatsApp: characters, no segments

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€")
_EXTENDED_CHARS = tuple(GSM_EXTENDED)
_LOOKALIKES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"', "–": "-",
     "—": "-", "‒": "-", "―": "-", "…": "...", "•": "-", "·": "-", "×": "x", "\u00a0": " ", "\u2009": " ",
     "\u202f": " ", "\t": " ", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D"}
)  # fmt: skip
_DROPPED = {"So", "Sk", "Co", "Cn", "Cf", "Cs"}  # emoji, symbols, private and invisible characters
_MD_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)


def is_gsm(text: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENDED for c in text)


def _fold(char: str) -> str:
    """The GSM-7 form of one character: itself, its base letter, a letter kept for UCS-2, or nothing."""
    if char in GSM_BASIC or char in GSM_EXTENDED:
        return char
    folded = "".join(c for c in unicodedata.normalize("NFKD", char) if c in GSM_BASIC)
    if folded:
        return folded
    category = unicodedata.category(char)
    return "" if category in _DROPPED else char  # other scripts (letters, their punctuation) stay


def to_gsm(text: str) -> str:
    """Text folded to GSM-7 where that keeps its meaning (letters of other scripts are kept)."""
    return "".join(_fold(c) for c in text.translate(_LOOKALIKES))


def strip_markup(text: str) -> str:
    text = _MD_LINK.sub(r"\1 (\2)", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return _HEADING.sub("", _HTML_TAG.sub("", text))


def plain(text: str, gsm: bool = True) -> str:
    """Plain text for a phone: no Markdown, no HTML, tidy line breaks; folded to GSM-7 for SMS."""
    text = strip_markup(text)
    text = to_gsm(text) if gsm else text.translate(_LOOKALIKES)
    lines = [" ".join(line.split()) for line in text.replace("\r", "").split("\n")]
    return re.sub(r"\n{2,}", "\n", "\n".join(lines)).strip()


def encoding_for(texts: list[str], gsm_only: bool) -> str:
    """GSM-7 when every character has a GSM-7 form, else UCS-2 (SMS); WhatsApp counts characters."""
    if not gsm_only:
        return UNICODE
    return GSM7 if all(is_gsm(t) for t in texts) else UCS2


def units(text: str, encoding: str = GSM7) -> int:
    """Length as the network counts it: septets (extension characters take two), UTF-16 code
    units (a character outside the BMP, most emoji, takes two), or characters."""
    if encoding == GSM7:
        return len(text) + sum(text.count(c) for c in _EXTENDED_CHARS if c in text)
    if encoding == UCS2:
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def parts(text: str, encoding: str, single: int, part: int) -> int:
    """How many segments a text travels as (what it costs)."""
    length = units(text, encoding)
    if length <= single:
        return 1
    return -(-length // part)
