"""The privacy suite: conversations full of planted synthetic personal data, then every place the
data could end up is searched. Zero hits, or the test fails and names where.

Planted values are generated fresh for each run (Ofcom drama-range phone numbers, example.com
emails, invented names, made-up identity numbers), so a hit can only come from this run. A
distinctive phrase that is not personal data is planted too: it must never appear in a log
(proving message text is not logged), and it must appear in the tracker stores (proving the
search would find what is there).

Where we look:
1. replies on every channel in DRIVERS (never repeat planted data; say details are not needed);
2. the running servers' DEBUG logs (every file in the log directories);
3. an in-process run (the model loaded with Rasa's Agent, driven through the gateway with a real
   ExpiringInMemoryTrackerStore): its store and everything it logged; "delete this chat" empties it;
4. Redis: a second Rasa server using PrivateRedisTrackerStore (unique key prefix): every key and
   value in the database, TTLs, and "delete this chat" removing the key;
5. the directory's SQL database (embedded SQLite files, or DATABASE_URL's PostgreSQL);
6. every file under the repository and the temp directory written during the suite.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import random
import re
import string
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.safety import safety_lines
from tests.conftest import MODEL, ROOT, free_port, require_service
from tests.privacy.drivers import DRIVERS

pytestmark = pytest.mark.stack

REDIS = ("127.0.0.1", 6379)
RECORD_EXP = 600
SKIP_DIRS = {".git", ".venv", "node_modules", "__pycache__", ".ruff_cache"}
MAX_FILE_BYTES = 50 * 1024 * 1024

# --------------------------------------------------------------------------------------------
# What we plant
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plant:
    label: str
    forms: tuple[str, ...]  # the spellings searched for, case-insensitively
    digits: tuple[str, ...] = ()  # searched for in every number written with spaces, dashes, brackets


_NUMBER_RUN = re.compile(r"\d[\d \t().+/-]*\d")


def digit_runs(text: str) -> list[str]:
    """Every number in `text` with its separators dropped ("+44 7700 900 123" -> "447700900123")."""
    return [re.sub(r"\D", "", run) for run in _NUMBER_RUN.findall(text)]


def _in_a_number(digits: str, runs: list[str]) -> bool:
    """`digits` written as one number, give or take a country code (not inside a timestamp)."""
    return any(digits in run and len(run) <= len(digits) + 4 for run in runs)


@dataclass
class Planted:
    plants: list[Plant]
    phrase: str
    messages: list[str]
    raw_senders: dict[str, str]
    sender_ids: set[str] = field(default_factory=set)  # HMAC ids, learned from the Redis keys

    @property
    def phrase_token(self) -> str:
        """The phrase's invented last word: found even if a component logs words one by one."""
        return self.phrase.split()[-1].lower()

    def hits(self, text: str, include_phrase: bool = True, include_ids: bool = True) -> list[str]:
        """Labels of every planted value found in `text` (never the values themselves)."""
        lowered, numbers = text.lower(), digit_runs(text)
        found = [
            p.label
            for p in self.plants
            if any(form.lower() in lowered for form in p.forms) or any(_in_a_number(d, numbers) for d in p.digits)
        ]
        if include_phrase and any(part in lowered for part in (self.phrase.lower(), self.phrase_token)):
            found.append("the planted phrase (message text)")
        if include_ids:
            found += [f"raw sender id ({ch})" for ch, raw in self.raw_senders.items() if raw.lower() in lowered]
            found += ["a pseudonymous sender id" for sid in self.sender_ids if sid in lowered]
        return found


def _syllables(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(count))


def _luhn(body: str) -> str:
    for check in string.digits:
        number = body + check
        total = sum(
            (int(c) * 2 - 9 if int(c) * 2 > 9 else int(c) * 2) if i % 2 else int(c)
            for i, c in enumerate(reversed(number))
        )
        if total % 10 == 0:
            return number
    raise AssertionError("unreachable")


