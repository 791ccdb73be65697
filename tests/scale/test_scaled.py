"""Scale-out keeps every conversation intact: two Rasa servers, two action servers, nginx, Redis.

One scaled stack for the module (stack/scaled.py, the same code `make run-scaled` runs) with its
own Redis: a redis-server child on a free port, so stopping Redis mid-run here never disturbs
other test runs on the machine's Redis. Order matters: the test that stops a Rasa server runs last.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from bench import load
from tests.conftest import MODEL, free_port, post_json, require_service
from tests.scale.services import PrivateRedis, require_redis_binary

pytestmark = [pytest.mark.stack, pytest.mark.services]
SCOTLAND_HELPLINE = "0800 027 1234"
ENGLAND_HELPLINE = "0808 2000 247"
ASK_NATION = "Which part of the UK"


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory: pytest.TempPathFactory):
    require_redis_binary()
    server = PrivateRedis(free_port(), tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def scaled(private_redis: PrivateRedis, tmp_path_factory: pytest.TempPathFactory):
    from stack.scaled import ScaledStack, nginx_binary

    require_service("127.0.0.1", 5432, "PostgreSQL")
    try:
        nginx_binary()
    except RuntimeError as error:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(str(error))
        pytest.skip(str(error))
    if not MODEL.exists():
        pytest.fail("No model: run `make train` first (make test does).")
    running = ScaledStack(
        public_port=free_port(),
        action_balancer_port=free_port(),
        rasa_ports=(free_port(), free_port()),
        action_ports=(free_port(), free_port()),
        model=MODEL,
        log_dir=tmp_path_factory.mktemp("scaled-logs"),
        redis_port=private_redis.port,
        key_prefix=f"scaletest{uuid.uuid4().hex[:8]}",
        debug=True,
        env={
            "SENDER_ID_SECRET": os.environ["SENDER_ID_SECRET"],
            "STAFF_TOKEN": os.environ["STAFF_TOKEN"],
            "RATE_PER_ADDRESS_PER_MINUTE": "100000",
        },
    )
    running.start()
    yield running
    running.stop()


def say(base_url: str, sender: str, message: str) -> str:
    status, replies = post_json(f"{base_url}/webhooks/rest/webhook", {"sender": sender, "message": message})
    assert status == 200, replies
    text = "\n".join(r.get("text", "") for r in replies)
    assert text.strip(), "empty reply"
    return text


def tracker_key(stack, sender: str) -> str:  # type: ignore[no-untyped-def]
    from bot.pseudonyms import pseudonym

    prefix = stack.scaled_env()["REDIS_KEY_PREFIX"]
    return f"{prefix}:tracker:{pseudonym(os.environ['SENDER_ID_SECRET'].encode(), 'rest', sender)}"


def stored_events(redis_client, key: str) -> list[dict]:  # type: ignore[no-untyped-def]
    raw = redis_client.get(key)
    return json.loads(raw)["events"] if raw else []


def referrals_exist(stack) -> bool:  # type: ignore[no-untyped-def]
    """Whether the action server registers action_refer yet (the referrals issue)."""
    port = stack.action_ports[0]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/actions", timeout=5) as reply:
        return any(a.get("name") == "action_refer" for a in json.loads(reply.read()))


@pytest.mark.timeout(120)
def test_turns_alternating_between_servers_keep_the_nation(scaled, private_redis) -> None:
    sender = f"alt-{uuid.uuid4().hex}"
    a, b = scaled.rasa_url("a"), scaled.rasa_url("b")
    say(a, sender, "I live in Glasgow")
    reply_on_b = say(b, sender, "where can I get help")
    say(a, sender, "thank you")

    key = tracker_key(scaled, sender)
    events = stored_events(private_redis.client(), key)
    nations = [e.get("value") for e in events if e.get("event") == "slot" and e.get("name") == "nation"]
    assert nations and nations[-1] == "scotland", "server B did not see the nation set on server A"
    assert sum(e.get("event") == "user" for e in events) == 3, "a server started the conversation over"
    assert 0 < private_redis.client().ttl(key) <= int(scaled.scaled_env()["TRACKER_RECORD_EXP_SECONDS"])
    if referrals_exist(scaled):
        assert SCOTLAND_HELPLINE in reply_on_b
        assert ASK_NATION not in reply_on_b and ENGLAND_HELPLINE not in reply_on_b


@pytest.mark.timeout(120)
@pytest.mark.parametrize("start, delete", [("a", "b"), ("b", "a")])
def test_delete_this_chat_works_from_either_server(scaled, private_redis, start: str, delete: str) -> None:
    sender = f"del-{uuid.uuid4().hex}"
    key = tracker_key(scaled, sender)
    say(scaled.rasa_url(start), sender, "will the police tell the home office")
    assert private_redis.client().exists(key)
    say(scaled.rasa_url(delete), sender, "delete this chat")
    assert not private_redis.client().exists(key)


def _run_load_in_background(url: str, plan: load.Plan) -> tuple[threading.Thread, list[load.LevelResult]]:
    results: list[load.LevelResult] = []
    scripts = load.load_scripts()
    thread = threading.Thread(target=lambda: results.append(load.run_level_sync(url, scripts, plan)), daemon=True)
    thread.start()
    return thread, results


def _bot_says() -> str:
    """Everything the bot itself says: a user text quoted in a response is not a leak."""
    data = Path(__file__).resolve().parents[2] / "data"
    files = [*sorted((data / "responses").rglob("*.yml")), data / "safety.yml"]
    return "\n".join(f.read_text(encoding="utf-8") for f in files if f.exists()).lower()


def _logged_texts(log_dir: Path) -> list[str]:
    """Messages from the load scripts found in any log (long enough not to match by chance)."""
    said = _bot_says()
    texts = [t for t in load.distinct_texts(load.load_scripts()) if len(t) >= 12 and t.lower() not in said]
    logs = "\n".join(p.read_text(errors="replace") for p in log_dir.rglob("*.log"))
    return [t for t in texts if t in logs]


@pytest.mark.timeout(150)
def test_redis_restart_mid_run_keeps_answering_and_logs_no_text(scaled, private_redis) -> None:
    plan = load.Plan(concurrency=4, duration=14, warmup=0, timeout=30, label="redis-restart")
    thread, results = _run_load_in_background(scaled.url, plan)
    time.sleep(4)
    private_redis.shutdown()
    try:
        time.sleep(3)
    finally:
        private_redis.start()
    thread.join(60)
    result = results[0]
    print(f"redis restart: {result.as_dict()}")  # counts only, for the record
    assert result.turns > 20
    assert result.failures == 0, result.failure_kinds  # every message answered (safety lines if need be)
    assert result.danger_without_999 == 0

    sender = f"after-{uuid.uuid4().hex}"
    say(scaled.url, sender, "I live in Glasgow")
    assert private_redis.client().exists(tracker_key(scaled, sender)), "service did not resume after Redis came back"
    assert _logged_texts(scaled.log_dir) == []


@pytest.mark.timeout(150)
def test_stopping_one_rasa_server_mid_run_loses_no_conversation(scaled) -> None:
    plan = load.Plan(concurrency=8, duration=16, warmup=0, timeout=30, retry=True, label="failover")
    thread, results = _run_load_in_background(scaled.url, plan)
    time.sleep(5)
    stopped_at = time.monotonic()
    scaled.stop_rasa("a")
    thread.join(90)
    result = results[0]
    print(f"failover: {result.as_dict()}")  # counts only, for the record
    assert result.failures == 0, result.failure_kinds  # answered, or answered after one clean retry
    assert result.danger_without_999 == 0
    assert time.monotonic() - stopped_at > 5 and result.turns > 30
    sender = f"survivor-{uuid.uuid4().hex}"
    assert say(scaled.url, sender, "hello")
