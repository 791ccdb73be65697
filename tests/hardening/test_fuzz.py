"""Fuzz tests (hypothesis): the redaction and every channel's request parsing.

About 12,000 generated inputs per run (each test sets `max_examples` explicitly), in well under a
minute on two cores. Nothing may crash, and no planted synthetic phone number (Ofcom's drama
range, 07700 900000-900999) or example.com e-mail address may survive redaction, wherever it is
put in random text, including at the point where a long message is cut.
Channels' parsers are included when their module exists.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.rest import parse_body, read_message
from bot.gateway import prepare
from bot.redaction import redact

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def fuzz(examples: int) -> settings:
    """The shared settings, with this test's share of the ~12,000 inputs."""
    return settings(FUZZ, max_examples=examples)


# Any character a person or an attacker can send (no lone surrogates: no channel can carry one).
ANY_CHAR = st.characters(blacklist_categories=("Cs",))
SEPARATORS = st.sampled_from([" ", "\n", ", ", ". ", ": ", " (", ") ", "\t", " - ", "; ", " '", "' ", '"', " / "])
PHONE_FORMATS = (
    "07700 900{n}",
    "07700900{n}",
    "+44 7700 900{n}",
    "+447700900{n}",
    "07700-900-{n}",
    "(07700) 900{n}",
    "07700 900 {n}",
    "0044 7700 900{n}",
    "+44 (0)7700 900{n}",
    "07700.900.{n}",
)


@st.composite
def phones(draw: st.DrawFn) -> str:
    n = f"{draw(st.integers(0, 999)):03d}"
    return draw(st.sampled_from(PHONE_FORMATS)).format(n=n)


@st.composite
def emails(draw: st.DrawFn) -> str:
    local = draw(st.text("abcdefghijklmnopqrstuvwxyz0123456789._+-", min_size=1, max_size=20)).strip("._+-") or "x"
    sub = draw(st.sampled_from(["", "mail.", "uk.", "post.office."]))
    return f"{local}@{sub}example.com"


@st.composite
def planted(draw: st.DrawFn, values: st.SearchStrategy[str], max_text: int = 300) -> tuple[str, str]:
    """(text, value): `value` inside random text, set off by a separator on each side."""
    value = draw(values)
    before = draw(st.text(ANY_CHAR, max_size=max_text))
    after = draw(st.text(ANY_CHAR, max_size=max_text))
    return f"{before}{draw(SEPARATORS)}{value}{draw(SEPARATORS)}{after}", value


def phone_survives(value: str, text: str) -> bool:
    """The planted number, or its digits in order with only a little punctuation between them."""
    digits = re.sub(r"\D", "", value)[-10:]  # 7700900nnn
    loose = r"\D{0,4}".join(re.escape(d) for d in digits)
    return value in text or re.search(loose, text) is not None


def email_survives(value: str, text: str) -> bool:
    return value in text or value.split("@", 1)[1] in text.lower() or value.split("@", 1)[0] + "@" in text


# --- Redaction ----------------------------------------------------------------------------------


@fuzz(2500)
@given(planted(phones()))
def test_planted_phone_numbers_never_survive_redaction(case: tuple[str, str]) -> None:
    text, value = case
    out = redact(text).text
    assert not phone_survives(value, out), (text, out)


@fuzz(1500)
@given(planted(emails()))
def test_planted_emails_never_survive_redaction(case: tuple[str, str]) -> None:
    text, value = case
    out = redact(text).text
    assert not email_survives(value, out), (text, out)


@fuzz(1000)
@given(st.text(ANY_CHAR, max_size=3000))
def test_redaction_never_crashes_and_never_grows_without_bound(text: str) -> None:
    result = redact(text)
    assert isinstance(result.text, str)
    assert len(result.text) <= 2 * len(text) + 50


@fuzz(800)
@given(planted(st.one_of(phones(), emails()), max_text=2400), st.integers(50, 2000))
def test_cutting_a_long_message_never_leaves_part_of_a_planted_value(case: tuple[str, str], limit: int) -> None:
    text, value = case
    prepared = prepare(text, limit)
    assert len(prepared.text) <= limit
    survives = email_survives if "@" in value else phone_survives
    assert not survives(value, prepared.text), (value, prepared.text[-80:])


# --- REST ---------------------------------------------------------------------------------------


@dataclass
class FakeRequest:
    """What parse_body reads from a Sanic request."""

    body: bytes | None
    content_type: str | None


CONTENT_TYPES = st.one_of(
    st.sampled_from(
        ["application/json", "application/json; charset=utf-8", "application/vnd.api+json", "text/plain", "", None]
    ),
    st.text(max_size=40),
)
JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(ANY_CHAR, max_size=80)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)


