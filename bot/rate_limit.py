"""Per-sender and per-address message limits, so nobody can flood the server or the SMS bill.

A sliding one-minute window held in memory, per process. Keys are pseudonymous ids and client
addresses; they are dropped as soon as their window is empty.
"""

from __future__ import annotations

import time
from collections import deque


class RateLimiter:
    def __init__(self, per_minute: int, window_seconds: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window_seconds
        self._hits: dict[str, deque[float]] = {}

    def allow(self, key: str, now: float | None = None) -> bool:
        """Record one message for `key`; False when it is over the limit."""
        if self.per_minute <= 0 or not key:
            return True
        now = time.monotonic() if now is None else now
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.per_minute:
            return False
        hits.append(now)
        self._sweep(now)
        return True

    def _sweep(self, now: float) -> None:
        if len(self._hits) < 10_000:
            return
        for key in [k for k, h in self._hits.items() if not h or h[-1] <= now - self.window]:
            del self._hits[key]
