"""Helpline staff assist: the console at `/staff/` and its JSON API `POST /staff/api/assist`.

A call handler types what the caller asks, as they would write it in their notes ("spouse visa,
husband British, wants to leave, NRPF"), and gets, while the caller is on the line: danger flags
with the emergency steps, the topics with confidence, the sourced answer and its short "say this"
form, 3 to 5 referrals, and whether a regulated immigration adviser is needed.

Each query stands alone. It runs through the same gateway as every channel (clean, redact, HMAC'd
throwaway sender, time limit, 999 guarantee) as a one-shot conversation on channel "staff", and the
conversation is deleted before the reply is sent, whatever happened. Nothing here logs the query,
and the bearer token is compared in constant time and never logged.
"""

from __future__ import annotations

import hmac
import re
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

import yaml
from rasa.core.channels.channel import UserMessage
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

import safelog
from bot.danger import default_detector
from bot.gateway import Gateway, GatewayOutputChannel, Incoming, clean_text, shared_gateway
from bot.json_body import BadRequest, read_json_object
from bot.places import languages
from bot.redaction import redact
from bot.safety import safety_lines
from bot.settings import DATA_DIR, get_settings
from contract import channels, intents, metadata
from contract import danger as danger_kinds
from contract.nations import NATIONS
from contract.staff_payload import StaffPayload, StaffReferral

CHANNEL = channels.STAFF
STATIC_DIR = Path(__file__).resolve().parent / "static" / "staff"
TERMS_FILE = DATA_DIR / "staff_terms.yml"
SOURCES_DIR = DATA_DIR / "sources"
FIELDS = ("query", "nation", "language", "needs")
MAX_QUERY_CHARS = 1000
EXAMPLE_BODY = '{"query": "caller on spouse visa, NRPF"}'
MAX_LANGUAGE_CHARS = 40
# Below this the console shows the closest topics instead of an answer (see docs/staff.md).
LOW_CONFIDENCE = 0.5
# With danger flagged the handler's first job is safety: a topic answer beside it must be surer.
DANGER_ANSWER_CONFIDENCE = 0.8
TOP_TOPICS = 3
MIN_REFERRALS, MAX_REFERRALS = 3, 5
FAILED_AUTH_PER_MINUTE = 30
DANGER_INTENT = intents.DANGER
# Danger kinds that have services of their own: they choose the referrals when several are found.
DANGER_REFERRAL_ORDER = (danger_kinds.SUICIDE, danger_kinds.FORCED_MARRIAGE_TRAVEL)
NOT_TOPICS = {DANGER_INTENT, intents.FALLBACK}
STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
RESPONSE_NAMES = intents.RESPONSE_FOR
REDACTED_NOTE = (
    "Personal details in the query (numbers, addresses, names...) were removed before anything read it: "
    "you don't need to give them."
)
ADVISER_WORDS = re.compile(r"regulated (immigration )?adviser", re.I)


# ---------------------------------------------------------------------------------------------
# Vocabulary: abbreviations, topic names, danger labels (data/staff_terms.yml)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    term: str
    meaning: str
    pattern: re.Pattern[str]
    expand: bool
    immigration: bool


@dataclass(frozen=True)
class Expansion:
    text: str
    terms: tuple[Term, ...]


def _term_pattern(term: str, match_case: bool) -> re.Pattern[str]:
    """Whole-word match that tolerates extra spaces inside multi-word terms ("Appendix  VDA")."""
    body = r"\s+".join(re.escape(part) for part in term.split())
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", 0 if match_case else re.I)