def make_planted(drivers: Iterable[str]) -> Planted:
    """Fresh synthetic personal data for this run, and a conversation that gives all of it."""
    rng = random.Random(uuid.uuid4().int)
    digits = lambda n: "".join(rng.choice(string.digits) for _ in range(n))  # noqa: E731
    first = "Zor" + _syllables(rng, 2)
    surname = "Quill" + _syllables(rng, 2)
    abuser = "Bren" + _syllables(rng, 2)
    street = ("Wis" + _syllables(rng, 2)).capitalize()
    phone1, phone2 = rng.sample(range(1000), 2)
    national1, national2 = f"07700 900{phone1:03d}", f"07700 900{phone2:03d}"
    postcode_out, postcode_in = (
        f"CF{rng.randint(10, 99)}",
        f"{rng.randint(0, 9)}{rng.choice('ABDEFGHJLN')}{rng.choice('PQRSTUWXYZ')}",
    )
    passport, brp, ho = digits(9), "ZU" + digits(7), "X" + digits(7)
    ni_pairs = [digits(2) for _ in range(3)]
    dob = f"{rng.randint(10, 28)}/0{rng.randint(1, 9)}/19{rng.randint(60, 99)}"
    card = _luhn("4" + digits(14))
    card_spaced = " ".join(card[i : i + 4] for i in range(0, 16, 4))
    house = str(rng.randint(10, 99))
    email = f"{first.lower()}.{surname.lower()}@example.com"
    phrase = f"periwinkle trampoline {_syllables(rng, 3)}"
    plants = [
        Plant("first name", (first,)),
        Plant("surname", (surname,)),
        Plant("abuser's name", (abuser,)),
        Plant("mobile number", (national1,), (f"7700900{phone1:03d}",)),
        Plant("second mobile number", (national2,), (f"7700900{phone2:03d}",)),
        Plant("email", (email, email.split("@")[0])),
        Plant("street", (street,)),
        Plant("postcode", (f"{postcode_out} {postcode_in}", postcode_out + postcode_in)),
        Plant("passport number", (passport,), (passport,)),
        Plant("BRP number", (brp,), (brp[2:],)),
        Plant("NI number", ("QQ" + "".join(ni_pairs) + "C", "QQ " + " ".join(ni_pairs) + " C")),
        Plant("Home Office reference", (ho,), (ho[1:],)),
        Plant("date of birth", (dob,)),
        Plant("card number", (card, card_spaced), (card,)),
    ]
    messages = [
        f"hello, my name is {first} {surname} and I am scared of my husband",
        f"my number is {national1} and my email is {email}",
        f"will the police tell the home office if I report? I live at {house} {street} Gardens, Cardiff "
        f"{postcode_out} {postcode_in}",
        f"my husband {abuser} took my passport {passport} and my BRP {brp}",
        f"my DOB is {dob}, my NI number is QQ {' '.join(ni_pairs)} C and my Home Office ref is {ho}",
        f"he texts me from +44 7700 900 {phone2:03d}, I hid my card {card_spaced} in the {phrase} box",
    ]
    raw = {name: f"+4477009{rng.randint(0, 99999):05d}-{name}-{uuid.uuid4().hex[:8]}" for name in drivers}
    plants.append(Plant("raw sender ids", tuple(raw.values())))
    return Planted(plants, phrase, messages, raw)


DELETE = "delete this chat"

# --------------------------------------------------------------------------------------------
# Running conversations
# --------------------------------------------------------------------------------------------


@dataclass
class Run:
    replies: dict[str, list[list[str]]] = field(default_factory=dict)  # channel -> replies per message


def converse(stack: Any, planted: Planted, delete: bool) -> Run:
    run = Run()
    for name, send in DRIVERS.items():
        sender = planted.raw_senders[name]
        run.replies[name] = [send(stack, sender, text) for text in planted.messages]
        if delete:
            run.replies[name].append(send(stack, sender, DELETE))
    return run


@pytest.fixture(scope="module")
def started_at() -> float:
    return time.time() - 1


@pytest.fixture(scope="module")
def planted() -> Planted:
    return make_planted(DRIVERS)


@pytest.fixture(scope="module")
def session_run(stack: Any, planted: Planted, started_at: float) -> Run:
    return converse(stack, planted, delete=True)


def _redis_endpoints(path: Path, prefix: str) -> Path:
    path.write_text(
        f"""action_endpoint:
  url: http://127.0.0.1:${{ACTION_SERVER_PORT}}/webhook
tracker_store:
  type: bot.tracker_store.PrivateRedisTrackerStore
  url: {REDIS[0]}
  port: {REDIS[1]}
  db: 0
  record_exp: {RECORD_EXP}
  key_prefix: {prefix}
""",
        encoding="utf-8",
    )
    return path


@dataclass
class RedisRun(Run):
    prefix: str = ""
    keys_before: list[str] = field(default_factory=list)
    values_before: dict[str, str] = field(default_factory=dict)
    ttls: dict[str, int] = field(default_factory=dict)
    keys_after: list[str] = field(default_factory=list)
    everything_after: dict[str, str] = field(default_factory=dict)
    log_dir: Path | None = None


