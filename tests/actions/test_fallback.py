"""When the directory database is unreachable, people still get 999 and the national 24/7 helplines.

Three real failures, none touching the shared PostgreSQL server: DATABASE_URL pointing at a closed
port; a database whose server goes away while the action server runs (a proxy we stop); and a server
that accepts connections but never answers (the reply must not wait for it).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from actions.directory import finder
from actions.directory.fallback import UNAVAILABLE, fallback_reply, safety_lines
from actions.directory.finder import Directory
from actions.directory.store import Store, make_engine
from actions.referrals import ActionRefer
from tests.actions.conftest import PG_URL
from tests.actions.test_action import SECRET_TEXT, SENDER, danger, tracker
from tests.conftest import free_port, require_service

HELPLINES = ["0808 2000 247", "0808 80 10 800", "0800 027 1234", "0808 802 1414"]


class TcpProxy:
    """Forwards 127.0.0.1:<port> to PostgreSQL; `stop()` is the server going away, for this engine only."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target, self.port = target, free_port()
        self.listener: socket.socket | None = None
        self.sockets: list[socket.socket] = []

    def start(self) -> TcpProxy:
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
                upstream = socket.create_connection(self.target)
            except OSError:
                return
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                end.close()

    def stop(self) -> None:
        if self.listener is not None:
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone does not
            self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()


def closed_port_url() -> str:
    return f"postgresql+psycopg2://postgres@127.0.0.1:{free_port()}/test"


async def refer(directory: Directory | None, tracker_=None) -> list[dict]:
    dispatcher = CollectingDispatcher()
    await ActionRefer(directory).run(dispatcher, tracker_ or tracker("find_help", nation="wales"), {})
    return dispatcher.messages


def assert_fallback(messages: list[dict]) -> None:
    assert len(messages) == 1
    reply = messages[0]["text"]
    assert reply.startswith(UNAVAILABLE)
    assert "call 999" in reply
    assert all(number in reply for number in HELPLINES), reply


def assert_logged_without_text(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name == "actions.referrals"]
    assert errors and "Directory unavailable" in errors[-1].getMessage()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert SECRET_TEXT not in logged and "07700 900123" not in logged and SENDER not in logged


async def test_closed_port_gives_the_static_helplines(catalogue, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    directory = Directory(Store(make_engine(closed_port_url())), catalogue)
    messages = await refer(directory)
    assert_fallback(messages)
    assert messages[0]["text"].splitlines()[3] == "- Live Fear Free (Wales): 0808 80 10 800"  # own nation first
    assert_logged_without_text(caplog)


@pytest.fixture()
def action_server_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """DATABASE_URL at a closed port, and a fresh shared directory, as a new action server would have."""
    monkeypatch.setenv("DATABASE_URL", closed_port_url())
    monkeypatch.setattr(finder, "_shared", None)
    yield
    if finder._shared is not None:
        finder._shared.store.engine.dispose()


async def test_action_server_start_and_referral_with_database_url_unreachable(action_server_env, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    action = ActionRefer()  # what rasa-sdk does at start: must log, not crash
    assert "Directory not loaded at start (OperationalError)" in caplog.text
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker("danger_now", danger("suicide"), channel="twilio"), {})
    reply = dispatcher.messages[0]["text"]
    assert reply.isascii() and reply.splitlines()[0] == UNAVAILABLE
    assert "116 123" in reply and all(number in reply for number in HELPLINES)
    assert_logged_without_text(caplog)


@pytest.fixture()
def proxied_directory(catalogue) -> Iterator[tuple[Directory, TcpProxy]]:
    """A directory on PostgreSQL reached through a proxy we can stop, in a schema of its own."""
    require_service("127.0.0.1", 5432, "PostgreSQL")
    schema = f"directory_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, future=True)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    proxy = TcpProxy(("127.0.0.1", 5432)).start()
    url = make_url(PG_URL).set(host="127.0.0.1", port=proxy.port)
    directory = Directory(Store(make_engine(str(url), schema), schema), catalogue)
    try:
        yield directory, proxy
    finally:
        proxy.stop()
        directory.store.engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


async def test_server_stopped_while_running_then_back(proxied_directory, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    directory, proxy = proxied_directory
    assert "Live Fear Free Helpline" in (await refer(directory))[0]["text"]
    proxy.stop()
    assert_fallback(await refer(directory))
    assert_logged_without_text(caplog)
    proxy.start()  # the server is back: referrals come from the directory again
    assert (await refer(directory))[0]["text"].startswith("Services in Wales")


async def test_a_server_that_never_answers_does_not_hold_up_the_reply(catalogue, monkeypatch) -> None:
    monkeypatch.setenv("DIRECTORY_TIMEOUT_SECONDS", "0.5")
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts into the backlog, never speaks
        port = silent.getsockname()[1]
        directory = Directory(Store(make_engine(f"postgresql+psycopg2://postgres@127.0.0.1:{port}/test")), catalogue)
        started = time.monotonic()
        messages = await refer(directory)
        assert time.monotonic() - started < 2.0
    assert_fallback(messages)


def test_fallback_shapes_per_channel() -> None:
    web = fallback_reply("rest", "scotland", "domestic_abuse")
    assert web.text.splitlines()[:4] == [
        UNAVAILABLE,
        safety_lines().emergency,
        safety_lines().human,
        "- Scotland's Domestic Abuse and Forced Marriage Helpline: 0800 027 1234",
    ]
    sms = fallback_reply("twilio")
    assert sms.text.isascii() and sms.text.splitlines()[-1].startswith("Delete this thread")
    staff = fallback_reply("staff", None, "suicide")
    assert staff.json_message["fallback"] is True and staff.json_message["referrals"] == []
    assert [h["phone"] for h in staff.json_message["helplines"]] == HELPLINES
    assert safety_lines().suicide in staff.text


def test_fallback_reads_the_shipped_safety_file() -> None:
    lines = safety_lines()
    assert [h.phone for h in lines.helplines] == HELPLINES
    assert "999" in lines.emergency
