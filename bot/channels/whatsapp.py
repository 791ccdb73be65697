"""The WhatsApp channel, through Twilio's WhatsApp sender (`/webhooks/whatsapp/webhook`).

Off unless configured (WHATSAPP_ENABLED=1, and TWILIO_AUTH_TOKEN as for SMS): until then the
webhook answers 404 and `whatsapp:` messages arriving on the SMS webhook get no reply. Same
signed form as SMS, same transport (bot/channels/twilio_webhook.py), same composer
(bot/messaging) with WhatsApp's budget (1,600 characters a message) and wording: WhatsApp keeps
the chat on the phone and in backups, so the first reply says how to delete the chat and about
disappearing messages. Rasa is given the SMS variants of the answers (the shortest form).
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint

from bot.channels.sms import PrivateTwilioInput
from bot.channels.twilio_webhook import OnNewMessage, webhook
from bot.settings import get_settings
from contract import channels

CHANNEL = channels.WHATSAPP


class PrivateWhatsAppInput(PrivateTwilioInput):
    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> PrivateWhatsAppInput:
        return cls(None, None, None, debug_mode=False)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        return webhook("private_whatsapp_webhook", on_new_message, enabled=get_settings().whatsapp_enabled)
