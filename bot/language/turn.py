"""One turn's language work, called once by the gateway where replies are returned: honour a
switch request, update the conversation's language from the message, translate the replies."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from bot.language.detect import detect, ready
from bot.language.locales import locales
from bot.language.memory import LanguageMemory
from bot.language.switch import is_menu_request, menu_text, requested
from bot.language.translate import translate_replies
from bot.settings import get_settings
from contract.channels import STAFF
from contract.intents import UTTER_DELETED
from contract.safety_lines import safety_lines


@lru_cache(maxsize=1)
def memory() -> LanguageMemory:
    return LanguageMemory(idle_seconds=get_settings().idle_minutes * 60)


def conversation_language(sender: str, text: str) -> str:
    """The conversation's language after this message: a confident detection changes it, a short
    or uncertain message keeps it."""
    found = detect(text) if ready() else None
    if found is not None:
        memory().set(sender, found.code)
        return found.code
    return memory().get(sender) or locales().default


def _switched(code: str, channel: str) -> list[dict[str, Any]]:
    """The reply to a switch request, in the new language, with the 999 footer."""
    footer = [{"text": safety_lines().footer}]
    if code != locales().default:
        footer = translate_replies(footer, code, channel)
    return [{"text": locales().get(code).switched}, *footer]


def speak(sender: str, text: str, channel: str, replies: list[dict[str, Any]], uttered: list[str]) -> list[dict]:
    """The replies to send, in the person's language. Staff see English (the console shows both)."""
    if channel == STAFF:
        return replies
    if is_menu_request(text):
        return [{"text": menu_text()}, {"text": safety_lines().footer}]
    choice = requested(text)
    if choice is not None:
        memory().set(sender, choice)
        return _switched(choice, channel)
    code = conversation_language(sender, text)
    if UTTER_DELETED in uttered:
        memory().forget(sender)  # "delete this chat" forgets the language too
    if code == locales().default:
        return replies
    return translate_replies(replies, code, channel, uttered)


ready()  # start loading the language models in the background as the server starts (about 10 s)