def _dump_redis(client: Any, pattern: str = "*") -> dict[str, str]:
    """Every key matching `pattern` with its value as text, whatever its type."""
    readers = {
        "string": client.get,
        "hash": client.hgetall,
        "list": lambda k: client.lrange(k, 0, -1),
        "set": client.smembers,
        "zset": lambda k: client.zrange(k, 0, -1),
    }
    dump: dict[str, str] = {}
    for key in client.scan_iter(match=pattern, count=500):
        reader = readers.get(client.type(key))
        with contextlib.suppress(Exception):
            dump[key] = str(reader(key)) if reader else ""
    return dump


@pytest.fixture(scope="module")
def redis_run(
    stack: Any, planted: Planted, started_at: float, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RedisRun]:
    """A second Rasa server on the same action server, keeping conversations in Redis."""
    require_service(*REDIS, "Redis")
    import redis

    from stack import Stack

    prefix = "privacytest" + uuid.uuid4().hex[:12]
    folder = tmp_path_factory.mktemp("privacy-redis")
    second = Stack(
        rasa_port=free_port(),
        action_port=stack.action_port,
        model=MODEL,
        endpoints=_redis_endpoints(folder / "endpoints.yml", prefix),
        log_dir=folder / "logs",
        debug=True,
    )
    second.env.update(stack.env)
    second.env.update(RATE_PER_ADDRESS_PER_MINUTE="1000", RATE_PER_SENDER_PER_MINUTE="100")
    client = redis.StrictRedis(host=REDIS[0], port=REDIS[1], db=0, decode_responses=True)
    run = RedisRun(prefix=prefix, log_dir=second.log_dir)
    try:
        second.start_rasa(timeout=300)
        conversation = converse(second, planted, delete=False)
        run.replies = conversation.replies
        pattern = f"{prefix}:*"
        run.values_before = _dump_redis(client, pattern)
        run.keys_before = sorted(run.values_before)
        run.ttls = {key: client.ttl(key) for key in run.keys_before}
        planted.sender_ids |= {key.rsplit(":", 1)[-1] for key in run.keys_before}
        for name, send in DRIVERS.items():
            run.replies[name].append(send(second, planted.raw_senders[name], DELETE))
        run.keys_after = sorted(client.scan_iter(match=pattern))
        run.everything_after = _dump_redis(client)
        yield run
    finally:
        second.stop()
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)


# --------------------------------------------------------------------------------------------
# 1. Replies
# --------------------------------------------------------------------------------------------


def _each_reply(run: Run, planted: Planted) -> Iterator[tuple[str, str]]:
    """(where, text) for every reply to a message carrying planted data, on every channel."""
    for channel, replies in run.replies.items():
        for i, reply in enumerate(replies[: len(planted.messages)]):
            yield f"{channel}, reply {i + 1}", "\n".join(reply)


def _repeats(run: Run, planted: Planted) -> list[str]:
    problems = [
        f"{where}: repeats {label}" for where, text in _each_reply(run, planted) for label in planted.hits(text)
    ]
    limited = safety_lines().rate_limited
    return problems + [
        f"{where}: rate limited (never processed)" for where, text in _each_reply(run, planted) if limited in text
    ]


def _without_notice(run: Run, planted: Planted) -> list[str]:
    notice = safety_lines().personal_data
    return [
        f"{where}: does not say personal details are not needed"
        for where, text in _each_reply(run, planted)
        if notice not in text and "need to give" not in text.lower()
    ]


def test_replies_never_repeat_planted_data(session_run: Run, redis_run: RedisRun, planted: Planted) -> None:
    problems = _repeats(session_run, planted) + _repeats(redis_run, planted)
    assert not problems, problems


def test_replies_say_details_are_not_needed(session_run: Run, redis_run: RedisRun, planted: Planted) -> None:
    """Every message here carried personal data: every reply says it was not needed (and removed)."""
    problems = _without_notice(session_run, planted) + _without_notice(redis_run, planted)
    assert not problems, problems


def test_delete_is_confirmed_on_every_channel(session_run: Run) -> None:
    unconfirmed = [ch for ch, replies in session_run.replies.items() if "delet" not in "\n".join(replies[-1]).lower()]
    assert not unconfirmed, f"'{DELETE}' not confirmed on: {unconfirmed}"


# --------------------------------------------------------------------------------------------
# 2. The running servers' logs
# --------------------------------------------------------------------------------------------


def _search_files(files: Iterable[Path], planted: Planted) -> list[str]:
    hits: list[str] = []
    for path in files:
        try:
            if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
                continue
            text = path.read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        hits += [f"{label} in {path}" for label in planted.hits(text)]
    return hits


