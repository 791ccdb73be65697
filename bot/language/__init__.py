"""Speak the person's language (issue 15): detection, the conversation's language, switching and
a translation layer over the English replies. The gateway calls `speak` once per turn."""

from bot.language.turn import speak

__all__ = ["speak"]
