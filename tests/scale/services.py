"""Services the scale tests own: a private redis-server on a free port (stopping it never disturbs
other runs on the machine's Redis)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest


class PrivateRedis:
    """redis-server with the machine's settings (no persistence), on its own port, owned by the test."""

    def __init__(self, port: int, directory: Path) -> None:
        self.port = port
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 10) -> None:
        args = [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        args += ["--logfile", str(self.directory / "redis.log")]
        self.process = subprocess.Popen(args, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not self._pong():
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)

    def _pong(self) -> bool:
        try:
            return self.client().ping()
        except Exception:
            return False

    def shutdown(self) -> None:
        """What an outage looks like: `SHUTDOWN NOSAVE` (every conversation is lost)."""
        if self.process is None or self.process.poll() is not None:
            return
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True, timeout=10)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def client(self):  # type: ignore[no-untyped-def]
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, decode_responses=True, socket_timeout=2)


def require_redis_binary() -> None:
    """Like require_service: skip on a laptop without Redis, fail in CI (REQUIRE_SERVICES=1)."""
    if shutil.which("redis-server") and shutil.which("redis-cli"):
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail("redis-server is not installed and REQUIRE_SERVICES=1")
    pytest.skip("redis-server is not installed")
