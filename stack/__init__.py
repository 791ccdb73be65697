"""Starts and stops the two processes (action server, Rasa server) for `make run`, tests and benchmarks.

One launcher for every use, so tests exercise exactly what a person runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from contract.env import child_environment
from stack.settings import launcher_settings

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def base_env(**overrides: str) -> dict[str, str]:
    """Environment for both processes: telemetry off, project importable, ports known."""
    return child_environment(
        RASA_TELEMETRY_ENABLED="false",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        TF_CPP_MIN_LOG_LEVEL="2",
        CONVERSATION_IDLE_MINUTES=str(launcher_settings().idle_minutes),
        **overrides,
    )


def wait_for(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    """Poll `url` until it answers 200; fail early when the process has died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not come up within {timeout:.0f} s")


@dataclass
class Stack:
    rasa_port: int = 5005
    action_port: int = 5055
    model: Path = ROOT / "models"
    endpoints: Path = ROOT / "endpoints.yml"
    credentials: Path = ROOT / "credentials.yml"
    log_dir: Path = ROOT / ".stack"
    debug: bool = False
    env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _env(self) -> dict[str, str]:
        return base_env(ACTION_SERVER_PORT=str(self.action_port), RASA_PORT=str(self.rasa_port), **self.env)

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = (self.log_dir / f"{name}.log").open("ab")
        debug = ["--debug"] if self.debug else []
        process = subprocess.Popen(
            [PYTHON, "-m", *args, *debug],
            cwd=ROOT,
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def start_actions(self, timeout: float = 60) -> None:
        process = self._spawn("actions", ["actions", "--port", str(self.action_port)])
        wait_for(f"http://127.0.0.1:{self.action_port}/health", timeout, process)

    def start_rasa(self, timeout: float = 180) -> None:
        args = [
            "bot.server",
            "--model",
            str(self.model),
            "--port",
            str(self.rasa_port),
            "--endpoints",
            str(self.endpoints),
            "--credentials",
            str(self.credentials),
        ]
        process = self._spawn("rasa", args)
        wait_for(f"{self.url}/webhooks/rest/", timeout, process)

    def start(self) -> Stack:
        from bot.settings import ensure_sender_secret

        ensure_sender_secret()
        self.start_actions()
        self.start_rasa()
        return self

    def stop_process(self, name: str, grace: float = 15) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop(self) -> None:
        for name in list(self.processes):
            self.stop_process(name)

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_until_stopped(
    start: Callable[[], None],
    processes: Callable[[], dict[str, subprocess.Popen]],
    stop: Callable[[], None],
    banner: Callable[[], str],
    start_errors: tuple[type[BaseException], ...] = (RuntimeError, TimeoutError),
) -> int:
    """Start, print the banner, then wait for Ctrl-C or SIGTERM or for a process to die; stop
    everything either way. One loop for `make run` and `make run-scaled`, so both stop alike."""
    stopping = False

    def on_signal(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        start()
    except start_errors as error:
        print(f"Could not start: {error}.", file=sys.stderr)
        stop()
        return 1
    print(banner(), flush=True)
    while not stopping:
        for name, process in processes().items():
            if process.poll() is not None:
                print(f"The {name} server stopped (exit code {process.returncode}); stopping.", file=sys.stderr)
                stopping = True
        time.sleep(0.5)
    print("Stopping...", flush=True)
    stop()
    print("Stopped.", flush=True)
    return 0
