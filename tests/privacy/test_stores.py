"""Conversation state forgets: idle conversations expire, "delete this chat" works at once, and
the server refuses configurations that would keep conversations (or copy them elsewhere).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.tracker_store import AwaitableTrackerStore, FailSafeTrackerStore, InMemoryTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import bot.tracker_store as tracker_store_module
from bot.tracker_store import ExpiringInMemoryTrackerStore, PrivateRedisTrackerStore, delete_conversation
from tests.conftest import ROOT, require_service

REDIS = ("127.0.0.1", 6379)


def _tracker(sender: str, text: str = "will the police tell the home office") -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, slots=[])
    tracker.update(UserUttered(text, intent={"name": "ask_data_sharing", "confidence": 1.0}))
    return tracker


# --------------------------------------------------------------------------------------------
# In memory, with expiry
# --------------------------------------------------------------------------------------------


@pytest.fixture()
def memory() -> ExpiringInMemoryTrackerStore:
    return ExpiringInMemoryTrackerStore(Domain.empty(), idle_minutes="1")


async def test_idle_conversation_expires(memory: ExpiringInMemoryTrackerStore) -> None:
    await memory.save(_tracker("idle"))
    assert "idle" in memory.store
    memory.expire_idle(now=time.monotonic() + 61)
    assert "idle" not in memory.store
    assert "idle" not in memory._last_used


async def test_recent_conversation_is_kept(memory: ExpiringInMemoryTrackerStore) -> None:
    await memory.save(_tracker("recent"))
    memory.expire_idle(now=time.monotonic() + 30)
    assert "recent" in memory.store


async def test_every_read_expires_first(memory: ExpiringInMemoryTrackerStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Expiry needs no timer: any save, read or listing drops what is old."""
    await memory.save(_tracker("old"))
    later = time.monotonic() + 3600
    monkeypatch.setattr(tracker_store_module.time, "monotonic", lambda: later)
    assert await memory.retrieve("old") is None
    assert await memory.retrieve_full_tracker("old") is None
    assert list(await memory.keys()) == []
    assert memory.store == {}


async def test_saving_one_conversation_expires_the_others(
    memory: ExpiringInMemoryTrackerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await memory.save(_tracker("old"))
    later = time.monotonic() + 3600
    monkeypatch.setattr(tracker_store_module.time, "monotonic", lambda: later)
    await memory.save(_tracker("new"))
    assert set(memory.store) == {"new"}


async def test_idle_minutes_default_and_from_endpoints_text() -> None:
    assert ExpiringInMemoryTrackerStore(Domain.empty()).idle_seconds == 30 * 60
    assert ExpiringInMemoryTrackerStore(Domain.empty(), idle_minutes="5").idle_seconds == 300
    assert ExpiringInMemoryTrackerStore(Domain.empty(), idle_minutes="").idle_seconds == 30 * 60


async def test_delete_removes_at_once(memory: ExpiringInMemoryTrackerStore) -> None:
    await memory.save(_tracker("gone"))
    await memory.save(_tracker("stays"))
    await delete_conversation(memory, "gone")
    assert "gone" not in memory.store and await memory.retrieve("gone") is None
    assert "stays" in memory.store


async def test_delete_of_unknown_conversation_is_harmless(memory: ExpiringInMemoryTrackerStore) -> None:
    await delete_conversation(memory, "never-existed")


async def test_delete_works_through_rasa_wrappers(memory: ExpiringInMemoryTrackerStore) -> None:
    """The agent wraps the store (FailSafeTrackerStore, sometimes AwaitableTrackerStore too)."""
    wrapped = FailSafeTrackerStore(AwaitableTrackerStore(memory))
    await wrapped.save(_tracker("wrapped"))
    assert "wrapped" in memory.store
    await delete_conversation(wrapped, "wrapped")
    assert "wrapped" not in memory.store


class _BrokenStore(InMemoryTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        raise ConnectionError("store unavailable")


async def test_delete_reaches_rasas_fallback_store() -> None:
    """When the primary store fails, Rasa keeps conversations in a fallback in-memory store:
    "delete this chat" must remove them there too."""
    fallback = InMemoryTrackerStore(Domain.empty())
    wrapped = FailSafeTrackerStore(_BrokenStore(Domain.empty()), fallback_tracker_store=fallback)
    await wrapped.save(_tracker("fell-back"))
    assert "fell-back" in fallback.store
    await delete_conversation(wrapped, "fell-back")
    assert "fell-back" not in fallback.store


# --------------------------------------------------------------------------------------------
# Redis (the real one), with record_exp
# --------------------------------------------------------------------------------------------


@pytest.fixture()
def redis_store() -> Iterator[PrivateRedisTrackerStore]:
    require_service(*REDIS, "Redis")
    prefix = "privacytest" + uuid.uuid4().hex[:12]
    store = PrivateRedisTrackerStore(Domain.empty(), host=REDIS[0], port=REDIS[1], record_exp="120", key_prefix=prefix)
    assert store.key_prefix.startswith(prefix), "the key prefix must be alphanumeric or Rasa ignores it"
    yield store
    for key in store.red.keys(store.key_prefix + "*"):
        store.red.delete(key)


@pytest.mark.services
@pytest.mark.parametrize("record_exp", [None, 0, "0", -5, ""])
def test_redis_store_requires_record_exp(record_exp: object) -> None:
    with pytest.raises(ValueError, match="record_exp"):
        PrivateRedisTrackerStore(Domain.empty(), host=REDIS[0], record_exp=record_exp, key_prefix="privacytestnone")


@pytest.mark.services
async def test_redis_keys_have_a_ttl(redis_store: PrivateRedisTrackerStore) -> None:
    await redis_store.save(_tracker("ttl"))
    key = redis_store.key_prefix + "ttl"
    assert redis_store.red.exists(key) == 1
    assert 0 < redis_store.red.ttl(key) <= 120
    assert redis_store.red.keys(redis_store.key_prefix + "*") == [key]


@pytest.mark.services
async def test_redis_ttl_is_renewed_on_save_not_removed(redis_store: PrivateRedisTrackerStore) -> None:
    tracker = _tracker("renew")
    await redis_store.save(tracker)
    tracker.update(UserUttered("and in Scotland?", intent={"name": "inform_nation", "confidence": 1.0}))
    await redis_store.save(tracker)
    assert 0 < redis_store.red.ttl(redis_store.key_prefix + "renew") <= 120


@pytest.mark.services
async def test_redis_delete_removes_the_key(redis_store: PrivateRedisTrackerStore) -> None:
    await redis_store.save(_tracker("bye"))
    await redis_store.save(_tracker("other"))
    await delete_conversation(FailSafeTrackerStore(redis_store), "bye")
    assert redis_store.red.exists(redis_store.key_prefix + "bye") == 0
    assert redis_store.red.exists(redis_store.key_prefix + "other") == 1
    assert await redis_store.retrieve("bye") is None


# --------------------------------------------------------------------------------------------
# Start-up refusals: `python -m bot.server` exits with code 2 and says why
# --------------------------------------------------------------------------------------------

ALLOWED_STORE = """
tracker_store:
  type: bot.tracker_store.ExpiringInMemoryTrackerStore
  idle_minutes: 5
"""
REFUSALS = {
    "sql tracker store": (
        "tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: 127.0.0.1\n  db: test\n",
        [],
        "tracker store 'SQL' keeps conversations",
    ),
    "event broker": (
        ALLOWED_STORE + "event_broker:\n  type: pika\n  url: localhost\n  queues: [rasa_events]\n",
        [],
        "an event broker would copy every conversation elsewhere",
    ),
    "api without token": (ALLOWED_STORE, ["--enable-api"], "the Rasa HTTP API can read conversations"),
    "missing model": (ALLOWED_STORE, [], "no trained model at"),
    "corrupt model": (ALLOWED_STORE, [], "is corrupt"),
}


def _stand_in_model(path: Path) -> None:
    """A gzip tar archive with a metadata.json: what the start-up check looks for, nothing more."""
    import io
    import tarfile

    path.parent.mkdir(parents=True)
    data = b"{}"
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))


