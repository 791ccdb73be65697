"""Every answer is easy to read: short, plain, and with its abbreviations explained.

People read these answers frightened, often in a second language, sometimes on a lock screen.
- Flesch-Kincaid grade (textstat 0.7.3, which counts syllables offline with pyphen) over every web
  and SMS text, conditional variations included: the median at most 6, none above 8.
- No sentence over 20 words. Each line is read as its own sentence (list items have no full stop).
- Web texts at most 950 characters ("about 900") before the Source line; referrals follow them.
- Every abbreviation explained on first use (tests/content/plain_words.yml).
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest
import textstat
import yaml

ROOT = Path(__file__).resolve().parents[2]
PLAIN = yaml.safe_load((Path(__file__).parent / "plain_words.yml").read_text(encoding="utf-8"))
MAX_MEDIAN_GRADE = 6.0
MAX_GRADE = 8.0
MAX_WORDS = 20
MAX_WEB_CHARS = 950
EXPLAIN_WINDOW = 200


def variants() -> list[tuple[str, str, str]]:
    """(response name, label, text) for every text, e.g. ("utter_answer_nrpf", "twilio", "...")."""
    found = []
    for path in sorted((ROOT / "data" / "responses").glob("*.yml")):
        for name, items in (yaml.safe_load(path.read_text(encoding="utf-8"))["responses"] or {}).items():
            for item in items:
                condition = ",".join(str(c["value"]) for c in item.get("condition") or [])
                label = "/".join(x for x in (item.get("channel", "web"), condition) if x)
                found.append((name, label, item["text"]))
    return found


VARIANTS = variants()
IDS = [f"{name}[{label}]" for name, label, _ in VARIANTS]


def body(text: str) -> str:
    """The text a person reads: no Source line, links counted as two words."""
    lines = [line for line in text.splitlines() if not line.startswith("Source:")]
    return re.sub(r"https?://\S+|www\.\S+|gov\.uk/\S+", "a link", "\n".join(lines))


def sentences(text: str) -> list[str]:
    lines = [line.strip().removeprefix("- ").strip() for line in body(text).splitlines() if line.strip()]
    joined = " ".join(line if line[-1] in ".!?:" else line + "." for line in lines)
    return [s for s in re.split(r"(?<=[.!?:])\s+", joined) if s]


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(" ".join(sentences(text))))


def test_reading_grade_median_and_maximum() -> None:
    grades = {f"{n}[{label}]": grade(t) for n, label, t in VARIANTS}
    too_hard = {k: g for k, g in grades.items() if g > MAX_GRADE}
    assert not too_hard, too_hard
    assert statistics.median(grades.values()) <= MAX_MEDIAN_GRADE


@pytest.mark.parametrize(("name", "label", "text"), VARIANTS, ids=IDS)
def test_no_sentence_over_twenty_words(name: str, label: str, text: str) -> None:
    assert [s for s in sentences(text) if len(s.split()) > MAX_WORDS] == []


@pytest.mark.parametrize(("name", "label", "text"), VARIANTS, ids=IDS)
def test_web_answer_fits_before_the_referrals(name: str, label: str, text: str) -> None:
    if not label.startswith("web"):
        return
    assert len(body(text)) <= MAX_WEB_CHARS, len(body(text))


@pytest.mark.parametrize(("name", "label", "text"), VARIANTS, ids=IDS)
def test_every_abbreviation_is_explained_on_first_use(name: str, label: str, text: str) -> None:
    plain = body(text)
    for match in re.finditer(r"\b[A-Z][A-Z]{1,}\b", plain):
        word = match.group(0)
        if word in PLAIN["known"] or plain.find(word) != match.start():
            continue
        patterns = PLAIN["explain"].get(word)
        assert patterns, f"{word}: add it to plain_words.yml (explain or known)"
        near = plain[: match.end() + EXPLAIN_WINDOW]
        assert any(re.search(p, near, re.I) for p in patterns), f"{word} is not explained on first use"
