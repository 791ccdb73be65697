"""The translation layer: English replies in, the same replies in the conversation's language out.

A reply is matched to its English source by its text (the whole text, else line by line, so the
gateway's composed safety notes translate too), preferring the responses Rasa says it uttered.
Numbers, URLs and service names stay as they are because the translations keep them (a test
checks every one). What has no translation stays English, and one line in the person's language
says so, before the first such reply: never silence, never "I didn't understand"."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.language.locales import locales
from bot.language.sources import DEFAULT, Source, sources
from bot.language.store import lookup
from contract.channels import TWILIO

# A line listing a service and its number ("- Live Fear Free (Wales): 0808 80 10 800") needs no
# translation: service names are not translated.
_SERVICE_LINE = re.compile(r"^[-•]?\s*[^:]{2,80}:\s*[\d +()]{6,}$")


@dataclass
class Translated:
    reply: dict[str, Any]
    complete: bool


@lru_cache(maxsize=1)
def _by_text() -> dict[str, list[Source]]:
    index: dict[str, list[Source]] = {}
    for source in sources().values():
        index.setdefault(source.text, []).append(source)
    return index


def _best(candidates: list[Source], channel: str, uttered: Iterable[str]) -> list[Source]:
    """Candidates for a text in order of preference: uttered by Rasa first, then the channel's variant."""
    said = set(uttered)
    variant = TWILIO if channel == TWILIO else DEFAULT
    return sorted(candidates, key=lambda s: (s.key not in said, s.channel != variant))


def _text(text: str, code: str, channel: str, uttered: Iterable[str]) -> tuple[str, tuple[str, ...]] | None:
    for source in _best(_by_text().get(text.strip(), []), channel, uttered):
        found = lookup(code, source.key, source.variant)
        if found:
            return found.text, found.buttons
    return None


def _lines(text: str, code: str, channel: str, uttered: Iterable[str]) -> str | None:
    out: list[str] = []
    for line in text.split("\n"):
        if not line.strip() or _SERVICE_LINE.match(line.strip()):
            out.append(line)
            continue
        found = _text(line, code, channel, uttered)
        if found is None:
            return None
        out.append(found[0])
    return "\n".join(out)


def _buttons(buttons: list[dict], titles: tuple[str, ...]) -> list[dict]:
    if len(titles) != len(buttons):
        return buttons
    return [{**button, "title": title} for button, title in zip(buttons, titles, strict=True)]


def translate_reply(reply: dict[str, Any], code: str, channel: str, uttered: Iterable[str] = ()) -> Translated:
    text = reply.get("text")
    if not text:
        return Translated(reply, True)
    whole = _text(text, code, channel, uttered)
    if whole:
        new = {**reply, "text": whole[0]}
        if reply.get("buttons"):
            new["buttons"] = _buttons(reply["buttons"], whole[1])
        return Translated(new, True)
    by_line = _lines(text, code, channel, uttered)
    if by_line is not None:
        return Translated({**reply, "text": by_line}, True)
    return Translated(reply, False)


def translate_replies(
    replies: list[dict[str, Any]], code: str, channel: str, uttered: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Every reply in `code` where a translation exists, with the one-line note before the first
    reply that is still in English."""
    uttered = list(uttered)
    out: list[dict[str, Any]] = []
    noted = False
    for reply in replies:
        result = translate_reply(reply, code, channel, uttered)
        if not result.complete and not noted:
            out.append({"text": locales().get(code).note})
            noted = True
        out.append(result.reply)
    return out
