"""Pseudonymous sender ids: Rasa only ever sees a keyed hash of the channel's own id."""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(secret: bytes, channel: str, raw_id: str) -> str:
    """HMAC-SHA256 of `channel:raw_id`.

    Keyed (not a plain hash) so that nobody without the key can test a phone number against
    stored ids; the channel name is mixed in so the same raw id on two channels gives two ids.
    """
    digest = hmac.new(secret, f"{channel}:{raw_id}".encode("utf-8", "replace"), hashlib.sha256)
    return digest.hexdigest()
