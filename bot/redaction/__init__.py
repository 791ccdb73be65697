"""Personal data out, before Rasa sees the text.

Every channel's text passes through `redact()` in bot/gateway.py, so nothing downstream (NLU,
tracker store, action server, logs) can hold what is replaced here: phone numbers, e-mails,
postcodes, street addresses, names given as names, dates of birth, identity, reference and bank
numbers, online handles, what3words addresses and map coordinates.

What the answer needs is kept: towns and cities, years, durations, visa types, amounts of money,
and the service numbers the bot itself gives. The rules and word lists are data
(data/redaction.yml); this package applies them:
- text.py: Unicode normalisation and the digit view used for phone numbers;
- rules.py: the pattern rules, in the order of the data file;
- phones.py: libphonenumber (any country) and numbers said as words;
- names.py: names where the text says something is a name;
- keep.py / vocabulary.py: what a rule lets through, and which words are ordinary;
- frequency.py: ordinary words of other languages, by frequency (wordfreq's lists).
Every step reads the text a bounded number of times: cost grows linearly with its length
(`python -m bench.redaction` prints the ratios).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.redaction import frequency, phones
from bot.redaction.config import load
from bot.redaction.keep import digits_of, service_numbers
from bot.redaction.names import name_spans
from bot.redaction.rules import Rule, apply, replace_spans, rules
from bot.redaction.text import normalise
from bot.redaction.vocabulary import danger_words, vocabulary, vocabulary_stems

__all__ = ["PLACEHOLDER", "Redaction", "digits_of", "redact", "service_numbers", "vocabulary", "warm_up"]

PLACEHOLDER: dict[str, str] = load().placeholders
_DIGIT = re.compile(r"\d")
_SPECIAL = {"phone numbers": phones.library_spans, "spoken digits": phones.spoken_spans}


@dataclass(frozen=True)
class Redaction:
    text: str
    found: tuple[str, ...]


def _special(rule: Rule, text: str, found: list[str]) -> str:
    spans = _SPECIAL[rule.special](text)
    found.extend(kind for _, _, kind in spans)
    return replace_spans(text, spans, PLACEHOLDER) if spans else text


def _redact_names(text: str, found: list[str]) -> str:
    spans = name_spans(text)
    found.extend(["name"] * len(spans))
    return replace_spans(text, [(start, end, "name") for start, end in spans], PLACEHOLDER) if spans else text


def redact(text: str) -> Redaction:
    """`text` (normalised) with personal data replaced by placeholders, and the kinds found in order."""
    found: list[str] = []
    text = normalise(text)
    has_digit = _DIGIT.search(text) is not None
    lowered = text.lower()
    for rule in rules():
        if rule.special:
            if has_digit or not rule.needs_digit or rule.special == "spoken digits":
                text = _special(rule, text, found)
        elif rule.applies(lowered, has_digit):
            text = apply(rule, text, found, PLACEHOLDER)
    text = _redact_names(text, found)
    return Redaction(text, tuple(found))


def warm_up() -> None:
    """Load the word lists, rules and service numbers now rather than on the first message."""
    vocabulary()
    vocabulary_stems()
    service_numbers()
    danger_words()
    frequency.languages()
    redact("warm up 07700 900000 oh seven seven zorbina@example.com my name is Zorbina ٠٧٧٠٠ ＠")
