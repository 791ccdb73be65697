"""The conversation's language, kept in memory only, keyed by the pseudonymous sender id and
forgotten after the same idle time as the conversation itself. Nothing else is stored."""

from __future__ import annotations

import time
from collections.abc import Callable


class LanguageMemory:
    def __init__(self, idle_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_seconds = idle_seconds
        self.clock = clock
        self._codes: dict[str, tuple[str, float]] = {}

    def get(self, sender: str) -> str | None:
        found = self._codes.get(sender)
        if found is None:
            return None
        code, seen = found
        if self.clock() - seen > self.idle_seconds:
            del self._codes[sender]
            return None
        self._codes[sender] = (code, self.clock())
        return code

    def set(self, sender: str, code: str) -> None:
        self._expire()
        self._codes[sender] = (code, self.clock())

    def forget(self, sender: str) -> None:
        self._codes.pop(sender, None)

    def _expire(self) -> None:
        now = self.clock()
        for sender in [s for s, (_, seen) in self._codes.items() if now - seen > self.idle_seconds]:
            del self._codes[sender]
