"""Per-sender and per-address message limits, so nobody can flood the server or the SMS bill.

A sliding one-minute window held in memory, per process. Keys are pseudonymous ids and client
addresses. Memory is bounded whatever an attacker sends: keys whose window is empty are dropped,
and beyond `max_keys` the least recently seen key is dropped (an attacker rotating ids can then
only make the limiter forget old keys, never grow it or slow it down).
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque

DEFAULT_MAX_KEYS = 100_000


class RateLimiter:
    def __init__(self, per_minute: int, window_seconds: float = 60.0, max_keys: int = DEFAULT_MAX_KEYS) -> None:
        self.per_minute = per_minute
        self.window = window_seconds
        self.max_keys = max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def _disabled(self, key: str) -> bool:
        """A limit of 0 or less turns the limiter off; an unknown key (no address) is never limited."""
        return self.per_minute <= 0 or not key

    def full(self, key: str, now: float | None = None) -> bool:
        """True when `key` has used its messages for the current window (records nothing)."""
        if self._disabled(key):
            return False
        hits = self._hits.get(key)
        if not hits:
            return False
        now = time.monotonic() if now is None else now
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return len(hits) >= self.per_minute

    def record(self, key: str, now: float | None = None) -> None:
        """Count one message for `key`."""
        if self._disabled(key):
            return
        now = time.monotonic() if now is None else now
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque(maxlen=self.per_minute)
        else:
            self._hits.move_to_end(key)
        hits.append(now)
        self._sweep(now)

    def allow(self, key: str, now: float | None = None) -> bool:
        """Record one message for `key`; False when it is over the limit."""
        now = time.monotonic() if now is None else now
        if self.full(key, now):
            return False
        self.record(key, now)
        return True

    def __len__(self) -> int:
        return len(self._hits)

    def _sweep(self, now: float) -> None:
        """Drop keys whose window is empty, and the least recently seen beyond `max_keys`.

        Keys are kept in order of their last message, so expired keys are always at the front:
        each call removes only what has expired, and the cost per message stays constant.
        """
        while len(self._hits) > self.max_keys:
            self._hits.popitem(last=False)
        while self._hits:
            oldest = next(iter(self._hits.values()))
            if oldest and oldest[-1] > now - self.window:
                return
            self._hits.popitem(last=False)
