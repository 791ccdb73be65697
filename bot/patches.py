"""Every change this server makes to the internals of Rasa, Sanic, logging and warnings, in one place.

Each patch relies on private details of the exact versions below, so `check_versions` refuses to
start on any other version: an upgrade means reading this module (and its tests,
tests/hardening/test_patches.py), not hunting for side effects. Installed at one point, `install()`,
called by bot/server.py before the model loads. What each patch does:

- logging and warnings (safelog.install, which the action server installs too, so they live in
  safelog/): every log record scrubbed at creation, extras included, structlog routed through the
  standard library, control characters escaped (no forged log lines), warnings sent through logging;
- warnings: Rasa's warnings that quote the message ("Failed to parse arguments in line '...'",
  "Parsed an intent '...'") are ignored (an ignored warning is not kept in the once-per-text
  registry);
- `RemoteAction.run`: a time limit, and failures reported to the gateway (Rasa hides them);
- `RemoteAction._validate_action_result`: the same schema, with a validator built once;
- `FailSafeTrackerStore.__init__`: failures reported to the gateway, and a fallback store that
  keeps nothing (instead of an in-memory store without expiry);
- Sanic's protocol: a request deadline counted from its first byte (`deadline_protocol`);
- `wrapped_stores`: the stores Rasa wraps ours in, read from their private attributes.

The staff console uses no patch of its own (it hands Rasa a pre-parsed `UserMessage.parse_data`,
a public field).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import warnings
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import safelog

logger = logging.getLogger(__name__)
RASA_VERSION = "3.6.21"
SANIC_VERSION = "21.12.2"
# Rasa's warnings that quote the user's whole message (rasa/shared/core/training_data/story_reader/
# yaml_story_reader.py and rasa/core/processor.py, 3.6.21).
QUOTING_WARNINGS = r"(Failed to parse arguments in line|Parsed an (intent|entity) ')"


class UnsupportedVersion(RuntimeError):
    """Rasa or Sanic is not the version these patches were written for."""


def check_versions(rasa_version: str | None = None, sanic_version: str | None = None) -> None:
    """Refuse any Rasa or Sanic other than the ones the patches below were written and tested for."""
    if rasa_version is None or sanic_version is None:
        from importlib.metadata import version

        rasa_version = rasa_version or version("rasa")
        sanic_version = sanic_version or version("sanic")
    found = {"Rasa": (rasa_version, RASA_VERSION), "Sanic": (sanic_version, SANIC_VERSION)}
    wrong = [f"{name} {have} (expected {want})" for name, (have, want) in found.items() if have != want]
    if wrong:
        raise UnsupportedVersion(
            f"bot/patches.py was written for Rasa {RASA_VERSION} and Sanic {SANIC_VERSION}, found "
            f"{', '.join(wrong)}. Install the pinned versions (make setup), or review every patch in "
            "bot/patches.py against the new version and update RASA_VERSION / SANIC_VERSION."
        )


# --- Logging and warnings -----------------------------------------------------------------------


def install_warnings() -> None:
    """Rasa's message-quoting warnings are dropped; every other warning goes through logging.

    Called again after Rasa configures its own filters (which put UserWarning on "once", a
    registry that keeps each warning's text for the life of the process): filters added later
    come first. An ignored warning is never entered in any registry."""
    warnings.filterwarnings("ignore", message=QUOTING_WARNINGS)
    safelog.route_warnings()


def install_early() -> None:
    """For processes that log before `install()` can run (test servers): the scrubber and the
    warnings route only."""
    safelog.install()
    install_warnings()


# --- Custom actions -------------------------------------------------------------------------------


def guard_remote_actions(timeout_seconds: float, on_failure: Callable[[], None]) -> None:
    """Give custom actions a time limit and make their failures known (`on_failure`).

    Rasa 3.6 waits up to 5 minutes for the action server, and when an action fails it logs,
    drops the action's events and carries on: the person gets the answer without the
    referrals that should follow it. Reported, the gateway adds the helplines instead.
    """
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
    from rasa.shared.exceptions import RasaException

    original = getattr(RemoteAction.run, "__wrapped__", RemoteAction.run)

    @functools.wraps(original)
    async def run(self: RemoteAction, *args: Any, **kwargs: Any) -> Any:
        try:
            return await asyncio.wait_for(original(self, *args, **kwargs), timeout=timeout_seconds)
        except ActionExecutionRejection:
            raise
        except asyncio.TimeoutError:
            on_failure()
            message = f"Custom action '{self.name()}' did not answer within {timeout_seconds:.1f} s"
            raise RasaException(message) from None
        except Exception:
            on_failure()
            raise

    RemoteAction.run = run  # type: ignore[method-assign]


@lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    return validator_for(schema)(schema)


def fast_action_validation() -> None:
    """Validate action server replies against Rasa's schema without re-checking the schema itself.

    Rasa 3.6 calls `jsonschema.validate()` for every custom action reply, which first validates
    the (large) event schema against the JSON Schema meta-schema: about 100 ms of CPU per
    referral, most of a staff query's cost. The reply is still validated against the same
    schema, and a bad reply still raises the same `ValidationError`. Idempotent.
    """
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction._validate_action_result, "_fast", False):
        return

    def validate(self: Any, result: dict[str, Any]) -> bool:
        error = best_match(_action_result_validator().iter_errors(result))
        if error is None:
            return True
        raise ValidationError(f"{error.message}. Failed to validate Action server response from API.")

    validate._fast = True  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = validate  # type: ignore[method-assign]


# --- Tracker store ----------------------------------------------------------------------------------


def guard_tracker_store(store: Any, on_error: Callable[[Exception], None], fallback: Any) -> None:
    """Make Rasa's fail-safe wrapper report failures (`on_error`) and use `fallback` (which keeps
    nothing) while the store is down, instead of an in-memory store without expiry."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    if isinstance(store, FailSafeTrackerStore):
        store._on_tracker_store_error = on_error
        store._fallback_tracker_store = fallback