def _words(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b")


@dataclass(frozen=True)
class FirstPerson:
    """Rewrites staff notes about the caller ("she wants to end her life") the way callers speak
    ("i want to end my life"), because the danger patterns are written in the first person."""

    subjects: re.Pattern[str]
    objects: re.Pattern[str]
    possessives: re.Pattern[str]
    reflexives: re.Pattern[str]
    possessed: re.Pattern[str]
    verbs: dict[str, str]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> FirstPerson:
        possessive = "|".join(map(re.escape, data["possessives"]))
        nouns = "|".join(map(re.escape, data["possessed"]))
        return cls(
            _words(data["subjects"]),
            _words(data["objects"]),
            _words(data["possessives"]),
            _words(data["reflexives"]),
            re.compile(rf"\b({possessive}) (?=({nouns})\b)"),
            {str(k): str(v) for k, v in data["verbs"].items()},
        )

    def _verbs(self, text: str) -> str:
        verbs = re.compile(r"\bi (" + "|".join(map(re.escape, self.verbs)) + r")\b")
        return verbs.sub(lambda m: "i " + self.verbs[m.group(1)], text)

    def variants(self, text: str) -> list[str]:
        """Two rewrites, since a bare "her" is both "me" (strangled her) and "my" (her mum's)."""
        lowered = re.sub(r"[\u2019']", "", text.lower())
        subject = self.reflexives.sub("myself", self.subjects.sub("i", self.possessed.sub("my ", lowered)))
        return [self._verbs(self.objects.sub("me", subject)), self._verbs(self.possessives.sub("my", subject))]


@dataclass(frozen=True)
class DangerReading:
    """Staff shorthand spelt the way the danger patterns expect ("FM" -> "to be married")."""

    rewrites: tuple[tuple[re.Pattern[str], str], ...]
    negations: tuple[re.Pattern[str], ...]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> DangerReading:
        rewrites = tuple((re.compile(r["pattern"], re.I), str(r["reading"])) for r in data.get("rewrites", []))
        return cls(rewrites, tuple(re.compile(p, re.I) for p in data.get("negations", [])))

    def read(self, text: str) -> str:
        for negation in self.negations:
            text = negation.sub(" ", text)
        for pattern, reading in self.rewrites:
            text = pattern.sub(lambda m, r=reading: f"{m.group(0)} ({r})", text)
        return text


@dataclass(frozen=True)
class Vocabulary:
    terms: tuple[Term, ...]
    immigration_phrases: tuple[re.Pattern[str], ...]
    danger_reading: DangerReading
    first_person: FirstPerson
    topics: dict[str, dict[str, Any]]
    danger: dict[str, dict[str, str]]
    needs: dict[str, str]

    @classmethod
    def load(cls, path: Path = TERMS_FILE) -> Vocabulary:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        terms = tuple(
            Term(
                t["term"],
                t["expansion"],
                _term_pattern(t["term"], bool(t.get("match_case"))),
                bool(t.get("expand")),
                bool(t.get("immigration")),
            )
            for t in sorted(data["abbreviations"], key=lambda t: -len(t["term"]))
        )
        phrases = tuple(_term_pattern(p, False) for p in data.get("immigration_phrases", []))
        return cls(
            terms,
            phrases,
            DangerReading.from_data(data.get("danger_reading") or {}),
            FirstPerson.from_data(data["first_person"]),
            data["topics"],
            data["danger"],
            data["needs"],
        )

    def expand(self, text: str, everything: bool = False) -> Expansion:
        """`text` with each expandable abbreviation (every one, if `everything`) followed by its
        meaning, and every term found. Longest terms first, and a span is used once, so
        "Appendix VDA" is not also read as "VDA"."""
        taken: list[tuple[int, int, Term]] = []
        for term in self.terms:
            for match in term.pattern.finditer(text):
                if all(match.end() <= s or match.start() >= e for s, e, _ in taken):
                    taken.append((match.start(), match.end(), term))
        taken.sort(key=lambda item: item[0])
        pieces, cursor = [], 0
        for _start, end, term in taken:
            pieces.append(text[cursor:end] + (f" ({term.meaning})" if term.expand or everything else ""))
            cursor = end
        pieces.append(text[cursor:])
        unique = {t.term: t for _, _, t in taken}
        return Expansion("".join(pieces), tuple(unique.values()))

    def danger_kinds(self, text: str) -> list[str]:
        """Every danger kind shown by the query, read as written, with every abbreviation spelt out
        ("FM, flight booked") and rewritten in the first person ("she wants to end her life")."""
        detector = default_detector()
        full = self.expand(self.danger_reading.read(text), everything=True).text
        found: set[str] = set()
        for variant in (text, full, *self.first_person.variants(full)):
            found.update(detector.detect_all(variant))
        return [kind for kind, _ in detector.kinds if kind in found]

    def topic_name(self, intent: str) -> str:
        return str(self.topics.get(intent, {}).get("name") or intent.replace("_", " "))

    def answerable(self, intent: str) -> bool:
        """False for small talk and questions about this chat service: not an answer for a caller."""
        return self.topics.get(intent, {}).get("answer", True) is not False

    def is_immigration_topic(self, intent: str | None) -> bool:
        return bool(intent and self.topics.get(intent, {}).get("immigration"))

    def mentions_immigration(self, text: str, found: tuple[Term, ...]) -> list[str]:
        """The words in the query that show the case turns on immigration status."""
        words = [t.term for t in found if t.immigration]
        words += [m.group(0) for p in self.immigration_phrases if (m := p.search(text))]
        return words


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return Vocabulary.load()


@lru_cache(maxsize=1)
def answer_sources(directory: Path = SOURCES_DIR) -> dict[str, dict[str, Any]]:
    """Every answer's source links and last-reviewed date, from data/sources/*.yml."""
    merged: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.yml")):
        entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("sources") or {}
        for name, entry in entries.items():
            reviewed = entry.get("reviewed")
            merged[name] = {
                "reviewed": reviewed.isoformat() if isinstance(reviewed, date) else str(reviewed or ""),
                "links": [
                    {"title": str(link.get("title", "")), "url": str(link.get("url", ""))}
                    for link in entry.get("links") or []
                    if link.get("url")
                ],
            }
    return merged


# ---------------------------------------------------------------------------------------------
# Input: the token and the JSON body
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssistRequest:
    query: str
    nation: str | None = None
    language: str | None = None
    needs: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def token_matches(header: str | None, expected: str) -> bool:
    """True when `Authorization: Bearer <token>` carries the configured token (constant time)."""
    scheme, _, given = (header or "").strip().partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode("utf-8"), expected.encode("utf-8"))


