"""What the gateway hands a messaging channel, as ranked pieces for the composer.

Why here and not in the composer: this is where the meaning of each reply is known. The
gateway's safety lines, the referral reply's structure (actions/directory/render.py `sms_json`),
the answer's SMS variant, buttons and notes each become pieces with a priority:
1. the danger line and the 24/7 line for the person's nation (all four when it is unknown);
2. the first number for the need (must), the second (rank 1);
3. the answer, shortest form, without its filler (rank 2, cut where it must be);
4. numbered options, whole (must); notices that must never be cut (must);
5. everything else (the other services, the nations' lines) for MORE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.messaging.composer import Piece
from bot.messaging.encoding import plain
from bot.messaging.wording import Profile, wording
from contract.channels import MESSAGING_PAYLOAD
from contract.safety_lines import SafetyLines, safety_lines

BEST_NUMBERS = 2
GIVES_WAY = 9  # must pieces that wait for MORE first when even the must pieces do not fit (UCS-2)


@dataclass
class Draft:
    """The pieces of one reply in the order they read, and the payloads of its numbered options."""

    pieces: list[Piece] = field(default_factory=list)
    payloads: list[str] = field(default_factory=list)


def helplines_line(nation: str | None) -> str:
    """The national 24/7 helplines in one short line: the person's nation's, or all four."""
    words = wording()
    lines = [h for h in safety_lines().helplines if nation is None or h.nation == nation]
    if not lines:
        lines = list(safety_lines().helplines)
    numbers = "; ".join(f"{words.nation_short.get(h.nation or '', '')} {h.phone}".strip() for h in lines)
    template = words.helpline_line if len(lines) == 1 else words.helplines_line
    return template.format(numbers=numbers)


def _strip(text: str, phrases: tuple[str, ...]) -> str:
    for phrase in phrases:
        text = text.replace(phrase, " ")
    return "\n".join(" ".join(line.split()) for line in text.split("\n") if line.strip())


def _referral(reply: dict[str, Any]) -> dict[str, Any] | None:
    custom = reply.get("custom")
    body = custom.get(MESSAGING_PAYLOAD) if isinstance(custom, dict) else None
    return body if isinstance(body, dict) else None


@dataclass
class _Reading:
    """The replies sorted by what they are."""

    answers: list[str] = field(default_factory=list)
    options: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    referral: dict[str, Any] | None = None
    needs_999: bool = False


def _read(replies: list[dict[str, Any]], lines: SafetyLines, gsm: bool) -> _Reading:
    reading = _Reading()
    referral_texts = {i - 1 for i, r in enumerate(replies) if _referral(r) is not None}
    full_list = plain(lines.helpline_text(), gsm)
    for index, reply in enumerate(replies):
        body = _referral(reply)
        if body is not None:
            reading.referral = reading.referral or body
            continue
        if index in referral_texts:  # the referral's plain text: its structure is used instead
            continue
        text = plain(str(reply.get("text") or ""), gsm)
        buttons = [b for b in reply.get("buttons") or [] if isinstance(b, dict) and b.get("payload")]
        if text == plain(lines.footer, gsm):
            reading.needs_999 = True
        elif text == plain(lines.personal_data, gsm):
            reading.notices.append(text)
        elif buttons:
            reading.options.append((text, buttons))
        elif text:
            reading.answers.append(text.replace(full_list, helplines_line(None)))
    return reading


def _services(referral: dict[str, Any] | None, gsm: bool) -> list[str]:
    services = (referral or {}).get("services") or []
    return [plain(str(s.get("text", "")), gsm) for s in services if isinstance(s, dict) and s.get("text")]


def _options(
    options: list[tuple[str, list[dict[str, Any]]]], gsm: bool, danger: str | None
) -> tuple[list[Piece], list[str]]:
    """The question (its 999 reminder dropped when the danger line leads) and the numbered
    options, both must; the "Reply with a number" head only when the question does not say it."""
    words = wording()
    pieces: list[Piece] = []
    payloads: list[str] = []
    for question, buttons in options:
        buttons = buttons[: words.max_options - len(payloads)]
        numbered = [f"{len(payloads) + n} {plain(str(b.get('title', '')), gsm)}" for n, b in enumerate(buttons, 1)]
        payloads += [str(b["payload"]) for b in buttons]
        question = _strip(question, words.emergency_repeats) if danger else question
        if question:
            pieces.append(Piece(question, must=True, whole=False))
        said = words.texts["options_head"].rstrip(":").lower() in question.lower()
        head = [] if said else [words.texts["options_head"]]
        if numbered:
            pieces.append(Piece("\n".join([*head, *numbered]), must=True))
    return pieces, payloads


def draft(
    replies: list[dict[str, Any]],
    profile: Profile,
    danger: str | None = None,
    first: bool = False,
    notes: tuple[str, ...] = (),
) -> Draft:
    """The pieces of a reply, most important first (see the module's docstring)."""
    lines, words, gsm = safety_lines(), wording(), profile.gsm_only
    reading = _read(replies, lines, gsm)
    answers = [_strip(a, words.filler) for a in reading.answers]
    if danger:
        answers = [_strip(a, words.emergency_repeats) for a in answers]
    services = _services(reading.referral, gsm)
    nation = (reading.referral or {}).get("nation")
    option_pieces, payloads = _options(reading.options, gsm, danger)
    pieces: list[Piece] = []
    if first and not danger:
        pieces.append(Piece(profile.reminder, must=True, rank=GIVES_WAY))  # a neutral, useful opening
    if danger:
        pieces += [Piece(plain(lines.danger_first(danger), gsm), must=True), Piece(helplines_line(nation), must=True)]
    pieces += [Piece(text, must=n == 0, rank=1) for n, text in enumerate(services[:BEST_NUMBERS])]
    pieces += [Piece(text, whole=False, rank=2 + n) for n, text in enumerate(a for a in answers if a)]
    pieces += option_pieces
    pieces += [Piece(text, rank=20 + n) for n, text in enumerate(services[BEST_NUMBERS:])]
    national = (reading.referral or {}).get("national") or {}
    said = safety_lines().phones() if danger else set()
    if national.get("text") and not set(national.get("numbers") or ()) <= said:
        pieces.append(Piece(plain(str(national["text"]), gsm), rank=40))
    pieces += [Piece(plain(note, gsm), must=True, rank=GIVES_WAY - 1) for note in (*reading.notices, *notes)]
    if first and danger:
        pieces.append(Piece(profile.reminder, must=True, rank=GIVES_WAY))
    return Draft(pieces, payloads)


def with_999(pieces: list[Piece], texts: list[str]) -> list[Piece] | None:
    """The pieces plus the short 999 line, when the texts composed from them lack any 999."""
    if any("999" in text for text in texts):
        return None
    return [*pieces, Piece(wording().texts["short_999"], must=True)]
