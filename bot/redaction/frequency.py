"""Ordinary words of other languages, from word frequencies (wordfreq's lists in its wheel).

Why frequencies and not lists: after "jestem", "mi marido" or "o meu marido" almost any word can
follow ("gejem", "sabe", "controla-me"), and no reviewed list can hold them all. A lower-case word
that is frequent in the cue's language is an ordinary word, not a name, unless it looks like one:
a first name of the English word list ("maria", "lucia"), or a word nearly as frequent in English
text as in its own language (names travel between languages; verbs and adjectives do not).
The settings are in data/redaction.yml (`frequency`). wordfreq's data is CC BY-SA 4.0.

Nothing here reads NLU examples or responses (issue 11): only wordfreq's lists, the English word
list and Babel's country names (CLDR, for "Reino Unido", "Wielkiej Brytanii", "Marea Britanie").
"""

from __future__ import annotations

import logging
import os.path
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.redaction.config import load
from bot.redaction.vocabulary import proper_nouns, vocabulary, words_in

log = logging.getLogger(__name__)
_LOST_LETTERS = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ß": "ss"})
_ACCENTS = re.compile("[\u0300-\u036f]")  # combining accents of Latin letters (after NFD)
_MIN_PLACE_WORD = 4  # shorter words of country names are joining words ("de", "do", "din")


@dataclass(frozen=True)
class Settings:
    languages: tuple[str, ...]
    min_zipf: float
    international_margin: dict[str, float]
    message_zipf: float
    message_min_words: int


@dataclass(frozen=True)
class Language:
    """One language's words: `ordinary` (frequent, not name-like: they also tell the message's
    language; English has `common` words for that) and its country names' words by first letters."""

    ordinary: frozenset[str]
    common: frozenset[str]
    places: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def settings() -> Settings:
    raw = load().raw.get("frequency") or {}
    return Settings(
        languages=tuple(raw.get("languages") or ()),
        min_zipf=float(raw.get("min_zipf", 2.5)),
        international_margin=_per_language(raw.get("international_margin", 1.5)),
        message_zipf=float(raw.get("message_zipf", 3.0)),
        message_min_words=int(raw.get("message_min_words", 2)),
    )


def _per_language(value: object) -> dict[str, float]:
    """A setting given once for all languages, or per language (missing ones take `default`)."""
    if isinstance(value, dict):
        return {str(k): float(v) for k, v in value.items()}
    return {"default": float(value)}  # type: ignore[arg-type]


def margin(lang: str) -> float:
    margins = settings().international_margin
    return margins.get(lang, margins.get("default", 1.5))


def fold(word: str) -> str:
    """`word` without accents ("lucía" -> "lucia", "łukasz" -> "lukasz"), as English text spells it."""
    if word.isascii():
        return word
    return _ACCENTS.sub("", unicodedata.normalize("NFD", word.translate(_LOST_LETTERS)))


def _zipf_table(lang: str, floor: float) -> dict[str, float]:
    """Every word of wordfreq's best list for `lang` at least `floor` on the Zipf scale."""
    from wordfreq import get_frequency_list  # imported here: a missing package must not stop messages

    table: dict[str, float] = {}
    for index, bucket in enumerate(get_frequency_list(lang, wordlist="best")):
        zipf = 9 - index / 100  # bucket i holds words of frequency 10^(-i/100)
        if zipf < floor:
            break
        table.update(dict.fromkeys(bucket, zipf))
    return table


def _forget_raw_lists() -> None:
    """wordfreq keeps every list it read for the life of the process; only the sets are needed."""
    from wordfreq import get_frequency_list

    get_frequency_list.cache_clear()


def _english(words: Iterable[str], english: dict[str, float]) -> dict[str, tuple[str, float]]:
    """Each word's unaccented form and English Zipf frequency (either form; 0 when absent)."""
    found: dict[str, tuple[str, float]] = {}
    for word in words:
        folded = fold(word)
        found[word] = (folded, max(english.get(word, 0.0), english.get(folded, 0.0)))
    return found


def name_like(word: str, zipf: float, english: tuple[str, float], lang: str) -> bool:
    """A first name of the English word list, or a word nearly as frequent in English as here
    that is not an English word itself ("unit", "sale" are frequent in English as words).
    `english`: the word's unaccented form and its English frequency."""
    folded, in_english = english
    names, words = proper_nouns(), vocabulary()
    if word in names or folded in names:
        return True
    return zipf - in_english <= margin(lang) and word not in words and folded not in words


def _place_words(lang: str) -> dict[str, tuple[str, ...]]:
    """Words of the country and territory names in `lang` (CLDR through Babel), by first letters."""
    try:
        from babel import Locale

        names = Locale.parse(lang).territories.values()
    except Exception:  # noqa: BLE001 - no Babel or no such locale: no place words, names stay names
        return {}
    by_prefix: dict[str, list[str]] = {}
    for word in words_in(" ".join(names)):
        if len(word) >= _MIN_PLACE_WORD:
            by_prefix.setdefault(word[:_MIN_PLACE_WORD], []).append(word)
    return {prefix: tuple(words) for prefix, words in by_prefix.items()}


