"""The one path every channel takes into Rasa (REST, socket.io, SMS, staff).

In order: replace the sender id by its HMAC and apply the rate limits (first, on the raw message,
so a refused message costs almost nothing), clean the text, redact personal data, turn any "/"
text that is not one of the project's own payloads into plain words (bot/public_input.py), run
Rasa with a time limit, then make sure the reply is never empty and never lacks the 999 line
when the message shows danger. A confirmed "delete this chat" (or the exact keyword) removes the
conversation afterwards.
Nothing here logs message text, and everything Rasa logs while handling it is scrubbed.

Whatever breaks, `Gateway.handle` still returns a reply that carries the 999 line and the
helplines: Rasa failing or too slow, a custom action failing or too slow (the action server or
the directory down), the tracker store unreachable, or a bug in this module. Rasa hides the last
three (it logs them and carries on with a partial or context-free reply), so bot/patches.py makes
them report here (`report_trouble`) for the message being handled.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import TrackerStore

import safelog
from bot.danger import detect_danger
from bot.danger.flag import flag_replies
from bot.danger.next_step import next_step
from bot.language import speak
from bot.pseudonyms import pseudonym
from bot.public_input import PublicInput, public_input
from bot.rate_limit import LimiterFactory, limiter_factory
from bot.redaction import redact
from bot.safety import SafetyLines, has_emergency_line, safety_lines
from bot.settings import Settings, get_settings
from bot.tracker_store import delete_conversation
from contract.channels import is_public
from contract.intents import CONFIRM_PAYLOAD, DELETE_PAYLOAD, UTTER_DELETED

logger = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_LAST_SPACE = re.compile(r"\s(?=\S*$)")
DELETE_UTTERANCE = UTTER_DELETED
# Text is redacted before it is cut to the message limit, with this much to spare, so that the
# cut never leaves half a phone number or e-mail address for Rasa to see.
REDACTION_MARGIN = 200
# A refused (rate-limited) message is checked for danger on this many characters only.
REFUSED_DANGER_CHARS = 500
TROUBLE_ACTION = "action"
TROUBLE_TRACKER_STORE = "tracker_store"

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
# The troubles met while handling the current message (None outside `Gateway.handle`).
_TROUBLE: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("gateway_trouble", default=None)


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
    degraded: bool = False  # Rasa, an action or the tracker store failed: the safety lines were added


@dataclass(frozen=True)
class Prepared:
    """One message made safe to hand to Rasa: cleaned, redacted, cut."""

    raw: str
    text: str
    found: tuple[str, ...]
    cut: bool


def clean_text(text: Any, limit: int) -> tuple[str, bool]:
    """Text as a plain string without control characters, cut to `limit`; True when cut."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = _CONTROL.sub(" ", text.encode("utf-8", "replace").decode("utf-8")).strip()
    return (text[:limit], True) if len(text) > limit else (text, False)


