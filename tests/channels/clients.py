"""Test clients for the SMS and socket.io channels, shared by the channel tests and the privacy suite.

The SMS and WhatsApp client (bot/tools/sms_client.py, also behind `make sms`) signs exactly as
Twilio does (twilio's own RequestValidator), and the socket.io
client speaks the widget's protocol with python-socketio.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import socketio
from socketio import packet

from bot.tools import sms_client

SMS_PATH = sms_client.SMS_PATH
WHATSAPP_PATH = sms_client.WHATSAPP_PATH
TEST_NUMBER = "+447700900123"  # Ofcom drama range
SERVICE_NUMBER = sms_client.SERVICE_NUMBER
twilio_form = sms_client.twilio_form
messages_in = sms_client.messages_in


def auth_token() -> str:
    return os.environ.get("TWILIO_AUTH_TOKEN", "test-twilio-auth-token")


def sign(url: str, form: dict[str, str], token: str | None = None) -> str:
    return sms_client.sign(url, form, token or auth_token())


def post_sms(base_url: str, sender: str, body: str, *, token: str | None = None, **options: Any) -> tuple[int, str]:
    """POST one inbound SMS (or WhatsApp message: whatsapp=True), signed with twilio's own
    RequestValidator for `signed_url` (default: the URL posted to) unless `signature` is given
    ("" sends no header). `tamper` changes fields after signing."""
    return sms_client.post(base_url, sender, body, token=token or auth_token(), **options)


def sms(base_url: str, sender: str, body: str, whatsapp: bool = False) -> list[str]:
    """One signed message in, the reply texts out (asserting a 200 TwiML reply)."""
    status, text = post_sms(base_url, sender, body, whatsapp=whatsapp)
    assert status == 200, (status, text)
    return messages_in(text)


class SocketChat:
    """A widget-like socket.io client: session_request, user_uttered with ack, exit."""

    def __init__(self, base_url: str, session_id: str, origin: str | None = None) -> None:
        self.session_id = session_id
        self.received: list[Any] = []
        self.confirmed: str | None = None
        self.state: dict | None = None
        self._state_seen = threading.Event()
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", self.received.append)
        self.client.on("session_confirm", self._confirm)
        self.client.on("session_state", self._state)
        headers = {"Origin": origin} if origin else {}
        self.client.connect(base_url, headers=headers, transports=["polling"], wait_timeout=10)
        self.client.emit("session_request", {"session_id": session_id})
        assert self._state_seen.wait(15), "no session_state from the server"

    def _confirm(self, session_id: str) -> None:
        self.confirmed = session_id

    def _state(self, state: dict) -> None:
        self.state = state
        self._state_seen.set()

    def say(self, text: str) -> list[dict]:
        """Send one message; the server acknowledges after emitting every reply."""
        before = len(self.received)
        ack = self.client.call("user_uttered", {"message": text, "session_id": self.session_id}, timeout=40)
        assert isinstance(ack, dict), ack
        return self.received[before:]

    def exit(self) -> dict:
        return self.client.call("exit", {"session_id": self.session_id}, timeout=20)

    def close(self) -> None:
        """Disconnect without waiting for the pending long-poll (python-socketio's sync client
        otherwise waits up to the server's ping interval, 25 s, for it to return)."""
        if self.client.connected:
            for namespace in list(self.client.namespaces):
                self.client._send_packet(self.client.packet_class(packet.DISCONNECT, namespace=namespace))
        self.client.eio.disconnect(abort=True)

    def __enter__(self) -> SocketChat:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def texts(messages: list[dict]) -> list[str]:
    """Reply texts, without the gateway's 999 footer (tested on its own in tests/bot)."""
    from bot.safety import safety_lines

    footer = safety_lines().footer
    return [m.get("text", "") for m in messages if isinstance(m, dict) and m.get("text") != footer]