_READY: list[dict[str, Language]] = []
_LOADING = threading.Lock()


def languages() -> dict[str, Language]:
    """The configured languages' word sets, loaded now if they are not yet (about 3 s and 70 MB
    for four languages, once per process). `warm_up()` calls it; messages use `_available()`."""
    with _LOADING:
        if not _READY:
            _READY.append(_load())
    return _READY[0]


def forget() -> None:
    """Drop the loaded sets (tests: to watch what loading reads)."""
    with _LOADING:
        _READY.clear()


def _available() -> dict[str, Language]:
    """The sets if loaded; otherwise start loading them in the background and answer with none.

    Why not wait: a person's first message must not wait seconds. Without the sets every rule
    still runs and lower-case words after a foreign cue are taken for names, as before: safe for
    privacy, worse for understanding, for the first seconds of a process that was not warmed up."""
    if _READY:
        return _READY[0]
    if not _LOADING.locked():
        threading.Thread(target=languages, name="redaction-frequencies", daemon=True).start()
    return {}


def _load() -> dict[str, Language]:
    config = settings()
    try:
        tables = {lang: _zipf_table(lang, config.min_zipf) for lang in config.languages}
        whole_english = _zipf_table("en", 0.0)
        english = _english({w for table in tables.values() for w in table}, whole_english)
        english_common = frozenset(w for w, z in whole_english.items() if z >= config.message_zipf)
        del whole_english
        _forget_raw_lists()
    except (ImportError, LookupError, OSError, ValueError) as error:  # no wordfreq: names stay names
        log.warning("redaction word frequencies unavailable: %s", type(error).__name__)
        return {}
    found = {"en": Language(frozenset(), english_common, {})}
    for lang, table in tables.items():
        frequent = ((w, z) for w, z in table.items() if z >= config.min_zipf)
        ordinary = frozenset(w for w, z in frequent if not name_like(w, z, english[w], lang))
        found[lang] = Language(ordinary, frozenset(), _place_words(lang))
    return found


def judges(lang: str | None) -> bool:
    """Whether `lang` has a frequency list here (then it, not a guess from shape, says what a
    lower-case word after a cue is)."""
    return bool(lang) and lang in _available()


def ordinary(word: str, lang: str | None) -> bool:
    """Whether lower-case `word` is an ordinary word of `lang` (frequent there and not name-like).

    A word joined by hyphens is ordinary when its first part is and the others are common words of
    the language too ("controla-me", "tira-lhe"); a name joined to a name stays one ("ana-maria")."""
    found = _available().get(lang or "")
    if not found:
        return False
    if word in found.ordinary:
        return True
    first, *rest = word.split("-")
    return bool(rest) and first in found.ordinary and all(part in found.ordinary for part in rest)


def message_language(text: str) -> str | None:
    """The configured language most of the message's words are common in, when it beats English.

    Why: English cues ("im", "i am", "me") are also words of other languages ("wyśle im zdjęcia",
    "iam rir", "me puedes ayudar"); the word after them is judged in the message's language."""
    found = _available()
    if not found:
        return None
    words = words_in(text)
    counts = {lang: sum(w in (table.common or table.ordinary) for w in words) for lang, table in found.items()}
    english = counts.pop("en", 0)
    best = max(counts, key=counts.__getitem__, default=None)
    if best and counts[best] > english and counts[best] >= settings().message_min_words:
        return best
    return None


def _same_stem(word: str, other: str) -> bool:
    """Two forms of one word: they share all but the last two letters of the shorter one
    ("wielkiej" / "wielka", "brytanii" / "brytania", "britanie" / "britanic")."""
    shared = len(os.path.commonprefix([word, other]))
    return shared >= _MIN_PLACE_WORD and shared >= min(len(word), len(other)) - 2


def place_word(word: str, lang: str) -> bool:
    """A word (any form) of a country name in `lang` that is not name-like ("unido", "brytanii")."""
    found = _available().get(lang)
    if not found or len(word) < _MIN_PLACE_WORD:
        return False
    forms = found.places.get(word[:_MIN_PLACE_WORD], ())
    return word in found.ordinary and any(_same_stem(word, form) for form in forms)


def is_place(words: list[str]) -> bool:
    """Capitalised words that name a country, not a person: in one language, the last is a word of
    a country name and the others are too or are ordinary words ("Reino Unido", "Marea Britanie").
    A name-like word anywhere ("Ana Irlanda", "Santa Lucía") keeps it a name."""
    if len(words) < 2:
        return False
    for lang in settings().languages:
        if place_word(words[-1], lang) and all(place_word(w, lang) or ordinary(w, lang) for w in words[:-1]):
            return True
    return False
