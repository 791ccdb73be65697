"""Failing parts, for real: what a person gets when a part of the service is broken.

Each test runs its own servers on free ports (never the shared session stack): the action server
stopped, hung, or with its database unreachable; the Redis tracker and lock store stopped and
started again; the model missing or corrupt at start-up. In every case the person gets the 999
line and the national 24/7 helplines, the log says what broke without any message text, and a
server that cannot serve does not start at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import MODEL, free_port
from tests.hardening.conftest import (
    PrivateRedis,
    SlowActionServer,
    assert_helplines,
    closed_port,
    log_mark,
    logged_since,
    port_open,
    post_rest,
    private_stack,
    reply_texts,
)

pytestmark = pytest.mark.stack

# Message texts are unique per run, so finding one in a log can only mean it was logged.
MARK = uuid.uuid4().hex[:6]
QUESTIONS = {
    "answer then referrals": f"will the police tell the home office if i report him {MARK}",
    "referrals only": f"where can i find help {MARK}",
    "danger": f"he is hitting me right now {MARK}",
}
ACTION_TIMEOUT = 2.0


def ask(stack, text: str) -> str:  # type: ignore[no-untyped-def]
    """One REST message from a new sender; asserts a 200 with replies and returns their text."""
    reply = post_rest(stack.url, {"sender": f"fail-{uuid.uuid4().hex}", "message": text})
    assert reply.status == 200, (reply.status, reply.text)
    return reply_texts(reply)


def assert_nothing_written_in(log: str) -> None:
    for text in QUESTIONS.values():
        assert text not in log
    assert MARK not in log


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory):
    """One Rasa server whose action server the tests replace: real, stopped, hung, or without DB."""
    log_dir = tmp_path_factory.mktemp("failures-logs")
    stack = private_stack(log_dir, ACTION_TIMEOUT_SECONDS=str(ACTION_TIMEOUT), DIRECTORY_TIMEOUT_SECONDS="1")
    stack.start()
    yield stack
    stack.stop()


def restart_actions(stack, **env: str) -> None:  # type: ignore[no-untyped-def]
    stack.stop_process("actions")
    saved = dict(stack.env)
    stack.env.update(env)
    try:
        stack.start_actions()
    finally:
        stack.env.clear()
        stack.env.update(saved)


# --- Action server ------------------------------------------------------------------------------


def test_action_server_stopped_every_message_still_gets_999_and_helplines(parts) -> None:  # type: ignore[no-untyped-def]
    restart_actions(parts)
    start = log_mark(parts.log_dir)
    parts.stop_process("actions")
    assert not port_open(parts.action_port)
    for kind, text in QUESTIONS.items():
        reply = ask(parts, text)
        assert_helplines(reply)
        if kind == "danger":
            assert reply.lstrip().startswith("If you are in danger now, call 999"), reply
    log = logged_since(parts.log_dir, start)
    assert "action_refer" in log and "Couldn't connect" in log, "the log should say the action server is down"
    assert_nothing_written_in(log)


def test_action_server_hung_answers_within_the_action_timeout(parts) -> None:  # type: ignore[no-untyped-def]
    parts.stop_process("actions")
    start = log_mark(parts.log_dir)
    with SlowActionServer(parts.action_port, delay=60):
        for text in QUESTIONS.values():
            began = time.monotonic()
            reply = ask(parts, text)
            assert time.monotonic() - began < ACTION_TIMEOUT + 6, "answer, not a long silence"
            assert_helplines(reply)
    log = logged_since(parts.log_dir, start)
    assert f"did not answer within {ACTION_TIMEOUT:.1f} s" in log
    assert_nothing_written_in(log)


def test_directory_database_unreachable_gives_the_static_helplines(parts) -> None:  # type: ignore[no-untyped-def]
    start = log_mark(parts.log_dir)
    restart_actions(parts, DATABASE_URL=f"postgresql://root@127.0.0.1:{closed_port()}/test")
    try:
        for text in QUESTIONS.values():
            assert_helplines(ask(parts, text))
        reply = ask(parts, QUESTIONS["referrals only"])
        assert "I can't look up local services right now" in reply, "the action's own fallback should answer"
    finally:
        restart_actions(parts)
    log = logged_since(parts.log_dir, start)
    assert "Directory unavailable" in log or "Directory not loaded" in log
    assert_nothing_written_in(log)


# --- Redis tracker store and lock store (scale-out) ---------------------------------------------


REDIS_ENDPOINTS = """
action_endpoint:
  url: http://127.0.0.1:${{ACTION_SERVER_PORT}}/webhook