def assert_parsed_or_refused(body: Any, problem: Any) -> None:
    if problem is None:
        assert isinstance(body, dict)
    else:
        assert body is None and problem.status in (400, 413, 415)
        assert json.loads(problem.body)["error"]


@fuzz(2000)
@given(st.binary(max_size=1500), CONTENT_TYPES)
def test_rest_parse_body_never_raises_on_any_bytes(body: bytes, content_type: str | None) -> None:
    assert_parsed_or_refused(*parse_body(FakeRequest(body, content_type), 1024))  # type: ignore[arg-type]


@fuzz(1000)
@given(JSON_VALUES, st.sampled_from(["", "\ufeff"]), st.integers(0, 6))
def test_rest_parse_body_and_fields_on_any_json(value: Any, prefix: str, nesting: int) -> None:
    document = prefix + "[" * nesting + json.dumps(value) + "]" * nesting
    body, problem = parse_body(FakeRequest(document.encode("utf-8", "surrogatepass"), "application/json"), 65536)  # type: ignore[arg-type]
    assert_parsed_or_refused(body, problem)
    if body is not None:
        fields, refused = read_message(body)
        assert (fields is None) != (refused is None)
        if refused is not None:
            assert refused.status == 400


@fuzz(500)
@given(
    st.dictionaries(st.sampled_from(["sender", "message", "other"]), JSON_SCALARS | st.lists(JSON_SCALARS), max_size=3)
)
def test_rest_read_message_never_raises(body: dict[str, Any]) -> None:
    fields, refused = read_message(body)
    if fields is not None:
        sender, _ = fields
        assert isinstance(sender, str) and sender.strip()


# --- SMS ----------------------------------------------------------------------------------------


@fuzz(800)
@given(st.one_of(st.binary(max_size=2000), st.text(ANY_CHAR, max_size=500).map(lambda t: t.encode())))
def test_sms_form_parsing_never_raises(body: bytes) -> None:
    from bot.channels.twilio_webhook import parse_form

    params = parse_form(body)
    if params is not None:
        assert isinstance(params.first("Body"), str) and isinstance(params.first("From"), str)


@fuzz(400)
@given(st.text(ANY_CHAR, max_size=60), st.lists(st.text(max_size=20), max_size=9) | st.none())
def test_sms_keywords_and_option_choices_never_raise(text: str, payloads: list[str] | None) -> None:
    from bot.messaging.keywords import keyword_of, option_choice

    assert keyword_of(text) in (None, "stop", "start", "help", "delete", "more")
    choice = option_choice(text, payloads)
    assert choice is None or choice in (payloads or [])


@fuzz(300)
@given(st.lists(st.fixed_dictionaries({"text": st.text(ANY_CHAR, max_size=400)}), max_size=4), st.booleans())
def test_sms_replies_always_fit_three_segments(replies: list[dict[str, str]], danger: bool) -> None:
    from bot.messaging.composer import room_for
    from bot.messaging.conversation import texts_for
    from bot.messaging.encoding import units
    from bot.messaging.replies import draft
    from bot.messaging.wording import profile

    sms = profile("sms")
    pieces = draft(replies, sms, danger="threat_to_kill" if danger else None, first=True).pieces
    segments, _ = texts_for(pieces, sms)
    room = room_for(sms, pieces)
    assert len(segments) <= sms.max_texts
    assert all(units(s, room.encoding) <= room.single for s in segments), segments


# --- socket.io ----------------------------------------------------------------------------------


@fuzz(400)
@given(JSON_VALUES, st.fixed_dictionaries({"text": st.text(ANY_CHAR, max_size=300)}))
def test_socketio_session_ids_and_messages_never_raise(data: Any, reply: dict[str, str]) -> None:
    from bot.channels.socketio import session_id_from, socket_messages

    session = session_id_from(data)
    assert session is None or (1 <= len(session) <= 128 and session.isprintable())
    assert isinstance(socket_messages(reply), list)


# --- Staff console ------------------------------------------------------------------------------


@fuzz(800)
@given(
    st.one_of(
        st.binary(max_size=800),
        st.dictionaries(st.sampled_from(["query", "nation", "language", "needs", "x"]), JSON_VALUES, max_size=4).map(
            lambda d: json.dumps(d).encode()
        ),
    )
)
def test_staff_request_parsing_refuses_clearly_or_accepts(body: bytes) -> None:
    from bot.json_body import BadRequest, read_json_object
    from bot.web.staff import EXAMPLE_BODY, parse_assist, vocabulary

    try:
        parsed = parse_assist(
            read_json_object(FakeRequest(body, "application/json"), 65536, EXAMPLE_BODY), vocabulary()
        )  # type: ignore[arg-type]
    except BadRequest as problem:
        assert 400 <= problem.status < 500 and str(problem)
        return
    assert parsed.query.strip()
