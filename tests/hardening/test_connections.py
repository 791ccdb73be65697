"""Security audit finding 5: idle connections are not held for long, and in the scaled mode nginx
caps the connections one address may keep busy."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from stack.scaled import ScaledStack
from tooling.ports import free_port

REQUEST = b"GET /webhooks/rest/ HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"


def seconds_until_closed(sock: socket.socket, limit: float) -> float:
    began = time.monotonic()
    sock.settimeout(limit)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return limit
    return time.monotonic() - began


@pytest.mark.stack
def test_an_idle_keep_alive_connection_is_closed_within_seconds(stack) -> None:  # type: ignore[no-untyped-def]
    with socket.create_connection(("127.0.0.1", stack.rasa_port), timeout=10) as sock:
        sock.sendall(REQUEST)
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        waited = seconds_until_closed(sock, 30)
    assert waited < 9, f"an idle connection was held for {waited:.0f} s (Sanic's default is 120 s)"


def test_the_nginx_config_caps_connections_per_address_and_idles_briefly(tmp_path: Path) -> None:
    scaled = ScaledStack(log_dir=tmp_path, connections_per_address=7)
    conf = scaled.write_nginx_conf().read_text()
    assert "limit_conn per_address 7;" in conf and "keepalive_timeout 5s;" in conf
    assert "limit_conn_zone $binary_remote_addr" in conf  # the TCP peer, never a forwarded header


@pytest.fixture()
def silent_upstream() -> Iterator[int]:
    """A 'Rasa server' that accepts connections and never answers (a request stays busy)."""
    server = socket.create_server(("127.0.0.1", free_port()))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(5)
    for sock in held:
        sock.close()
    server.close()


@pytest.mark.skipif(not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()), reason="needs nginx (make nginx)")
def test_nginx_refuses_a_connection_over_the_per_address_cap(tmp_path: Path, silent_upstream: int) -> None:
    scaled = ScaledStack(
        public_port=free_port(),
        action_balancer_port=free_port(),
        rasa_ports=(silent_upstream, silent_upstream),
        action_ports=(free_port(), free_port()),
        log_dir=tmp_path,
        connections_per_address=2,
    )
    scaled.start_nginx()
    busy: list[socket.socket] = []
    try:
        for _ in range(2):
            sock = socket.create_connection(("127.0.0.1", scaled.public_port), timeout=5)
            sock.sendall(REQUEST)
            busy.append(sock)
        time.sleep(0.5)
        with socket.create_connection(("127.0.0.1", scaled.public_port), timeout=5) as third:
            third.sendall(REQUEST)
            assert third.recv(4096).startswith(b"HTTP/1.1 429")
    finally:
        for sock in busy:
            sock.close()
        scaled.stop()
