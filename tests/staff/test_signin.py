"""The staff sign-in (issue 17, finding 8): a uniform 401, locks by token tried and by address
with backoff, and a log line for the operator that never holds the token. Units, with a fake
clock; the stack tests in test_staff_api.py check the real server's 401s."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

import pytest

from bot.web.staff.signin import (
    FIRST_LOCK_SECONDS,
    FORGIVE_SECONDS,
    NEW_TOKEN_LIMIT,
    SAME_TOKEN_LIMIT,
    SignInGuard,
)

TOKEN = "s3cret-staff-token"
OFFICE, ELSEWHERE = "192.0.2.10", "198.51.100.7"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def guard(clock: Clock) -> SignInGuard:
    return SignInGuard(TOKEN, clock)


def bearer(token: str) -> str:
    return f"Bearer {token}"


@dataclass
class FakeRequest:
    headers: dict[str, str] = field(default_factory=dict)
    remote_addr: str = OFFICE
    ip: str = OFFICE


@pytest.mark.parametrize("headers", [{}, {"authorization": "Bearer guess"}, {"authorization": "Basic x"}])
def test_the_401_is_the_same_whether_or_not_staff_access_is_configured(headers: dict[str, str]) -> None:
    from bot.web.staff.routes import refusal

    answers = []
    for configured in ("", TOKEN):
        reply = refusal(SignInGuard(configured), FakeRequest(headers))  # type: ignore[arg-type]
        assert reply is not None
        answers.append((reply.status, json.loads(reply.body), reply.headers.get("WWW-Authenticate")))
    assert answers[0] == answers[1]
    assert answers[0][0] == 401
    assert "configured" not in answers[0][1]["error"] and "STAFF_TOKEN" not in answers[0][1]["error"]


def test_no_token_configured_lets_nobody_in(clock: Clock) -> None:
    unconfigured = SignInGuard("", clock)
    assert unconfigured.check(OFFICE, "Bearer ").status == 401
    assert unconfigured.check(OFFICE, None).status == 401


def test_the_right_token_gets_in(guard: SignInGuard) -> None:
    assert guard.check(OFFICE, bearer(TOKEN)).allowed


def test_one_console_with_an_old_token_does_not_lock_out_its_office(guard: SignInGuard) -> None:
    for _ in range(SAME_TOKEN_LIMIT):
        assert guard.check(OFFICE, bearer("last-months-token")).status == 401
    locked = guard.check(OFFICE, bearer("last-months-token"))
    assert locked.status == 429 and locked.retry_after == FIRST_LOCK_SECONDS
    for _ in range(50):  # the old console keeps retrying, unchecked
        assert guard.check(OFFICE, bearer("last-months-token")).status == 429
    assert guard.check(OFFICE, bearer(TOKEN)).allowed  # a colleague at the same address


def test_guessing_locks_the_address_and_a_right_guess_is_not_confirmed(guard: SignInGuard) -> None:
    for i in range(NEW_TOKEN_LIMIT):
        assert guard.check(OFFICE, bearer(f"guess-{i}")).status == 401
    assert guard.check(OFFICE, bearer(TOKEN)).status == 429
    assert guard.check(ELSEWHERE, bearer(TOKEN)).allowed


def test_locks_back_off_and_are_forgiven(guard: SignInGuard, clock: Clock) -> None:
    for i in range(NEW_TOKEN_LIMIT):
        guard.check(OFFICE, bearer(f"guess-{i}"))
    assert guard.check(OFFICE, bearer("x")).retry_after == FIRST_LOCK_SECONDS
    clock.now += FIRST_LOCK_SECONDS
    assert guard.check(OFFICE, bearer(TOKEN)).allowed
    assert guard.check(OFFICE, bearer("guess-again")).status == 401
    assert guard.check(OFFICE, bearer(TOKEN)).retry_after == 2 * FIRST_LOCK_SECONDS
    clock.now += 2 * FIRST_LOCK_SECONDS + FORGIVE_SECONDS + 1
    assert guard.check(OFFICE, bearer("a-new-mistake")).status == 401
    assert guard.check(OFFICE, bearer(TOKEN)).allowed


def test_requests_without_a_token_are_not_counted(guard: SignInGuard) -> None:
    for _ in range(5 * NEW_TOKEN_LIMIT):
        assert guard.check(OFFICE, None).status == 401
    assert guard.check(OFFICE, bearer(TOKEN)).allowed


def test_locks_are_logged_for_the_operator_without_the_token(
    guard: SignInGuard, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.web.staff.signin"):
        for i in range(NEW_TOKEN_LIMIT):
            guard.check(OFFICE, bearer(f"guess-zebra-{i}"))
        for _ in range(SAME_TOKEN_LIMIT):
            guard.check(ELSEWHERE, bearer("old-token-quokka"))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(OFFICE in w and "guessing" in w for w in warnings), warnings
    assert any(ELSEWHERE in w and "same wrong token" in w for w in warnings), warnings
    logged = caplog.text
    assert "zebra" not in logged and "quokka" not in logged and TOKEN not in logged
