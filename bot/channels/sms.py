"""The SMS channel (Twilio-compatible, `/webhooks/twilio/webhook`), through the gateway.

SMS is for people without data or a safe browser, so it differs from the web:
- Every request must carry a valid `X-Twilio-Signature` (HMAC of the public URL and the form,
  keyed with TWILIO_AUTH_TOKEN). Invalid or missing: 403 before anything is parsed or stored.
- It only ever *replies*, inside the HTTP response (TwiML). Nothing calls Twilio's REST API, so
  the service can never text anyone who did not text first, and no account SID is needed.
- Replies are plain GSM-7 text, at most 3 segments of 160 characters, most important first
  (the 999 line first when the message shows danger). Lock screens show the start of each text,
  so the first 40 characters of every segment are checked for telling words; a segment that would
  open with one gets a neutral lead line instead.
- Buttons become numbered options ("Reply with a number"); a digit reply picks one. Only the
  options' payloads are kept, in memory, per pseudonymous sender, for the conversation lifetime.
- Keywords: STOP (forget, confirm, then stay silent until START), START, HELP, DELETE (wipe now).
  The first reply of a conversation reminds the person to delete the thread on the phone.
Rasa picks the `channel: twilio` variant of every response because the output channel is
named "twilio". Nothing here logs the phone number, the sender id or the text.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput
from rasa.core.tracker_store import TrackerStore
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

import safelog
from bot.gateway import Gateway, Incoming, shared_gateway
from bot.safety import safety_lines
from bot.settings import Settings, get_settings
from contract import channels

logger = logging.getLogger(__name__)
CHANNEL = channels.TWILIO
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

SEGMENT_LIMIT = 160
MAX_SEGMENTS = 3
LOCK_SCREEN_CHARS = 40
MAX_OPTIONS = 9
STOP_MEMORY_SECONDS = 90 * 24 * 3600

# --- Wording -------------------------------------------------------------------------------------
LEAD_FIRST = "Thanks for your message. Here is a reply:"
LEAD_NEXT = "Here is the next part of the reply to you:"
OPTIONS_HEAD = "Reply with a number:"
REMINDER = "Tip: delete this thread on your phone when you are done."
STOP_TEXT = (
    "OK, you will get no more replies. Your chat here is deleted; please delete this thread too. "
    "Text START to use the service again. In an emergency call 999."
)
START_TEXT = "Welcome. Text your question in a few words. Text HELP to see how this works."
HELP_TEXT = (
    "Automated information service: text a question in a few words. "
    "DELETE wipes this chat, STOP ends replies. Emergency: call 999."
)
DELETE_TEXT = (
    "Done: this chat is deleted on our side. Please delete this thread on your phone too. In an emergency call 999."
)

KEYWORDS = {
    "stop": "stop", "stopall": "stop", "unsubscribe": "stop", "cancel": "stop", "end": "stop", "quit": "stop",
    "start": "start", "unstop": "start",
    "help": "help", "info": "help",
    "delete": "delete",
}  # fmt: skip

# Words that must not show on a lock screen: the topic itself would put the person at risk.
SENSITIVE = re.compile(
    r"\b(?:abus|violen|police|polis|home\s+office|deport|rap(?:e|ed|ing|ist)\b|kill|murder|fgm|mutilat|marriage|"
    r"marry|married|slave|traffick|exploit|suicid|asylum|visa|immigra|migrant|refugee|danger|domestic|assault|"
    r"stalk|harass|honou?r|forced|sexual|hurt|beat|refuge\b|brp\b|nrpf|overstay|undocumented|emergency|999)",
    re.IGNORECASE,
)

# --- GSM-7 ---------------------------------------------------------------------------------------
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€")
_ASCII_LOOKALIKES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"', "–": "-",
     "—": "-", "‒": "-", "―": "-", "…": "...", "•": "-", "·": "-", "×": "x", "\u00a0": " ", "\u2009": " ",
     "\u202f": " ", "\t": " "}
)  # fmt: skip
_MD_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_DIGIT_REPLY = re.compile(r"\s*#?\s*(\d)\s*[.)]?\s*")
_SENTENCE_END = re.compile(r"[.!?;]\s*$|\n\s*$")
_TOKEN = re.compile(r"\+?\d[\d ]*\d\S*\s*|\S+\s*")  # words; a phone number ("0808 2000 247") stays whole


def units(text: str) -> int:
    """Length in GSM-7 septets: characters of the extension table take two."""
    return sum(2 if c in GSM_EXTENDED else 1 for c in text)


def to_gsm(text: str) -> str:
    """Text that fits the GSM-7 alphabet, so one segment holds 160 characters (not 70 in UCS-2)."""
    text = text.translate(_ASCII_LOOKALIKES)
    out = []
    for char in text:
        if char in GSM_BASIC or char in GSM_EXTENDED:
            out.append(char)
            continue
        folded = "".join(c for c in unicodedata.normalize("NFKD", char) if c in GSM_BASIC)
        out.append(folded)
    return "".join(out)


def plain(text: str) -> str:
    """Plain SMS text: no Markdown, no HTML, GSM-7 only, tidy line breaks."""
    text = _MD_LINK.sub(r"\1 (\2)", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    text = _HEADING.sub("", _HTML_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in to_gsm(text).replace("\r", "").split("\n")]
    return re.sub(r"\n{2,}", "\n", "\n".join(lines)).strip()


# --- Lock screen ---------------------------------------------------------------------------------
def lock_screen_text(text: str) -> str:
    """What a lock screen shows: the first 40 characters, plus the rest of a word cut at 40."""
    head = text[:LOCK_SCREEN_CHARS]
    if head and not head[-1].isspace():
        head += re.match(r"\S*", text[LOCK_SCREEN_CHARS:]).group(0)  # type: ignore[union-attr]
    return head


def _emergency_opening() -> str:
    return safety_lines().emergency.split(".")[0] + "."


def is_neutral(text: str) -> bool:
    """True when the start of `text` reveals nothing about its topic.

    One exception, on purpose: the emergency line ("If you are in danger now, call 999.") may lead,
    because the person who needs it must see it first (design brief, safety first).
    """
    text = text.lstrip()
    if text.startswith(_emergency_opening()):
        return True
    return not SENSITIVE.search(" ".join(lock_screen_text(text).split()))


# --- Replies -------------------------------------------------------------------------------------
def render(replies: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """Gateway replies as plain text blocks, and the payloads of the numbered options in them."""
    blocks: list[str] = []
    payloads: list[str] = []
    for reply in replies:
        parts = [compact_helplines(plain(reply.get("text") or ""))]
        buttons = [b for b in reply.get("buttons") or [] if isinstance(b, dict) and b.get("payload")]
        buttons = buttons[: MAX_OPTIONS - len(payloads)]
        if buttons:
            numbered = [f"{len(payloads) + n} {plain(str(b.get('title', '')))}" for n, b in enumerate(buttons, 1)]
            parts.append("\n".join([OPTIONS_HEAD, *numbered]))
            payloads += [str(b["payload"]) for b in buttons]
        block = "\n".join(p for p in parts if p)
        if block:
            blocks.append(block)
    return blocks, payloads


def prioritise(blocks: list[str], danger: str | None) -> list[str]:
    """Most important first: in danger, the texts open with the emergency line (said once)."""
    if not danger:
        return blocks
    opening = _emergency_opening()
    leading = [b for b in blocks if b.startswith(opening)]
    if leading:
        return leading + [b for b in blocks if not b.startswith(opening)]
    rest = [re.sub(r" {2,}", " ", b.replace(opening, " ")).strip() for b in blocks]
    return [plain(safety_lines().danger_first(danger)), *[b for b in rest if b]]


def _fill(tokens: list[str], start: int, capacity: int) -> int:
    """Index after the last token that fits `capacity`, ending on a sentence when that still fills
    half of it: separate texts can arrive out of order, so each should read on its own."""
    used, end = 0, start
    while end < len(tokens) and used + units(tokens[end].rstrip()) <= capacity:
        used += units(tokens[end])
        end += 1
    if end == len(tokens) or end == start:
        return end
    breaks = [k for k in range(start + 1, end + 1) if _SENTENCE_END.search(tokens[k - 1])]
    good = [k for k in breaks if units("".join(tokens[start:k])) >= capacity // 2]
    return good[-1] if good else end


def _lead(index: int) -> str:
    return (LEAD_FIRST if index == 0 else LEAD_NEXT) + "\n"


def segment(text: str, reserve: int = 0, max_segments: int = MAX_SEGMENTS) -> tuple[list[str], bool]:
    """`text` in at most `max_segments` SMS segments, each opening neutrally; True when some had to
    be cut. `reserve` septets are kept free at the end of the last segment."""
    tokens = _TOKEN.findall(text)
    segments: list[str] = []
    i = 0
    while i < len(tokens) and len(segments) < max_segments:
        rest = "".join(tokens[i:])
        lead = "" if is_neutral(rest) else _lead(len(segments))
        last = len(segments) == max_segments - 1
        capacity = SEGMENT_LIMIT - units(lead) - (reserve if last else 0)
        if last and units(rest.rstrip()) > capacity:
            capacity -= 3
        end = _fill(tokens, i, capacity)
        if end == i:  # one "word" longer than a segment (a long link): cut it
            tokens[i : i + 1] = [tokens[i][:capacity], tokens[i][capacity:]]
            end = i + 1
        segments.append(lead + "".join(tokens[i:end]).strip())
        i = end
    cut = i < len(tokens)
    if cut:
        segments[-1] = segments[-1].rstrip(" .,;:") + "..."
    return segments, cut


SMS_EMERGENCY = "In danger now? Call 999."


def say_once(blocks: list[str], line: str) -> list[str]:
    """`blocks` with `line` kept only where it first appears (the gateway and the bot may both add
    the emergency line; on SMS every character counts)."""
    kept: list[str] = []
    seen = False
    for block in blocks:
        if seen:
            block = "\n".join(part.strip() for part in block.split(line) if part.strip())
        seen = seen or line in block
        if block:
            kept.append(block)
    return kept


def compose(blocks: list[str], danger: str | None = None, first: bool = False) -> list[str]:
    """The SMS segments for one answer, most important first.

    In order: the emergency line when in danger, the answer, then the notes that must never be
    cut: "you don't need to give personal details" (when some were removed), on the first reply
    of a conversation the reminder to delete the thread, and a short 999 line whenever shortening
    the answer would otherwise lose every mention of 999. When everything does not fit in
    3 segments, the answer is what gets shortened.
    """
    segments = _compose(blocks, danger, first, ())
    if any("999" in segment for segment in segments):
        return segments
    return _compose(blocks, danger, first, (SMS_EMERGENCY,))


def _compose(blocks: list[str], danger: str | None, first: bool, extra_tail: tuple[str, ...]) -> list[str]:
    notice = plain(safety_lines().personal_data)
    tail = "\n".join([*([notice] if notice in blocks else []), *extra_tail, *([REMINDER] if first else [])])
    answer = say_once(prioritise([b for b in blocks if b != notice], danger), plain(safety_lines().emergency))
    body = "\n".join(answer)
    segments, cut = segment("\n".join(part for part in (body, tail) if part))
    if not cut or not tail:
        return segments
    if SEGMENT_LIMIT - units(tail) - 1 >= LOCK_SCREEN_CHARS:
        segments, _ = segment(body, reserve=units(tail) + 1)
        segments[-1] += "\n" + tail
        return segments
    tail_segments = segment(tail, max_segments=MAX_SEGMENTS - 1)[0]
    segments, _ = segment(body, max_segments=MAX_SEGMENTS - len(tail_segments))
    return [*segments, *tail_segments]


def twiml(segments: list[str]) -> HTTPResponse:
    """A TwiML reply: one <Message> per segment (escaped by the twilio library), or none."""
    reply = MessagingResponse()
    for text in segments:
        reply.message(text)
    return response.text(str(reply), content_type="text/xml; charset=utf-8")


# --- Memory: options and STOP --------------------------------------------------------------------
@dataclass
class Expiring:
    """A small in-memory map whose entries vanish after `seconds` (keys: pseudonymous ids)."""

    seconds: float
    _items: dict[str, tuple[float, Any]] = field(default_factory=dict)

    def put(self, key: str, value: Any, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._sweep(now)
        self._items[key] = (now + self.seconds, value)

    def get(self, key: str, now: float | None = None) -> Any:
        entry = self._items.get(key)
        if entry is None or entry[0] <= (time.monotonic() if now is None else now):
            self._items.pop(key, None)
            return None
        return entry[1]

    def pop(self, key: str) -> None:
        self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)

    def _sweep(self, now: float) -> None:
        for key in [k for k, (expires, _) in self._items.items() if expires <= now]:
            del self._items[key]


def keyword_of(text: str) -> str | None:
    """STOP, START, HELP or DELETE (and their usual synonyms) when that is the whole message."""
    word = re.sub(r"[^a-z]", "", (text or "").lower())
    return KEYWORDS.get(word) if len(text or "") <= 20 else None


def option_choice(text: str, payloads: list[str] | None) -> str | None:
    """The payload a digit reply picks from the last options, or None."""
    match = _DIGIT_REPLY.fullmatch(text or "")
    if not match or not payloads:
        return None
    index = int(match.group(1)) - 1
    return payloads[index] if 0 <= index < len(payloads) else None


# --- The conversation ----------------------------------------------------------------------------
def helplines_in_brief(lead: str = "Free 24h helplines") -> str:
    """The shipped 24/7 helplines (data/safety.yml) in one short line, by nation."""
    numbers = safety_lines().short_numbers()
    return plain(f"{lead}: {'; '.join(numbers)}.")


def compact_helplines(text: str) -> str:
    """The safety helpline list (about 290 characters) as one short line (about 140), so that every
    nation's number survives the 3-segment limit."""
    full = plain(safety_lines().helpline_text())
    return text.replace(full, helplines_in_brief("To talk to a person, free 24h helplines")) if full in text else text


