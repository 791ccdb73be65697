"""Two servers behind nginx share the messaging state in Redis: STOP, limits, options and MORE.

Real servers (tooling/replay_bot.py: the real channels, gateway and state around a bot that
plays back the answers), real nginx from deploy/nginx.conf.template, and a private redis-server
this module can stop and start again (as the scaled mode runs it: nothing on disk). Requests go
through the balancer, or straight to one server to pin a turn there; every request is signed,
for the public URL, with the twilio library's own validator. Each test that counts against the
per-address limit sends from its own X-Forwarded-For address (straight to the servers).
"""

from __future__ import annotations

import contextlib
import time
import uuid

import pytest

from bot.messaging.wording import wording
from tests.channels.clients import SMS_PATH, messages_in, post_sms
from tests.channels.conftest import serve
from tests.scale.services import PrivateRedis, require_redis_binary
from tooling.messaging_cases import all_cases, message_for
from tooling.ports import free_port

pytestmark = [pytest.mark.stack, pytest.mark.services]
PER_SENDER = 4
PER_ADDRESS = 6
WINDOW = wording().memory["stop_resync_seconds"]


class Pair:
    """The balancer and the two servers behind it."""

    def __init__(self, balancer: str, servers: dict[str, str]) -> None:
        self.balancer = balancer
        self.servers = servers

    def send(self, where: str, number: str, text: str, address: str = "") -> list[str]:
        base = self.balancer if where == "nginx" else self.servers[where]
        headers = {"X-Forwarded-For": address} if address else None
        status, body = post_sms(base, number, text, signed_url=self.balancer + SMS_PATH, headers=headers)
        assert status == 200, (status, body)
        return messages_in(body)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory):
    require_redis_binary()
    server = PrivateRedis(free_port(), tmp_path_factory.mktemp("redis-state"))
    server.start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def pair(redis_server: PrivateRedis, tmp_path_factory: pytest.TempPathFactory):
    from stack.scaled import ScaledStack, nginx_binary

    nginx_binary()
    logs = tmp_path_factory.mktemp("shared-state")
    balancer = ScaledStack(public_port=free_port(), action_balancer_port=free_port(),
                           action_ports=(free_port(), free_port()), log_dir=logs)  # fmt: skip
    env = {
        "SHARED_STATE_URL": f"redis://127.0.0.1:{redis_server.port}/2",
        "PUBLIC_URL": balancer.url,
        "SANIC_PROXIES_COUNT": "1",
        "RATE_PER_SENDER_PER_MINUTE": str(PER_SENDER),
        "RATE_PER_ADDRESS_PER_MINUTE": str(PER_ADDRESS),
    }
    with contextlib.ExitStack() as servers:
        urls = {}
        for name in ("a", "b"):
            started = contextlib.contextmanager(serve)("tooling.replay_bot", logs / f"{name}.log", **env)
            urls[name] = servers.enter_context(started).url
        balancer.rasa_ports = tuple(int(u.rsplit(":", 1)[1]) for u in urls.values())  # type: ignore[assignment]
        balancer.start_nginx()
        try:
            yield Pair(balancer.url, urls)
        finally:
            balancer.stop()


def number() -> str:
    return f"+447700900{uuid.uuid4().int % 1000:03d}"


def address() -> str:
    return f"203.0.113.{uuid.uuid4().int % 250 + 1}"


def test_stop_through_one_server_is_honoured_by_the_other(pair: Pair) -> None:
    phone, where = number(), address()
    assert pair.send("a", phone, "count", where)
    assert pair.send("a", phone, "STOP", where)
    assert pair.send("b", phone, "count", where) == []
    assert pair.send("nginx", phone, "count") == []
    assert pair.send("b", phone, "START", where)
    assert pair.send("a", phone, "count", where)


def test_options_and_more_pages_are_shared(pair: Pair) -> None:
    index, case = next((i, c) for i, c in enumerate(all_cases()) if c.options and not c.danger)
    phone, where = number(), address()
    first = pair.send("a", phone, message_for(index, case), where)
    assert "1 England" in "\n".join(first)
    if any("MORE" in text for text in first):
        assert pair.send("b", phone, "MORE", where)
    assert "You chose inform_nation." in "\n".join(pair.send("b", phone, "1", where))


def test_the_per_sender_limit_holds_across_both_servers(pair: Pair) -> None:
    phone = number()
    for n in range(PER_SENDER):
        assert pair.send("ab"[n % 2], phone, "count", address())
    notice = pair.send("a", phone, "count", address())
    assert "a lot of messages" in "\n".join(notice)
    assert pair.send("b", phone, "count", address()) == []  # the one notice was sent, by the other server


def test_the_per_address_limit_holds_across_both_servers(pair: Pair) -> None:
    where = address()
    for n in range(PER_ADDRESS):
        assert pair.send("ab"[n % 2], number(), "count", where)
    assert "a lot of messages" in "\n".join(pair.send("b", number(), "count", where))
    assert "a lot of messages" not in "\n".join(pair.send("b", number(), "count", address()))


def test_redis_rate_limiters_share_one_window_and_hold_no_address(redis_server: PrivateRedis) -> None:
    import redis

    from bot.rate_limit import limiter_factory

    url = f"redis://127.0.0.1:{redis_server.port}/3"
    make = limiter_factory(url, b"test-secret")
    one, two = make("address", 3), make("address", 3)
    assert [one.allow("198.51.100.9"), two.allow("198.51.100.9"), one.allow("198.51.100.9")] == [True] * 3
    assert not two.allow("198.51.100.9") and one.allow("198.51.100.10")
    keys = [k.decode() for k in redis.Redis.from_url(url).keys("*")]
    assert keys and not any("198.51.100" in k for k in keys), keys
    down = limiter_factory("redis://127.0.0.1:1/0", b"test-secret")("sender", 1)  # nothing listens on port 1
    assert down.allow("someone") and not down.allow("someone")  # counted in memory meanwhile


def _stopped(pair: Pair, servers: str, phones: list[str], where: str) -> bool:
    """HELP as the probe: a keyword, so it never counts against the limits, and silent after STOP."""
    return all(pair.send(server, phone, "HELP", where) == [] for phone in phones for server in servers)


def test_a_redis_restart_loses_no_stop_for_longer_than_the_window(pair: Pair, redis_server: PrivateRedis) -> None:
    """STOPs taken by server a, before and during an outage, reach server b once Redis is back, at
    the latest `stop_resync_seconds` later, without any message through a (its periodic check)."""
    where = address()
    before = [number() for _ in range(3)]
    for phone in before:
        pair.send("a", phone, "STOP", where)
    redis_server.shutdown()  # nothing on disk: every key is gone
    during = number()
    pair.send("a", during, "STOP", where)  # taken while Redis is down: kept by server a
    assert _stopped(pair, "a", [during], where)
    redis_server.start()
    back = time.monotonic()
    phones = [*before, during]
    while not _stopped(pair, "b", phones, where):
        assert time.monotonic() - back < WINDOW + 2, "a STOP was lost for longer than the documented window"
        time.sleep(0.25)
    print(f"every STOP honoured by server b {time.monotonic() - back:.1f} s after Redis came back (window {WINDOW} s)")
    assert _stopped(pair, "ab", phones, where)