def _run_server(tmp_path: Path, endpoints: str, extra: list[str], model: Path) -> subprocess.CompletedProcess[str]:
    endpoints_file = tmp_path / "endpoints.yml"
    endpoints_file.write_text(endpoints, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "RASA_API_TOKEN"}
    env.update(
        PYTHONPATH=str(ROOT),
        RASA_TELEMETRY_ENABLED="false",
        SENDER_ID_SECRET=os.environ["SENDER_ID_SECRET"],
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    args = ["--endpoints", str(endpoints_file), "--model", str(model), "--port", "1", *extra]
    return subprocess.run(
        [sys.executable, "-m", "bot.server", *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180
    )


@pytest.mark.parametrize("case", list(REFUSALS))
def test_server_refuses(case: str, tmp_path: Path) -> None:
    endpoints, extra, message = REFUSALS[case]
    model = tmp_path / "models" / "safe-to-ask.tar.gz"
    if case == "corrupt model":
        model.parent.mkdir()
        model.write_bytes(b"this is not a gzip archive")
    elif case != "missing model":
        _stand_in_model(model)  # passes the archive check; refused before it would be loaded
    result = _run_server(tmp_path, endpoints, extra, model)
    assert result.returncode == 2, f"exit code {result.returncode}\n{result.stderr[-2000:]}"
    assert "Safe to Ask will not start" in result.stderr
    assert message in result.stderr, result.stderr[-2000:]


@pytest.mark.parametrize(
    "store_type",
    ["mongod", "dynamo", "redis", "sql", "in_memory", "rasa.core.tracker_store.InMemoryTrackerStore", None],
)
def test_every_store_that_keeps_data_is_refused(store_type: str | None) -> None:
    """Same check in process, for every built-in store: only our two expiring stores pass."""
    from rasa.utils.endpoints import EndpointConfig

    from bot.server import StartupRefused, check_endpoints

    class Endpoints:
        tracker_store = EndpointConfig(type=store_type) if store_type else None
        event_broker = None

    with pytest.raises(StartupRefused) as refused:
        check_endpoints(Endpoints(), enable_api=False, auth_token=None)
    assert refused.value.code == 2


def test_allowed_configuration_passes() -> None:
    from rasa.utils.endpoints import EndpointConfig

    from bot.server import check_endpoints

    for store_type in ("bot.tracker_store.ExpiringInMemoryTrackerStore", "bot.tracker_store.PrivateRedisTrackerStore"):

        class Endpoints:
            tracker_store = EndpointConfig(type=store_type)
            event_broker = None

        check_endpoints(Endpoints(), enable_api=True, auth_token="a-token")


def test_store_type_is_an_allowed_one() -> None:
    """The shipped endpoints.yml uses an expiring store."""
    import yaml

    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    assert endpoints["tracker_store"]["type"] == "bot.tracker_store.ExpiringInMemoryTrackerStore"
    assert "event_broker" not in endpoints


def test_stores_are_tracker_stores() -> None:
    assert issubclass(ExpiringInMemoryTrackerStore, TrackerStore)
    assert issubclass(PrivateRedisTrackerStore, TrackerStore)