class FailedSignIns:
    """Addresses that sent too many wrong tokens in the last minute are refused without a check,
    so the token cannot be guessed by trying, and a correct guess from them is not confirmed."""

    def __init__(self, per_minute: int = FAILED_AUTH_PER_MINUTE, window: float = 60.0) -> None:
        self.per_minute, self.window = per_minute, window
        self._failures: dict[str, deque[float]] = {}

    def blocked(self, address: str) -> bool:
        hits = self._failures.get(address)
        if not hits:
            return False
        while hits and hits[0] <= time.monotonic() - self.window:
            hits.popleft()
        if not hits:
            del self._failures[address]
        return len(hits) >= self.per_minute

    def record(self, address: str) -> None:
        if len(self._failures) > 10_000:
            self._failures.clear()
        self._failures.setdefault(address, deque()).append(time.monotonic())


def _query(body: dict[str, Any]) -> str:
    query = body.get("query")
    if query is None:
        raise BadRequest('Missing "query": the caller\'s question as you would type it.')
    if not isinstance(query, str):
        raise BadRequest(f'"query" must be a string, not {type(query).__name__}.')
    if not query.strip():
        raise BadRequest('"query" is empty: type the caller\'s question.')
    if len(query) > MAX_QUERY_CHARS:
        raise BadRequest(f'"query" is too long: {len(query)} characters, the limit is {MAX_QUERY_CHARS}.')
    return query


def _nation(value: Any) -> str | None:
    if value is None or value == "":
        return None
    nation = value.strip().lower().replace(" ", "_") if isinstance(value, str) else None
    if nation not in NATIONS:
        raise BadRequest(f'"nation" must be one of {", ".join(NATIONS)} (or left out).')
    return nation


def _language(value: Any) -> tuple[str | None, tuple[str, ...]]:
    """The canonical language name; an unknown one is dropped with a note, never passed on."""
    if value is None or value == "":
        return None, ()
    if not isinstance(value, str) or len(value) > MAX_LANGUAGE_CHARS:
        raise BadRequest(f'"language" must be a language name (a string of at most {MAX_LANGUAGE_CHARS} characters).')
    found = languages().find(value)
    if found is None:
        return None, (
            "The language given was not recognised (try its English name): referrals are not filtered by language.",
        )
    return found.value, ()


