"""How the privacy suite talks to each channel: name -> send(stack, raw_sender, text) -> reply texts.

Each channel adds its driver here, so the privacy suite covers every channel that exists.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from tests.channels.clients import SocketChat, sms, texts
from tests.conftest import post_json

Send = Callable[[object, str, str], list[str]]


def send_rest(stack, raw_sender: str, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    status, replies = post_json(f"{stack.url}/webhooks/rest/webhook", {"sender": raw_sender, "message": text})
    assert status == 200, replies
    return [r.get("text", "") for r in replies]


def send_socketio(stack, raw_sender: str, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The widget's protocol; the raw sender is the session id (spaces become dashes: ids are tokens)."""
    with SocketChat(stack.url, "-".join(raw_sender.split()) or "empty") as chat:
        return texts(chat.say(text))


def send_twilio(stack, raw_sender: str, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    """A signed inbound SMS from `raw_sender` (a phone number); the reply segments."""
    return sms(stack.url, raw_sender, text)


def staff_texts(result: dict[str, Any]) -> list[str]:
    """What the staff console shows for one result, as text: danger, notices, answer, referrals."""
    danger = result["danger"]
    texts = [danger["steps"], *(f"{f['label']}: {f['step']}" for f in danger["flags"])]
    texts += [*result["notes"], *result["adviser_reasons"], *(t["name"] for t in result["topics"])]
    texts += [result["answer"] or "", result["say_this"] or ""]
    fields = ("name", "phone", "text", "web", "hours")
    texts += [" | ".join(str(r.get(k) or "") for k in fields) for r in result["referrals"]]
    texts += ["This query's conversation was deleted." if result["conversation_deleted"] else ""]
    return [text for text in texts if text]


def send_staff(stack, raw_sender: str, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    """A call handler's query on the staff assist API (no sender: each query stands alone)."""
    headers = {"Authorization": f"Bearer {os.environ.get('STAFF_TOKEN', 'test-staff-token')}"}
    status, result = post_json(f"{stack.url}/staff/api/assist", {"query": text}, headers)
    assert status == 200, result
    return staff_texts(result)


DRIVERS: dict[str, Send] = {
    "rest": send_rest,
    "socketio": send_socketio,
    "twilio": send_twilio,
    "staff": send_staff,
}
# Channels that keep nothing between messages: no conversation may be found for them in any store.
STATELESS: frozenset[str] = frozenset({"staff"})
