"""Helpers for the hardening suite: raw HTTP from chosen loopback addresses, private stacks, fakes.

Every request here can come from its own loopback address (127.x.y.z), so the per-address rate
limit of the shared session stack is never spent by one test on behalf of another, and the
per-address limit itself can be tested with two real client addresses.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from contract.safety_lines import safety_lines
from tests.conftest import MODEL, free_port

ROOT = Path(__file__).resolve().parents[2]
REST_PATH = "/webhooks/rest/webhook"
SMS_PATH = "/webhooks/twilio/webhook"
SECURITY_HEADERS = {
    "content-security-policy": "frame-ancestors",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
# The national 24/7 helplines (data/safety.yml): at least one must be in every degraded reply.
HELPLINE_PHONES = tuple(sorted(safety_lines().phones()))
_used_addresses: set[str] = set()


def new_address() -> str:
    """A loopback address no other test in this run uses (Linux routes all of 127.0.0.0/8 to lo)."""
    while True:
        address = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        if address not in _used_addresses:
            _used_addresses.add(address)
            return address


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def request(
    url: str,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    source: str | None = None,
    timeout: float = 40,
) -> Reply:
    """One HTTP request from loopback address `source` (a fresh one by default)."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    address = (source or new_address(), 0)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout, source_address=address)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        reply = connection.getresponse()
        return Reply(reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read())
    finally:
        connection.close()


def post_rest(base: str, body: Any, source: str | None = None, content_type: str = "application/json") -> Reply:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return request(base + REST_PATH, "POST", data, {"Content-Type": content_type}, source)


def reply_texts(reply: Reply) -> str:
    return "\n".join(r.get("text") or "" for r in reply.json())


def assert_safety_line(text: str) -> None:
    assert "999" in text, text


def assert_helplines(text: str) -> None:
    assert "999" in text and any(phone in text for phone in HELPLINE_PHONES), text


def assert_security_headers(reply: Reply) -> None:
    for name, expected in SECURITY_HEADERS.items():
        assert expected in reply.headers.get(name, ""), (name, reply.status, reply.headers)


def log_text(log_dir: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(log_dir.glob("*.log")))


def log_mark(log_dir: Path) -> dict[Path, int]:
    """Where every log file ends now (see `logged_since`)."""
    return {p: p.stat().st_size for p in log_dir.glob("*.log")}


def logged_since(log_dir: Path, mark: dict[Path, int]) -> str:
    """What every log file in `log_dir` gained since `mark`."""
    parts = []
    for path in sorted(log_dir.glob("*.log")):
        with path.open("rb") as handle:
            handle.seek(mark.get(path, 0))
            parts.append(handle.read().decode("utf-8", "replace"))
    return "\n".join(parts)


def wait_until(check: Any, timeout: float, interval: float = 0.3) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return bool(check())


# ---------------------------------------------------------------------------------------------
# Private stacks (for tests that stop things or change limits), never the shared session stack
# ---------------------------------------------------------------------------------------------


# The shipped endpoints.yml, with the action URL unquoted so that Rasa expands ${ACTION_SERVER_PORT}.
ENDPOINTS = """
action_endpoint:
  url: http://127.0.0.1:${ACTION_SERVER_PORT}/webhook
tracker_store:
  type: bot.tracker_store.ExpiringInMemoryTrackerStore
  idle_minutes: ${CONVERSATION_IDLE_MINUTES}
"""


def private_stack(log_dir: Path, endpoints: str = ENDPOINTS, **env: str):  # type: ignore[no-untyped-def]
    """A Stack on free ports with DEBUG logs in `log_dir` (not started), on its own endpoints file."""
    from stack import Stack

    if not MODEL.exists():
        pytest.fail("No model: run `make train` first (make test does).")
    log_dir.mkdir(parents=True, exist_ok=True)
    endpoints_file = log_dir / "endpoints.yml"
    endpoints_file.write_text(endpoints, encoding="utf-8")
    stack = Stack(rasa_port=free_port(), action_port=free_port(), model=MODEL, log_dir=log_dir, debug=True)
    stack.endpoints = endpoints_file
    stack.env.update(
        SENDER_ID_SECRET=os.environ["SENDER_ID_SECRET"],
        STAFF_TOKEN=os.environ["STAFF_TOKEN"],
        TWILIO_AUTH_TOKEN=os.environ["TWILIO_AUTH_TOKEN"],
        **env,
    )
    return stack


@contextlib.contextmanager
def running(stack) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    try:
        yield stack
    finally:
        stack.stop()


# ---------------------------------------------------------------------------------------------
# Fakes: a slow action server, a private Redis
# ---------------------------------------------------------------------------------------------


class SlowActionServer:
    """Answers /health at once and /webhook only after `delay` seconds (a hung action server)."""

    def __init__(self, port: int, delay: float) -> None:
        delay_seconds = delay

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                self._send(b'{"status": "ok"}')

            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(delay_seconds)
                self._send(b'{"events": [], "responses": []}')

            def _send(self, body: bytes) -> None:
                with contextlib.suppress(OSError):
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> SlowActionServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class PrivateRedis:
    """A throwaway redis-server on its own port (no persistence), which tests stop and start."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_until(lambda: port_open(self.port), 10):
            raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def keys(self) -> list[str]:
        out = subprocess.run(["redis-cli", "-p", str(self.port), "--raw", "keys", "*"], capture_output=True, text=True)
        return [line for line in out.stdout.splitlines() if line.strip()]


def port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


def closed_port() -> int:
    """A port nothing listens on (free_port's socket is closed again at once)."""
    return free_port()
