"""Tracker stores that forget: idle conversations expire, and "delete this chat" works at once.

Only the expiring in-memory and Redis stores are allowed (bot/server.py refuses anything that keeps data indefinitely).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.patches import wrapped_stores

DEFAULT_IDLE_MINUTES = 30


class ExpiringInMemoryTrackerStore(InMemoryTrackerStore):
    """In-memory store where a conversation idle for `idle_minutes` is dropped."""

    def __init__(
        self,
        domain: Domain,
        event_broker: EventBroker | None = None,
        idle_minutes: int | str = DEFAULT_IDLE_MINUTES,
        host: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, event_broker, **kwargs)
        self.idle_seconds = float(idle_minutes or DEFAULT_IDLE_MINUTES) * 60
        self._last_used: dict[str, float] = {}

    def expire_idle(self, now: float | None = None) -> None:
        """Drop every conversation idle for longer than the limit."""
        cutoff = (time.monotonic() if now is None else now) - self.idle_seconds
        for sender_id in [s for s, used in self._last_used.items() if used < cutoff]:
            self._forget(sender_id)

    def _forget(self, sender_id: str) -> None:
        self.store.pop(sender_id, None)
        self._last_used.pop(sender_id, None)

    async def save(self, tracker: DialogueStateTracker) -> None:
        self.expire_idle()
        await super().save(tracker)
        self._last_used[tracker.sender_id] = time.monotonic()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        self.expire_idle()
        return await super().retrieve(sender_id)

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        self.expire_idle()
        return await super().retrieve_full_tracker(sender_id)

    async def keys(self) -> Iterable[str]:
        self.expire_idle()
        return list(self.store.keys())

    async def delete(self, sender_id: str) -> None:
        self._forget(sender_id)


class ForgetfulTrackerStore(TrackerStore):
    """Stands in while the real tracker store is unreachable: keeps nothing.

    Rasa's own fallback is an in-memory store without expiry, which would hold every
    conversation of an outage for the life of the process, beyond the reach of "delete this
    chat". Here the person gets answers without conversation memory until the store is back
    (bot/patches.py puts it in place).
    """

    async def save(self, tracker: DialogueStateTracker) -> None:
        return None

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return None

    async def keys(self) -> Iterable[str]:
        return []

    async def delete(self, sender_id: str) -> None:
        return None


class PrivateRedisTrackerStore(RedisTrackerStore):
    """Redis store that insists on an expiry (`record_exp`) and can delete a conversation."""

    def __init__(self, domain: Domain, record_exp: int | str | None = None, **kwargs: Any) -> None:
        if not record_exp or float(record_exp) <= 0:
            raise ValueError("The Redis tracker store needs record_exp (seconds) so conversations expire.")
        # Whole seconds: redis-py refuses a float expiry, and a failed save would send the
        # conversation to Rasa's fallback in-memory store, which never expires.
        super().__init__(domain, record_exp=max(1, int(float(record_exp))), **kwargs)

    async def delete(self, sender_id: str) -> None:
        self.red.delete(self.key_prefix + sender_id)


async def delete_conversation(store: TrackerStore, sender_id: str) -> None:
    """Remove one conversation from every store that may hold it, whatever wraps them."""
    for inner in wrapped_stores(store):
        if callable(getattr(inner, "delete", None)):  # ours (and the gateway's stand-in store)
            await inner.delete(sender_id)
        elif isinstance(inner, InMemoryTrackerStore):  # Rasa's own fallback while the primary fails
            inner.store.pop(sender_id, None)
