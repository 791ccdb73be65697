"""Twilio's inbound webhook, shared by SMS and WhatsApp: signatures, the form, TwiML.

Why one transport for both: Twilio's WhatsApp sender posts the same signed form as SMS, with
`whatsapp:` addresses. So every request is checked the same way (`X-Twilio-Signature`, an HMAC of
the public URL and the form keyed with TWILIO_AUTH_TOKEN; invalid or missing: 403 before anything
is parsed into a conversation), the reply only ever goes back in the HTTP response (TwiML: the
service can never text anyone who did not write first, and no account SID is needed), and the
address decides the channel: `whatsapp:` to WhatsApp (when it is configured), anything else to SMS.
Everything about what the texts say lives in bot/messaging. Nothing here logs the address or the text.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.gateway import shared_gateway
from bot.messaging.conversation import Conversations
from bot.messaging.state import RedisState, shared_state
from bot.messaging.wording import profile
from bot.settings import Settings, get_settings
from contract import channels

logger = logging.getLogger(__name__)
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
WHATSAPP_PREFIX = "whatsapp:"
PROFILES = {channels.TWILIO: "sms", channels.WHATSAPP: "whatsapp"}
_CONVERSATIONS: dict[str, Conversations] = {}


class FormParams(dict):
    """Form fields as lists, in the shape twilio's RequestValidator reads (`getlist`)."""

    def getlist(self, key: str) -> list[str]:
        return self[key]

    def first(self, key: str) -> str:
        values = self.get(key) or [""]
        return values[0]


def parse_form(body: bytes) -> FormParams | None:
    """The url-encoded form exactly as sent (blank values kept: they are part of the signature)."""
    try:
        return FormParams(parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
    except (UnicodeDecodeError, ValueError):
        return None


def signed_url(request: Request, settings: Settings) -> str:
    """The URL Twilio signed: PUBLIC_URL (+ this path) behind a proxy, else the request's own URL."""
    if not settings.public_url:
        return request.url
    base = settings.public_url.rstrip("/")
    url = base if base.endswith(request.path) else base + request.path
    return f"{url}?{request.query_string}" if request.query_string else url


def signature_valid(request: Request, params: FormParams, settings: Settings) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not settings.twilio_auth_token:
        return False
    return RequestValidator(settings.twilio_auth_token).validate(signed_url(request, settings), params, signature)


def twiml(texts: list[str]) -> HTTPResponse:
    """A TwiML reply: one <Message> per text (escaped by the twilio library), or none."""
    reply = MessagingResponse()
    for text in texts:
        reply.message(text)
    return response.text(str(reply), content_type="text/xml; charset=utf-8")


def channel_for(address: str, settings: Settings) -> str | None:
    """WhatsApp for `whatsapp:` addresses (None while WhatsApp is off), SMS for the rest."""
    if address.lower().startswith(WHATSAPP_PREFIX):
        return channels.WHATSAPP if settings.whatsapp_enabled else None
    return channels.TWILIO


def conversations(channel: str, settings: Settings) -> Conversations:
    """The process's conversations for a channel: one gateway and one state for all channels."""
    if channel not in _CONVERSATIONS:
        state = shared_state(settings.shared_state_url, max(settings.idle_minutes, 1) * 60.0)
        _CONVERSATIONS[channel] = Conversations(shared_gateway(), state, profile(PROFILES[channel]), channel)
    return _CONVERSATIONS[channel]


async def keep_state_in_sync(app: Any, _: Any) -> None:
    """Scaled mode: each server re-checks, every few seconds, that Redis still holds the STOP list."""
    state = shared_state(get_settings().shared_state_url)
    if isinstance(state, RedisState) and not getattr(app.ctx, "messaging_sync", False):
        app.ctx.messaging_sync = True
        app.add_task(state.keep_in_sync())


def webhook(name: str, on_new_message: OnNewMessage, enabled: bool = True) -> Blueprint:
    """The routes of one Twilio webhook (`/` health, `/webhook` POST)."""
    settings = get_settings()
    hook = Blueprint(name, __name__)
    hook.after_server_start(keep_state_in_sync)

    @hook.route("/", methods=["GET"])
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"}, status=200 if enabled else 404)

    @hook.route("/webhook", methods=["POST"])
    async def receive(request: Request) -> HTTPResponse:
        if not enabled:
            return response.text("Not found.", status=404)
        body = request.body or b""
        if len(body) > settings.max_body_bytes:
            return response.text("Request too large.", status=413)
        params = parse_form(body)
        if params is None or not signature_valid(request, params, settings):
            logger.warning("Refused a Twilio webhook request without a valid signature.")
            return response.text("Forbidden: invalid or missing X-Twilio-Signature.", status=403)
        sender = params.first("From")
        channel = channel_for(sender, settings) if sender else None
        if channel is None:
            return twiml([])
        text = params.first("Body").replace("¡", "@")
        store = request.app.ctx.agent.tracker_store
        address = request.remote_addr or request.ip
        talk = conversations(channel, settings)
        return twiml(await talk.reply(sender, text, address, on_new_message, store))

    return hook
