"""Who may use the staff API: the bearer token, compared in constant time, and a guard against guessing.

Shaped by the red-team pass (issue 17, finding 8):

- A 401 reads the same whether or not staff access is configured: it says only what the caller
  sent (no token, or a token that is not accepted). The operator learns that STAFF_TOKEN is empty
  from the server log, never a stranger from the API.
- A request without a token is refused and not counted: it guesses nothing. Wrong tokens are
  counted twice. Per address *and token tried*: one console that keeps sending an old
  token is refused unchecked after a few tries, and the colleagues in the same office (same
  address) with the right token carry on. Per address, only *different* wrong tokens count: that
  is guessing, and after enough of them every sign-in from that address is refused, because a
  correct guess must not be confirmed. Both locks back off: each new lock lasts twice as long as
  the one before, and an hour without failures forgives them.
- Locks are logged for the operator with the address and the counts, never the token or any
  fingerprint of it. A token is held only as a keyed hash (a key made per process) while counted.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

MISSING = "Missing token: send the header Authorization: Bearer <staff token>."
WRONG = "Wrong token: check the staff token and send Authorization: Bearer <staff token>."
LOCKED = "Too many wrong tokens. Wait {seconds} seconds, then try again."
SAME_TOKEN_LIMIT = 10  # failures of one wrong token from one address before it is refused unchecked
NEW_TOKEN_LIMIT = 20  # different wrong tokens from one address before the address is refused
FIRST_LOCK_SECONDS = 60.0
LONGEST_LOCK_SECONDS = 3600.0
FORGIVE_SECONDS = 3600.0  # failures this old, with no lock running, are forgotten
MAX_KEYS = 10_000
# Compared when no token is configured, so that an unconfigured server takes the same path.
_PLACEHOLDER = secrets.token_urlsafe(32).encode("utf-8")

Clock = Callable[[], float]


def token_matches(header: str | None, expected: str) -> bool:
    """True when `Authorization: Bearer <token>` carries the configured token (constant time).
    Nobody gets in when no token is configured."""
    scheme, _, given = (header or "").strip().partition(" ")
    same = hmac.compare_digest(given.strip().encode("utf-8"), expected.encode("utf-8") or _PLACEHOLDER)
    return bool(expected) and scheme.lower() == "bearer" and same


@dataclass
class Strikes:
    count: int = 0
    last: float = 0.0
    until: float = 0.0


class Backoff:
    """Failures per key. From the `limit`-th on, each failure (after any lock has run out) locks the
    key for twice as long as the lock before, from `first` seconds up to `longest`."""

    def __init__(self, limit: int, clock: Clock, first: float = FIRST_LOCK_SECONDS) -> None:
        self.limit, self.clock, self.first = limit, clock, first
        self._strikes: dict[object, Strikes] = {}

    def locked_for(self, key: object) -> float:
        """Seconds left on the key's lock (0: not locked)."""
        strikes = self._strikes.get(key)
        return max(0.0, strikes.until - self.clock()) if strikes else 0.0

    def fail(self, key: object) -> tuple[int, float]:
        """Count a failure: the key's failures so far and the seconds of the lock it started (0: none)."""
        now = self.clock()
        self._forget(now)
        strikes = self._strikes.setdefault(key, Strikes())
        strikes.count, strikes.last = strikes.count + 1, now
        if strikes.count < self.limit:
            return strikes.count, 0.0
        seconds = min(self.first * 2 ** (strikes.count - self.limit), LONGEST_LOCK_SECONDS)
        strikes.until = now + seconds
        return strikes.count, seconds

    def clear(self, key: object) -> None:
        self._strikes.pop(key, None)

    def known(self, key: object) -> bool:
        return key in self._strikes

    def _forget(self, now: float) -> None:
        """Forgive old failures; past MAX_KEYS keys, keep only the locks still running."""
        stale = [k for k, s in self._strikes.items() if s.until <= now and now - s.last > FORGIVE_SECONDS]
        if len(self._strikes) > MAX_KEYS:
            stale = [k for k, s in self._strikes.items() if s.until <= now]
        for key in stale:
            del self._strikes[key]


@dataclass(frozen=True)
class Verdict:
    status: int  # 200 (let in), 401 or 429
    message: str = ""
    retry_after: int = 0

    @property
    def allowed(self) -> bool:
        return self.status == 200


class SignInGuard:
    """Checks a request's Authorization header against the staff token, with the two locks."""

    def __init__(self, expected: str, clock: Clock = time.monotonic) -> None:
        self.expected = expected
        self.same_token = Backoff(SAME_TOKEN_LIMIT, clock)
        self.new_tokens = Backoff(NEW_TOKEN_LIMIT, clock)
        self._key = secrets.token_bytes(32)
        self._tried: dict[str, set[bytes]] = {}

    def _fingerprint(self, header: str | None) -> bytes:
        return hmac.new(self._key, (header or "").strip().encode("utf-8"), hashlib.sha256).digest()[:16]

    def check(self, address: str, header: str | None) -> Verdict:
        """Let in, 401 (what was wrong with what was sent) or 429 (locked, and for how long)."""
        pair = (address, self._fingerprint(header))
        wait = max(self.same_token.locked_for(pair), self.new_tokens.locked_for(address))
        if wait > 0:
            seconds = math.ceil(wait)
            return Verdict(429, LOCKED.format(seconds=seconds), seconds)
        if token_matches(header, self.expected):
            self.same_token.clear(pair)
            return Verdict(200)
        if not (header or "").strip():
            return Verdict(401, MISSING)  # no guess, nothing to count
        self._failed(address, pair)
        return Verdict(401, WRONG)

    def _failed(self, address: str, pair: tuple[str, bytes]) -> None:
        count, seconds = self.same_token.fail(pair)
        if seconds:
            logger.warning(
                "Staff sign-in: the same wrong token came %d times from %s; that token is refused "
                "unchecked from there for %d s (other tokens from there are still checked).",
                count,
                address,
                seconds,
            )
        if not self.new_tokens.known(address):
            self._tried.pop(address, None)
        if len(self._tried) > MAX_KEYS:
            self._tried.clear()
        tried = self._tried.setdefault(address, set())
        if pair[1] in tried:
            return
        tried.add(pair[1])
        count, seconds = self.new_tokens.fail(address)
        if seconds:
            logger.warning(
                "Staff sign-in: %d different wrong tokens from %s; every sign-in from there is refused "
                "for %d s. Someone there may be guessing the staff token.",
                count,
                address,
                seconds,
            )
        else:
            logger.info("Staff sign-in refused from %s (%d different wrong tokens so far).", address, count)
