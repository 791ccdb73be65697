"""The one path every channel takes into Rasa (REST, socket.io, SMS, staff).

In order: clean the text, redact personal data, replace the sender id by its HMAC, apply rate
limits, run Rasa with a time limit, then make sure the reply is never empty and never lacks the
999 line when the message shows danger. "Delete this chat" removes the conversation afterwards.
Nothing here logs message text, and everything Rasa logs while handling it is scrubbed.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import TrackerStore

import safelog
from bot.danger import detect_danger
from bot.pseudonyms import pseudonym
from bot.rate_limit import RateLimiter
from bot.redaction import redact
from bot.safety import has_emergency_line, safety_lines
from bot.settings import Settings, get_settings
from bot.tracker_store import delete_conversation

logger = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
DELETE_UTTERANCE = "utter_chat_deleted"

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class GatewayOutputChannel(CollectingOutputChannel):
    """Collects replies, and which responses they came from, under the channel's own name
    (so Rasa picks the channel's response variants, e.g. short SMS texts)."""

    def __init__(self, channel: str) -> None:
        super().__init__()
        self.channel = channel
        self.utter_actions: list[str] = []

    def name(self) -> str:  # type: ignore[override]
        return self.channel

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        if message.get("utter_action"):
            self.utter_actions.append(message["utter_action"])
        await super().send_response(recipient_id, message)


@dataclass(frozen=True)
class Incoming:
    channel: str
    raw_sender: str
    text: Any
    client_address: str = ""


@dataclass
class Outcome:
    sender_id: str
    replies: list[dict[str, Any]] = field(default_factory=list)
    danger: str | None = None
    deleted: bool = False
    rate_limited: bool = False


def clean_text(text: Any, limit: int) -> tuple[str, bool]:
    """Text as a plain string without control characters, cut to `limit`; True when cut."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = _CONTROL.sub(" ", text.encode("utf-8", "replace").decode("utf-8")).strip()
    return (text[:limit], True) if len(text) > limit else (text, False)


def _note(text: str) -> dict[str, Any]:
    return {"text": text}


class Gateway:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.per_sender = RateLimiter(self.settings.rate_per_sender_per_minute)
        self.per_address = RateLimiter(self.settings.rate_per_address_per_minute)

    def sender_id(self, channel: str, raw_sender: str) -> str:
        return pseudonym(self.settings.sender_secret, channel, raw_sender)

    async def handle(
        self,
        incoming: Incoming,
        on_new_message: OnNewMessage,
        tracker_store: TrackerStore | None,
        output: GatewayOutputChannel | None = None,
    ) -> Outcome:
        """Run one message through Rasa and return what to send back."""
        raw_text, cut = clean_text(incoming.text, self.settings.max_message_chars)
        redaction = redact(raw_text)
        sender = self.sender_id(incoming.channel, incoming.raw_sender)
        with safelog.sensitive(raw_text, redaction.text, sender, incoming.raw_sender, str(incoming.text)):
            return await self._handle(incoming, redaction, sender, cut, on_new_message, tracker_store, output)

    async def _handle(self, incoming, redaction, sender, cut, on_new_message, tracker_store, output) -> Outcome:  # type: ignore[no-untyped-def]
        lines = safety_lines()
        outcome = Outcome(sender_id=sender, danger=detect_danger(redaction.text))
        if not self._allowed(sender, incoming.client_address):
            outcome.rate_limited = True
            outcome.replies = [_note(f"{lines.rate_limited}\n{lines.danger_first(outcome.danger)}")]
            return outcome
        if not redaction.text:
            outcome.replies = [_note(f"{lines.empty}\n{lines.emergency}")]
            return outcome
        output = output or GatewayOutputChannel(incoming.channel)
        failed = await self._run_rasa(redaction.text, sender, incoming.channel, on_new_message, output)
        outcome.replies = list(output.messages)
        if failed or not outcome.replies:
            outcome.replies = [_note(lines.fallback(lines.unavailable))]
        elif outcome.danger and not has_emergency_line(outcome.replies):
            outcome.replies.insert(0, _note(lines.danger_first(outcome.danger)))
        if cut:
            outcome.replies.insert(0, _note(lines.too_long))
        if redaction.found:
            outcome.replies.append(_note(lines.personal_data))
        if DELETE_UTTERANCE in output.utter_actions and tracker_store is not None:
            await delete_conversation(tracker_store, sender)
            outcome.deleted = True
        return outcome

    def _allowed(self, sender: str, address: str) -> bool:
        return self.per_sender.allow(sender) and self.per_address.allow(address)

    async def _run_rasa(
        self, text: str, sender: str, channel: str, on_new_message: OnNewMessage, output: GatewayOutputChannel
    ) -> bool:
        """True when Rasa failed or timed out (logged without any text or id)."""
        message = UserMessage(text, output, sender, input_channel=channel, metadata=None)
        try:
            await asyncio.wait_for(on_new_message(message), timeout=self.settings.rasa_timeout_seconds)
            return False
        except asyncio.TimeoutError:
            logger.error("Rasa did not answer within %.1f s on channel %s", self.settings.rasa_timeout_seconds, channel)
        except Exception as error:  # any failure still gets the safety reply
            logger.error("Rasa failed on channel %s: %s", channel, type(error).__name__)
        return True

    async def forget(self, channel: str, raw_sender: str, tracker_store: TrackerStore | None) -> None:
        """Delete a conversation on request (quick exit, SMS STOP/DELETE)."""
        if tracker_store is not None:
            await delete_conversation(tracker_store, self.sender_id(channel, raw_sender))
