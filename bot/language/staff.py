"""For the staff console: the answer in the caller's language beside the English, and whether a
native speaker has reviewed that translation (unreviewed ones are marked in the console)."""

from __future__ import annotations

from typing import Any

from bot.language.locales import locales
from bot.language.sources import DEFAULT
from bot.language.store import lookup
from contract.channels import TWILIO


def code_for(language: str | None) -> str | None:
    """The served language code for a canonical English language name ("urdu" -> "ur")."""
    if not language:
        return None
    for code, locale in locales().by_code.items():
        if not locale.fallback and locale.english_name.lower().split(" ")[0] == language.lower():
            return code
    return None


def staff_translation(language: str | None, response: str | None) -> dict[str, Any] | None:
    """The answer and its "say this" form in the caller's language, with review state; None when the
    caller's language is English, not served, or no answer is shown."""
    code = code_for(language)
    if code is None or code == locales().default or not response:
        return None
    locale = locales().get(code)
    out: dict[str, Any] = {"code": code, "language": locale.self_name, "rtl": locale.rtl}
    for field, variant in (("answer", DEFAULT), ("say_this", TWILIO)):
        found = lookup(code, response, variant)
        out[field] = found.text if found else None
        out[f"{field}_reviewed"] = bool(found and found.reviewed)
    return out
