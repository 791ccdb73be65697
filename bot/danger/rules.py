"""The first layer of the danger detector: reviewed rules (data/danger.yml).

Rules, not a model, so that it works the same for misspelt and broken English, for long messages
with the danger in the middle, and whatever the classifier or the dialogue state says. The
patterns live in data/danger.yml so they can be reviewed by people who are not programmers.

Steps, for every message:
1. normalise (bot/danger/normalise.py): lower case, accents and apostrophes removed, every
   script kept with its letter variants unified, anything not a letter or digit to a space,
   characters repeated 3+ times cut to 2; patterns are folded the same way when loaded;
2. correct each word: first the explicit `misspellings` list (any length, SMS shorthand too:
   "knif" -> "knife", "2nite" -> "tonight"), then, for words of 5+ letters, one edit away from a
   `fuzzy_words` entry ("strangeld" -> "strangled"), unless the word is in `protected_words`;
3. remove the `exclusions` (idioms such as "kill some time");
4. search each kind's patterns. `{name}` in a pattern stands for the `words` list `name`.

Cost: one dictionary look-up per word for the corrections (every one-edit variant of the fuzzy
words is listed when the file is loaded), and two compiled expressions per kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.danger.normalise import fold, fold_letters
from contract.paths import DATA_DIR

DANGER_FILE = DATA_DIR / "danger.yml"
FUZZY_MIN_LENGTH = 5
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def fold_pattern(pattern: str) -> str:
    """A pattern's letters folded as the text is (bot/danger/normalise.py), its syntax untouched:
    reviewers may write "zabiję" or "زبان" with any yeh and kaf."""
    return _NON_ASCII.sub(lambda m: fold_letters(m.group()), pattern)


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or swap turns `a` into `b`."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        i, j = (diffs + [0, 0])[:2]
        return len(diffs) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def one_edit_variants(word: str) -> set[str]:
    """Every string one insertion, deletion, substitution or swap away from `word` (a-z, 0-9)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    variants = {a + b[1:] for a, b in splits if b}
    variants |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    variants |= {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    variants |= {a + c + b for a, b in splits for c in _ALPHABET}
    return variants


def split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression ("a|(b|c)" -> ["a", "(b|c)"])."""
    parts, depth, in_class, escaped, start = [], 0, False, False, 0
    for i, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


_PLAIN_GROUP = re.compile(r"\((?:\?:)?([a-z0-9 ]+(?:\|[a-z0-9 ]+)+)\)")


def trie_regex(words: list[str]) -> str:
    """An expression matching exactly `words`, as a letter tree: ["kid", "kids", "child"] ->
    "(?:child|kids?)". Python's engine can then reject a branch by its first letter."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            body = (f"(?:{body})" if len(branches) == 1 and len(body) > 1 else body) + "?"
        return body

    return build(trie)


def optimise_alternations(pattern: str) -> str:
    """Each group of plain words, e.g. "(hit|hits|hitting)", rewritten as a letter tree."""
    return _PLAIN_GROUP.sub(lambda m: "(?:" + trie_regex(m.group(1).split("|")) + ")", pattern)


def compile_patterns(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    """Patterns joined into as few expressions as possible, fast to search over normalised text.

    Normalised text is single words with one space before each, so a leading `\\b` is the same
    as a leading space; with a literal space in front of every alternative, Python's engine
    jumps from space to space instead of trying every character (about four times faster).
    Groups of plain words become letter trees (`optimise_alternations`): about five times faster
    again. Neither changes what matches (tests/danger/test_detector.py checks this).
    """
    spaced, other = [], []
    for pattern in patterns:
        for alternative in split_alternatives(pattern):
            alternative = optimise_alternations(alternative)
            if alternative.startswith("\\b"):
                spaced.append(f" (?:{alternative[2:]})")
            else:
                other.append(f"(?:{alternative})")
    return tuple(re.compile("|".join(group)) for group in (spaced, other) if group)


def expand_words(pattern: str, words: dict[str, list[str]]) -> str:
    """Replace each `{name}` by a group of the words in list `name` (longest first)."""

    def group(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in words:
            raise KeyError(f"data/danger.yml: no words list called {name!r} (in {pattern!r})")
        return "(?:" + "|".join(sorted(words[name], key=len, reverse=True)) + ")"

    return _PLACEHOLDER.sub(group, pattern)


def merged_kinds(data: dict[str, Any]) -> dict[str, list[str]]:
    """Each kind's English patterns, then those of every block under `languages`."""
    kinds = {kind: list(patterns) for kind, patterns in data["kinds"].items()}
    for block in (data.get("languages") or {}).values():
        for kind, patterns in block.items():
            if kind not in kinds:
                raise KeyError(f"data/danger.yml: languages lists an unknown kind {kind!r}")
            kinds[kind].extend(patterns)
    return kinds


def compiled_kinds(patterns_by_kind: dict[str, list[str]], words: dict[str, list[str]]) -> tuple:
    """Each kind with its patterns compiled (placeholders expanded, letters folded)."""
    return tuple(
        (kind, compile_patterns([fold_pattern(expand_words(p, words)) for p in patterns]))
        for kind, patterns in patterns_by_kind.items()
        if patterns
    )


@dataclass(frozen=True)
class DangerDetector:
    kinds: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    words: dict[str, list[str]]
    exclusions: tuple[re.Pattern[str], ...]  # all the exclusions, in at most two expressions
    fuzzy_words: tuple[str, ...]
    protected_words: frozenset[str]
    misspellings: dict[str, str]
    corrections: dict[str, str]
    # `keywords` in data/danger.yml: words as often said of cooking or films as of danger, which
    # raise the alarm only with the classifier's support (bot/danger/detector.py)
    keywords: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = ()

    @classmethod
    def from_file(cls, path: Path = DANGER_FILE) -> DangerDetector:
        return cls.from_data(yaml.safe_load(path.read_text(encoding="utf-8")))

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> DangerDetector:
        words = {name: [fold_pattern(str(w)) for w in values] for name, values in (data.get("words") or {}).items()}
        kinds = compiled_kinds(merged_kinds(data), words)
        keywords = compiled_kinds({str(k): list(v or []) for k, v in (data.get("keywords") or {}).items()}, words)
        unknown = {kind for kind, _ in keywords} - set(data["kinds"])
        if unknown:
            raise KeyError(f"data/danger.yml: keywords lists unknown kinds {sorted(unknown)}")
        exclusions = compile_patterns([fold_pattern(expand_words(p, words)) for p in data.get("exclusions") or []])
        misspellings = {
            fold(str(wrong)): fold(str(right))
            for right, wrongs in (data.get("misspellings") or {}).items()
            for wrong in wrongs
        }
        fuzzy_words = tuple(dict.fromkeys(str(w) for w in data.get("fuzzy_words") or []))
        protected = frozenset(str(w) for w in data.get("protected_words") or [])
        # Every word one edit from a fuzzy word, mapped to it (the first in file order wins), so
        # correcting a word is one look-up. A fuzzy word is never turned into another.
        corrections = {word: word for word in fuzzy_words}
        for word in fuzzy_words:
            for variant in one_edit_variants(word):
                if len(variant) >= FUZZY_MIN_LENGTH and variant not in protected:
                    corrections.setdefault(variant, word)
        corrections.update(misspellings)
        return cls(
            kinds=kinds,
            words=words,
            exclusions=exclusions,
            fuzzy_words=fuzzy_words,
            protected_words=protected,
            misspellings=misspellings,
            corrections=corrections,
            keywords=keywords,
        )

    def correct(self, token: str) -> str:
        """The token with a known misspelling, or one edit from a fuzzy word, corrected."""
        return self.corrections.get(token, token)

    def normalise(self, text: str) -> str:
        """Folded text (bot/danger/normalise.py: every script kept), misspellings corrected."""
        corrections = self.corrections
        return " ".join([corrections.get(token, token) for token in fold(text).split()])

    def prepared(self, text: str) -> str:
        """The normalised text, padded with spaces, with the exclusions taken out."""
        normal = f" {self.normalise(text)} "
        for exclusion in self.exclusions:
            normal = exclusion.sub(" ", normal)
        return normal

    def kinds_in(self, normal: str) -> list[str]:
        """Every kind whose patterns match already prepared text, in file order."""
        return [kind for kind, patterns in self.kinds if any(p.search(normal) for p in patterns)]

    def keyword_kinds_in(self, normal: str) -> list[str]:
        """Every kind whose keywords match already prepared text, in file order."""
        return [kind for kind, patterns in self.keywords if any(p.search(normal) for p in patterns)]

    def detect_all(self, text: str) -> list[str]:
        """Every kind the rules find, keywords included (e.g. ["strangulation", "children_at_risk"]),
        patterns' kinds first, each in file order. The detector weighs keywords with the classifier."""
        normal = self.prepared(text)
        found = self.kinds_in(normal)
        return found + [k for k in self.keyword_kinds_in(normal) if k not in found]

    def detect(self, text: str) -> str | None:
        """The first kind of danger shown (patterns, then keywords), or None."""
        normal = self.prepared(text)
        for kind, patterns in (*self.kinds, *self.keywords):
            for pattern in patterns:
                if pattern.search(normal):
                    return kind
        return None


@lru_cache(maxsize=1)
def default_detector() -> DangerDetector:
    """The rules alone (the first layer); bot.danger.detect_danger uses both layers."""
    return DangerDetector.from_file()
