"""First run (security audit findings 6 and 10): `make run` creates the staff token and says how to
read it without printing it, and the curl examples it and the README give start a conversation of
their own."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot import settings as settings_module
from stack import Stack
from stack.__main__ import banner

ROOT = Path(__file__).resolve().parents[2]


def test_the_staff_token_is_generated_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STAFF_TOKEN", raising=False)
    env_file = tmp_path / ".env"
    assert settings_module.ensure_staff_token(env_file) is True
    first = env_file.read_text()
    token = re.fullmatch(r"\s*STAFF_TOKEN=([0-9a-f]{48})\s*", first)
    assert token and os.environ["STAFF_TOKEN"] == token.group(1)
    assert settings_module.ensure_staff_token(env_file) is False and env_file.read_text() == first


def test_the_banner_says_how_to_read_the_token_and_never_prints_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFF_TOKEN", "f00dfeed" * 6)
    for created in (True, False):
        text = banner(Stack(), created)
        assert "grep STAFF_TOKEN .env" in text
        assert "f00dfeed" not in text and os.environ["SENDER_ID_SECRET"] not in text


def curl_commands(text: str) -> list[str]:
    """The curl command lines of a text (joined over their backslash continuations)."""
    joined = re.sub(r"\\\n\s*", " ", text)
    return [line.strip() for line in joined.splitlines() if line.strip().startswith(("curl ", "SENDER="))]


@pytest.mark.stack
@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("openssl")), reason="needs curl and openssl")
@pytest.mark.parametrize("source", ["README.md", "make run"])
def test_the_curl_example_starts_a_conversation_of_its_own(stack, source: str) -> None:  # type: ignore[no-untyped-def]
    text = (ROOT / "README.md").read_text() if source == "README.md" else banner(stack, False)
    script = "\n".join(curl_commands(text)).replace("http://localhost:5005", stack.url)
    script = script.replace("http://127.0.0.1:5005", stack.url)
    senders = set()
    for _ in range(2):
        done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
        replies = json.loads(done.stdout)
        assert replies and "999" in "\n".join(r.get("text", "") for r in replies), done.stdout
        senders.add(replies[0]["recipient_id"])
    assert len(senders) == 2 and all(len(s) == 32 for s in senders)