class SmsConversations:
    """What the channel does with one text message, apart from HTTP and signatures."""

    def __init__(self, gateway: Gateway, settings: Settings) -> None:
        self.gateway = gateway
        self.options = Expiring(max(settings.idle_minutes, 1) * 60.0)
        self.stopped = Expiring(STOP_MEMORY_SECONDS)

    async def reply(
        self, raw_sender: str, text: str, address: str, on_new_message: OnNewMessage, store: TrackerStore | None
    ) -> list[str]:
        sender = self.gateway.sender_id(CHANNEL, raw_sender)
        with safelog.sensitive(raw_sender, text, sender):
            keyword = keyword_of(text)
            if self.stopped.get(sender) and keyword != "start":
                return []
            if keyword:
                return await self._keyword(keyword, raw_sender, sender, store)
            return await self._converse(raw_sender, sender, text, address, on_new_message, store)

    async def _keyword(self, keyword: str, raw_sender: str, sender: str, store: TrackerStore | None) -> list[str]:
        first = not await has_conversation(store, sender)
        if keyword in ("stop", "delete"):
            await self.gateway.forget(CHANNEL, raw_sender, store)
            self.options.pop(sender)
            if keyword == "stop":
                self.stopped.put(sender, True)
                return compose([STOP_TEXT])
            return compose([DELETE_TEXT])
        if keyword == "start":
            self.stopped.pop(sender)
            return compose([START_TEXT], first=True)
        return compose([HELP_TEXT, helplines_in_brief()], first=first)

    async def _converse(
        self,
        raw_sender: str,
        sender: str,
        text: str,
        address: str,
        on_new_message: OnNewMessage,
        store: TrackerStore | None,
    ) -> list[str]:
        first = not await has_conversation(store, sender)
        text = option_choice(text, self.options.get(sender)) or text
        outcome = await self.gateway.handle(Incoming(CHANNEL, raw_sender, text, address), on_new_message, store)
        blocks, payloads = render(outcome.replies)
        if payloads and not outcome.deleted:
            self.options.put(sender, payloads)
        else:
            self.options.pop(sender)
        return compose(blocks, danger=outcome.danger, first=first)


