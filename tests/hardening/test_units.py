"""Hardening of the gateway, the rate limiter and the server checks, without running servers.

What a person sees when a part fails is proven end to end in test_failures.py; these tests pin
the rules underneath, fast enough for `make unit`.
"""

from __future__ import annotations

import asyncio
import gzip
import io
import tarfile
from pathlib import Path
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.exceptions import RasaException

from bot.gateway import (
    DELETE_UTTERANCE,
    TROUBLE_ACTION,
    TROUBLE_TRACKER_STORE,
    Gateway,
    Incoming,
    prepare,
    report_trouble,
    tracker_store_failed,
)
from bot.patches import guard_remote_actions, guard_tracker_store
from bot.rate_limit import RateLimiter
from bot.settings import Settings
from bot.tracker_store import ForgetfulTrackerStore
from tests.hardening.conftest import HELPLINE_PHONES, closed_port

SETTINGS = Settings(sender_secret=b"k" * 32, rasa_timeout_seconds=0.5, rate_per_sender_per_minute=3)


def rasa(*texts: str, trouble: str | None = None, delay: float = 0.0, utter: str = "utter_x"):  # type: ignore[no-untyped-def]
    """A stand-in for Rasa's message handler: replies, optionally reports a hidden failure, sleeps."""

    async def on_new_message(message: UserMessage) -> None:
        for text in texts:
            await message.output_channel.send_response(message.sender_id, {"text": text, "utter_action": utter})
        if trouble:
            report_trouble(trouble)
        await asyncio.sleep(delay)

    return on_new_message


def joined(outcome: Any) -> str:
    return "\n".join(r.get("text") or "" for r in outcome.replies)


def assert_helplines(text: str) -> None:
    assert "999" in text and any(phone in text for phone in HELPLINE_PHONES), text


# --- Failures Rasa hides ------------------------------------------------------------------------


async def test_a_failed_action_adds_the_helplines_after_the_partial_answer() -> None:
    outcome = await Gateway(SETTINGS).handle(
        Incoming("rest", "a", "can i stay"), rasa("Answer.", trouble=TROUBLE_ACTION), None
    )
    assert outcome.replies[0]["text"] == "Answer."
    assert_helplines(outcome.replies[-1]["text"])
    assert outcome.degraded


async def test_an_unreachable_tracker_store_adds_the_safety_lines() -> None:
    handler = rasa("Hello.", trouble=TROUBLE_TRACKER_STORE)
    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", "hello"), handler, None)
    assert_helplines(joined(outcome))


async def test_no_helplines_added_when_nothing_failed() -> None:
    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", "hello"), rasa("Hello."), None)
    assert joined(outcome) == "Hello.\nIf you are in danger now, call 999." and not outcome.degraded


async def test_a_timeout_keeps_what_was_said_and_adds_the_fallback() -> None:
    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", "hello"), rasa("Part one.", delay=5), None)
    assert outcome.replies[0]["text"] == "Part one."
    assert_helplines(outcome.replies[-1]["text"])


async def test_danger_still_leads_when_an_action_failed() -> None:
    handler = rasa("Answer.", trouble=TROUBLE_ACTION)
    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", "he is strangling me"), handler, None)
    assert outcome.replies[0]["text"].startswith("If you are in danger now, call 999")


async def test_the_gateway_never_raises_even_on_its_own_bugs(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str) -> None:
        raise RuntimeError("detector bug")

    monkeypatch.setattr("bot.gateway.detect_danger", broken)
    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", "hello"), rasa("never"), None)
    assert_helplines(joined(outcome))


async def test_text_that_cannot_be_read_still_gets_the_safety_lines() -> None:
    class Unprintable:
        def __str__(self) -> str:
            raise ValueError("no")

    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", Unprintable()), rasa("never"), None)
    assert_helplines(joined(outcome))


class UnreachableStore:
    async def delete(self, sender_id: str) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:1. Connection refused.")


async def test_delete_this_chat_with_the_store_down_says_so_instead_of_failing() -> None:
    handler = rasa("Deleted.", utter=DELETE_UTTERANCE)
    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", "delete this chat"), handler, UnreachableStore())  # type: ignore[arg-type]
    assert not outcome.deleted
    assert "could not delete" in outcome.replies[-1]["text"]


