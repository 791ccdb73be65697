"""Abuse: rate limits on every public channel, CORS and socket.io origins, the staff token, the
Rasa HTTP API off, and security headers on every page served, errors included.

Rate limits are tested on a private stack with low limits (RATE_PER_SENDER_PER_MINUTE=3,
RATE_PER_ADDRESS_PER_MINUTE=6), using real distinct client addresses (127.x.y.z); everything
else runs against the shared session stack.
"""

from __future__ import annotations

import json
import os
import uuid

import pytest

from tests.hardening.conftest import (
    HELPLINE_PHONES,
    REST_PATH,
    assert_security_headers,
    new_address,
    post_rest,
    private_stack,
    reply_texts,
    request,
)

pytestmark = pytest.mark.stack

PER_SENDER, PER_ADDRESS = 3, 6
EVIL_ORIGIN = "https://evil.example.com"
ALLOWED_ORIGIN = "http://localhost:5005"  # in the default ALLOWED_ORIGINS (bot/settings.py)
RATE_LIMITED = "You have sent a lot of messages"


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory):
    stack = private_stack(
        tmp_path_factory.mktemp("abuse-logs"),
        RATE_PER_SENDER_PER_MINUTE=str(PER_SENDER),
        RATE_PER_ADDRESS_PER_MINUTE=str(PER_ADDRESS),
    )
    stack.start()
    yield stack
    stack.stop()


def say(stack, sender: str, text: str, source: str):  # type: ignore[no-untyped-def]
    return post_rest(stack.url, {"sender": sender, "message": text}, source=source)


def assert_limited(reply) -> str:  # type: ignore[no-untyped-def]
    assert reply.status == 429, (reply.status, reply.text)
    assert reply.headers.get("retry-after") == "60"
    assert_security_headers(reply)
    text = reply_texts(reply)
    assert RATE_LIMITED in text and "999" in text, text
    return text


# --- Rate limits --------------------------------------------------------------------------------


def test_rest_per_sender_limit_follows_the_sender_across_addresses(limited) -> None:  # type: ignore[no-untyped-def]
    sender = f"rl-{uuid.uuid4().hex}"
    for _ in range(PER_SENDER):
        assert say(limited, sender, "hello", new_address()).status == 200
    assert_limited(say(limited, sender, "hello", new_address()))
    in_danger = assert_limited(say(limited, sender, "he is hitting me right now", new_address()))
    assert in_danger.lstrip().startswith(RATE_LIMITED) and any(p in in_danger for p in HELPLINE_PHONES)
    assert say(limited, f"rl-{uuid.uuid4().hex}", "hello", new_address()).status == 200


def test_rest_per_address_limit_counts_every_sender_from_that_address(limited) -> None:  # type: ignore[no-untyped-def]
    address = new_address()
    for _ in range(PER_ADDRESS):
        assert say(limited, f"ra-{uuid.uuid4().hex}", "hello", address).status == 200
    assert_limited(say(limited, f"ra-{uuid.uuid4().hex}", "hello", address))
    assert say(limited, f"ra-{uuid.uuid4().hex}", "hello", new_address()).status == 200


def test_sms_per_sender_limit_still_shows_999(limited) -> None:  # type: ignore[no-untyped-def]
    from tests.channels.clients import sms

    phone = f"+4477009{uuid.uuid4().int % 100000:05d}"
    for _ in range(PER_SENDER):
        sms(limited.url, phone, "hello")
    text = "\n".join(sms(limited.url, phone, "hello"))
    assert "999" in text and "a lot of messages" in text, text


def test_socketio_per_sender_limit_still_shows_999(limited) -> None:  # type: ignore[no-untyped-def]
    from tests.channels.clients import SocketChat, texts

    with SocketChat(limited.url, f"rl-{uuid.uuid4().hex}", origin=limited.url) as chat:
        for _ in range(PER_SENDER):
            chat.say("hello")
        text = "\n".join(texts(chat.say("hello")))
    assert "999" in text and RATE_LIMITED in text, text


# --- CORS and origins ---------------------------------------------------------------------------


