"""What the messaging channels remember per conversation: STOP, numbered options, MORE pages and
the one rate-limit notice. Keys are pseudonymous ids (HMACs), values are payloads and texts we
sent; nothing else is kept, and every entry expires.

In memory by default (one process). In the scaled mode (SHARED_STATE_URL, a Redis URL) every
server reads and writes the same keys, so a STOP sent through one server silences the others.

Why the STOP list also stays in each server's memory in Redis mode: the scaled mode's Redis keeps
nothing on disk, so a Redis restart empties it. Each server keeps a marker key in Redis: while its
marker is there, Redis is the truth (a START anywhere clears the STOP everywhere); when it is gone,
Redis lost its data, and the server writes back every STOP it knows, at the latest
`stop_resync_seconds` after Redis answers again (docs/channels.md: the window). STOPs and STARTs
taken while Redis is unreachable are written once it is back. A Redis failure falls back to memory.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from bot.messaging.wording import wording

logger = logging.getLogger(__name__)
MAX_KEYS = 100_000
PREFIX = "safetoask:msg"
REST_SECONDS = 2.0
STOP, OPTIONS, PAGES, NOTICE, MARKER = "stop", "options", "pages", "notice", "alive"


@dataclass
class Expiring:
    """A bounded in-memory map whose entries vanish after their time (keys: pseudonymous ids)."""

    seconds: float
    max_keys: int = MAX_KEYS
    _items: OrderedDict[str, tuple[float, Any]] = field(default_factory=OrderedDict)

    def put(self, key: str, value: Any, now: float | None = None, seconds: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._items.pop(key, None)
        self._items[key] = (now + (self.seconds if seconds is None else seconds), value)
        self._sweep(now)

    def get(self, key: str, now: float | None = None) -> Any:
        entry = self._items.get(key)
        if entry is None or entry[0] <= (time.monotonic() if now is None else now):
            self._items.pop(key, None)
            return None
        return entry[1]

    def pop(self, key: str) -> None:
        self._items.pop(key, None)

    def live_keys(self) -> list[str]:
        return list(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def _sweep(self, now: float) -> None:
        while len(self._items) > self.max_keys:
            self._items.popitem(last=False)
        for key in [k for k, (expires, _) in self._items.items() if expires <= now][:100]:
            del self._items[key]


def _seconds(name: str) -> float:
    memory = wording().memory
    return {STOP: memory["stop_days"] * 86400, NOTICE: memory["rate_notice_seconds"]}.get(
        name, memory["pages_max_minutes"] * 60
    )


class MemoryState:
    """One process's memory (the embedded default)."""

    def __init__(self, idle_seconds: float | None = None) -> None:
        pages = min(idle_seconds or _seconds(PAGES), _seconds(PAGES))
        self.maps = {
            STOP: Expiring(_seconds(STOP)),
            OPTIONS: Expiring(pages),
            PAGES: Expiring(pages),
            NOTICE: Expiring(_seconds(NOTICE)),
        }

    async def get(self, kind: str, sender: str) -> Any:
        return self.maps[kind].get(sender)

    async def put(self, kind: str, sender: str, value: Any) -> None:
        self.maps[kind].put(sender, value)

    async def drop(self, kind: str, sender: str) -> None:
        self.maps[kind].pop(sender)

    async def first(self, kind: str, sender: str) -> bool:
        """True the first time in the entry's lifetime (the rate-limit notice is sent once)."""
        if self.maps[kind].get(sender) is not None:
            return False
        self.maps[kind].put(sender, True)
        return True


class RedisResting(ConnectionError):
    """Redis failed a moment ago: this call uses memory without trying (see `REST_SECONDS`)."""


