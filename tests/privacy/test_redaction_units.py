"""The parts of bot/redaction/: normalisation, the digit view, numbers said as words, where the
word lists come from, and the service numbers the bot gives (kept whatever the format)."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import pytest
import yaml

from bot.redaction import config, keep, names, phones, redact, warm_up
from bot.redaction.text import digit_view, normalise

# The package exports functions named like these two modules (`rules()`, `vocabulary()`).
rules = import_module("bot.redaction.rules")
vocabulary = import_module("bot.redaction.vocabulary")

ROOT = Path(__file__).resolve().parents[2]
warm_up()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07700\u2060900123", "07700900123"),  # word joiner
        ("077\u00ad00", "07700"),  # soft hyphen
        ("0\u200b7700", "07700"),  # zero-width space
        ("０７７００", "07700"),  # full-width digits
        ("zorbina＠example．com", "zorbina@example.com"),
        ("example。com", "example.com"),  # ideographic full stop
        ("٠٧٧٠٠", "07700"),  # Arabic-Indic
        ("۰۷۷۰۰", "07700"),  # Extended Arabic-Indic (Urdu)
        ("০৭৭০০", "07700"),  # Bengali
        ("੦੭੭੦੦", "07700"),  # Gurmukhi
        ("०७७००", "07700"),  # Devanagari
        ("plain ascii", "plain ascii"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_zero_width_joiners_stay_inside_indic_and_arabic_words() -> None:
    word = "ਹਰਪ\u200dਰੀਤ"
    assert normalise(word) == word
    assert normalise("0\u200d7700") == "07700"


def test_normalising_a_ligature_cannot_balloon_the_text() -> None:
    assert len(normalise("\ufdfa" * 100)) == 100


@pytest.mark.parametrize(
    ("text", "view"),
    [
        ("07700x900x123", "07700 900 123"),
        ("o77oo 9oo 123", "07700 900 123"),
        ("call_07700900123", "call 07700900123"),
        ("07700,900/123", "07700 900 123"),
        ("too 5 oo", "too 5 oo"),  # no digit in the group: letters stay
    ],
)
def test_digit_view_has_the_same_length(text: str, view: str) -> None:
    assert digit_view(text) == view and len(digit_view(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("oh seven seven double oh nine double oh one two three", "phone"),
        ("zero siedem siedem zero zero dziewięć zero zero jeden dwa trzy", "phone"),
        ("one two three four five six seven eight nine", "id number"),
        ("07700 nine oh oh one two three", "phone"),
    ],
)
def test_numbers_said_as_words(text: str, kind: str) -> None:
    spans = phones.spoken_spans(text)
    assert len(spans) == 1 and spans[0][2] == kind and spans[0][:2] == (0, len(text))


@pytest.mark.parametrize("text", ["one two three", "nine nine nine", "one one six one two three", "seven days"])
def test_short_or_service_numbers_in_words_are_not_numbers(text: str) -> None:
    assert phones.spoken_spans(text) == []


def test_every_rule_and_word_list_is_in_the_data_file() -> None:
    data = yaml.safe_load((ROOT / "data" / "redaction.yml").read_text(encoding="utf-8"))
    assert len(rules.rules()) == len(data["rules"])
    specials = {r.special for r in rules.rules() if r.special}
    assert specials == {"phone numbers", "spoken digits"}
    assert names.data().function == config.wordset(data["words"]["function"])


def test_word_lists_never_come_from_nlu_data_or_responses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11: editing an NLU example or a response must not change what is redacted."""
    read: list[str] = []
    original = Path.read_text

    def recording(self: Path, *args: object, **kwargs: object) -> str:
        read.append(str(self))
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    for cached in (vocabulary.vocabulary, vocabulary.curated, vocabulary.danger_words, vocabulary._word_list):
        cached.cache_clear()
    monkeypatch.setattr(Path, "read_text", recording)
    try:
        vocabulary.vocabulary()
    finally:
        monkeypatch.undo()
        vocabulary.vocabulary_stems.cache_clear()
        warm_up()
    assert read, "nothing read"
    assert not [p for p in read if "/data/nlu" in p or "/data/responses" in p or "/data/rules" in p]
    allowed = ("data/danger.yml", "data/places.yml", "/usr/share/dict/")
    assert all(p.endswith(allowed[:2]) or p.startswith(allowed[2]) for p in read), read


def test_the_word_list_is_installed() -> None:
    """`make setup` installs Debian's wbritish; without it redaction still works but takes more
    lower-case words for names, and a danger test would have nothing to check."""
    assert vocabulary.has_dictionary()
    assert "scared" in vocabulary.vocabulary() and "zorbina" not in vocabulary.vocabulary()


def _service_phones() -> list[str]:
    data = yaml.safe_load((ROOT / "data" / "services.yml").read_text(encoding="utf-8"))
    found = []
    for service in data["services"]:
        for contact in service.get("contacts") or []:
            if contact.get("type") in ("phone", "text", "whatsapp"):
                found.append(str(contact["value"]))
    return found


@pytest.mark.parametrize("number", _service_phones())
def test_directory_numbers_are_kept_in_any_format(number: str) -> None:
    for written in (number, number.replace(" ", ""), number.replace(" ", "-")):
        if sum(c.isdigit() for c in written) < 5:
            continue
        text = f"is {written} free?"
        assert redact(text).text == text, written


def test_digits_of_reads_international_forms() -> None:
    assert keep.digits_of("+44 (0)808 2000 247") == keep.digits_of("0808 2000 247") == "08082000247"


def test_result_keeps_its_shape() -> None:
    result = redact("my name is Zorbina")
    assert result.text == "my name is [name]" and result.found == ("name",)
