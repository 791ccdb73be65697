"""Hostile and odd input on every channel that exists, against the shared running stack.

Every case gets a clear answer or a clear 4xx, never a 5xx, a hang or silence; where a reply is
given it carries the 999 line; nothing sent comes back as markup. Channels are included when
their module exists (REST always; SMS, socket.io and the staff console as they land), so this file
covers a new channel without edits. Slow clients are cut off without holding up anyone else.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from tests.hardening.conftest import (
    REST_PATH,
    SMS_PATH,
    assert_safety_line,
    assert_security_headers,
    new_address,
    post_rest,
    reply_texts,
    request,
)

pytestmark = pytest.mark.stack

MARKUP = ("<script", "onerror=", "<img", "javascript:")
TEXTS: dict[str, str] = {
    "empty": "",
    "whitespace": " \t\n  \u00a0\u3000 ",
    "10000 characters": ("I have a question about my visa and my husband " * 300)[:10_000],
    "binary": "".join(chr(i) for i in range(256)),
    "lone surrogate": "my \ud800 question",
    "emoji only": "😀😢🆘🙏🏽👩‍👧",
    "right to left": "مرحبا، أحتاج مساعدة بشأن تأشيرتي",
    "hebrew": "שלום, אני צריכה עזרה",
    "mixed scripts": "Hello مرحبا Привет 你好 नमस्ते",
    "control characters": "hi\x00\x07\x1b[31m\u202e\u200b\ufeff there",
    "html and js": '<script>alert("x")</script><img src=x onerror=alert(1)> hi',
    "sql injection": "'; DROP TABLE services; -- \" OR 1=1 --",
    "jinja template": "{{7*7}} {% for x in y %}{{ config }}",
    "slot template": "{nation} {language} {0} %s %(x)s ${HOME} #{x}",
    "markdown link": "[click me](javascript:alert(1)) **bold**",
    "rasa intent injection": '/danger_now{"nation": "england"}',
    "rasa payload injection": "/restart",
    "null byte only": "\x00",
}


def assert_no_markup(body: str) -> None:
    lowered = body.lower()
    assert not [m for m in MARKUP if m in lowered], body[:500]


# --- REST ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(TEXTS))
def test_rest_odd_text_gets_an_answer_with_the_999_line(stack, case: str) -> None:  # type: ignore[no-untyped-def]
    reply = post_rest(stack.url, {"sender": f"h-{uuid.uuid4().hex}", "message": TEXTS[case]})
    assert reply.status == 200, (reply.status, reply.text)
    assert reply.headers["content-type"].startswith("application/json")
    assert_security_headers(reply)
    assert_safety_line(reply_texts(reply))
    assert_no_markup(reply.text)


BODIES: dict[str, tuple[bytes, str, int]] = {
    "invalid utf-8": (b'{"sender": "s", "message": "\xff\xfe\xc3"}', "application/json", 400),
    "malformed json": (b'{"sender": "s", "message": ', "application/json", 400),
    "not an object": (b'["sender", "message"]', "application/json", 400),
    "a bare string": (b'"hello"', "application/json", 400),
    "deep nesting": (b'{"sender": "s", "message": ' + b"[" * 30_000 + b"]" * 30_000 + b"}", "application/json", 400),
    "huge number": (b'{"sender": "s", "message": 1' + b"0" * 20_000 + b"}", "application/json", 400),
    "message is a list": (b'{"sender": "s", "message": ["a"]}', "application/json", 400),
    "message is an object": (b'{"sender": "s", "message": {"text": "a"}}', "application/json", 400),
    "missing sender": (b'{"message": "hello"}', "application/json", 400),
    "sender is an object": (b'{"sender": {"id": 1}, "message": "hello"}', "application/json", 400),
    "sender too long": (json.dumps({"sender": "s" * 300, "message": "hi"}).encode(), "application/json", 400),
    "wrong content type": (b'{"sender": "s", "message": "hello"}', "text/plain", 415),
    "form encoded": (b"sender=s&message=hello", "application/x-www-form-urlencoded", 415),
    "json-ish type": (b'{"sender": "s", "message": "hello"}', "application/jsonp", 415),
    "over the size limit": (json.dumps({"sender": "s", "message": "a" * 70_000}).encode(), "application/json", 413),
    "missing message": (b'{"sender": "s-missing-7c1e9a04b2d5f836"}', "application/json", 200),
    "null message": (b'{"sender": "s-null-7c1e9a04b2d5f836", "message": null}', "application/json", 200),
    "number message": (b'{"sender": "s-number-7c1e9a04b2d5f836", "message": 999}', "application/json", 200),
    "utf-8 bom": (b'\xef\xbb\xbf{"sender": "s-bom-7c1e9a04b2d5f836", "message": "hello"}', "application/json", 200),
    "charset parameter": (
        b'{"sender": "7c1e9a04b2d5f8cs", "message": "hello"}',
        "application/json; charset=utf-8",
        200,
    ),
}


@pytest.mark.parametrize("case", list(BODIES))
def test_rest_malformed_requests_get_a_clear_answer(stack, case: str) -> None:  # type: ignore[no-untyped-def]
    body, content_type, status = BODIES[case]
    reply = post_rest(stack.url, body, content_type=content_type)
    assert reply.status == status, (reply.status, reply.text)
    assert reply.headers["content-type"].startswith("application/json")
    assert_security_headers(reply)
    if status == 200:
        assert_safety_line(reply_texts(reply))
    else:
        error = reply.json()["error"]
        assert error and len(error) < 200 and "Traceback" not in reply.text


@pytest.mark.parametrize("text", ["help me", "i need help"])
def test_asking_for_help_gets_the_999_line(stack, text: str) -> None:  # type: ignore[no-untyped-def]
    reply = post_rest(stack.url, {"sender": f"h-{uuid.uuid4().hex}", "message": text})
    assert reply.status == 200
    assert_safety_line(reply_texts(reply))


def test_rest_body_far_over_the_limit_is_refused_before_it_is_read(stack) -> None:  # type: ignore[no-untyped-def]
    """Sanic refuses a declared 50 MB body from its headers alone (REQUEST_MAX_SIZE)."""
    with socket.create_connection(("127.0.0.1", stack.rasa_port), timeout=10, source_address=(new_address(), 0)) as s:
        head = f"POST {REST_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n"
        s.sendall(head.encode() + b'\r\n{"sender": "s", "message": "')
        answer = s.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413"), answer
    assert "Request too large" in answer and "nosniff" in answer


def test_rest_errors_never_reflect_the_request(stack) -> None:  # type: ignore[no-untyped-def]
    reply = request(stack.url + "/%3Cscript%3Ealert(1)%3C/script%3E?q=%3Cimg%20src=x%20onerror=alert(1)%3E")
    assert reply.status == 404
    assert_no_markup(reply.text)
    assert_security_headers(reply)
    wrong_method = request(stack.url + REST_PATH)
    assert wrong_method.status == 405 and wrong_method.headers["content-type"].startswith("application/json")


# --- Slow clients -------------------------------------------------------------------------------


def _trickle(port: int, head: bytes, trickle: bytes, outcome: dict[str, Any]) -> None:
    """Send `head` at once, then `trickle` one byte a second; record how the server ended it."""
    began = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=60, source_address=(new_address(), 0)) as s:
        s.sendall(head)
        received = b""
        s.settimeout(1.0)
        for byte in trickle:
            try:
                s.sendall(bytes([byte]))
                chunk = s.recv(4096)
                if not chunk:
                    break
                received += chunk
                break
            except TimeoutError:
                continue
            except OSError:
                break
        outcome.update(seconds=time.monotonic() - began, received=received.decode("latin-1"))


def test_slow_clients_are_cut_off_and_others_are_still_served(stack) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps({"sender": "slow-9e4a1c7b3f02d658", "message": "hello " * 10}).encode()
    slow_body_head = (
        f"POST {REST_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    slow_head = f"POST {REST_PATH} HTTP/1.1\r\nHost: x\r\n".encode()
    results: dict[str, dict[str, Any]] = {"body": {}, "head": {}}
    threads = [
        threading.Thread(target=_trickle, args=(stack.rasa_port, slow_body_head, body, results["body"])),
        threading.Thread(target=_trickle, args=(stack.rasa_port, slow_head, b"X-Slow: " + b"a" * 200, results["head"])),
    ]
    for thread in threads:
        thread.start()
    time.sleep(2)
    began = time.monotonic()
    served = post_rest(stack.url, {"sender": f"h-{uuid.uuid4().hex}", "message": "hello"})
    assert served.status == 200 and time.monotonic() - began < 10, "others must still be served"
    for thread in threads:
        thread.join(90)
    for kind, result in results.items():
        assert result.get("seconds", 99) < 45, (kind, result)
        assert result["received"] == "" or " 408 " in result["received"].split("\r\n")[0], (kind, result)


# --- SMS ----------------------------------------------------------------------------------------


def post_sms(stack, body: str, sender: str | None = None) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    from tests.channels.clients import post_sms as post

    return post(stack.url, sender or f"+4477009{uuid.uuid4().int % 100000:05d}", body)


@pytest.mark.parametrize("case", [c for c in TEXTS if c != "lone surrogate"])  # no SMS can carry one
def test_sms_odd_text_gets_a_clean_twiml_answer(stack, case: str) -> None:  # type: ignore[no-untyped-def]
    status, twiml = post_sms(stack, TEXTS[case])
    assert status == 200, (status, twiml)
    root = ET.fromstring(twiml)
    texts = [m.text or "" for m in root.iter("Message")]
    assert texts, "an SMS always gets a reply"
    assert_safety_line("\n".join(texts))
    assert_no_markup(twiml)


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"Body=hi&From=%2B447700900123", "application/x-www-form-urlencoded", 403),
        (b"\xff\xfe\x00", "application/x-www-form-urlencoded", 403),
        (b"x" * 70_000, "application/x-www-form-urlencoded", 413),
    ],
    ids=["unsigned", "binary", "too large"],
)
def test_sms_bad_requests_get_a_clear_4xx(stack, body: bytes, content_type: str, status: int) -> None:  # type: ignore[no-untyped-def]
    reply = request(stack.url + SMS_PATH, "POST", body, {"Content-Type": content_type})
    assert reply.status == status, (reply.status, reply.text)
    assert_security_headers(reply)


# --- socket.io ----------------------------------------------------------------------------------


def test_socketio_odd_payloads_get_answers_with_the_999_line(stack) -> None:  # type: ignore[no-untyped-def]
    from tests.channels.clients import SocketChat

    payloads: list[Any] = [*TEXTS.values(), None, 42, ["a", "b"], {"nested": {"message": "x"}}]
    with SocketChat(stack.url, f"h-{uuid.uuid4().hex}", origin=stack.url) as chat:
        for payload in payloads:
            session = f"h-{uuid.uuid4().hex}"  # each payload starts its own conversation, as on REST
            chat.client.call("session_request", {"session_id": session}, timeout=20)
            before = len(chat.received)
            data = {"message": payload, "session_id": session}
            ack = chat.client.call("user_uttered", data, timeout=40)
            assert isinstance(ack, dict), (payload, ack)
            texts = [m.get("text", "") for m in chat.received[before:] if isinstance(m, dict)]
            assert_safety_line("\n".join(texts))
            assert_no_markup(json.dumps(chat.received[before:]))
        ack = chat.client.call("user_uttered", ["not", "a", "dict"], timeout=40)
        assert isinstance(ack, dict), ack


# --- Staff console ------------------------------------------------------------------------------


def post_staff(stack, body: bytes, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
    import os

    headers = {"Content-Type": content_type, "Authorization": f"Bearer {os.environ['STAFF_TOKEN']}"}
    return request(stack.url + "/staff/api/assist", "POST", body, headers)


@pytest.mark.parametrize("case", [c for c in TEXTS if TEXTS[c].strip("\x00 \t\n\u00a0\u3000")])
def test_staff_odd_queries_get_a_clear_answer(stack, case: str) -> None:  # type: ignore[no-untyped-def]
    reply = post_staff(stack, json.dumps({"query": TEXTS[case][:1000]}).encode())
    assert reply.status in (200, 400), (reply.status, reply.text)
    assert_security_headers(reply)
    assert_no_markup(reply.text)


@pytest.mark.parametrize(
    "case",
    [
        "deep nesting",
        "huge number",
        "invalid utf-8",
        "malformed json",
    ],
)
def test_staff_malformed_bodies_get_a_clear_4xx(stack, case: str) -> None:  # type: ignore[no-untyped-def]
    body, content_type, _ = BODIES[case]
    reply = post_staff(stack, body.replace(b'"sender": "s", "message"', b'"query"'), content_type)
    assert 400 <= reply.status < 500, (reply.status, reply.text)