async def test_forget_with_the_store_down_returns_false() -> None:
    assert await Gateway(SETTINGS).forget("rest", "a", UnreachableStore()) is False  # type: ignore[arg-type]


# --- Rasa hooks ---------------------------------------------------------------------------------


async def test_remote_action_failure_is_reported_and_still_raised() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    guard_remote_actions(2.0, lambda: report_trouble(TROUBLE_ACTION))
    action = RemoteAction("action_refer", EndpointConfig(url=f"http://127.0.0.1:{closed_port()}/webhook"))
    seen: list[str] = []

    async def on_new_message(message: UserMessage) -> None:
        with pytest.raises(RasaException):
            await action.run(message.output_channel, None, DialogueStateTracker("x", []), Domain.empty())  # type: ignore[arg-type]
        seen.append("ran")

    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", "find help"), on_new_message, None)
    assert seen == ["ran"] and outcome.degraded
    assert_helplines(joined(outcome))


async def test_the_failsafe_store_keeps_nothing_while_the_real_one_is_down() -> None:
    from rasa.core.tracker_store import FailSafeTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    class Down(ForgetfulTrackerStore):
        async def save(self, tracker: DialogueStateTracker) -> None:
            raise ConnectionError("down")

    store = FailSafeTrackerStore(Down(Domain.empty()))
    guard_tracker_store(store, tracker_store_failed, ForgetfulTrackerStore(Domain.empty()))
    await store.save(DialogueStateTracker("someone", []))
    assert isinstance(store.fallback_tracker_store, ForgetfulTrackerStore)
    assert await store.fallback_tracker_store.retrieve("someone") is None


# --- Cutting long messages ----------------------------------------------------------------------


@pytest.mark.parametrize("offset", range(-14, 3))
def test_a_cut_never_leaves_part_of_a_phone_number(offset: int) -> None:
    limit = 2000
    text = "x " * ((limit + offset) // 2) + "07700 900123 and more words " * 30
    prepared = prepare(text, limit)
    assert len(prepared.text) <= limit and prepared.cut
    assert "07700" not in prepared.text and "900123" not in prepared.text


def test_redaction_cost_is_bounded_whatever_the_size() -> None:
    prepared = prepare("hello my name is Ann Smith " * 5000, 2000)
    assert len(prepared.raw) <= 2200 and len(prepared.text) <= 2000


# --- Rate limits --------------------------------------------------------------------------------


async def test_rate_limited_reply_keeps_the_999_line_and_in_danger_the_helplines() -> None:
    gateway = Gateway(SETTINGS)
    for _ in range(3):
        await gateway.handle(Incoming("rest", "same", "hello"), rasa("ok"), None)
    limited = await gateway.handle(Incoming("rest", "same", "hello"), rasa("ok"), None)
    assert limited.rate_limited and "999" in joined(limited)
    in_danger = await gateway.handle(Incoming("rest", "same", "he is strangling me"), rasa("ok"), None)
    assert in_danger.rate_limited
    assert_helplines(joined(in_danger))


async def test_per_address_limit_counts_every_sender_from_that_address() -> None:
    gateway = Gateway(Settings(sender_secret=b"k" * 32, rate_per_address_per_minute=4))
    results = [
        (await gateway.handle(Incoming("rest", f"s{i}", "hi", "192.0.2.7"), rasa("ok"), None)).rate_limited
        for i in range(6)
    ]
    assert results == [False] * 4 + [True] * 2
    other = await gateway.handle(Incoming("rest", "s9", "hi", "192.0.2.8"), rasa("ok"), None)
    assert not other.rate_limited


async def test_a_flood_of_fresh_sender_ids_does_not_grow_the_sender_table() -> None:
    gateway = Gateway(Settings(sender_secret=b"k" * 32, rate_per_address_per_minute=5))
    for i in range(200):
        await gateway.handle(Incoming("rest", f"flood-{i}", "hi", "192.0.2.9"), rasa("ok"), None)
    assert len(gateway.per_sender) == 5


def test_rate_limiter_window_slides() -> None:
    limiter = RateLimiter(2, window_seconds=60)
    assert limiter.allow("k", now=0) and limiter.allow("k", now=1)
    assert not limiter.allow("k", now=2)
    assert limiter.allow("k", now=61)


def test_rate_limiter_memory_is_bounded() -> None:
    limiter = RateLimiter(5, max_keys=1000)
    for i in range(5000):
        limiter.allow(f"k{i}", now=1.0)
    assert len(limiter) == 1000


def test_rate_limiter_drops_expired_keys() -> None:
    limiter = RateLimiter(5)
    for i in range(100):
        limiter.allow(f"k{i}", now=0.0)
    limiter.allow("late", now=120.0)
    assert len(limiter) == 1


def test_zero_turns_a_limit_off() -> None:
    limiter = RateLimiter(0)
    assert all(limiter.allow("k", now=0) for _ in range(1000))


# --- Start-up checks ----------------------------------------------------------------------------


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _archive(path: Path, members: dict[str, bytes]) -> Path:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: d / "missing.tar.gz", "no trained model"),
        (lambda d: d, "no trained model"),
        (lambda d: _write(d / "m.tar.gz", b""), "corrupt"),
        (lambda d: _write(d / "m.tar.gz", b"\x00junk" * 100), "corrupt"),
        (lambda d: _write(d / "m.tar.gz", gzip.compress(b"x" * 5000)[:40]), "corrupt"),
        (lambda d: _archive(d / "m.tar.gz", {"notes.txt": b"hi"}), "not a Rasa model"),
    ],
    ids=["missing-file", "empty-dir", "empty-file", "junk", "truncated", "not-rasa"],
)
def test_check_model_refuses_with_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture, make, words) -> None:  # type: ignore[no-untyped-def]
    from bot.server import StartupRefused, check_model

    with pytest.raises(StartupRefused) as refused:
        check_model(make(tmp_path))
    assert refused.value.code == 2
    err = capsys.readouterr().err
    assert words in err and "make train" in err


