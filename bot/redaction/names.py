"""Names: only where the text says something is a name ("my name is", "my husband John", "Mr Khan").

Why cues and not a list of first names: any word can be a name, and the danger detector needs
the ordinary words around it. The cues and word lists are in data/redaction.yml (`names`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.redaction import frequency
from bot.redaction.config import load
from bot.redaction.text import marks_class
from bot.redaction.vocabulary import (
    capitalised_is_name,
    curated,
    danger_words,
    is_ordinary,
    proper_nouns,
    vocabulary,
)

_POSSESSIVE_END = re.compile(r"['’]s$")
_MAX_WORDS = 4
_WINDOW = 40  # characters of context read before a cue (bounded: linear in the text)


@dataclass(frozen=True)
class NameData:
    intro: re.Pattern[str]
    token: re.Pattern[str]
    gap: re.Pattern[str]
    objects: re.Pattern[str]
    call_me_ok: re.Pattern[str]
    word_before: re.Pattern[str]
    capital_pair: re.Pattern[str]
    before_relation: re.Pattern[str]
    function: frozenset[str]
    not_names: frozenset[str]
    other_languages: frozenset[str]
    particles: frozenset[str]
    be_words: frozenset[str]
    ends: frozenset[str]


def _group(name: str, cues: list[str]) -> str:
    return rf"(?P<{name}>" + "|".join(cues) + ")"


def _foreign_groups(cues: dict[str, list[str]]) -> str:
    """One group per language ("foreign_pl"...): the language judges the word after the cue."""
    return "|".join(_group(f"foreign_{lang}", patterns) for lang, patterns in cues.items())


@lru_cache(maxsize=1)
def data() -> NameData:
    config = load()
    names, words = config.raw["names"], config.raw["words"]
    relations = "|".join(words["relations"])
    letter = rf"(?:[^\W\d_]|[{marks_class()}])"
    intro = (
        r"(?<!\w)(?:"
        + rf"(?P<greeted>{names['greeting']}\b[\s,!.]*{names['after_greeting']})"
        + "|"
        + _group("strong", names["strong"])
        + "|"
        + _foreign_groups(names["foreign"])
        + "|"
        + _group("medium", names["medium"])
        + rf"|(?P<relation>{words['possessives']}\s+(?:{relations})(?![\w\-])(?:['’]s)?"
        + r"(?:[ \t]*,?[ \t]*(?:is\s+|was\s+)?(?:called|named)(?=\s)|[ \t]+(?:is|was)(?=[ \t]))?)"
        + "|"
        + _group("capitalised", names["capitalised"])
        + "|"
        + _group("weak", names["weak"])
        + r")(?!\w)[ \t]*[:,]?[ \t]*"
    )
    return NameData(
        intro=re.compile(intro, re.I),
        token=re.compile(rf"{letter}+(?:['’\-]{letter}+)*"),
        gap=re.compile(r"[ \t]*,?[ \t]*|[ \t]+"),
        objects=re.compile(rf"[ \t]+{names['object_words']}\b", re.I),
        call_me_ok=re.compile(names["call_me_ok_before"], re.I),
        word_before=re.compile(r"([^\W\d_]+(?:['’][^\W\d_]+)?)\s*$"),
        capital_pair=re.compile(r"\b[A-Z][a-z'’\-]+(?:[ \t]+[A-Z][a-z'’\-]+)+\b"),
        before_relation=re.compile(rf"(?<!{letter[3:-1]})({letter}+){names['before_relation']}", re.I),
        function=config.words("function"),
        not_names=config.words("not_names"),
        other_languages=config.words("not_names_other_languages"),
        particles=config.words("particles"),
        be_words=config.words("be_words"),
        ends=_words(names["name_ends"]),
    )


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in text.split())


def _bare(word: str) -> str:
    return _POSSESSIVE_END.sub("", word).lower().replace("’", "'")


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not word.isupper() or (len(word) > 1 and word.isupper() and len(word) <= 3)


def _caseless(word: str) -> bool:
    """A word of a script without capitals (Arabic, Devanagari, Bengali...)."""
    return word[:1].isalpha() and not word[:1].isascii() and word[:1].lower() == word[:1].upper()


def _name_word_ok(word: str, strength: str, first: bool, lang: str | None = None) -> bool:
    """Whether `word` (after a cue of this strength) is taken as part of a name. `lang` is the
    cue's language (foreign cues) or the message's (None: English): a lower-case word that is an
    ordinary word there ("gejem", "sabe", "pode") is not a name."""
    d = data()
    bare = _bare(word)
    if word.startswith("[") or bare in d.function or bare in d.ends:
        return False
    if strength == "strong" and first:
        return bare not in d.not_names
    if strength in ("capitalised", "foreign"):
        if bare in d.other_languages or bare in danger_words():
            return False
        if _capitalised(word):
            return capitalised_is_name(bare)
        return (
            strength == "foreign"
            and first
            and not _caseless(word)
            and bare not in vocabulary()
            and not frequency.ordinary(bare, lang)
        )
    if _capitalised(word):
        if strength == "relation":
            return bare not in d.not_names and bare not in danger_words()
        return capitalised_is_name(bare)
    if _caseless(word):
        return strength == "strong"
    if strength != "strong" and frequency.ordinary(bare, lang):
        return False  # an English cue in another language: "wyśle im zdjęcia", "me puedes ayudar"
    if strength in ("strong", "greeted", "weak") or (strength == "relation" and first):
        return first and not is_ordinary(bare) if strength == "weak" else not is_ordinary(bare)
    return False


def _next_is_capitalised(text: str, pos: int) -> bool:
    token = data().token.match(text, pos + 1) if pos < len(text) and text[pos] in " \t" else None
    return bool(token and token.group(0)[:1].isupper())


def name_end(text: str, pos: int, strength: str, lang: str | None = None) -> int:
    """Where the name starting at `pos` ends (== pos when there is none). Up to four words."""
    d = data()
    end, count = pos, 0
    while count < _MAX_WORDS:
        gap = d.gap.match(text, end) if count else None
        start = gap.end() if gap else end
        if count and gap and "," in gap.group(0):
            break
        token = d.token.match(text, start)
        if not token:
            break
        word = token.group(0)
        if count and word.lower() in d.particles and _next_is_capitalised(text, token.end()):
            end, count = token.end(), count + 1
            continue
        if not _name_word_ok(word, strength, first=count == 0, lang=lang):
            break
        verb_like = not _capitalised(word) and not (strength == "strong" and count == 0)
        if verb_like and not frequency.judges(lang) and d.objects.match(text, token.end()):
            break  # "my husband stalks me": a verb, not a name (a frequency list knows its verbs)
        end, count = token.end(), count + 1
        if _POSSESSIVE_END.search(word):
            end -= 2
            break
    return end


def _strength(m: re.Match[str]) -> str | None:
    """How strongly this cue says a name follows, in its context (None: it does not)."""
    kind = m.lastgroup or "weak"
    cue = m.group(kind).lower()
    if kind.startswith("foreign_"):
        return "foreign"
    before = m.string[max(0, m.start() - _WINDOW) : m.start()]
    if kind == "medium" and cue.startswith("call"):
        return "greeted" if m.start() == 0 or data().call_me_ok.search(before) else None
    if kind == "weak" and cue.startswith(("called", "named")):
        word = data().word_before.search(before[-12:])
        return "strong" if word and word.group(1).lower() in data().be_words else "weak"
    if kind == "relation" and re.search(r"\s(?:is|was)$", cue):
        return "weak"  # "my husband is Tarquinius" / "... is tarquinius", not "... is British"
    return {"medium": "greeted"}.get(kind, kind)


class _MessageLanguage:
    """The message's language, guessed once and only if a cue needs it (it reads every word)."""

    def __init__(self, text: str) -> None:
        self.text, self.known, self.lang = text, False, None

    def get(self) -> str | None:
        if not self.known:
            self.lang, self.known = frequency.message_language(self.text), True
        return self.lang