def prepare(text: Any, limit: int) -> Prepared:
    """Clean, redact, then cut to `limit`.

    Redacting first (with a margin) means no identifier is ever cut in half and slips past the
    redaction; cutting the raw text first (at limit + margin) keeps the cost of redaction bounded
    whatever size of message arrives. The raw text's last, possibly partial, word is dropped.
    """
    raw, over = clean_text(text, limit + REDACTION_MARGIN)
    if over:
        space = _LAST_SPACE.search(raw, limit // 2)
        raw = raw[: space.start()] if space else raw[:limit]
    redaction = redact(raw)
    cut = over or len(redaction.text) > limit
    return Prepared(raw, redaction.text[:limit].rstrip(), tuple(redaction.found), cut)


def _note(text: str) -> dict[str, Any]:
    return {"text": text}


def has_helplines(replies: Iterable[dict[str, Any]], lines: SafetyLines) -> bool:
    """True when a reply already gives at least one of the national 24/7 helplines."""
    texts = [reply.get("text") or "" for reply in replies]
    return any(helpline.phone in text for helpline in lines.helplines for text in texts)


def safety_net(
    replies: list[dict[str, Any]], failed: bool, trouble: set[str], danger: str | None, footer: bool = True
) -> list[dict]:
    """The replies with whatever they lack added: the 999 line first when the message shows
    danger, the helplines after any (partial) answer when Rasa failed, said nothing, or a part
    failed behind its back (an action, the tracker store), and, on the public channels, a short
    999 footer on any reply that has no 999 line, whatever the classifier made of the message."""
    lines = safety_lines()
    said = list(replies)
    out = list(said)
    if danger and not has_emergency_line(out):
        out.insert(0, _note(lines.danger_first(danger)))
    if not said or ((failed or trouble) and not has_helplines(said, lines)):
        body = lines.helpline_text() if has_emergency_line(out) else lines.fallback()
        out.append(_note(f"{lines.unavailable}\n{body}" if not said else body))
    if footer and not has_emergency_line(out):
        out.append(_note(lines.footer))
    return out


def last_resort(sender: str = "") -> Outcome:
    """What to send when the gateway itself failed: the safety lines, nothing else."""
    lines = safety_lines()
    return Outcome(sender_id=sender, replies=[_note(lines.fallback(lines.unavailable))], degraded=True)


def describe(error: BaseException) -> str:
    """An exception for the log: its type, plus, when a connection failed somewhere in its chain
    (Redis, the action server), that error's message, which says which host and port failed and
    never what anyone wrote. Scrubbed by safelog in any case."""
    name = type(error).__name__
    seen: BaseException | None = error
    for _ in range(5):
        if seen is None:
            break
        if _is_infrastructure(seen) and str(seen):
            cause = "" if seen is error else f"{type(seen).__name__}: "
            return f"{name} ({cause}{str(seen).strip()[:200]})"
        seen = seen.__cause__ or seen.__context__
    return name


def _is_infrastructure(error: BaseException) -> bool:
    return isinstance(error, OSError) or type(error).__module__.split(".")[0] in {"redis", "aiohttp"}


def report_trouble(kind: str) -> None:
    """Record that a part failed while the current message was handled (no-op outside one)."""
    trouble = _TROUBLE.get()
    if trouble is not None:
        trouble.add(kind)


class Gateway:
    def __init__(self, settings: Settings | None = None, limiters: LimiterFactory | None = None) -> None:
        self.settings = settings or get_settings()
        self.rules: PublicInput = public_input()
        # In memory, or shared by every server in Redis when SHARED_STATE_URL is set (scaled mode).
        make = limiters or limiter_factory(self.settings.shared_state_url, self.settings.sender_secret)
        self.per_sender = make("sender", self.settings.rate_per_sender_per_minute)
        self.per_address = make("address", self.settings.rate_per_address_per_minute)

    def sender_id(self, channel: str, raw_sender: str) -> str:
        return pseudonym(self.settings.sender_secret, channel, raw_sender)

    async def handle(
        self,
        incoming: Incoming,
        on_new_message: OnNewMessage,
        tracker_store: TrackerStore | None,
        output: GatewayOutputChannel | None = None,
    ) -> Outcome:
        """Run one message through Rasa and return what to send back.

        Never raises (except when the caller is cancelled): a bug or failure anywhere on the way
        still answers with the 999 line and the helplines, logged by exception type only.
        """
        try:
            sender = self.sender_id(incoming.channel, str(incoming.raw_sender))
            if not self.allow(sender, incoming.client_address):
                with safelog.sensitive(sender, str(incoming.raw_sender), str(incoming.text)):
                    return self._refused(sender, incoming.text)
            message = prepare(incoming.text, self.settings.max_message_chars)
            text = self.rules.as_text(message.text)
        except Exception as error:
            logger.error("Could not prepare a message on channel %s: %s", incoming.channel, type(error).__name__)
            return last_resort()
        secrets = (message.raw, message.text, text, sender, str(incoming.raw_sender), str(incoming.text))
        with safelog.sensitive(*secrets):
            try:
                outcome = await self._handle(incoming, message, text, sender, on_new_message, tracker_store, output)
                outcome.replies = flag_replies(outcome.replies, outcome.danger, message.text)
                return outcome
            except Exception as error:
                logger.error("The gateway failed on channel %s: %s", incoming.channel, type(error).__name__)
                return last_resort(sender)

    def _refused(self, sender: str, text: Any) -> Outcome:
        """A rate-limited message: no redaction and no Rasa, so that a flood costs almost nothing
        (about 2 ms); only the danger check, on the message's first characters, so that a person
        in danger who is refused still gets the helplines."""
        raw, _ = clean_text(text, REFUSED_DANGER_CHARS)
        danger = detect_danger(raw)
        return Outcome(sender, [_note(self.rate_limited_text(danger))], danger=danger, rate_limited=True)

    async def _handle(
        self,
        incoming: Incoming,
        message: Prepared,
        text: str,
        sender: str,
        on_new_message: OnNewMessage,
        tracker_store: TrackerStore | None,
        output: GatewayOutputChannel | None,
    ) -> Outcome:
        lines = safety_lines()
        outcome = Outcome(sender_id=sender, danger=detect_danger(message.text))
        if not text:
            outcome.replies = [_note(f"{lines.empty}\n{lines.emergency}")]
            return outcome
        output = output or GatewayOutputChannel(incoming.channel)
        trouble: set[str] = set()
        token = _TROUBLE.set(trouble)
        try:
            if self.rules.deletes_at_once(text):
                failed = await self._delete_at_once(sender, incoming.channel, on_new_message, output)
            else:
                failed = await self._run_rasa(text, sender, incoming.channel, on_new_message, output)
        finally:
            _TROUBLE.reset(token)
        said = list(output.messages)
        if outcome.danger and not failed and said:
            said += await self._next_step(tracker_store, sender)
        outcome.replies = safety_net(said, failed, trouble, outcome.danger, footer=is_public(incoming.channel))
        outcome.degraded = failed or bool(trouble)
        if message.cut:
            outcome.replies.insert(0, _note(lines.too_long))
        if message.found:
            outcome.replies.append(_note(lines.personal_data))
        outcome.replies = speak(sender, message.text, incoming.channel, outcome.replies, output.utter_actions)
        if DELETE_UTTERANCE in output.utter_actions and tracker_store is not None:
            outcome.deleted = await self._delete(tracker_store, sender)
            if not outcome.deleted:
                outcome.replies.append(_note(safety_lines().delete_failed.format(minutes=self.settings.idle_minutes)))
        return outcome

    async def _delete_at_once(
        self, sender: str, channel: str, on_new_message: OnNewMessage, output: GatewayOutputChannel
    ) -> bool:
        """The exact keyword ("delete this chat"): ask and confirm in one go, through the same two
        turns a button tap takes, so each channel gets its own wording of the answer. The
        question's reply is dropped. True when Rasa failed."""
        asked = GatewayOutputChannel(channel)
        if await self._run_rasa(DELETE_PAYLOAD, sender, channel, on_new_message, asked):
            return True
        return await self._run_rasa(CONFIRM_PAYLOAD, sender, channel, on_new_message, output)

    def rate_limited_text(self, danger: str | None) -> str:
        """The rate-limit notice: always the 999 line, and the helplines when the message shows
        danger (kept short otherwise, because on SMS every reply costs money)."""
        lines = safety_lines()
        parts = [lines.rate_limited, lines.danger_first(danger)]
        return "\n".join([*parts, lines.helpline_text()] if danger else parts)

    def allow(self, sender: str, address: str) -> bool:
        """Count the message against both limits, but only when both have room: otherwise a
        flood of fresh sender ids from one address would fill the per-sender table."""
        if self.per_address.full(address) or self.per_sender.full(sender):
            return False
        self.per_address.record(address)
        self.per_sender.record(sender)
        return True

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
            logger.error("Rasa failed on channel %s: %s", channel, describe(error))
        return True

    async def _next_step(self, tracker_store: TrackerStore | None, sender: str) -> list[dict[str, Any]]:
        """After the emergency answer, the other topic the message raises (modern slavery, honour
        abuse, immigration...), offered as one button: read from the parse Rasa stored. Nothing
        when the store cannot be read (logged by type only): the emergency answer stands alone."""
        if tracker_store is None:
            return []
        try:
            tracker = await tracker_store.retrieve(sender)
            parse = dict(tracker.latest_message.parse_data) if tracker and tracker.latest_message else {}
            return next_step().offer(parse)
        except Exception as error:
            logger.error("Could not read the next step after danger: %s", type(error).__name__)
            return []

    async def _delete(self, tracker_store: TrackerStore, sender: str) -> bool:
        """Delete one conversation; False (logged) when the store cannot be reached."""
        try:
            await delete_conversation(tracker_store, sender)
            return True
        except Exception as error:
            logger.error("Could not delete a conversation: %s", type(error).__name__)
            return False

    async def forget(self, channel: str, raw_sender: str, tracker_store: TrackerStore | None) -> bool:
        """Delete a conversation on request (quick exit, SMS STOP/DELETE).

        Returns False instead of raising when the store is unreachable, so that quick exit and
        STOP still answer; the conversation then expires on its own.
        """
        if tracker_store is None:
            return True
        sender = self.sender_id(channel, raw_sender)
        with safelog.sensitive(sender, raw_sender):
            return await self._delete(tracker_store, sender)


_SHARED: list[Gateway] = []


def shared_gateway() -> Gateway:
    """The one Gateway of this server process, shared by every channel, so that the per-address
    limit counts a client's messages on all channels together."""
    if not _SHARED:
        _SHARED.append(Gateway())
    return _SHARED[0]


def reset_shared_gateway() -> None:
    """Forget the process's Gateway (tests that change settings between servers)."""
    _SHARED.clear()


def tracker_store_failed(error: Exception) -> None:
    """What Rasa's fail-safe tracker store calls when the store fails (hooked in by bot/patches.py)."""
    report_trouble(TROUBLE_TRACKER_STORE)
    logger.error(
        "The tracker store is unreachable: %s. Answering without conversation memory, "
        "with the safety lines, until it is back.",
        describe(error),
    )