class RedisState:
    """The same interface on Redis, with the STOP list mirrored in memory (see the module docstring)."""

    def __init__(self, url: str, idle_seconds: float | None = None, prefix: str = PREFIX) -> None:
        import redis.asyncio as redis

        self.client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.local = MemoryState(idle_seconds)
        self.prefix = prefix
        self.ttl = {kind: int(expiry.seconds) for kind, expiry in self.local.maps.items()}
        self._checked = 0.0
        self._down_logged = 0.0
        self._skip_until = 0.0  # after a failure, memory only for a moment: a dead Redis must not slow every reply
        self.pending: dict[str, bool] = {}  # STOP (True) or START (False) not yet written to Redis
        # This server's own marker: every server must notice an emptied Redis, not only the first.
        self.marker = f"{prefix}:{MARKER}:{secrets.token_hex(8)}"

    def key(self, kind: str, sender: str) -> str:
        return f"{self.prefix}:{kind}:{sender}"

    async def get(self, kind: str, sender: str) -> Any:
        if kind == STOP:
            return await self._stopped(sender)
        try:
            self._check()
            raw = await self.client.get(self.key(kind, sender))
        except Exception as error:
            self._down(error)
            return await self.local.get(kind, sender)
        return None if raw is None else json.loads(raw)

    async def put(self, kind: str, sender: str, value: Any) -> None:
        if kind == STOP:
            await self.local.put(kind, sender, value)
        try:
            self._check()
            await self.client.set(self.key(kind, sender), json.dumps(value), ex=self.ttl[kind])
        except Exception as error:
            self._down(error)
            await self.local.put(kind, sender, value)
            if kind == STOP:
                self.pending[sender] = True

    async def drop(self, kind: str, sender: str) -> None:
        await self.local.drop(kind, sender)
        try:
            self._check()
            await self.client.delete(self.key(kind, sender))
        except Exception as error:
            self._down(error)
            if kind == STOP:
                self.pending[sender] = False

    async def first(self, kind: str, sender: str) -> bool:
        try:
            self._check()
            return bool(await self.client.set(self.key(kind, sender), "1", ex=self.ttl[kind], nx=True))
        except Exception as error:
            self._down(error)
            return await self.local.first(kind, sender)

    async def _stopped(self, sender: str) -> bool:
        """Redis is the truth while its marker is there; else the STOPs known here are written back."""
        try:
            self._check()
            await self.resync()
            stopped = await self.client.exists(self.key(STOP, sender))
        except Exception as error:
            self._down(error)
            return bool(await self.local.get(STOP, sender))
        if stopped:
            await self.local.put(STOP, sender, True)
            return True
        if await self.local.get(STOP, sender):
            try:  # known here, not in Redis: a START elsewhere, or Redis lost its data
                self._check()
                await self.resync(force=True)
                stopped = await self.client.exists(self.key(STOP, sender))
            except Exception as error:
                self._down(error)
                return True
            if not stopped:
                await self.local.drop(STOP, sender)
        return bool(stopped)

    async def resync(self, force: bool = False) -> None:
        """At most every `stop_resync_seconds`: if Redis lost its data (no marker), write back
        every STOP this server knows, then the marker. Raises when Redis is unreachable."""
        now = time.monotonic()
        if self.pending:
            await self._flush_pending()
        if not force and now - self._checked < wording().memory["stop_resync_seconds"]:
            return
        self._checked = now
        marker = self.marker
        if await self.client.expire(marker, self.ttl[STOP]):
            return
        stops = self.local.maps[STOP]
        async with self.client.pipeline(transaction=False) as pipe:
            for sender in stops.live_keys():
                if stops.get(sender):
                    pipe.set(self.key(STOP, sender), json.dumps(True), ex=self.ttl[STOP])
            pipe.set(marker, "1", ex=self.ttl[STOP])
            await pipe.execute()
        logger.warning("Messaging state: Redis held no STOP list; wrote back the %d this server knows.", len(stops))

    async def _flush_pending(self) -> None:
        """STOPs and STARTs taken while Redis was unreachable, written once it answers again."""
        pending, self.pending = self.pending, {}
        try:
            async with self.client.pipeline(transaction=False) as pipe:
                for sender, stopped in pending.items():
                    if stopped:
                        pipe.set(self.key(STOP, sender), json.dumps(True), ex=self.ttl[STOP])
                    else:
                        pipe.delete(self.key(STOP, sender))
                await pipe.execute()
        except Exception:
            self.pending = {**pending, **self.pending}
            raise

    async def keep_in_sync(self) -> None:
        """Runs for the life of the server: re-checks the marker even when no message arrives."""
        logger.info("Messaging state: checking Redis every %.0f s.", wording().memory["stop_resync_seconds"])
        while True:
            await asyncio.sleep(wording().memory["stop_resync_seconds"])
            try:
                await self.resync(force=True)  # the probe: not skipped while the others wait
                self._skip_until = 0.0
            except Exception as error:
                self._down(error)

    def _check(self) -> None:
        if time.monotonic() < self._skip_until:
            raise RedisResting()

    def _down(self, error: BaseException) -> None:
        now = time.monotonic()
        if isinstance(error, RedisResting):
            return
        self._skip_until = now + REST_SECONDS
        if now - self._down_logged > 60:
            self._down_logged = now
            logger.error("Messaging state: Redis unreachable (%s); using this server's memory.", type(error).__name__)


State = MemoryState | RedisState
_SHARED: list[State] = []


def shared_state(url: str = "", idle_seconds: float | None = None) -> State:
    """The process's one state, shared by SMS and WhatsApp: Redis when `url` is set, else memory."""
    if not _SHARED:
        _SHARED.append(RedisState(url, idle_seconds) if url else MemoryState(idle_seconds))
    return _SHARED[0]
