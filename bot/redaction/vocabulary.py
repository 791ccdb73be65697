"""Ordinary words: never taken for a name when written in lower case.

Why a curated source: the words come from an installed dictionary (Debian's wbritish, lower-case
entries only) and the reviewed lists in data/redaction.yml, plus the two files named there whose
words must never be hidden (danger vocabulary, place names). NLU examples and responses are not
read, so editing them cannot change what is redacted.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from bot.redaction.config import ROOT, load

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SUFFIXES = ("ing", "ies", "ied", "es", "ed", "er", "ly", "s", "e", "y")


def words_in(text: str) -> set[str]:
    return {w.group(0).lower().replace("’", "'") for w in _WORD.finditer(text)}


@lru_cache(maxsize=1)
def _word_list() -> tuple[str, ...]:
    for name in load().raw.get("dictionary") or []:
        path = Path(name)
        if path.is_file():
            lines = path.read_text(encoding="utf-8", errors="ignore").splitlines()
            return tuple(w.replace("’", "'") for w in (line.strip() for line in lines) if w)
    return ()


def _dictionary() -> set[str]:
    """Lower-case entries of the installed word list (capitalised ones are often names)."""
    return {w for w in _word_list() if w.islower()}


@lru_cache(maxsize=1)
def proper_nouns() -> frozenset[str]:
    """Capitalised entries of the word list, lower-cased ("Maria", "Grace"): first names, places."""
    return frozenset(w.lower() for w in _word_list() if w[:1].isupper() and w[1:].islower())


@lru_cache(maxsize=1)
def curated() -> frozenset[str]:
    """The reviewed lists only (no dictionary): words that are never a name, whatever their case."""
    config = load()
    words: set[str] = set()
    for key in ("function", "not_names", "not_names_other_languages", "known", "organisations"):
        words |= config.words(key)
    words |= danger_words()
    words |= _place_words(ROOT / config.raw["protected_words_from"]["places"])
    return frozenset(words)


def _place_words(path: Path) -> set[str]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):  # a broken data file must not stop messages getting through
        return set()
    names: list[str] = []
    for group in ("nations", "places"):
        for values in (data.get(group) or {}).values():
            names += [str(v) for v in values or []]
    return words_in(" ".join(names))


# The parts of data/danger.yml that are English vocabulary and its patterns. Its other languages'
# patterns are left out: they hold short words such as Arabizi "ana" (I) that are also first names
# ("Ana Silva"), and those languages' ordinary words are judged by frequency (bot/redaction/frequency.py).
_DANGER_SECTIONS = ("words", "misspellings", "fuzzy_words", "protected_words", "kinds", "exclusions", "keywords")


@lru_cache(maxsize=1)
def danger_words() -> frozenset[str]:
    """Words of the danger detector's English data: redaction must never hide one."""
    path = ROOT / load().raw["protected_words_from"]["danger"]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8", errors="replace")) or {}
    except (OSError, yaml.YAMLError):  # a broken data file must not stop messages getting through
        return frozenset()
    return frozenset(words_in(yaml.safe_dump({k: data.get(k) for k in _DANGER_SECTIONS}, allow_unicode=True)))


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """Every ordinary word (lower case)."""
    return frozenset(_dictionary() | curated())


def has_dictionary() -> bool:
    """Whether a word list is installed (`make setup` installs Debian's wbritish)."""
    return any(Path(p).is_file() for p in load().raw.get("dictionary") or [])


def stems(word: str) -> set[str]:
    """`word` without its common English endings ("stalks", "stalking" -> "stalk")."""
    found = {word}
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            found.add(word[: -len(suffix)])
    return found


@lru_cache(maxsize=1)
def vocabulary_stems() -> frozenset[str]:
    return frozenset(stem for word in vocabulary() for stem in stems(word))


def is_ordinary(word: str) -> bool:
    """A lower-case word we know, in any of its forms, or one shaped like a verb or adverb.

    A hyphenated word is ordinary when all its parts are ("non-binary", "non-eu").
    """
    if "-" in word.strip("-"):
        return all(is_ordinary(part) for part in word.split("-") if part)
    if word in vocabulary() or word.endswith(("ed", "ing", "ly", "n't")):
        return True
    return not stems(word).isdisjoint(vocabulary_stems())


def capitalised_is_name(bare: str) -> bool:
    """A capitalised word (lower-cased here) that may be a name: a first name in the word list
    ("Maria"), or a word that is not ordinary; never one of the reviewed lists' words."""
    if bare in curated():
        return False
    return bare in proper_nouns() or bare not in vocabulary()
