"""The danger corpus (data/danger_corpus/*.yml) and the other examples the classifier learns from.

Each corpus file is one language: `danger: [{text, kind, script?}]` and
`near_miss: [{text, category, script?}]`. The NLU training data adds ordinary questions as
non-danger (so the classifier learns what everyday messages look like) and the `danger_now`
examples as danger of no particular kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from contract.danger import canonical_kind
from contract.intents import DANGER
from contract.paths import DATA_DIR

CORPUS_DIR = DATA_DIR / "danger_corpus"
NLU_DIR = DATA_DIR / "nlu"
# Script tags of the corpus, as the language tags the answers use ("ur" + "latin" -> "ur-Latn").
_SCRIPT_TAGS = {"latin": "Latn", "latn": "Latn", "roman": "Latn", "arabic": "Arab", "arab": "Arab", "shahmukhi": "Arab"}


# Languages written in more than one script here, each script its own tag.
_SEVERAL_SCRIPTS = {"ur", "pa", "bn"}
_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class Example:
    text: str
    danger: bool
    kind: str | None  # None for near-misses, and for danger examples without a kind
    lang: str  # e.g. "en", "ur-Latn", "pa-Arab"
    source: str  # "corpus" or "nlu"
    category: str | None = None  # a near miss's category (idiom, cooking, past_for_reason...)


def language_tag(base: str, script: str | None) -> str:
    """ "ur" with script "latin" -> "ur-Latn"; a script that is the language's own -> the base."""
    tag = _SCRIPT_TAGS.get(str(script or "").strip().lower())
    if tag is None or (tag == "Arab" and base in {"ar", "ur"}):
        return base
    return f"{base}-{tag}"


def corpus_files(directory: Path = CORPUS_DIR) -> list[Path]:
    return sorted(directory.glob("*.yml"))


def load_corpus(directory: Path = CORPUS_DIR) -> list[Example]:
    """Every corpus line, in file order (deterministic training)."""
    examples: list[Example] = []
    for path in corpus_files(directory):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        base = path.stem
        for item in data.get("danger") or []:
            kind = canonical_kind(str(item["kind"]))
            examples.append(Example(str(item["text"]), True, kind, language_tag(base, item.get("script")), "corpus"))
        for item in data.get("near_miss") or []:
            tag = language_tag(base, item.get("script"))
            examples.append(Example(str(item["text"]), False, None, tag, "corpus", item.get("category")))
    return examples


def written_in(text: str, base: str) -> str:
    """The language tag of a line of the `base` language's NLU data, by the script most of its
    letters are in: Roman Urdu is "ur-Latn", Shahmukhi Punjabi "pa-Arab", Gurmukhi "pa"."""
    if base not in _SEVERAL_SCRIPTS:
        return base
    counts = {"latin": 0, "arabic": 0, "other": 0}
    for char in text:
        if not char.isalpha():
            continue
        if char < "\u0250":
            counts["latin"] += 1
        elif "\u0600" <= char <= "\u06ff" or "\ufb50" <= char <= "\ufeff":
            counts["arabic"] += 1
        else:
            counts["other"] += 1
    script = max(counts, key=lambda name: counts[name])
    return language_tag(base, None if script == "other" else script)


def load_nlu_examples(directory: Path = NLU_DIR) -> list[Example]:
    """The NLU examples, English (data/nlu/*.yml) and every other language (data/nlu/languages/):
    `danger_now` as danger of no kind, every other intent as not danger. The other languages'
    ordinary questions matter: without them the corpus, half danger in every language but
    English, taught the classifier that a message in Polish or Urdu is danger as often as not."""
    examples: list[Example] = []
    paths = [(path, "en") for path in sorted(directory.glob("*.yml"))]
    paths += [(path, path.stem) for path in sorted((directory / "languages").glob("*.yml"))]
    for path, base in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if "intent" not in block:
                continue
            for line in str(block.get("examples") or "").splitlines():
                text = _ENTITY_MARKUP.sub(r"\1", line.strip().removeprefix("- ").strip())
                if text:
                    lang = "en" if base == "en" else written_in(text, base)
                    examples.append(Example(text, block["intent"] == DANGER, None, lang, "nlu"))
    return examples


def training_examples() -> list[Example]:
    return [*load_corpus(), *load_nlu_examples()]
