"""Channel names and the reply style each one gets.

A channel's name is what the Rasa server passes as `input_channel`, what responses name in their
`channel:` variants, and what the action server reads to choose a shape for referrals. A channel
that is not listed here has no style: `reply_style` refuses it rather than guess, so a new channel
cannot silently fall into the web style.
"""

from __future__ import annotations

from enum import Enum


class Style(str, Enum):
    WEB = "web"  # text, buttons, links
    SMS = "sms"  # short plain text, numbered options, lock-screen safe
    STAFF = "staff"  # structured payload for the call handler's console


REST = "rest"
SOCKETIO = "socketio"
TWILIO = "twilio"
WHATSAPP = "whatsapp"  # Twilio's WhatsApp sender: the SMS style, with WhatsApp's budget (bot/messaging)
STAFF = "staff"

STYLES: dict[str, Style] = {
    REST: Style.WEB,
    SOCKETIO: Style.WEB,
    TWILIO: Style.SMS,
    WHATSAPP: Style.SMS,
    STAFF: Style.STAFF,
}
# The messaging channels (SMS, WhatsApp) take their answers' `channel: twilio` variants: the shortest form.
RESPONSE_VARIANT = {WHATSAPP: TWILIO}
# Key of the structured referral reply action_refer adds for the SMS style (read by bot/messaging).
MESSAGING_PAYLOAD = "messaging"
# Rasa's own test runners (`rasa test core`, the shell) pass no channel or these names.
RASA_INTERNAL = frozenset({"cmdline", "collector", "callback", "inspector"})
KNOWN = frozenset(STYLES)


class UnknownChannel(ValueError):
    """A channel name that has no entry in STYLES."""


def reply_style(channel: str | None) -> Style:
    """The style for a channel: web for Rasa's own runners, an error for an unknown name."""
    if channel is None or channel in RASA_INTERNAL:
        return Style.WEB
    try:
        return STYLES[channel]
    except KeyError:
        raise UnknownChannel(f"channel {channel!r} has no reply style in contract/channels.py") from None


def is_public(channel: str | None) -> bool:
    """Public channels reach the person themselves (every reply keeps the 999 line)."""
    return channel != STAFF
