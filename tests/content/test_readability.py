"""Every answer is easy to read: grade, sentence length, length before the referrals, short forms.

Why: the people who read these answers are frightened, often read English as a second language,
and sometimes read on a lock screen. The limits and the list of short forms are data
(data/plain_words.yml), so the charity can review them; this test only applies them, to every
variant (web, SMS, every condition) of every response file in data/responses/, including files
added later, and to the safety lines, the texting wording and the widget's emergency card that the
channels send on their own.
Grades: Flesch-Kincaid from textstat 0.7.3, which counts syllables offline with pyphen.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest
import textstat
import yaml

ROOT = Path(__file__).resolve().parents[2]
PLAIN = yaml.safe_load((ROOT / "data" / "plain_words.yml").read_text(encoding="utf-8"))
LIMITS = PLAIN["readability"]
ABBREVIATIONS: dict[str, list[str]] = {k: v["explained_by"] for k, v in PLAIN["abbreviations"].items()}
NOT_ABBREVIATIONS = set(PLAIN["not_abbreviations"])
SAFETY_TEXT_FIELDS = ("emergency", "footer", "suicide", "human", "unavailable", "empty", "too_long",
                      "rate_limited", "delete_failed", "personal_data")  # fmt: skip

_URL = re.compile(r"https?://\S+|www\.\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:uk|org|com|scot|wales)\b(?:/\S*)?")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')]*\s+")
_WORD = re.compile(r"[A-Za-z0-9][\w'’&+-]*")
# A short form: two or more capitals (A&E and LGBT+ too), alone or as a plural ("IDVAs").
_SHORT_FORM = re.compile(r"(?<![\w&])([A-Z][A-Z&]*[A-Z])(?:s)?(?![\w&])")


@dataclass(frozen=True)
class Text:
    """One text a person may read: where it comes from and what it says."""

    where: str  # "utter_answer_nrpf [twilio, nation=wales]"
    text: str
    web: bool  # a web (channel-free) response variant
    response: bool  # a response variant (counts towards the median)


def _condition(variant: dict) -> str:
    return ", ".join(f"{c['name']}={c['value']}" for c in variant.get("condition") or [])


@lru_cache(maxsize=1)
def texts() -> tuple[Text, ...]:
    """Every response variant of every file in data/responses/, then the channels' own lines."""
    found: list[Text] = []
    for path in sorted((ROOT / "data" / "responses").glob("*.yml")):
        for name, variants in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}).items():
            for variant in variants:
                tag = ", ".join(x for x in (variant.get("channel") or "web", _condition(variant)) if x)
                found.append(Text(f"{name} [{tag}]", str(variant.get("text", "")), "channel" not in variant, True))
    safety = yaml.safe_load((ROOT / "data" / "safety.yml").read_text(encoding="utf-8"))
    found += [Text(f"safety.{k}", str(safety[k]), False, False) for k in SAFETY_TEXT_FIELDS]
    messaging = yaml.safe_load((ROOT / "data" / "messaging.yml").read_text(encoding="utf-8"))
    found += [Text(f"messaging.texts.{k}", str(v), False, False) for k, v in messaging["texts"].items()]
    card = yaml.safe_load((ROOT / "data" / "danger_lines.yml").read_text(encoding="utf-8"))["card"]
    found.append(Text("danger_lines.card.press55", str(card["press55"]), False, False))  # the title is not prose
    return tuple(found)


def reading_text(text: str) -> str:
    """What a reader reads as sentences: no Source line, links and placeholders as words, every
    line (a list item, a heading ending in ':') a sentence of its own."""
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("Source:"):
            continue
        line = _PLACEHOLDER.sub("the helpline", _URL.sub("the link", line))
        line = re.sub(r"^[-•]\s*", "", line).rstrip(":;, ")
        lines.append(line if line[-1:] in ".!?\"'”)" else line + ".")
    return "\n".join(lines)


def before_source(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.strip().startswith("Source:")).strip()


def sentences(text: str) -> list[str]:
    return [s for line in reading_text(text).splitlines() for s in _SENTENCE_END.split(line) if s.strip()]


