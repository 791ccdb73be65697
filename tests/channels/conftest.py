"""`fakebot`: the real channels and gateway around a scripted bot (tests/channels/fakebot.py), so
wire-protocol tests need no trained model and do not depend on what the model answers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from stack import ROOT, base_env, wait_for
from tests.conftest import free_port


@dataclass
class FakeBot:
    url: str
    log: Path


@pytest.fixture(scope="session")
def fakebot(tmp_path_factory: pytest.TempPathFactory):
    port = free_port()
    log = tmp_path_factory.mktemp("fakebot") / "fakebot.log"
    env = base_env(
        SENDER_ID_SECRET=os.environ["SENDER_ID_SECRET"],
        TWILIO_AUTH_TOKEN=os.environ["TWILIO_AUTH_TOKEN"],
        RASA_TIMEOUT_SECONDS="3",
        PUBLIC_URL="",
    )
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.channels.fakebot", "--port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/webhooks/rest/", 120, process)
        yield FakeBot(url, log)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(3)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
