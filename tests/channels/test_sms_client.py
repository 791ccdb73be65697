"""`make sms`: the terminal client signs like Twilio, shows texts as a phone does, and creates a
local auth token on first use (saying it must be replaced before going live)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.tools import sms_client
from stack import ROOT, base_env


def test_first_run_creates_a_local_token_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(sms_client.TOKEN_NAME, raising=False)
    env_file = tmp_path / ".env"
    assert sms_client.ensure_local_token(env_file) is True
    token = os.environ[sms_client.TOKEN_NAME]
    assert token.startswith("local-") and f"{sms_client.TOKEN_NAME}={token}" in env_file.read_text()
    assert "replace it" in env_file.read_text()
    assert sms_client.ensure_local_token(env_file) is False
    assert env_file.read_text().count(sms_client.TOKEN_NAME + "=") == 1


def test_phone_view_shows_each_text_and_its_lock_screen() -> None:
    view = sms_client.phone_view(["Tip: delete this thread on your phone when you are done.", "Reply MORE"])
    assert "text 1 of 2" in view and "lock screen: Tip: delete this thread on your pho" in view
    assert sms_client.phone_view([]) == "  (no reply: nothing is sent)"


@pytest.mark.parametrize("whatsapp", [False, True], ids=["sms", "whatsapp"])
def test_the_client_talks_to_the_webhook_like_a_phone(fakebot, whatsapp: bool) -> None:
    args = [sys.executable, "-m", "bot.tools.sms_client", "--url", fakebot.url, "--sender", "+447700900601"]
    args += ["--whatsapp"] if whatsapp else []
    done = subprocess.run(args, input="hello\n2\nSTOP\nhello\n", capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env=base_env(TWILIO_AUTH_TOKEN=os.environ["TWILIO_AUTH_TOKEN"]))  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "1 England" in out and "You picked wales." in out and "you will get no more replies" in out
    assert out.rstrip().endswith("(no reply: nothing is sent)")