def words(sentence: str) -> int:
    return len(_WORD.findall(sentence))


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(reading_text(text)))


def unexplained(text: str) -> list[str]:
    """Short forms that are unknown, or not explained the first time this text uses them."""
    body = _URL.sub(" ", before_source(text))
    problems: list[str] = []
    seen: set[str] = set()
    for match in _SHORT_FORM.finditer(body):
        short = match.group(1)
        if short in NOT_ABBREVIATIONS or short in seen:
            continue
        seen.add(short)
        if short not in ABBREVIATIONS:
            problems.append(f"{short}: not in data/plain_words.yml (add it with its explanation, or write the words)")
            continue
        end = _SENTENCE_END.search(body, match.end())
        upto = body[: end.start() if end else len(body)].lower()
        if not any(phrase.lower() in upto for phrase in ABBREVIATIONS[short]):
            problems.append(f"{short}: not explained on first use (say one of {ABBREVIATIONS[short]})")
    return problems


RESPONSES = [t for t in texts() if t.response]
ALL_IDS = [t.where for t in texts()]


def test_the_word_lists_are_words() -> None:
    """YAML reads a bare YES or NO as true/false: every entry must stay a string."""
    assert all(isinstance(w, str) for w in PLAIN["not_abbreviations"]), PLAIN["not_abbreviations"]
    assert all(isinstance(k, str) and v for k, v in ABBREVIATIONS.items())


def test_every_response_file_is_read() -> None:
    files = {p.stem for p in (ROOT / "data" / "responses").glob("*.yml")}
    assert files and len(RESPONSES) >= len(files)


def test_median_grade_is_at_most_six() -> None:
    grades = [grade(t.text) for t in RESPONSES]
    median = statistics.median(grades)
    assert median <= LIMITS["median_grade_max"], f"median Flesch-Kincaid grade {median:.1f}"


@pytest.mark.parametrize("item", texts(), ids=ALL_IDS)
def test_no_answer_is_above_grade_eight(item: Text) -> None:
    assert grade(item.text) <= LIMITS["answer_grade_max"], f"{item.where}: grade {grade(item.text):.1f}"


@pytest.mark.parametrize("item", texts(), ids=ALL_IDS)
def test_no_sentence_is_over_twenty_words(item: Text) -> None:
    long = [s for s in sentences(item.text) if words(s) > LIMITS["sentence_words_max"]]
    assert not long, f"{item.where}: {[(words(s), s) for s in long]}"


@pytest.mark.parametrize("item", [t for t in texts() if t.web], ids=[t.where for t in texts() if t.web])
def test_web_answer_fits_before_the_referrals(item: Text) -> None:
    size = len(before_source(item.text))
    assert size <= LIMITS["web_chars_max"], f"{item.where}: {size} characters: move detail to 'Tell me more'"


@pytest.mark.parametrize("item", texts(), ids=ALL_IDS)
def test_every_short_form_is_explained_on_first_use(item: Text) -> None:
    assert unexplained(item.text) == [], item.where


# --- the checker itself ---------------------------------------------------------------------------
def test_reading_text_makes_each_line_a_sentence_and_drops_the_source() -> None:
    text = "Ways to report:\n- call 999\n- or 101, any time\nSource: Somebody https://example.com/x"
    assert reading_text(text) == "Ways to report.\ncall 999.\nor 101, any time."
    assert sentences("One two. Three four!\nFive") == ["One two.", "Three four!", "Five."]


def test_short_forms_need_their_explanation_first() -> None:
    assert unexplained("NRPF (no recourse to public funds) is a condition. NRPF again.") == []
    assert unexplained("With no recourse to public funds (NRPF) you can still get legal aid.") == []
    assert unexplained("NRPF is a condition.")
    assert unexplained("Ask the XYZQ about it.")
    assert unexplained("Text MORE or DELETE. The UK rules.") == []
    assert unexplained("Source: HMICFRS https://example.com") == []


def test_grade_tells_plain_from_hard_text() -> None:
    assert grade("You can get help. Call us any time. We are here for you.") < 3
    assert grade("Notwithstanding jurisdictional considerations, administrative authorities exercise discretion.") > 12
