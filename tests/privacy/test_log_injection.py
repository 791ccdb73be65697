"""Security audit finding 1, through a real running server: "/"-commands, newlines and every
control character sent on the REST channel leave neither their text nor a forged line in any log
(the servers run at DEBUG here, so everything Rasa, Sanic and we log is in the files)."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from tests.conftest import post_json

pytestmark = pytest.mark.stack

FORGED_STAMP = "1999-01-01 00:00:00,000"
FORGED = f"{FORGED_STAMP} ERROR bot.gateway The tracker store is unreachable: ConnectionError"
CONTROLS = "".join(chr(c) for c in [*range(32), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029])
MESSAGES = [
    "/call_07700900401",
    "/zorbquestintent",
    '/greet{"nation": zorbquestjson}',
    "/greet@0.5 zorbquestconfidence",
    '/inform_nation{"nation": "zorbquestnation"}',
    f"zorbquestnewline\n{FORGED}",
    f"zorbquestreturn\r{FORGED}",
    f"zorbquestseparator\u2028{FORGED}",
    f"zorbquestcontrols {CONTROLS} end",
    f"/zorbquestslash\n{FORGED}",
]


def log_text(log_dir: Path) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in sorted(log_dir.rglob("*.log")))


def test_commands_newlines_and_control_characters_stay_out_of_the_logs(stack) -> None:  # type: ignore[no-untyped-def]
    for text in MESSAGES:
        status, replies = post_json(
            f"{stack.url}/webhooks/rest/webhook", {"sender": secrets.token_hex(16), "message": text}
        )
        assert status == 200 and any("999" in r.get("text", "") for r in replies), replies
    logs = log_text(Path(stack.log_dir))
    assert "zorbquest" not in logs.lower()
    assert "07700900401" not in logs and "call_" not in logs
    assert not [line for line in logs.splitlines() if FORGED_STAMP in line]
    assert not [c for c in CONTROLS if c not in "\n" and c in logs.replace("\r\n", "\n")]
