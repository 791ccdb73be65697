"""Shared fixtures: the real running stack (started once per session), and service checks."""

from __future__ import annotations

import json
import os
import socket
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tooling.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "safe-to-ask.tar.gz"
os.environ.setdefault("SENDER_ID_SECRET", "test-only-secret-not-for-production")
os.environ.setdefault("STAFF_TOKEN", "test-staff-token")
os.environ.setdefault("TWILIO_AUTH_TOKEN", "test-twilio-auth-token")


def require_service(host: str, port: int, name: str) -> None:
    """Skip when a service is missing, unless REQUIRE_SERVICES=1 (CI), where that fails."""
    try:
        with socket.create_connection((host, port), timeout=2):
            return
    except OSError:
        message = f"{name} is not reachable at {host}:{port}"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message + " and REQUIRE_SERVICES=1")
        pytest.skip(message)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory):
    """Action server + Rasa server on free ports, DEBUG logs captured to files for the privacy suite."""
    from stack import Stack

    if not MODEL.exists():
        pytest.fail("No model: run `make train` first (make test does).")
    log_dir = tmp_path_factory.mktemp("stack-logs")
    running = Stack(rasa_port=free_port(), action_port=free_port(), model=MODEL, log_dir=log_dir, debug=True)
    running.env.update(
        SENDER_ID_SECRET=os.environ["SENDER_ID_SECRET"],
        STAFF_TOKEN=os.environ["STAFF_TOKEN"],
        TWILIO_AUTH_TOKEN=os.environ["TWILIO_AUTH_TOKEN"],
        # Every test comes from 127.0.0.1: only the per-sender limit applies here (tests/hardening checks both).
        RATE_PER_ADDRESS_PER_MINUTE="0",
    )
    running.start()
    yield running
    running.stop()


def post_json(url: str, body: Any, headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw or b"null")
        except json.JSONDecodeError:
            return error.code, raw.decode("utf-8", "replace")


@pytest.fixture()
def say(stack):
    """Send one message on the REST channel; returns the reply texts joined."""

    def _say(sender: str, message: str) -> str:
        status, replies = post_json(f"{stack.url}/webhooks/rest/webhook", {"sender": sender, "message": message})
        assert status == 200, replies
        return "\n".join(r.get("text", "") for r in replies)

    return _say
