"""Keys of the message metadata the Rasa server sends with a message and the actions read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

STAFF = "staff"
NEEDS = "needs"


def staff_metadata(needs: Iterable[str]) -> dict[str, Any]:
    """Metadata for a staff query: the needs the call handler ticked."""
    return {STAFF: {NEEDS: list(needs)}}


def ticked_needs(metadata: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The needs a call handler ticked (empty for anything else)."""
    staff = (metadata or {}).get(STAFF)
    needs = staff.get(NEEDS) if isinstance(staff, Mapping) else None
    return tuple(n for n in needs if isinstance(n, str)) if isinstance(needs, list) else ()
