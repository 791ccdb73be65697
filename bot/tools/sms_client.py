"""Try the SMS and WhatsApp channels without a Twilio account: `make sms` (or `make sms WHATSAPP=1`).

Sends each line you type to the local webhook exactly as Twilio would (the form Twilio posts,
signed with the twilio library's own RequestValidator and TWILIO_AUTH_TOKEN) and prints the
reply as a phone shows it: one box per text, with what a lock screen would show of it. Numbered
options, MORE, STOP, START, HELP and DELETE work as on a phone.

When no TWILIO_AUTH_TOKEN is configured, the first run writes a random local one into .env: the
server must be (re)started to read it, and it must be replaced by the Twilio account's auth token
before going live (with a local token, real Twilio requests would all be refused).

The same functions sign the requests of the channel tests and of bench/sms.py.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

from twilio.request_validator import RequestValidator

from contract.env import export_defaults, load_env

ROOT = Path(__file__).resolve().parents[2]
TOKEN_NAME = "TWILIO_AUTH_TOKEN"
SMS_PATH = "/webhooks/twilio/webhook"
WHATSAPP_PATH = "/webhooks/whatsapp/webhook"
WHATSAPP_PREFIX = "whatsapp:"
SERVICE_NUMBER = "+447700900999"  # Ofcom drama range: synthetic
DEFAULT_SENDER = "+447700900123"
LOCK_SCREEN_CHARS = 40


def auth_token() -> str:
    return load_env().text(TOKEN_NAME)


def ensure_local_token(env_file: Path = ROOT / ".env") -> bool:
    """Create a local auth token in .env when none is configured; True when one was created."""
    if load_env(env_file).text(TOKEN_NAME):
        return False
    token = "local-" + secrets.token_hex(16)
    with env_file.open("a", encoding="utf-8") as handle:
        handle.write("\n# Local token for `make sms` only: replace it by the Twilio auth token before going live.\n")
        handle.write(f"{TOKEN_NAME}={token}\n")
    export_defaults({TOKEN_NAME: token})
    return True


def twilio_form(sender: str, body: str, whatsapp: bool = False) -> dict[str, str]:
    """The fields Twilio posts for an inbound SMS or WhatsApp message (synthetic values)."""
    prefix = WHATSAPP_PREFIX if whatsapp else ""
    form = {
        "ToCountry": "GB", "ToState": "", "SmsMessageSid": "SM" + "0" * 32, "NumMedia": "0", "ToCity": "",
        "FromZip": "", "SmsSid": "SM" + "0" * 32, "FromState": "", "SmsStatus": "received", "FromCity": "",
        "Body": body, "FromCountry": "GB", "To": prefix + SERVICE_NUMBER, "ToZip": "", "NumSegments": "1",
        "MessageSid": "SM" + "0" * 32, "AccountSid": "AC" + "0" * 32, "From": prefix + sender,
        "ApiVersion": "2010-04-01",
    }  # fmt: skip
    if whatsapp:
        form.update(ProfileName="Test Person", WaId=sender.lstrip("+"), MessageType="text")
    return form


def sign(url: str, form: dict[str, str], token: str | None = None) -> str:
    return RequestValidator(token or auth_token()).compute_signature(url, form)


def post(
    base_url: str,
    sender: str,
    body: str,
    *,
    whatsapp: bool = False,
    path: str | None = None,
    signature: str | None = None,
    token: str | None = None,
    signed_url: str | None = None,
    tamper: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, str]:
    """POST one inbound message; signed for `signed_url` (default: the URL posted to) unless
    `signature` is given ("" sends no header). `tamper` changes fields after signing."""
    url = base_url.rstrip("/") + (path or (WHATSAPP_PATH if whatsapp else SMS_PATH))
    form = twilio_form(sender, body, whatsapp)
    if signature is None:
        signature = sign(signed_url or url, form, token)
    form.update(tamper or {})
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8", **(headers or {})}
    if signature:
        headers["X-Twilio-Signature"] = signature
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.status, reply.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def messages_in(twiml: str) -> list[str]:
    """The text of every <Message> in a TwiML reply."""
    root = ET.fromstring(twiml)
    if root.tag != "Response":
        raise ValueError("not a TwiML reply")
    return [(m.text or "") for m in root.iter("Message")]


def send(base_url: str, sender: str, body: str, whatsapp: bool = False) -> list[str]:
    """One signed message in, the texts out; raises on anything but a 200 TwiML reply."""
    status, text = post(base_url, sender, body, whatsapp=whatsapp)
    if status != 200:
        raise RuntimeError(f"the webhook answered {status}: {text[:200]}")
    return messages_in(text)


def phone_view(texts: list[str], width: int = 44) -> str:
    """The texts as boxes, each under the line a lock screen would show of it."""
    if not texts:
        return "  (no reply: nothing is sent)"
    out: list[str] = []
    for number, text in enumerate(texts, 1):
        out.append(f"  ┌─ text {number} of {len(texts)}, {len(text)} characters " + "─" * 4)
        out.append(f"  │ lock screen: {text[:LOCK_SCREEN_CHARS].splitlines()[0] if text else ''}…")
        out.append("  ├" + "─" * width)
        for line in text.splitlines() or [""]:
            while len(line) > width:
                out.append(f"  │ {line[:width]}")
                line = line[width:]
            out.append(f"  │ {line}")
        out.append("  └" + "─" * width)
    return "\n".join(out)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make sms", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=load_env().text("SMS_URL", "http://127.0.0.1:5005"))
    parser.add_argument("--whatsapp", action="store_true", help="send as WhatsApp (whatsapp: addresses)")
    parser.add_argument("--sender", default=DEFAULT_SENDER, help="the phone number you text from (synthetic)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if ensure_local_token():
        print(
            f"No {TOKEN_NAME} was configured: wrote a local one to .env for trying the channels.\n"
            "Restart the server (make run) so it reads it, and replace it by your Twilio account's\n"
            "auth token before going live."
        )
    channel = "WhatsApp" if args.whatsapp else "SMS"
    print(f"{channel} to {args.url} from {args.sender}. Type a message; Ctrl-D to quit.")
    for line in sys.stdin:
        try:
            print(phone_view(send(args.url, args.sender, line.rstrip("\n"), args.whatsapp)), flush=True)
        except (RuntimeError, OSError, ValueError) as error:
            print(f"  ! {error}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