def test_cors_is_refused_to_other_origins(stack) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps({"sender": f"c-{uuid.uuid4().hex}", "message": "hello"}).encode()
    evil = request(stack.url + REST_PATH, "POST", body, {"Content-Type": "application/json", "Origin": EVIL_ORIGIN})
    assert evil.headers.get("access-control-allow-origin") not in ("*", EVIL_ORIGIN), evil.headers
    preflight = request(
        stack.url + REST_PATH,
        "OPTIONS",
        headers={"Origin": EVIL_ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.headers.get("access-control-allow-origin") not in ("*", EVIL_ORIGIN), preflight.headers
    allowed = request(
        stack.url + REST_PATH, "POST", body, {"Content-Type": "application/json", "Origin": ALLOWED_ORIGIN}
    )
    assert allowed.headers.get("access-control-allow-origin") == ALLOWED_ORIGIN


def test_socketio_refuses_other_origins(stack) -> None:  # type: ignore[no-untyped-def]
    handshake = stack.url + "/socket.io/?EIO=4&transport=polling"
    evil = request(handshake, headers={"Origin": EVIL_ORIGIN})
    assert evil.status >= 400 and evil.headers.get("access-control-allow-origin") != EVIL_ORIGIN
    own = request(handshake, headers={"Origin": stack.url})
    assert own.status == 200, own.text


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_staff_api_needs_its_token(stack, token: str | None) -> None:  # type: ignore[no-untyped-def]
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    reply = request(stack.url + "/staff/api/assist", "POST", b'{"query": "nrpf"}', headers)
    assert reply.status == 401
    assert_security_headers(reply)
    assert os.environ["STAFF_TOKEN"] not in reply.text


# --- The Rasa HTTP API is off -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/conversations/x/tracker"),
        ("POST", "/conversations/x/messages"),
        ("POST", "/conversations/x/trigger_intent"),
        ("POST", "/model/parse"),
        ("PUT", "/model"),
        ("GET", "/status"),
        ("GET", "/version"),
        ("GET", "/domain"),
        ("POST", "/webhooks/rest/webhook/../../model/parse"),
    ],
)
def test_rasa_http_api_is_not_served(stack, method: str, path: str) -> None:  # type: ignore[no-untyped-def]
    reply = request(stack.url + path, method, b'{"text": "hello"}', {"Content-Type": "application/json"})
    assert reply.status in (401, 403, 404, 405), (reply.status, reply.text)
    assert "intent" not in reply.text and "events" not in reply.text
    assert_security_headers(reply)


def test_root_page_does_not_give_the_rasa_version(stack) -> None:  # type: ignore[no-untyped-def]
    import rasa

    reply = request(stack.url + "/")
    assert reply.status == 200 and rasa.__version__ not in reply.text and "Rasa" not in reply.text


# --- Security headers on every page served ------------------------------------------------------


PAGES = [
    ("GET", "/", None, {}),
    ("GET", "/webhooks/rest/", None, {}),
    ("POST", REST_PATH, b'{"sender": "hdr-5b0f2e9c7a1d48", "message": "hello"}', {"Content-Type": "application/json"}),
    ("POST", REST_PATH, b"{not json", {"Content-Type": "application/json"}),
    ("POST", REST_PATH, b"x" * 70_000, {"Content-Type": "application/json"}),
    ("GET", REST_PATH, None, {}),
    ("GET", "/no/such/page", None, {}),
    ("GET", "/widget/demo", None, {}),
    ("GET", "/widget/widget.js", None, {}),
    ("GET", "/staff/", None, {}),
    ("GET", "/staff/api/status", None, {}),
    ("GET", "/webhooks/twilio/", None, {}),
    ("POST", "/webhooks/twilio/webhook", b"Body=hi", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("GET", "/socket.io/?EIO=4&transport=polling", None, {"Origin": EVIL_ORIGIN}),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "headers"), PAGES, ids=[f"{m} {p} {len(b or b'')}" for m, p, b, _ in PAGES]
)
def test_security_headers_on_every_page(stack, method: str, path: str, body: bytes | None, headers: dict) -> None:  # type: ignore[no-untyped-def]
    reply = request(stack.url + path, method, body, headers)
    assert reply.status < 500, (reply.status, reply.text[:300])
    assert_security_headers(reply)
    assert reply.headers.get("cache-control") == "no-store" or path.startswith("/widget/widget.js")
