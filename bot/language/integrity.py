"""What a translation must keep from its English source: the same numbers (phone numbers, 999,
55, hours), the same URLs and the same {placeholders}. Used by the tests and by PO import, which
refuses an entry that would change them."""

from __future__ import annotations

import re
from collections import Counter

_URL = re.compile(r"(?:https?://|www\.)[^\s)\"'<>]+[^\s)\"'<>.,;:!?]")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_NUMBER = re.compile(r"\d+")


def urls(text: str) -> Counter[str]:
    return Counter(_URL.findall(text))


def numbers(text: str) -> Counter[str]:
    """The digit runs outside URLs ("0808 2000 247" -> 0808, 2000, 247; grouping may differ)."""
    return Counter(_NUMBER.findall(_URL.sub(" ", text)))


def placeholders(text: str) -> Counter[str]:
    return Counter(_PLACEHOLDER.findall(text))


def problems(english: str, translated: str) -> list[str]:
    """Why `translated` may not stand for `english`; empty when it keeps what it must."""
    out: list[str] = []
    for label, extract in (("numbers", numbers), ("URLs", urls), ("placeholders", placeholders)):
        if extract(english) != extract(translated):
            want, got = sorted(extract(english).elements()), sorted(extract(translated).elements())
            out.append(f"{label} differ: English has {want}, translation has {got}")
    return out
