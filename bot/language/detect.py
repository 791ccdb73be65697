"""Which of the served languages a message is written in, or None when it is too short or too
uncertain to say: a "hi", "ok" or "yes" must never flip the conversation's language.

Scripts settle most cases (Bengali, Gurmukhi); lingua-language-detector (offline, its models ship
in the wheel) tells the Latin-script languages and Arabic from Urdu; bot/language/roman.py finds
Roman Urdu, Roman Punjabi, Roman Bengali and Shahmukhi Punjabi, which lingua does not know."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from bot.language.locales import locales
from bot.language.roman import ARABIC_SCRIPT, LATIN, classify

# Placeholders the redaction layer writes ([name], [phone]) carry no language.
_PLACEHOLDER = re.compile(r"\[[a-z_]+\]")
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")
MIN_WORDS = 3
MIN_LETTERS = 12
MIN_CONFIDENCE = 0.6
# Roman Urdu reads to lingua as English (even "sure" English) or Spanish: when lingua says English
# the romanised-forms classifier (which knows English too) decides; otherwise it wins unless lingua is sure.
ROMAN_CONFIDENCE = 0.5
LINGUA_SURE = 0.9
# Other scripts are evidence in themselves: fewer letters are enough.
MIN_LETTERS_OTHER_SCRIPT = 6


@dataclass(frozen=True)
class Detection:
    code: str
    confidence: float


def script_of(text: str) -> str:
    """The dominant script among the letters: 'latin', 'arabic', 'bengali', 'gurmukhi' or ''."""
    counts: dict[str, int] = {}
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "").split(" ")[0].lower()
        counts[name] = counts.get(name, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else ""


_READY: list[LanguageDetector] = []
_LOADING = threading.Lock()


def warm_up() -> LanguageDetector:
    """Build the detector and load every model (about 10 s on the first call, once per process)."""
    with _LOADING:
        if not _READY:
            names = [locale.lingua for locale in locales().by_code.values() if locale.lingua]
            builder = LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in names))
            detector = builder.with_preloaded_language_models().build()
            classify("warm up", LATIN)
            _READY.append(detector)
    return _READY[0]


def ready() -> bool:
    """True once the models are loaded. Until then the first turns keep the remembered language
    rather than make a person wait seconds: the loading starts in the background on first use."""
    if _READY:
        return True
    if not _LOADING.locked():
        threading.Thread(target=warm_up, name="language-models", daemon=True).start()
    return False


def _detector() -> LanguageDetector:
    return _READY[0] if _READY else warm_up()


def _lingua_codes() -> dict[str, str]:
    return {locale.lingua: code for code, locale in locales().by_code.items() if locale.lingua}


def _lingua(text: str) -> Detection:
    best = _detector().compute_language_confidence_values(text)[0]
    return Detection(_lingua_codes()[best.language.name], best.value)


def long_enough(text: str, script: str) -> bool:
    words = _LETTER_WORD.findall(text)
    letters = sum(len(w) for w in words)
    if script != LATIN:
        return letters >= MIN_LETTERS_OTHER_SCRIPT
    return len(words) >= MIN_WORDS or letters >= MIN_LETTERS


def detect(text: str) -> Detection | None:
    """The language of `text`, or None when the message is too short or the guess too weak."""
    text = _PLACEHOLDER.sub(" ", text).strip()
    script = script_of(text)
    if script == "bengali":
        return Detection("bn", 1.0)
    if script == "gurmukhi":
        return Detection("pa", 1.0)
    if not script or not long_enough(text, script):
        return None
    if script == "arabic":
        found = _lingua(text)
        if found.code != "ur":
            return found
        code, confidence = classify(text, ARABIC_SCRIPT)
        return Detection(code, confidence)
    found = _lingua(text)
    code, confidence = classify(text, LATIN)
    if confidence >= ROMAN_CONFIDENCE and (found.code == "en" or (code != "en" and found.confidence < LINGUA_SURE)):
        found = Detection(code, confidence)
    return found if found.confidence >= MIN_CONFIDENCE else None
