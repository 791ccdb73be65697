"""Test clients for the SMS and socket.io channels, shared by the channel tests and the privacy suite.

The SMS client signs exactly as Twilio does (twilio's own RequestValidator), and the socket.io
client speaks the widget's protocol with python-socketio.
"""

from __future__ import annotations

import os
import threading
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from typing import Any

import socketio
from socketio import packet
from twilio.request_validator import RequestValidator

SMS_PATH = "/webhooks/twilio/webhook"
TEST_NUMBER = "+447700900123"  # Ofcom drama range
SERVICE_NUMBER = "+447700900999"


def auth_token() -> str:
    return os.environ.get("TWILIO_AUTH_TOKEN", "test-twilio-auth-token")


def twilio_form(sender: str, body: str) -> dict[str, str]:
    """The fields Twilio posts for an inbound SMS (synthetic values), blank ones included."""
    return {
        "ToCountry": "GB", "ToState": "", "SmsMessageSid": "SM" + "0" * 32, "NumMedia": "0", "ToCity": "",
        "FromZip": "", "SmsSid": "SM" + "0" * 32, "FromState": "", "SmsStatus": "received", "FromCity": "",
        "Body": body, "FromCountry": "GB", "To": SERVICE_NUMBER, "ToZip": "", "NumSegments": "1",
        "MessageSid": "SM" + "0" * 32, "AccountSid": "AC" + "0" * 32, "From": sender, "ApiVersion": "2010-04-01",
    }  # fmt: skip


def sign(url: str, form: dict[str, str], token: str | None = None) -> str:
    return RequestValidator(token or auth_token()).compute_signature(url, form)


def post_sms(
    base_url: str,
    sender: str,
    body: str,
    *,
    signature: str | None = None,
    token: str | None = None,
    signed_url: str | None = None,
    tamper: dict[str, str] | None = None,
) -> tuple[int, str]:
    """POST one inbound SMS; signed for `signed_url` (default: the URL posted to) unless
    `signature` is given ("" sends no header). `tamper` changes fields after signing."""
    url = base_url + SMS_PATH
    form = twilio_form(sender, body)
    if signature is None:
        signature = sign(signed_url or url, form, token)
    form.update(tamper or {})
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
    if signature:
        headers["X-Twilio-Signature"] = signature
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def messages_in(twiml: str) -> list[str]:
    """The text of every <Message> in a TwiML reply."""
    root = ET.fromstring(twiml)
    assert root.tag == "Response", twiml
    return [(m.text or "") for m in root.iter("Message")]


def sms(base_url: str, sender: str, body: str) -> list[str]:
    """One signed SMS in, the reply segments out (asserting a 200 TwiML reply)."""
    status, text = post_sms(base_url, sender, body)
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