async def has_conversation(store: TrackerStore | None, sender_id: str) -> bool:
    """Whether the tracker store holds a conversation for this (pseudonymous) sender."""
    if store is None:
        return False
    try:
        return await store.retrieve(sender_id) is not None
    except Exception as error:  # a store failure must not stop the reply
        logger.warning("Could not look up a conversation: %s", type(error).__name__)
        return False


# --- HTTP ----------------------------------------------------------------------------------------
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
        settings = get_settings()
        conversations = SmsConversations(shared_gateway(), settings)
        hook = Blueprint("private_twilio_webhook", __name__)
        if not settings.twilio_auth_token:
            logger.warning("TWILIO_AUTH_TOKEN is not set: the SMS channel refuses every request (403).")

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = request.body or b""
            if len(body) > settings.max_body_bytes:
                return response.text("Request too large.", status=413)
            params = parse_form(body)
            if params is None or not signature_valid(request, params, settings):
                logger.warning("Refused an SMS webhook request without a valid Twilio signature.")
                return response.text("Forbidden: invalid or missing X-Twilio-Signature.", status=403)
            sender = params.first("From")
            if not sender:
                return twiml([])
            text = params.first("Body").replace("¡", "@")
            store = request.app.ctx.agent.tracker_store
            address = request.remote_addr or request.ip
            return twiml(await conversations.reply(sender, text, address, on_new_message, store))

        return hook
