"""How many SMS parts a text needs: GSM-7 (160 a text, 153 a part) when every character is in
the GSM alphabet, otherwise UCS-2 (70 a text, 67 a part, counted in UTF-16 units). The messaging
composer's budget is MAX_SEGMENTS parts (bot/channels/sms.py); every translated SMS variant must fit
it. Kept here until the messaging composer counts UCS-2 itself."""

from __future__ import annotations

import math

from bot.channels.sms import GSM_BASIC, GSM_EXTENDED, MAX_SEGMENTS, units

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def is_gsm(text: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENDED for c in text)


def ucs2_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parts(text: str) -> int:
    """SMS parts the text takes when sent as one concatenated message."""
    if is_gsm(text):
        size, single, part = units(text), GSM_SINGLE, GSM_PART
    else:
        size, single, part = ucs2_units(text), UCS2_SINGLE, UCS2_PART
    return 1 if size <= single else math.ceil(size / part)


def fits(text: str, budget: int = MAX_SEGMENTS) -> bool:
    return parts(text) <= budget
