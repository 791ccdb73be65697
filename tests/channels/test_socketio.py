"""The socket.io channel: Rasa's protocol, the gateway on every message, quick exit, origins.

Around a scripted bot (`fakebot`, exact replies, no model) and through the real stack.
"""

from __future__ import annotations

import os
import re
import urllib.request
import uuid
from pathlib import Path

import pytest
import socketio

from bot.channels.socketio import origin_checker, session_id_from, socket_messages
from bot.pseudonyms import pseudonym
from bot.settings import Settings
from tests.channels.clients import SocketChat, texts

EVIL = "https://evil.example.com"


def new_session() -> str:
    return uuid.uuid4().hex


# --- Pure functions ------------------------------------------------------------------------------
def test_replies_take_rasas_socketio_shape() -> None:
    reply = {"text": "One.\n\nTwo.", "buttons": [{"title": "Yes", "payload": "/affirm"}]}
    assert socket_messages(reply) == [
        {"text": "One."},
        {"text": "Two.", "quick_replies": [{"content_type": "text", "title": "Yes", "payload": "/affirm"}]},
    ]
    assert socket_messages({"buttons": [{"title": "A", "payload": "/a"}]})[0]["text"] == ""


def test_session_ids_are_sane_tokens() -> None:
    assert session_id_from({"session_id": "abc123"}) == "abc123"
    assert session_id_from({"session_id": "a b"}) is None
    assert session_id_from({"session_id": "x" * 129}) is None
    assert session_id_from({"session_id": 5}) is None
    assert session_id_from(None) is None


def test_origins_allowed_are_the_configured_ones_and_the_servers_own() -> None:
    check = origin_checker(Settings(sender_secret=b"x", allowed_origins=("https://charity.example.org",)))
    assert check("https://charity.example.org", {})
    assert check("http://127.0.0.1:5005", {"HTTP_HOST": "127.0.0.1:5005"})
    assert not check("https://evil.example.com", {"HTTP_HOST": "127.0.0.1:5005"})
    # Security audit finding 7: Host and X-Forwarded-Host prove nothing.
    assert not check("https://evil.example.com", {"HTTP_HOST": "evil.example.com"})
    assert not check("https://evil.example.com", {"HTTP_X_FORWARDED_HOST": "evil.example.com"})
    assert not check("http://127.0.0.1:6001", {"HTTP_HOST": "127.0.0.1:6001"})
    assert not check("null", {"HTTP_HOST": "127.0.0.1:5005"})
    assert not check(None, {})


# --- Around a scripted bot -----------------------------------------------------------------------
def test_full_exchange_in_rasas_protocol(fakebot) -> None:
    session = new_session()
    with SocketChat(fakebot.url, session) as chat:
        assert chat.confirmed == session
        assert chat.state == {"resumed": False}
        greeting = chat.say("/greet")
        assert greeting[0]["text"] == "Hello from the test bot. Where are you?"
        assert [q["title"] for q in greeting[0]["quick_replies"]] == ["England", "Wales"]
        assert texts(chat.say("/pick_wales")) == ["You picked wales."]
        assert texts(chat.say("count")) == ["Messages in this chat: 3"]


def test_danger_gets_999_first_even_from_a_bot_that_forgets(fakebot) -> None:
    with SocketChat(fakebot.url, new_session()) as chat:
        replies = texts(chat.say("he said he will kill me tonight"))
    assert replies[0].startswith("If you are in danger now, call 999")


def test_exit_deletes_the_conversation_at_once(fakebot) -> None:
    session = new_session()
    with SocketChat(fakebot.url, session) as chat:
        chat.say("count")
        assert texts(chat.say("count")) == ["Messages in this chat: 2"]
        assert chat.exit() == {"deleted": True}
    with SocketChat(fakebot.url, session) as again:
        assert again.state == {"resumed": False}
        assert texts(again.say("count")) == ["Messages in this chat: 1"]


