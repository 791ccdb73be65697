"""Text folding shared by the rules and the classifier, so both see one spelling of each word.

People write the same word many ways: with or without diacritics ("zabiję", "zabije"), with
the Arabic or the Urdu/Persian form of yeh and kaf (ي/ی, ك/ک), with hamza seats or without,
with zero-width joiners pasted from other apps, with Arabic-Indic, Eastern or Bengali digits.
`fold` maps all of these to one form and keeps every script: Latin letters lose their accents,
Arabic-script letters are unified and lose their short-vowel marks, and Bengali and Gurmukhi
keep their vowel signs (they are part of the word there, not an accent).
"""

from __future__ import annotations

import re
import unicodedata

# Invisible characters that split words without showing: zero-width space/joiners, marks,
# bidi controls, word joiner, BOM, Arabic tatweel (a stretch line inside a word).
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u0640]")
_APOSTROPHES = re.compile("['`\u00b4\u2018\u2019\u02bc]")
_REPEATS = re.compile(r"(.)\1\1+")
# A word character: \w, plus the vowel signs and viramas of the Indic scripts (Bengali, Gurmukhi
# and their neighbours), which \w does not count; the dandas are full stops.
_NOT_WORD = re.compile(r"[^\w\u0900-\u0963\u0966-\u0dff]+")

# One form per Arabic-script letter family (Arabic, Urdu, Shahmukhi Punjabi), and Latin letters
# NFKD does not split (ł, ø, ß, đ, ı).
_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Farsi/Urdu yeh
        "\u0649": "\u06cc",  # alef maksura -> yeh
        "\u06d2": "\u06cc",  # Urdu yeh barree -> yeh
        "\u06d3": "\u06cc",
        "\u0626": "\u06cc",  # yeh with hamza -> yeh
        "\u0643": "\u06a9",  # Arabic kaf -> keheh (Urdu kaf)
        "\u06aa": "\u06a9",
        "\u0623": "\u0627",  # alef with hamza above/below, madda, wasla -> alef
        "\u0625": "\u0627",
        "\u0622": "\u0627",
        "\u0671": "\u0627",
        "\u0624": "\u0648",  # waw with hamza -> waw
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u06c1": "\u0647",  # Urdu heh goal -> heh
        "\u06c2": "\u0647",
        "\u06be": "\u0647",  # heh doachashmee -> heh
        "\u06d5": "\u0647",
        "\u0621": "",  # lone hamza
        "\u0142": "l",
        "\u00f8": "o",
        "\u00df": "ss",
        "\u0111": "d",
        "\u0131": "i",
        "\u00e6": "ae",
        "\u0153": "oe",
    }
)
# Digits of every script the service reads, as ASCII.
_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Eastern (Urdu, Persian)
        **{chr(0x09E6 + i): str(i) for i in range(10)},  # Bengali
        **{chr(0x0A66 + i): str(i) for i in range(10)},  # Gurmukhi
    }
)


def _is_arabic_mark(char: str) -> bool:
    """Short vowels, tanween, shadda, sukun, superscript alef: optional in writing."""
    code = ord(char)
    return 0x064B <= code <= 0x065F or code == 0x0670 or 0x06D6 <= code <= 0x06ED


def strip_marks(text: str) -> str:
    """Accents off Latin letters and vowel marks off Arabic script; Indic vowel signs kept."""
    out: list[str] = []
    base_is_latin = False
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char):
            if base_is_latin or _is_arabic_mark(char):
                continue
            out.append(char)
            continue
        base_is_latin = char < "\u0250"
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def fold_letters(text: str) -> str:
    """Letters only: lower case, no accents, one form per Arabic-script letter. Safe to apply to
    regular expressions (it never touches punctuation), so patterns are folded the same way."""
    text = _INVISIBLE.sub("", text)
    return strip_marks(text.lower()).translate(_LETTERS).translate(_DIGITS)


def fold(text: str) -> str:
    """Lower case, folded letters, apostrophes removed, anything not a letter or digit to one
    space, a character repeated 3+ times cut to 2 ("pleeease" -> "pleease")."""
    text = fold_letters(_APOSTROPHES.sub("", text))
    text = _REPEATS.sub(r"\1\1", _NOT_WORD.sub(" ", text).replace("_", " "))
    return " ".join(text.split())