def test_debug_logs_hold_no_planted_data(stack: Any, session_run: Run, redis_run: RedisRun, planted: Planted) -> None:
    """Every line either server wrote at DEBUG, both stacks: no planted value, no message text,
    no sender id (raw or pseudonymous)."""
    log_files = [*Path(stack.log_dir).rglob("*"), *Path(redis_run.log_dir).rglob("*")]
    assert any(p.is_file() and p.stat().st_size > 0 for p in log_files), "no logs were written"
    hits = _search_files(log_files, planted)
    assert not hits, hits


def test_debug_logs_are_really_debug(stack: Any, session_run: Run) -> None:
    """The search above means something only if the servers logged at DEBUG while we talked."""
    text = (Path(stack.log_dir) / "rasa.log").read_text(encoding="utf-8", errors="replace")
    assert "DEBUG" in text or "debug" in text, "the Rasa server wrote no DEBUG lines"


def test_the_action_server_was_exercised(stack: Any, session_run: Run, redis_run: RedisRun) -> None:
    """The action server's logs prove something only if Rasa reached it with these conversations."""
    actions_log = (Path(stack.log_dir) / "actions.log").read_text(encoding="utf-8", errors="replace")
    assert "Received request to run" in actions_log, "the action server was never called"
    failing = [
        str(folder)
        for folder in (Path(stack.log_dir), Path(redis_run.log_dir))
        if "Failed to run custom action" in (folder / "rasa.log").read_text(encoding="utf-8", errors="replace")
    ]
    assert not failing, f"custom actions failed (is the action endpoint URL expanded?) in {failing}"


# --------------------------------------------------------------------------------------------
# 3. In process: the real in-memory store, and every log record
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def agent(stack: Any) -> Any:
    from rasa.core.agent import Agent
    from rasa.shared.core.domain import Domain
    from rasa.utils.endpoints import EndpointConfig

    from bot.tracker_store import ExpiringInMemoryTrackerStore

    store = ExpiringInMemoryTrackerStore(Domain.empty(), idle_minutes=30)
    action = EndpointConfig(f"http://127.0.0.1:{stack.action_port}/webhook")
    return Agent.load(str(MODEL), tracker_store=store, action_endpoint=action)


@contextlib.contextmanager
def _all_logs_at_debug() -> Iterator[io.StringIO]:
    """Everything logged in this process, at DEBUG, with the project's scrubber installed."""
    import safelog

    safelog.install()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root, rasa_logger = logging.getLogger(), logging.getLogger("rasa")
    levels = (root.level, rasa_logger.level)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    rasa_logger.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(levels[0])
        rasa_logger.setLevel(levels[1])


async def test_in_process_store_and_logs(agent: Any, planted: Planted, capfd: pytest.CaptureFixture[str]) -> None:
    from bot.gateway import Gateway, Incoming
    from bot.pseudonyms import pseudonym
    from bot.settings import get_settings

    gateway = Gateway()
    raw = planted.raw_senders[next(iter(planted.raw_senders))] + "-in-process"
    sender = pseudonym(get_settings().sender_secret, "rest", raw)
    store = agent.tracker_store._tracker_store
    with _all_logs_at_debug() as logs:
        replies = []
        for text in planted.messages:
            outcome = await gateway.handle(
                Incoming("rest", raw, text, "127.0.0.1"), agent.handle_message, agent.tracker_store
            )
            replies.append("\n".join(r.get("text") or "" for r in outcome.replies))
        stored = dict(store.store)
        deleted = await gateway.handle(
            Incoming("rest", raw, DELETE, "127.0.0.1"), agent.handle_message, agent.tracker_store
        )
    printed = capfd.readouterr()
    ids = Planted(planted.plants, planted.phrase, [], {"in-process": raw}, {sender})

    assert sender in stored, "the conversation never reached the store"
    in_store = [
        f"{label} in the tracker store" for text in stored.values() for label in ids.hits(str(text), False, False)
    ]
    assert not in_store, in_store
    assert planted.phrase in str(stored[sender]), "positive control: the store holds the (redacted) message text"
    in_replies = [f"{label} in a reply" for text in replies for label in ids.hits(text)]
    assert not in_replies, in_replies
    logged = ids.hits(logs.getvalue()) + ids.hits(printed.out + printed.err)
    assert not logged, [f"{label} in a log record or on stdout/stderr" for label in logged]
    assert "DEBUG" in logs.getvalue(), "nothing was logged at DEBUG: the search proved nothing"
    assert deleted.deleted and sender not in store.store, "'delete this chat' left the conversation in memory"


# --------------------------------------------------------------------------------------------
# 4. Redis
# --------------------------------------------------------------------------------------------