def _needs(value: Any, known: dict[str, str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRequest('"needs" must be a list of strings, for example ["immigration_advice"].')
    by_label = {label.lower(): code for code, label in known.items()}
    codes = [v.strip().lower() for v in value]
    codes = [c if c in known else by_label.get(c, "") for c in codes]
    if not all(codes):
        raise BadRequest(f'Unknown value in "needs". Use any of: {", ".join(known)}.')
    return tuple(dict.fromkeys(codes))


def parse_assist(body: dict[str, Any], vocab: Vocabulary) -> AssistRequest:
    """Validate the assist request body, field by field, with a message for each mistake."""
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise BadRequest(f"Unknown field(s): {', '.join(unknown)}. Allowed: {', '.join(FIELDS)}.")
    language, notes = _language(body.get("language"))
    return AssistRequest(
        _query(body), _nation(body.get("nation")), language, _needs(body.get("needs"), vocab.needs), notes
    )


# ---------------------------------------------------------------------------------------------
# One query: a one-shot conversation through the gateway
# ---------------------------------------------------------------------------------------------


@dataclass
class Turn:
    """The `on_new_message` handed to the gateway: parses the (already redacted) text once, adds the
    handler's nation and language as entities (so the slots are set as if the caller had said them),
    and keeps the parse so the topics need no second run of the classifier."""

    agent: Any
    entities: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    danger: list[str] = field(default_factory=list)
    parse: dict[str, Any] | None = None
    answered: int = 0

    async def __call__(self, message: UserMessage) -> Any:
        parse = await self.agent.parse_message(message.text)
        parse["entities"] = [*(parse.get("entities") or []), *self.entities]
        if self.parse is None:
            self.parse = parse
            mark_danger(parse, self.danger)
        message.parse_data = parse
        message.metadata = self.metadata
        replies = await self.agent.handle_message(message)
        self.answered += 1
        return replies


def referral_danger(kinds: list[str]) -> str:
    """The kind that should choose the referrals: the ones with their own services first
    (Samaritans for suicide, forced marriage services for travel), else the first found."""
    return next((kind for kind in DANGER_REFERRAL_ORDER if kind in kinds), kinds[0])


def mark_danger(parse: dict[str, Any], kinds: list[str]) -> None:
    """What the NLU safety net does, for danger the staff reading found (abbreviations spelt out,
    third person): the turn answers with the danger response, and the danger entity placed first
    (the referral action reads the first) is the kind that should choose the referrals."""
    if not kinds:
        return
    if (parse.get("intent") or {}).get("name") != DANGER_INTENT:
        override = {"name": DANGER_INTENT, "confidence": 1.0}
        ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != DANGER_INTENT]
        parse["intent"], parse["intent_ranking"] = override, [override, *ranking]
    entity = {
        "entity": intents.DANGER_ENTITY,
        "value": referral_danger(kinds),
        "start": 0,
        "end": 0,
        "extractor": "StaffConsole",
    }
    parse["entities"] = [entity, *(parse.get("entities") or [])]


def preset_entities(request: AssistRequest) -> list[dict[str, Any]]:
    preset = [("nation", request.nation), ("language", request.language)]
    return [
        {"entity": name, "value": value, "start": 0, "end": 0, "extractor": "StaffConsole", "confidence_entity": 1.0}
        for name, value in preset
        if value
    ]


def topics_from(parse: dict[str, Any] | None, vocab: Vocabulary) -> list[dict[str, Any]]:
    """The closest topics with the classifier's own confidence; danger and "not understood" are
    left out (danger has its own flags). Not renormalised when danger took part of the
    probability: a topic must stand on its own confidence, never borrow the danger's."""
    ranking = [r for r in (parse or {}).get("intent_ranking") or [] if r.get("name") not in NOT_TOPICS]
    return [
        {"intent": r["name"], "name": vocab.topic_name(r["name"]), "confidence": round(float(r["confidence"]), 3)}
        for r in ranking[:TOP_TOPICS]
    ]


def response_name(intent: str, responses: dict[str, Any]) -> str | None:
    """The response that answers an intent (docs/intents.md naming), if the domain has one."""
    short = re.sub(r"^(ask|topic)_", "", intent)
    for name in (RESPONSE_NAMES.get(intent), f"utter_answer_{short}", f"utter_{short}", f"utter_{intent}"):
        if name and name in responses:
            return name
    return None


def variant_text(variants: list[dict[str, Any]], channel: str | None) -> str | None:
    """The text of the variant for `channel` (None: the default, channel-free variant)."""
    for variant in variants or []:
        if variant.get("channel") == channel and variant.get("text"):
            return str(variant["text"])
    return None


def danger_block(kinds: list[str], vocab: Vocabulary) -> dict[str, Any]:
    lines = safety_lines()
    flags = [
        {
            "kind": k,
            "label": vocab.danger.get(k, {}).get("label", k.replace("_", " ")),
            "step": vocab.danger.get(k, {}).get("step", ""),
        }
        for k in kinds
    ]
    steps = lines.danger_first(danger_kinds.SUICIDE if danger_kinds.SUICIDE in kinds else kinds[0]) if kinds else ""
    return {"present": bool(kinds), "flags": flags, "steps": steps}


KIND_LABELS = {
    "independent_charity": "Independent",
    "government_funded_charity": "Independent (government-funded)",
    "government_contractor": "Government contractor",
    "government_body": "Government",
    "not_verified": "Status not verified",
}


def kind_label(kind: str, government_link: bool = False) -> str:
    """Independent / government / government-contractor, as the brief asks staff to see it."""
    if kind in KIND_LABELS:
        return KIND_LABELS[kind]
    if "contractor" in kind:
        return "Government contractor"
    if government_link or "government" in kind:
        return "Government"
    return "Independent" if "independent" in kind or "charity" in kind else kind.replace("_", " ").capitalize()


def _sources(value: Any) -> list[dict[str, str]]:
    """Source links as {title, url}, whether the action sent URLs or objects."""
    links = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            links.append({"title": item, "url": item})
        elif isinstance(item, dict) and item.get("url"):
            links.append({"title": str(item.get("title") or item["url"]), "url": str(item["url"])})
    return links


def referral_from(referral: StaffReferral) -> dict[str, Any]:
    """One referral from the action's staff payload, in the shape the console shows."""
    return {
        "name": referral.name,
        "phone": referral.phone,
        "text": referral.text,
        "web": referral.web,
        "hours": referral.hours,
        "open_now": referral.open_now,
        "languages": list(referral.languages),
        "kind": referral.kind,
        "nation": referral.nation,
        "government_link": referral.government_link,
        "label": kind_label(referral.kind, referral.government_link),
        "note": referral.kind_label,
        "sharing": referral.sharing,
        "verified": referral.last_verified,
        "sources": _sources(list(referral.sources)),
    }


def referrals_in(messages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The referrals of the action's staff payload (`custom`), and its 24/7 line for each nation
    (sent when the nation is unknown). A directory fallback counts its helplines as referrals."""
    found: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for message in messages:
        payload = StaffPayload.from_json(message.get("custom"))
        if payload is None:
            continue
        found += [referral_from(r) for r in [*payload.referrals, *payload.helplines]]
        lines += [referral_from(r) for r in payload.national_lines]
    return found, lines


def helpline_referrals(nation: str | None) -> list[dict[str, Any]]:
    """The shipped 24-hour helplines (data/safety.yml), the caller's nation first: used only when
    the directory gave fewer than 3, so the handler always has somewhere to refer."""
    return [referral_from(StaffReferral.from_helpline(h)) for h in safety_lines().ordered(nation)]


def complete_referrals(
    found: list[dict[str, Any]], lines: list[dict[str, Any]], nation: str | None
) -> list[dict[str, Any]]:
    """3 to 5 referrals, without duplicates: the action's first, then its 24/7 lines by nation,
    then the shipped helplines."""
    unique: dict[str, dict[str, Any]] = {}
    for referral in found:
        unique.setdefault(referral["name"].lower(), referral)
    for referral in [*lines, *helpline_referrals(nation)]:
        if len(unique) >= MIN_REFERRALS:
            break
        unique.setdefault(referral["name"].lower(), referral)
    return list(unique.values())[:MAX_REFERRALS]


@dataclass(frozen=True)
class Ran:
    """What one query's throwaway conversation produced."""

    turn: Turn
    messages: list[dict[str, Any]]
    degraded: bool  # Rasa, the referral action or the tracker store failed
    deleted: bool  # the conversation was deleted (False only if the store was unreachable)


@dataclass
class StaffAssist:
    """Runs one staff query and builds the result; holds nothing between queries."""

    gateway: Gateway
    vocab: Vocabulary

    async def assist(self, request: AssistRequest, agent: Any) -> dict[str, Any]:
        started = time.perf_counter()
        cleaned, _ = clean_text(request.query, MAX_QUERY_CHARS)
        redaction = redact(cleaned)
        expansion = self.vocab.expand(redaction.text)
        kinds = self.vocab.danger_kinds(redaction.text)
        with safelog.sensitive(request.query, cleaned, redaction.text, expansion.text):
            ran = await self.run_once(expansion.text, request, agent, kinds)
        result = self.build(request, expansion, kinds, ran.turn, ran.messages, agent)
        if redaction.found:
            result["notes"].append(REDACTED_NOTE)
        result.update(degraded=ran.degraded, redacted=bool(redaction.found), conversation_deleted=ran.deleted)
        result["elapsed_ms"] = round((time.perf_counter() - started) * 1000)
        return result

    async def run_once(self, text: str, request: AssistRequest, agent: Any, danger: list[str]) -> Ran:
        """The query as a one-shot conversation, deleted afterwards whatever happens. When the
        answer brought no referrals (low confidence, a conversational reply), the same throwaway
        conversation asks for help in general, so the handler always has somewhere to refer."""
        raw_sender = secrets.token_hex(16)
        store = agent.tracker_store
        turn = Turn(agent, preset_entities(request), metadata.staff_metadata(request.needs), danger)
        output = GatewayOutputChannel(CHANNEL)
        degraded, deleted = True, False
        try:
            outcome = await self.gateway.handle(Incoming(CHANNEL, raw_sender, text, ""), turn, store, output)
            degraded = outcome.degraded or not turn.answered
            if not degraded and not any(referrals_in(output.messages)):
                more = await self.gateway.handle(Incoming(CHANNEL, raw_sender, "/find_help", ""), turn, store, output)
                degraded = more.degraded
        finally:
            deleted = await self.gateway.forget(CHANNEL, raw_sender, store)
        return Ran(turn, list(output.messages), degraded, deleted)

    def build(
        self,
        request: AssistRequest,
        expansion: Expansion,
        kinds: list[str],
        turn: Turn,
        messages: list[dict[str, Any]],
        agent: Any,
    ) -> dict[str, Any]:
        topics = topics_from(turn.parse, self.vocab)
        found, lines = referrals_in(messages)
        top = topics[0] if topics else None
        bar = DANGER_ANSWER_CONFIDENCE if kinds else LOW_CONFIDENCE
        low = top is None or top["confidence"] < bar or not self.vocab.answerable(top["intent"])
        responses = agent.domain.responses if turn.parse is not None else {}
        name = None if low or top is None else response_name(top["intent"], responses)
        answer = variant_text(responses.get(name, []), None) if name else None
        adviser = self.adviser_reasons(expansion, top if not low else None, answer)
        return {
            "danger": danger_block(kinds, self.vocab),
            "topics": topics,
            "low_confidence": low,
            "answer_topic": None if low or top is None else top["intent"],
            "answer": answer,
            "say_this": variant_text(responses.get(name, []), channels.TWILIO) if name else None,
            "sources": answer_sources().get(name or "") if name else None,
            "referrals": complete_referrals(found, lines, request.nation),
            "national_lines": lines,
            "needs_regulated_adviser": bool(adviser),
            "adviser_reasons": adviser,
            "terms": [{"term": t.term, "meaning": t.meaning} for t in expansion.terms],
            "nation": request.nation,
            "language": request.language,
            "needs": list(request.needs),
            "notes": list(request.notes),
        }

    def adviser_reasons(self, expansion: Expansion, top: dict[str, Any] | None, answer: str | None) -> list[str]:
        """Why this case needs a regulated immigration adviser (empty list: it does not)."""
        reasons = []
        if top and self.vocab.is_immigration_topic(top["intent"]):
            reasons.append(f"Immigration topic: {top['name']}")
        words = self.vocab.mentions_immigration(expansion.text, expansion.terms)
        if words:
            reasons.append("Immigration status in the query: " + ", ".join(dict.fromkeys(words)))
        if answer and ADVISER_WORDS.search(answer):
            reasons.append("The answer refers the caller to a regulated immigration adviser")
        return reasons


# ---------------------------------------------------------------------------------------------
# HTTP: the page, its files and the API
# ---------------------------------------------------------------------------------------------


def error(status: int, message: str, **headers: str) -> HTTPResponse:
    return response.json({"error": message}, status=status, headers=headers or None)


def render_page(page: str, vocab: Vocabulary) -> str:
    """The console page with its choices filled in from the data files (needs, language names),
    so the page and the API never disagree about what is allowed."""
    needs = "\n".join(
        f'<div class="checkbox"><input type="checkbox" id="need-{code}" name="needs" value="{escape(code)}">'
        f'<label for="need-{code}">{escape(label)}</label></div>'
        for code, label in vocab.needs.items()
    )
    names = sorted(set(languages().names.values()))
    options = "".join(f'<option value="{escape(name.capitalize())}"></option>' for name in names)
    return page.replace("<!--NEEDS-->", needs).replace("<!--LANGUAGES-->", options)


def load_static(vocab: Vocabulary, directory: Path = STATIC_DIR) -> dict[str, tuple[bytes, str]]:
    """The console's files, read once: only these names are ever served (no path handling)."""
    if not directory.is_dir():
        return {}
    files = {
        p.name: (p.read_bytes(), STATIC_TYPES[p.suffix])
        for p in directory.iterdir()
        if p.is_file() and p.suffix in STATIC_TYPES
    }
    if "index.html" in files:
        page = render_page(files["index.html"][0].decode("utf-8"), vocab)
        files["index.html"] = (page.encode("utf-8"), files["index.html"][1])
    return files


def register(app: Sanic) -> None:
    """Attach the staff console and its API to the Rasa server's Sanic app."""
    settings = get_settings()
    service = StaffAssist(shared_gateway(), vocabulary())
    files = load_static(service.vocab)
    failures = FailedSignIns()

    def refuse(request: Request) -> HTTPResponse | None:
        """None when the bearer token is right; otherwise the 401 (or 429) to send."""
        address = request.remote_addr or request.ip or ""
        if failures.blocked(address):
            return error(429, "Too many wrong tokens from this address. Wait a minute, then try again.")
        if token_matches(request.headers.get("authorization"), settings.staff_token):
            return None
        failures.record(address)
        if not settings.staff_token:
            message = "Staff access is not configured on this server: set STAFF_TOKEN in .env and restart."
        elif not request.headers.get("authorization"):
            message = "Missing token: send the header Authorization: Bearer <staff token>."
        else:
            message = "Wrong token: check the staff token and send Authorization: Bearer <staff token>."
        return error(401, message, **{"WWW-Authenticate": 'Bearer realm="staff"'})

    @app.get("/staff", strict_slashes=True, name="staff_redirect")
    async def staff_redirect(request: Request) -> HTTPResponse:
        return response.redirect("/staff/")

    @app.get("/staff/", strict_slashes=True, name="staff_page")
    async def staff_page(request: Request) -> HTTPResponse:
        return static_file(files, "index.html")

    @app.get("/staff/static/<name>", name="staff_static")
    async def staff_static(request: Request, name: str) -> HTTPResponse:
        return static_file(files, name)

    @app.post("/staff/api/assist", name="staff_assist")
    async def staff_assist(request: Request) -> HTTPResponse:
        refused = refuse(request)
        if refused is not None:
            return refused
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or not agent.is_ready():
            return error(503, "The assistant is still starting. Try again in a few seconds.")
        try:
            assist = parse_assist(read_json_object(request, settings.max_body_bytes, EXAMPLE_BODY), service.vocab)
        except BadRequest as problem:
            return error(problem.status, str(problem))
        with safelog.sensitive(assist.query):
            return response.json(await service.assist(assist, agent))

    @app.get("/staff/api/status", name="staff_status")
    async def staff_status(request: Request) -> HTTPResponse:
        """Is the assistant ready, and how many conversations does the server hold (a count only:
        it lets a test or an operator check that staff queries leave nothing behind)."""
        refused = refuse(request)
        if refused is not None:
            return refused
        agent = getattr(request.app.ctx, "agent", None)
        held = await conversations_held(agent.tracker_store) if agent is not None else 0
        return response.json({"ready": bool(agent and agent.is_ready()), "conversations_held": held})


def static_file(files: dict[str, tuple[bytes, str]], name: str) -> HTTPResponse:
    if name not in files:
        return error(404, "Not found.")
    body, content_type = files[name]
    return response.raw(body, content_type=content_type)


async def conversations_held(store: Any) -> int:
    inner = getattr(store, "_tracker_store", store)
    return len(list(await inner.keys()))