def test_session_state_is_the_same_for_live_and_unknown_sessions(fakebot) -> None:
    """Security audit finding 6: `resumed` must not tell anyone whether a session id is live."""
    session = new_session()
    with SocketChat(fakebot.url, session) as chat:
        chat.say("count")
    with SocketChat(fakebot.url, session) as again:
        live = again.state
        assert texts(again.say("count")) == ["Messages in this chat: 2"]  # the conversation is live
    with SocketChat(fakebot.url, new_session()) as unknown:
        assert live == unknown.state == {"resumed": False}


def test_beacon_endpoint_deletes_too(fakebot) -> None:
    session = new_session()
    with SocketChat(fakebot.url, session) as chat:
        chat.say("count")
    request = urllib.request.Request(
        f"{fakebot.url}/widget/forget", data=session.encode(), headers={"Content-Type": "text/plain;charset=UTF-8"}
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert reply.status == 204
    with SocketChat(fakebot.url, session) as again:
        assert again.state == {"resumed": False}


def test_disallowed_origin_is_refused(fakebot) -> None:
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(fakebot.url, headers={"Origin": EVIL}, transports=["polling"], wait_timeout=5)
    port = fakebot.url.rsplit(":", 1)[1]
    with SocketChat(fakebot.url, new_session(), origin=f"http://127.0.0.1:{port}") as chat:
        assert texts(chat.say("count")) == ["Messages in this chat: 1"]


def test_cors_header_only_for_allowed_origins(fakebot) -> None:
    url = f"{fakebot.url}/socket.io/?EIO=4&transport=polling"
    request = urllib.request.Request(url, headers={"Origin": "https://evil.example.com"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400
    assert "Access-Control-Allow-Origin" not in refused.value.headers


def test_text_and_ids_stay_out_of_the_log(fakebot) -> None:
    session = "widget-session-" + new_session()
    with SocketChat(fakebot.url, session) as chat:
        chat.say("my email is someone@example.com and phone 07700 900411")
    log = fakebot.log.read_text(encoding="utf-8", errors="replace")
    assert session not in log
    assert pseudonym(os.environ["SENDER_ID_SECRET"].encode(), "socketio", session) not in log
    assert "someone@example.com" not in log
    assert "900411" not in log


# --- The real stack ------------------------------------------------------------------------------
@pytest.mark.stack
def test_stack_full_exchange(stack) -> None:
    with SocketChat(stack.url, new_session()) as chat:
        greeting = chat.say("hello")
        assert greeting and greeting[0].get("text")
        assert any(m.get("quick_replies") for m in greeting), "the greeting offers buttons on the web"
        answer = " ".join(texts(chat.say("will the police tell the home office?")))
        assert "Home Office" in answer


@pytest.mark.stack
def test_stack_danger_reply_leads_with_999(stack) -> None:
    with SocketChat(stack.url, new_session()) as chat:
        replies = texts(chat.say("he has a knife and says he will kill me"))
    assert "999" in replies[0]


@pytest.mark.stack
def test_stack_exit_deletes(stack) -> None:
    session = new_session()
    with SocketChat(stack.url, session) as chat:
        chat.say("hello")
    with SocketChat(stack.url, session) as chat:
        assert chat.state == {"resumed": False}  # the same for a live session (finding 6)
        assert chat.exit() == {"deleted": True}
    with SocketChat(stack.url, session) as chat:
        assert chat.state == {"resumed": False}


@pytest.mark.stack
def test_stack_disallowed_origin_is_refused(stack) -> None:
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(stack.url, headers={"Origin": EVIL}, transports=["polling"], wait_timeout=5)


@pytest.mark.stack
def test_stack_logs_hold_no_session_id(stack) -> None:
    session = "privacy-check-" + new_session()
    with SocketChat(stack.url, session) as chat:
        chat.say("my number is 07700 900412")
    logs = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in Path(stack.log_dir).glob("*.log"))
    assert session not in logs
    assert pseudonym(os.environ["SENDER_ID_SECRET"].encode(), "socketio", session) not in logs
    assert not re.search(r"900\s?412", logs)