def test_redis_holds_conversations_without_planted_data(redis_run: RedisRun, planted: Planted) -> None:
    # One conversation per channel at most (staff assist deletes each one-shot query before replying).
    assert 0 < len(redis_run.keys_before) <= len(DRIVERS), (
        f"one conversation per channel expected: {redis_run.keys_before}"
    )
    hits = [
        f"{label} in Redis key {key}"
        for key, value in redis_run.values_before.items()
        for label in planted.hits(value, False, False)
    ]
    assert not hits, hits
    assert all(planted.phrase in value for value in redis_run.values_before.values()), (
        "positive control: every stored conversation holds the (redacted) message text"
    )


def test_redis_keys_expire(redis_run: RedisRun) -> None:
    assert redis_run.ttls and all(0 < ttl <= RECORD_EXP for ttl in redis_run.ttls.values()), redis_run.ttls


def test_delete_this_chat_removes_the_redis_key(redis_run: RedisRun) -> None:
    assert redis_run.keys_before, "no conversation was stored"
    assert redis_run.keys_after == [], f"keys left after '{DELETE}': {redis_run.keys_after}"


def test_nothing_anywhere_in_redis(redis_run: RedisRun, planted: Planted) -> None:
    """Every key in the database, not only ours (the lock store, other prefixes)."""
    hits = [
        f"{label} in Redis key {key}"
        for key, value in redis_run.everything_after.items()
        for label in planted.hits(key + value)
    ]
    assert not hits, hits


# --------------------------------------------------------------------------------------------
# 5. The directory's SQL database
# --------------------------------------------------------------------------------------------


def _postgres_text(url: str) -> str:
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    chunks: list[str] = []
    with engine.connect() as conn:
        inspector = inspect(conn)
        for schema in inspector.get_schema_names():
            if schema in ("information_schema", "pg_catalog"):
                continue
            for table in inspector.get_table_names(schema=schema):
                rows = conn.execute(text(f'SELECT * FROM "{schema}"."{table}"')).fetchall()
                chunks += [str(tuple(row)) for row in rows]
    engine.dispose()
    return "\n".join(chunks)


def test_directory_database_holds_no_planted_data(session_run: Run, redis_run: RedisRun, planted: Planted) -> None:
    sqlite_files = [p for p in Path(tempfile.gettempdir()).glob("safe-to-ask-directory-*/*") if p.is_file()]
    sqlite_files += [
        p for p in ROOT.rglob("*") if p.suffix in {".sqlite", ".sqlite3", ".db"} and ".venv" not in p.parts
    ]
    hits = _search_files(sqlite_files, planted)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        hits += [f"{label} in PostgreSQL" for label in planted.hits(_postgres_text(url))]
    assert not hits, hits


# --------------------------------------------------------------------------------------------
# 6. Every file written during the suite
# --------------------------------------------------------------------------------------------


def _written_since(top: Path, since: float, skip: set[str]) -> Iterator[Path]:
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not any(d.startswith(s) for s in skip)]
        for name in files:
            path = Path(folder) / name
            with contextlib.suppress(OSError):
                if path.suffix != ".pyc" and path.stat().st_mtime >= since:
                    yield path


def test_no_planted_data_in_any_file_written(
    session_run: Run, redis_run: RedisRun, planted: Planted, started_at: float
) -> None:
    """Everything written under the repository and the temp directory while the suite ran (logs,
    caches, models, SQLite files, crash dumps...). The shell's own job records are not ours to read."""
    candidates = [
        *_written_since(ROOT, started_at, set()),
        *_written_since(Path(tempfile.gettempdir()), started_at, {"bash_jobs"}),
    ]
    assert candidates, "no file was written at all: the search proved nothing"
    hits = _search_files(candidates, planted)
    assert not hits, hits


def test_planted_values_are_found_when_present(planted: Planted, tmp_path: Path) -> None:
    """Control for the search itself: a file holding the planted values is reported."""
    leak = tmp_path / "leak.txt"
    leak.write_text("\n".join(planted.messages), encoding="utf-8")
    hits = _search_files([leak], planted)
    for plant in planted.plants:
        if plant.label != "raw sender ids":
            assert any(plant.label in hit for hit in hits), plant.label
    assert any("phrase" in hit for hit in hits)


def test_every_planted_value_is_redacted_before_rasa(planted: Planted) -> None:
    """The same conversation through redaction alone: nothing planted survives."""
    from bot.redaction import redact

    survived = [label for text in planted.messages for label in planted.hits(redact(text).text, False, False)]
    assert not survived, survived
    assert re.search(planted.phrase, redact(planted.messages[-1]).text)
