"""SMS in non-Latin scripts (and in Polish, Romanian, Spanish, Portuguese letters outside GSM-7)
is UCS-2: 70 characters a text, 67 a part. Every translated SMS variant, and every safety line
(sent on SMS too), fits the SMS profile's budget of texts."""

from __future__ import annotations

import pytest

from bot.language.locales import locales
from bot.language.sms_budget import fits, is_gsm, max_texts, parts
from bot.language.store import translations
from bot.messaging.encoding import plain
from contract.channels import TWILIO

SMS_TEXTS = [
    (code, key, t.text)
    for code in locales().translated()
    for (key, variant), t in translations(code).items()
    if variant == TWILIO or key.startswith("safety.")
]


@pytest.mark.parametrize(("code", "key", "text"), SMS_TEXTS, ids=[f"{c}:{k}" for c, k, _ in SMS_TEXTS])
def test_every_translated_sms_text_fits_the_budget(code: str, key: str, text: str) -> None:
    assert fits(text), f"{code} {key}: {parts(text)} parts (budget {max_texts()}, {len(text)} characters)"


def test_budget_counts_ucs2() -> None:
    assert is_gsm("Call 999") and not is_gsm("Zadzwoń pod 999") and not is_gsm("999 پر کال کریں")
    assert parts("a" * 160) == 1 and parts("a" * 161) == 2
    assert parts("ą" * 70) == 1 and parts("ą" * 71) == 2 and parts("ą" * 134) == 2 and parts("ą" * 135) == 3
    assert parts("😀" * 35) == 1  # outside the BMP: two UTF-16 units each


def test_sms_channel_keeps_non_latin_text() -> None:
    """The SMS composer folds to GSM-7 only what has a GSM-7 form: Urdu letters stay (UCS-2)."""
    text = translations("ur")[("safety.footer", "default")].text
    assert plain(text) == text
