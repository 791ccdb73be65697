"""Texts from pieces, by priority, within a channel's budget: the heart of the messaging channels.

Why by priority: a person on SMS may get only three short texts. What must arrive (the danger
line, the 24/7 line, the numbered options, the first number, the privacy notes) is placed first;
then optional pieces in rank order (the second number, then as much of the answer as fits, cut
at a sentence end where that still fills half the room); everything left over is kept, in order,
for MORE. Each text opens neutrally on a lock screen, with the shortest neutral lead when its
own start would tell. The same code serves SMS (GSM-7 or UCS-2 texts) and WhatsApp.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from bot.messaging.encoding import encoding_for, units
from bot.messaging.lockscreen import lead_for
from bot.messaging.wording import Profile, wording

_TOKEN = re.compile(r"\+?\d[\d ]*\d\S*\s*|\S+\s*")  # words; a phone number ("0808 2000 247") stays whole
_SENTENCE_END = re.compile(r"[.!?:;]\s*$")
ELLIPSIS = "..."
MIN_TAIL = 20


@dataclass(frozen=True)
class Piece:
    """One unit of a reply. `must`: in the first page whatever it costs; `whole`: never split
    across texts; `rank`: the order optional pieces are given room in (lower first), and for must
    pieces the order they give way in when even they do not fit (highest first)."""

    text: str
    must: bool = False
    whole: bool = True
    rank: int = 0


@dataclass
class Composition:
    texts: list[str]
    rest: list[str] = field(default_factory=list)  # for MORE, in order


@dataclass(frozen=True)
class Room:
    single: int
    max_texts: int
    encoding: str


def room_for(profile: Profile, pieces: Sequence[Piece]) -> Room:
    encoding = encoding_for([p.text for p in pieces], profile.gsm_only)
    return Room(profile.budgets[encoding].single, profile.max_texts, encoding)


# --- Packing ------------------------------------------------------------------------------------
def _fit(tokens: list[str], start: int, free: int, room: Room) -> int:
    """Index after the last token that fits `free` units, ending on a sentence when that still
    fills half of it (separate texts can arrive out of order, so each should read on its own)."""
    used, end, sentence = 0, start, None
    while end < len(tokens) and used + units(tokens[end].rstrip(), room.encoding) <= free:
        used += units(tokens[end], room.encoding)
        end += 1
        if _SENTENCE_END.search(tokens[end - 1]) and used >= free // 2:
            sentence = end
    if end == len(tokens) or end == start:
        return end
    return sentence or end


def _cut(token: str, free: int, encoding: str) -> int:
    """How many characters of `token` fit in `free` units (at least one, so packing moves on)."""
    count = 0
    while count < len(token) and units(token[: count + 1], encoding) <= free:
        count += 1
    return max(count, 1)


@lru_cache(maxsize=512)
def _lead(upcoming: str) -> str:
    return lead_for(upcoming)


def _open(upcoming: str, room: Room) -> tuple[list[str], int]:
    """A new text: its neutral lead (if its start would tell) and the room left after it."""
    lead = _lead(upcoming)
    return ([lead] if lead else []), room.single - units(lead, room.encoding)


def pack(pieces: Sequence[Piece], room: Room) -> list[str] | None:
    """The pieces laid out in order in texts of at most `room.single` units; None when that
    takes more than `room.max_texts` texts."""
    texts: list[str] = []
    current: list[str] | None = None
    free = 0
    for index, piece in enumerate(pieces):
        remaining = piece.text
        while remaining:
            fresh = current is None
            if current is None:
                upcoming = "\n".join([remaining, *(p.text for p in pieces[index + 1 : index + 3])])
                current, free = _open(upcoming, room)
            sep = 1 if current else 0
            if units(remaining, room.encoding) + sep <= free:
                current.append(remaining)
                free -= units(remaining, room.encoding) + sep
                remaining = ""
                continue
            tokens = _TOKEN.findall(remaining)
            end = 0 if piece.whole and not fresh else _fit(tokens, 0, free - sep, room)
            if not fresh and units("".join(tokens[:end]), room.encoding) < MIN_TAIL:
                end = 0  # a word or two at the end of a text reads badly: start the next one
            if not fresh and piece.must and end and not _SENTENCE_END.search(tokens[end - 1]):
                end = 0  # a question or a note that must arrive is split at a sentence end only
            if end == 0 and not fresh:
                texts.append("\n".join(current))
                current = None
                continue
            if end == 0:  # one "word" longer than a text (a long link): cut it
                head = _cut(tokens[0], free - sep, room.encoding)
                tokens[0:1] = [tokens[0][:head], tokens[0][head:]]
                end = 1
            current.append("".join(tokens[:end]).rstrip())
            texts.append("\n".join(current))
            current = None
            remaining = "".join(tokens[end:]).lstrip()
        if len(texts) > room.max_texts:
            return None
    if current:
        texts.append("\n".join(current))
    return texts if len(texts) <= room.max_texts else None


# --- Choosing what goes in ----------------------------------------------------------------------
def _prefix(piece: Piece, count: int, tokens: list[str]) -> Piece:
    text = "".join(tokens[:count]).rstrip()
    if count < len(tokens) and not _SENTENCE_END.search(text):
        text = text.rstrip(" ,;:-") + ELLIPSIS
    return replace(piece, text=text)


def _tokens(text: str, room: Room) -> list[str]:
    """Words (phone numbers whole); a "word" longer than a quarter of a text (a long link) in chunks."""
    size = max(room.single // 4, 1)
    return [t[k : k + size] for t in _TOKEN.findall(text) for k in range(0, len(t), size)]


def _longest_prefix(chosen: list[tuple[int, Piece]], index: int, piece: Piece, room: Room) -> int:
    """How many tokens of a splittable piece fit beside what is already chosen (0: none)."""
    tokens = _tokens(piece.text, room)
    low, high = 0, len(tokens)
    while low < high:
        middle = (low + high + 1) // 2
        trial = sorted([*chosen, (index, _prefix(piece, middle, tokens))], key=lambda item: item[0])
        if pack([p for _, p in trial], room) is not None:
            low = middle
        else:
            high = middle - 1
    if 0 < low < len(tokens):  # prefer a sentence end, when it keeps at least half of what fits
        ends = [k for k in range(1, low + 1) if _SENTENCE_END.search(tokens[k - 1])]
        if ends and ends[-1] * 2 >= low:
            return ends[-1]
    return low


def compose(pieces: Sequence[Piece], profile: Profile) -> Composition:
    """The texts for one reply, and the rest for MORE.

    Everything, if it fits. Otherwise the must pieces and the MORE prompt, then each optional
    piece in rank order if it fits (a splittable one as far as it fits). When even the must
    pieces do not fit, the last of them move to MORE.
    """
    room = room_for(profile, pieces)
    everything = pack(pieces, room)
    if everything is not None:
        _lead.cache_clear()
        return Composition(everything)
    more = Piece(wording().texts["more"], must=True)
    indexed = list(enumerate(pieces))
    chosen = [(i, p) for i, p in indexed if p.must]
    while chosen and pack([*(p for _, p in chosen), more], room) is None:
        # the least important must piece (highest rank, then last in the layout) waits for MORE
        chosen.remove(max(chosen, key=lambda item: (item[1].rank, item[0])))
    rests: dict[int, str] = {i: p.text for i, p in indexed if not p.must}
    rests.update({i: p.text for i, p in indexed if p.must and (i, p) not in chosen})
    held = len(pieces)  # once a text is cut, nothing after it goes first: the rest of it comes next on MORE
    for i, piece in sorted((x for x in indexed if not x[1].must), key=lambda x: (x[1].rank, x[0])):
        if i > held:
            continue
        if piece.whole:
            trial = sorted([*chosen, (i, piece)], key=lambda item: item[0])
            if pack([*(p for _, p in trial), more], room) is not None:
                chosen = trial
                rests.pop(i)
            continue
        with_more = [*chosen, (len(pieces), more)]
        count = _longest_prefix(with_more, i, piece, room)
        if count:
            tokens = _tokens(piece.text, room)
            chosen = sorted([*chosen, (i, _prefix(piece, count, tokens))], key=lambda item: item[0])
            left = "".join(tokens[count:]).strip()
            if left:
                rests[i] = left
                held = min(held, i)
            else:
                rests.pop(i)
        else:
            held = min(held, i)
    texts = pack([*(p for _, p in chosen), more], room) or [more.text]
    _lead.cache_clear()  # the cache only spares the trials of one reply: no text outlives it
    return Composition(texts, [rests[i] for i in sorted(rests)])
