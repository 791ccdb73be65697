"""How the privacy suite talks to each channel: name -> send(stack, raw_sender, text) -> reply texts.

Each channel adds its driver here, so the privacy suite covers every channel that exists.
"""

from __future__ import annotations

from typing import Callable

from tests.conftest import post_json

Send = Callable[[object, str, str], list[str]]


def send_rest(stack, raw_sender: str, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    status, replies = post_json(f"{stack.url}/webhooks/rest/webhook", {"sender": raw_sender, "message": text})
    assert status == 200, replies
    return [r.get("text", "") for r in replies]


DRIVERS: dict[str, Send] = {"rest": send_rest}
