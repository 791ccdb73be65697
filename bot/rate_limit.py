"""Per-sender and per-address message limits, so nobody can flood the server or the SMS bill.

A sliding one-minute window held in memory, per process (or in Redis, shared by every server,
in the scaled mode: `RedisRateLimiter`). Keys are pseudonymous ids and client
addresses. Memory is bounded whatever an attacker sends: keys whose window is empty are dropped,
and beyond `max_keys` the least recently seen key is dropped (an attacker rotating ids can then
only make the limiter forget old keys, never grow it or slow it down).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)
DEFAULT_MAX_KEYS = 100_000
REDIS_PREFIX = "safetoask:rate"
REDIS_REST_SECONDS = 2.0


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


class RedisRateLimiter:
    """The same sliding window in Redis, so several servers share one limit (the scaled mode).

    One sorted set per key, scored by time, expiring with its window. Keys are hashed with the
    server's HMAC key first, so Redis holds no client address, only pseudonymous ids. When Redis
    cannot be reached, this server's own in-memory limiter counts instead (limits then hold per
    server until Redis is back), so a Redis outage never blocks or floods anyone.
    """

    def __init__(self, per_minute: int, client: Any, name: str, secret: bytes, window_seconds: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window_seconds
        self.client = client
        self.name = name
        self.secret = secret
        self.local = RateLimiter(per_minute, window_seconds)
        self._down_logged = 0.0
        self._skip_until = 0.0  # after a failure, memory only for a moment: these calls block the event loop

    def _key(self, key: str) -> str:
        digest = hmac.new(self.secret, f"{self.name}:{key}".encode(), hashlib.sha256).hexdigest()
        return f"{REDIS_PREFIX}:{self.name}:{digest}"

    def _disabled(self, key: str) -> bool:
        return self.per_minute <= 0 or not key

    def full(self, key: str, now: float | None = None) -> bool:
        if self._disabled(key):
            return False
        now = time.time() if now is None else now
        if time.monotonic() < self._skip_until:
            return self.local.full(key)
        try:
            return int(self.client.zcount(self._key(key), f"({now - self.window}", "+inf")) >= self.per_minute
        except Exception as error:
            self._down(error)
            return self.local.full(key)

    def record(self, key: str, now: float | None = None) -> None:
        if self._disabled(key):
            return
        now = time.time() if now is None else now
        name = self._key(key)
        if time.monotonic() < self._skip_until:
            self.local.record(key)
            return
        try:
            pipe = self.client.pipeline(transaction=False)
            pipe.zadd(name, {f"{now:.6f}:{secrets.token_hex(4)}": now})
            pipe.zremrangebyscore(name, "-inf", now - self.window)
            pipe.pexpire(name, int(self.window * 1000) + 1000)
            pipe.execute()
        except Exception as error:
            self._down(error)
            self.local.record(key)

    def allow(self, key: str, now: float | None = None) -> bool:
        if self.full(key, now):
            return False
        self.record(key, now)
        return True

    def __len__(self) -> int:
        return len(self.local)

    def _down(self, error: BaseException) -> None:
        now = time.monotonic()
        self._skip_until = now + REDIS_REST_SECONDS
        if now - self._down_logged > 60:
            self._down_logged = now
            logger.error("Rate limits: Redis unreachable (%s); counting in this server's memory.", type(error).__name__)


Limiter = RateLimiter | RedisRateLimiter
LimiterFactory = Callable[[str, int], Limiter]


def limiter_factory(shared_state_url: str = "", secret: bytes = b"") -> LimiterFactory:
    """In memory by default; in Redis when the scaled mode's shared state is configured."""
    if not shared_state_url:
        return lambda name, per_minute: RateLimiter(per_minute)
    import redis

    client = redis.Redis.from_url(shared_state_url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return lambda name, per_minute: RedisRateLimiter(per_minute, client, name, secret)
