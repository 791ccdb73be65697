"""Personal data in the forms people really type, in nine languages (issue 17 finding 4).

Two tables: tests/privacy/redaction_forms.yml (at least 300 forms: every piece of each value must
be gone) and tests/privacy/redaction_forms_keep.yml (at least 80 harmless look-alikes that must
come out unchanged). `python -m bench.redaction --forms` prints the shares per kind and language.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.redaction import redact, warm_up
from bot.redaction.text import normalise

HERE = Path(__file__).resolve().parent
FORMS = yaml.safe_load((HERE / "redaction_forms.yml").read_text(encoding="utf-8"))["forms"]
KEEP = yaml.safe_load((HERE / "redaction_forms_keep.yml").read_text(encoding="utf-8"))["keep"]
LANGUAGES = {"en", "pl", "ro", "ur", "pa", "bn", "ar", "es", "pt"}
warm_up()


def survivors(text: str, values: list[str]) -> list[str]:
    """The pieces of `values` still in the redacted `text` (as typed, or normalised)."""
    out = redact(text).text
    lowered = out.lower()
    return [v for v in values if v.lower() in lowered or normalise(v).lower() in lowered]


def test_table_sizes_and_languages() -> None:
    assert len(FORMS) >= 300 and len(KEEP) >= 80
    assert {row[1] for row in FORMS} >= LANGUAGES
    assert all(len({row[0] for row in FORMS if row[1] == lang}) >= 6 for lang in LANGUAGES)


@pytest.mark.parametrize(("kind", "lang", "text", "values"), FORMS, ids=[f"{r[1]}-{r[0]}-{r[2][:30]}" for r in FORMS])
def test_form_is_redacted(kind: str, lang: str, text: str, values: list[str]) -> None:
    assert not survivors(text, values), (kind, lang, redact(text).text)


@pytest.mark.parametrize(("kind", "lang", "text"), KEEP, ids=[f"{r[1]}-{r[0]}-{r[2][:30]}" for r in KEEP])
def test_look_alike_is_kept(kind: str, lang: str, text: str) -> None:
    result = redact(text)
    assert result.text == normalise(text) and result.found == (), (kind, lang, result.text)
