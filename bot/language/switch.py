"""A person's explicit choice of language: a phrase such as "English please" or "po polsku", the
SMS keyword "LANG <code or name>", or the widget's language menu payload "/set_language{...}"."""

from __future__ import annotations

import json
import re

from bot.language.locales import locales

SMS_KEYWORD = "lang"
PAYLOAD = "/set_language"
_PUNCTUATION = re.compile(r"[^\w\s\-]+")


def normalise(text: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", text.lower()).split())


def _by_name(word: str) -> str | None:
    for code, locale in locales().by_code.items():
        names = {code.lower(), locale.self_name.lower(), locale.english_name.lower(), *locale.switch}
        if word in names:
            return code
    return None


def _payload(text: str) -> str | None:
    try:
        code = json.loads(text[len(PAYLOAD) :] or "{}").get("code")
    except (ValueError, AttributeError):
        return None
    return code if code in locales().by_code else None


def requested(text: str) -> str | None:
    """The code the person asked to switch to, or None when the message is not such a request."""
    stripped = text.strip()
    if stripped.startswith(PAYLOAD):
        return _payload(stripped)
    words = normalise(stripped)
    if words.startswith(f"{SMS_KEYWORD} "):
        return _by_name(words[len(SMS_KEYWORD) + 1 :])
    return _by_name(words) if words else None


def is_menu_request(text: str) -> bool:
    """The bare SMS keyword: the person wants the list of languages."""
    return normalise(text) == SMS_KEYWORD


def menu_text() -> str:
    """The list of languages, each named in itself, for SMS ("LANG pl" to choose)."""
    items = [f"{code}: {locale.self_name}" for code, locale in locales().by_code.items()]
    return "LANG + " + ", ".join(items)