def test_error_responses_never_echo_the_request() -> None:
    from sanic.exceptions import NotFound

    from bot.server import HttpLimits, error_response

    limits = HttpLimits(1000, 10, 60, 120, 5)
    reply = error_response(None, NotFound("Requested URL /<script>alert(1)</script> not found"), limits)
    assert reply.status == 404 and b"script" not in reply.body
    crash = error_response(None, RuntimeError("secret text"), limits)
    assert crash.status == 500 and b"secret" not in crash.body and b"999" in crash.body


@pytest.mark.parametrize(
    ("url", "usable"),
    [
        ("http://localhost:5055/webhook", True),
        ("http://actions/webhook", True),
        ("http://localhost:${ACTION_SERVER_PORT}/webhook", False),
        ("", False),
    ],
)
def test_an_unusable_action_url_is_reported_at_start(url: str, usable: bool) -> None:
    from types import SimpleNamespace

    from bot.server import check_action_endpoint

    assert check_action_endpoint(SimpleNamespace(action=SimpleNamespace(url=url))) is usable


def test_the_shipped_endpoints_reach_the_action_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """endpoints.yml must give Rasa a usable action server URL (Rasa leaves ${VARS} in quoted
    YAML values unexpanded, which silently turns every referral into the fallback)."""
    from rasa.core.utils import AvailableEndpoints

    from bot.server import check_action_endpoint

    monkeypatch.setenv("ACTION_SERVER_PORT", "5055")
    monkeypatch.setenv("CONVERSATION_IDLE_MINUTES", "30")
    endpoints = AvailableEndpoints.read_endpoints(str(Path(__file__).resolve().parents[2] / "endpoints.yml"))
    assert check_action_endpoint(endpoints), endpoints.action.url


# --- Dependency audit ---------------------------------------------------------------------------


def test_every_accepted_advisory_has_a_reason() -> None:
    from bench.audit import load_accepted

    accepted = load_accepted()
    assert accepted and all(len(reason) > 20 for reason in accepted.values())


def test_audit_accepts_by_alias_and_fails_on_anything_else() -> None:
    from bench.audit import Finding, judge

    known = Finding("aiohttp", "3.9.5", "PYSEC-2024-999", ("CVE-2024-52304", "GHSA-8495-4g3g-x7pr"), ("3.10.11",))
    other = Finding("sanic", "21.12.2", "GHSA-xxxx-new", (), ())
    ok, new, stale = judge([known, other], {"GHSA-8495-4g3g-x7pr": "client only", "CVE-2000-1": "gone"})
    assert ok == [known] and new == [other] and stale == ["CVE-2000-1"]