def guard_failsafe_stores(on_error: Callable[[Exception], None], fallback: Callable[[Any], Any]) -> None:
    """Every `FailSafeTrackerStore` Rasa creates (agent.py wraps the configured store in one,
    without either argument) reports its failures to `on_error` and falls back to
    `fallback(domain)` instead of an in-memory store without expiry. Idempotent."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    original = getattr(FailSafeTrackerStore.__init__, "__wrapped__", FailSafeTrackerStore.__init__)

    @functools.wraps(original)
    def init(self: Any, tracker_store: Any, *args: Any, **kwargs: Any) -> None:
        original(self, tracker_store, *args, **kwargs)
        if self._on_tracker_store_error is None:  # what the caller chose explicitly is kept
            self._on_tracker_store_error = on_error
        if self._fallback_tracker_store is None:
            self._fallback_tracker_store = fallback(tracker_store.domain)

    FailSafeTrackerStore.__init__ = init  # type: ignore[method-assign]


def wrapped_stores(store: Any) -> Iterable[Any]:
    """The store and every store Rasa wrapped it in or falls back to (FailSafeTrackerStore,
    AwaitableTrackerStore, the fallback store used while the primary is failing)."""
    seen: set[int] = set()
    pending: list[Any] = [store]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [getattr(current, "_tracker_store", None), getattr(current, "_fallback_tracker_store", None)]


# --- Sanic --------------------------------------------------------------------------------------------


def deadline_protocol() -> type:
    """Sanic's protocol, with a request deadline counted from the request's first byte.

    Sanic restarts its timeout on every byte received, so a client that sends one byte every
    few seconds keeps a request (and a connection) open for ever. Here the clock only restarts
    between requests: the head and body must arrive within REQUEST_TIMEOUT, and the answer
    must be sent within RESPONSE_TIMEOUT of the first byte. Websockets are left alone.
    """
    from sanic.exceptions import RequestTimeout
    from sanic.http import Stage
    from sanic.server.protocols.websocket_protocol import WebSocketProtocol

    class DeadlineProtocol(WebSocketProtocol):
        def data_received(self, data: bytes) -> None:
            http = getattr(self, "_http", None)
            under_way = self.websocket is None and http is not None and http.stage is not Stage.IDLE
            started = self._time
            super().data_received(data)
            if under_way:
                self._time = started

        def check_timeouts(self) -> None:
            http = getattr(self, "_http", None)
            slow_body = (
                self._task is not None
                and http is not None
                and http.stage is Stage.HANDLER
                and not http.upgrade_websocket
                and bool(http.request_body)
                and self._elapsed() > self.request_timeout
            )
            if not slow_body:
                return super().check_timeouts()
            logger.info("Closed a request whose body did not arrive within %.0f s.", self.request_timeout)
            http.exception = RequestTimeout("Request Timeout")
            self._task.cancel()

        def _elapsed(self) -> float:
            from time import monotonic

            return monotonic() - self._time

    return DeadlineProtocol


def install(action_timeout_seconds: float) -> None:
    """Every patch, at one point of start-up (bot/server.py, after Rasa set its own logging and
    warning filters and before the model loads): the log scrubber and the warnings route, the
    action time limit and validation, the tracker store guards. Idempotent."""
    from bot.gateway import TROUBLE_ACTION, report_trouble, tracker_store_failed
    from bot.tracker_store import ForgetfulTrackerStore

    safelog.install()
    install_warnings()
    guard_remote_actions(action_timeout_seconds, lambda: report_trouble(TROUBLE_ACTION))
    fast_action_validation()
    guard_failsafe_stores(tracker_store_failed, ForgetfulTrackerStore)