tracker_store:
  type: bot.tracker_store.PrivateRedisTrackerStore
  url: 127.0.0.1
  port: {port}
  db: 0
  record_exp: 1800
  key_prefix: hardening
"""
REDIS_LOCK_STORE = """
lock_store:
  type: redis
  url: 127.0.0.1
  port: {port}
  db: 1
"""


@pytest.fixture(scope="module", params=["tracker store", "tracker and lock store"])
def redis_stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A stack on a private redis-server (the tracker store, and the lock store as in scale-out)."""
    root = tmp_path_factory.mktemp("redis-stack")
    redis = PrivateRedis(free_port())
    redis.start()
    endpoints = REDIS_ENDPOINTS + (REDIS_LOCK_STORE if "lock" in request.param else "")
    stack = private_stack(root, endpoints.format(port=redis.port))
    try:
        stack.start()
        yield stack, redis
    finally:
        stack.stop()
        redis.stop()


def greeting_is_normal(stack) -> bool:  # type: ignore[no-untyped-def]
    """A plain greeting answered without the degraded-service helplines."""
    reply = ask(stack, "hello")
    return "999" in reply and "0808 2000 247" not in reply


def test_redis_down_gives_the_safety_line_and_service_resumes(redis_stack) -> None:  # type: ignore[no-untyped-def]
    stack, redis = redis_stack
    assert greeting_is_normal(stack)
    assert redis.keys(), "conversations should be in Redis while it is up"

    start = log_mark(stack.log_dir)
    redis.stop()
    for text in QUESTIONS.values():
        assert_helplines(ask(stack, text))
    log = logged_since(stack.log_dir, start)
    assert "Connection refused" in log and str(redis.port) in log, "the log should say Redis is unreachable"
    assert_nothing_written_in(log)

    redis.start()
    resumed = False
    for _ in range(5):  # the client reconnects on its own; allow for a stale pooled connection
        if greeting_is_normal(stack):
            resumed = True
            break
        time.sleep(1)
    assert resumed, "service should resume when Redis is back"
    assert redis.keys(), "new conversations should be stored in Redis again"


# --- Model missing or corrupt -------------------------------------------------------------------


def _unloadable_model(path: Path) -> Path:
    """A tar.gz that looks like a model (metadata.json) but that Rasa cannot load."""
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("metadata.json")
        data = b'{"not": "a rasa model"}'
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    path.write_bytes(buffer.getvalue())
    return path


MODEL_CASES = {
    "missing": (lambda d: d / "no-model-here.tar.gz", "no trained model"),
    "junk": (lambda d: _write(d / "junk.tar.gz", os.urandom(4096)), "is corrupt"),
    "truncated": (lambda d: _write(d / "cut.tar.gz", MODEL.read_bytes()[: 1 << 20]), "is corrupt"),
    "unloadable": (lambda d: _unloadable_model(d / "fake.tar.gz"), "could not be loaded"),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def refused_starts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, bool]]:
    """Start `python -m bot.server` on every broken model at once; (exit code, output, port opened)."""
    from stack import base_env

    root = tmp_path_factory.mktemp("models")
    runs = {}
    for name, (make, _) in MODEL_CASES.items():
        port = free_port()
        args = [sys.executable, "-m", "bot.server", "--model", str(make(root)), "--port", str(port)]
        env = base_env(ACTION_SERVER_PORT=str(closed_port()), SENDER_ID_SECRET=os.environ["SENDER_ID_SECRET"])
        process = subprocess.Popen(
            args, cwd=MODEL.parents[1], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        runs[name] = (process, port)
    results = {}
    deadline = time.monotonic() + 300
    opened = {name: False for name in runs}
    while any(p.poll() is None for p, _ in runs.values()) and time.monotonic() < deadline:
        for name, (process, port) in runs.items():
            opened[name] = opened[name] or (process.poll() is None and port_open(port))
        time.sleep(0.2)
    for name, (process, _) in runs.items():
        if process.poll() is None:
            process.kill()
        output = process.communicate()[0].decode("utf-8", "replace")
        results[name] = (process.returncode, output, opened[name])
    return results


@pytest.mark.parametrize("case", list(MODEL_CASES))
def test_broken_model_refuses_to_start_with_a_clear_message(refused_starts, case: str) -> None:  # type: ignore[no-untyped-def]
    code, output, opened = refused_starts[case]
    assert code == 2, output[-2000:]
    assert "Safe to Ask will not start" in output and MODEL_CASES[case][1] in output, output[-2000:]
    assert "make train" in output
    assert not opened, "a refused start must never listen on its port"
