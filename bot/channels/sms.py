"""The SMS channel (Twilio-compatible, `/webhooks/twilio/webhook`), through the gateway.

SMS is for people without data or a safe browser. The transport (signatures, form, TwiML) is
bot/channels/twilio_webhook.py; what the texts say (at most three, GSM-7 or UCS-2 budgets, the
danger line and a number first, numbered options whole, MORE for the rest, neutral on a lock
screen, STOP/START/HELP/DELETE/MORE) is bot/messaging, shared with WhatsApp. Rasa picks the
`channel: twilio` variant of every response because the output channel is named "twilio".
Nothing here logs the phone number, the sender id or the text.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.channel import OutputChannel
from rasa.core.channels.twilio import TwilioInput
from sanic import Blueprint

from bot.channels.twilio_webhook import OnNewMessage, webhook
from bot.settings import get_settings
from contract import channels

logger = logging.getLogger(__name__)
CHANNEL = channels.TWILIO


class PrivateTwilioInput(TwilioInput):
    """Rasa's Twilio channel, answering in TwiML only, with signatures checked and the gateway."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> PrivateTwilioInput:
        """No REST credentials on purpose; the auth token comes from TWILIO_AUTH_TOKEN."""
        return cls(None, None, None, debug_mode=False)

    def get_output_channel(self) -> OutputChannel | None:
        """None: Rasa must never text anyone on its own (no REST client exists here)."""
        return None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        if not get_settings().twilio_auth_token:
            logger.warning("TWILIO_AUTH_TOKEN is not set: the SMS channel refuses every request (403).")
        return webhook("private_twilio_webhook", on_new_message)
