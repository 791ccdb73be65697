"""Every translation keeps exactly the numbers, URLs and placeholders of its English source, has a
source at all, keeps the button count, records its review state, and the safety lines exist in
every language."""

from __future__ import annotations

import pytest
import yaml

from bot.language.integrity import problems
from bot.language.locales import locales
from bot.language.sources import SAFETY_FIELDS, source_hash, sources
from bot.language.store import translation_file, translations

CODES = locales().translated()
ENTRIES = [(code, ident) for code in CODES for ident in translations(code)]


@pytest.mark.parametrize(("code", "ident"), ENTRIES, ids=[f"{c}:{k}:{v}" for c, (k, v) in ENTRIES])
def test_translation_keeps_numbers_urls_and_placeholders(code: str, ident: tuple[str, str]) -> None:
    assert ident in sources(), f"{code}: {ident} has no English source (renamed or removed?)"
    english, translated = sources()[ident], translations(code)[ident]
    assert problems(english.text, translated.text) == []
    assert not translated.buttons or len(translated.buttons) == len(english.buttons)


@pytest.mark.parametrize("code", [c for c in CODES if not locales().get(c).fallback])
def test_every_safety_line_is_translated(code: str) -> None:
    for name in SAFETY_FIELDS:
        assert (f"safety.{name}", "default") in translations(code), f"{code} lacks safety.{name}"


@pytest.mark.parametrize("code", CODES)
def test_every_entry_records_its_review(code: str) -> None:
    path = translation_file(code)
    if not path.exists():
        return
    for key, variants in yaml.safe_load(path.read_text(encoding="utf-8")).items():
        for variant, item in variants.items():
            assert isinstance(item.get("reviewed"), bool), f"{code}: {key}/{variant} has no reviewed: true/false"


def test_problems_catches_a_changed_number_and_url() -> None:
    english = "Call 0808 2000 247 or see https://example.com/help."
    assert problems(english, "Zadzwoń 0808 2000 247 lub https://example.com/help.") == []
    assert problems(english, "Zadzwoń 0808 2000 248 lub https://example.com/help.")
    assert problems(english, "Zadzwoń 0808 2000 247 lub https://example.org/help.")


def test_a_translation_whose_english_changed_is_never_served(monkeypatch) -> None:
    from bot.language import store

    english = store.sources()[("utter_greet", "default")].text
    marked = store.Translation("utter_privacy", "default", "stara obietnica", (), False, needs_update=True)
    changed = store.Translation("utter_goodbye", "default", "Do widzenia.", (), False, False, source_hash("old"))
    fresh = store.Translation("utter_greet", "default", "Dzień dobry.", (), False, False, source_hash(english))
    table = {(t.key, t.variant): t for t in (marked, changed, fresh)}
    monkeypatch.setattr(store, "translations", lambda code: table if code == "pl" else {})
    assert store.lookup("pl", "utter_privacy", "default") is None
    assert store.lookup("pl", "utter_goodbye", "default") is None
    assert store.lookup("pl", "utter_greet", "default") == fresh


def test_stamping_records_the_current_english(tmp_path, monkeypatch) -> None:
    from bot.language import store

    path = tmp_path / "pl.yml"
    path.write_text("# header\nutter_greet:\n  default: {text: Dzień dobry., reviewed: false}\n", encoding="utf-8")
    monkeypatch.setattr(store, "translation_file", lambda code: path)
    assert store.stamp("pl") == 1
    stamped = store.load_file(path)[("utter_greet", "default")]
    assert stamped.is_current() and path.read_text(encoding="utf-8").startswith("# header\n")
