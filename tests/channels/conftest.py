"""`fakebot` and `replaybot`: the real channels and gateway around a scripted bot, so wire-protocol
tests need no trained model and do not depend on what the model answers.

- fakebot (tests/channels/fakebot.py) answers by keyword ("hello" asks a question with options);
- replaybot (tooling/replay_bot.py) plays back, for "replay qab", what Rasa and action_refer send
  for one answer x nation x danger-or-not case (tooling/messaging_cases.py).
Both have WhatsApp switched on (WHATSAPP_ENABLED=1), as a deployment that configured it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from stack import ROOT, base_env, wait_for
from tooling.ports import free_port


@dataclass
class FakeBot:
    url: str
    log: Path


def serve(module: str, log: Path, **env: str):  # type: ignore[no-untyped-def]
    """Start `python -m module --port N` with the channels' test settings; yields its FakeBot."""
    port = free_port()
    settings = {
        "SENDER_ID_SECRET": os.environ["SENDER_ID_SECRET"],
        "TWILIO_AUTH_TOKEN": os.environ["TWILIO_AUTH_TOKEN"],
        "RASA_TIMEOUT_SECONDS": "3",
        "PUBLIC_URL": "",
        "WHATSAPP_ENABLED": "1",
        "SHARED_STATE_URL": "",
    }
    environment = base_env(**{**settings, **env})
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", module, "--port", str(port)],
            cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
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


@pytest.fixture(scope="session")
def fakebot(tmp_path_factory: pytest.TempPathFactory):
    yield from serve("tests.channels.fakebot", tmp_path_factory.mktemp("fakebot") / "fakebot.log")


@pytest.fixture(scope="session")
def replaybot(tmp_path_factory: pytest.TempPathFactory):
    log = tmp_path_factory.mktemp("replaybot") / "replaybot.log"
    yield from serve("tooling.replay_bot", log, RATE_PER_ADDRESS_PER_MINUTE="0", RATE_PER_SENDER_PER_MINUTE="0")