def _cue_language(m: re.Match[str], message: _MessageLanguage) -> str | None:
    """The language that judges the word after this cue: the cue's own, or the message's."""
    kind = m.lastgroup or ""
    return kind.removeprefix("foreign_") if kind.startswith("foreign_") else message.get()


def _cue_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    done = 0
    message = _MessageLanguage(text)
    for m in data().intro.finditer(text):
        if m.start() < done:
            continue
        done = m.end()
        strength = _strength(m)
        end = name_end(text, m.end(), strength, _cue_language(m, message)) if strength else m.end()
        if end > m.end():
            spans.append((m.end(), end))
    return spans


def _at_sentence_start_pair(text: str, m: re.Match[str]) -> bool:
    """Two capitalised words where the first only has a capital because it starts a sentence."""
    first = data().token.match(m.group(0))
    before = text[max(0, m.start() - _WINDOW) : m.start()].rstrip()
    starts = m.start() == 0 or not before or before[-1] in ".!?"
    return bool(starts and first and _bare(first.group(0)) in vocabulary())


def _pair_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in data().capital_pair.finditer(text):
        words = [_bare(w) for w in data().token.findall(m.group(0))]
        if _pair_is_name(words) and not _at_sentence_start_pair(text, m):
            spans.append(m.span())
    return spans


def _pair_is_name(words: list[str]) -> bool:
    """Capitalised words in a row are a name when two are unknown words, or one is and the others
    are not in the reviewed lists ("Brennick Stoat"; not "Southall Black Sisters"). A word the word
    list knows only capitalised ("Europe") is not unknown: "Eastern Europe" stays."""
    if frequency.is_place(words):
        return False
    unknown = sum(w not in vocabulary() and w not in proper_nouns() for w in words)
    return unknown >= 2 or (unknown == 1 and not any(w in curated() for w in words))


def _before_relation_spans(text: str) -> list[tuple[int, int]]:
    """ "zorbin's my husband", "Brennick is my ex": the word before is a name if not ordinary."""
    spans: list[tuple[int, int]] = []
    lowered = f" {text.lower()} "
    if not any(f" {word} " in lowered for word in ("my", "her", "his", "our", "their")):
        return spans  # the cue needs one of these (most messages: a quick test instead of a scan)
    for m in data().before_relation.finditer(text):
        word = m.group(1)
        bare = word.lower()
        ordinary = bare in data().function or (not _capitalised(word) and is_ordinary(bare))
        if not ordinary and bare not in vocabulary():
            spans.append(m.span(1))
    return spans


def merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def name_spans(text: str) -> list[tuple[int, int]]:
    """Every span of `text` that is a name, merged and sorted."""
    return merge(_cue_spans(text) + _pair_spans(text) + _before_relation_spans(text))
