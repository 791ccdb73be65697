"""Closed-loop load: N simulated people, each holding a multi-turn conversation over REST.

Each worker picks the next script (weighted, seeded, so every run and both assistants see the same
sequence), sends its turns one after another with a fresh sender id, and records every turn's
latency. Turns that start during the warm-up are not measured. Every run is bounded twice: by time
(`warmup + duration`) and by a turn budget, and every request by a timeout.
Replies are checked, not just timed: HTTP failures, empty replies, our fallback ("can't answer
properly"), and danger turns without 999 are counted separately.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from tooling.stats import percentile

SCRIPTS_FILE = Path(__file__).with_name("conversations.yml")
REST_PATH = "/webhooks/rest/webhook"
DEGRADED_MARKER = "can't answer properly right now"  # data/safety.yml `unavailable`: the gateway's fallback


@dataclass(frozen=True)
class Turn:
    text: str
    danger: bool = False
    expect: tuple[str, ...] = ()


@dataclass(frozen=True)
class Script:
    name: str
    weight: int
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class Reply:
    """What one turn produced: its latency and how it was judged."""

    started: float
    finished: float
    failure: str | None = None
    degraded: bool = False
    missed: tuple[str, ...] = ()
    danger: bool = False
    retried: bool = False

    @property
    def latency_ms(self) -> float:
        return (self.finished - self.started) * 1000


@dataclass
class LevelResult:
    label: str
    concurrency: int
    window_s: float
    turns: int
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    failures: int
    failure_kinds: dict[str, int] = field(default_factory=dict)
    degraded: int = 0
    expectation_misses: int = 0
    danger_turns: int = 0
    danger_without_999: int = 0
    retried: int = 0
    conversations: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_scripts(path: Path = SCRIPTS_FILE) -> list[Script]:
    """The conversation scripts from the YAML data file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    scripts = []
    for item in data["conversations"]:
        turns = tuple(Turn(t["text"], bool(t.get("danger", False)), tuple(t.get("expect", ()))) for t in item["turns"])
        scripts.append(Script(item["name"], int(item.get("weight", 1)), turns))
    return scripts


def script_sequence(scripts: list[Script], seed: int) -> Iterator[Script]:
    """An endless, reproducible, weighted sequence of scripts."""
    rng = random.Random(seed)
    pool = [s for s in scripts for _ in range(s.weight)]
    while True:
        rng.shuffle(pool)
        yield from pool


def judge(turn: Turn, status: int, body: Any, strict: bool = True) -> tuple[str | None, bool, tuple[str, ...]]:
    """(failure kind or None, degraded, expected strings missing) for one reply.

    Not strict (the stock assistant): only HTTP failures count; stock Rasa legitimately answers
    some messages with nothing and knows nothing of 999.
    """
    if status != 200:
        return f"http {status}", False, ()
    if not strict:
        return None, False, ()
    if not isinstance(body, list) or not any(isinstance(r, dict) and r.get("text") for r in body):
        return "empty reply", False, ()
    text = "\n".join(str(r.get("text") or "") for r in body if isinstance(r, dict))
    missed = tuple(e for e in turn.expect if e not in text)
    return None, DEGRADED_MARKER in text, missed


class Client:
    """Sends one turn; optionally retries once on a transport failure (what a widget would do)."""

    def __init__(
        self, session: aiohttp.ClientSession, url: str, timeout: float, retry: bool, strict: bool = True
    ) -> None:
        self.session = session
        self.strict = strict
        self.url = url.rstrip("/") + REST_PATH
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.retry = retry

    async def _post(self, sender: str, turn: Turn) -> tuple[int, Any]:
        async with self.session.post(
            self.url, json={"sender": sender, "message": turn.text}, timeout=self.timeout
        ) as response:
            body = await response.json(content_type=None) if response.status == 200 else None
            return response.status, body

    async def send(self, sender: str, turn: Turn) -> Reply:
        started = time.monotonic()
        attempts = 2 if self.retry else 1
        failure: str | None = None
        degraded, missed = False, ()
        for attempt in range(attempts):
            try:
                status, body = await self._post(sender, turn)
            except asyncio.TimeoutError:
                status, body, failure = 0, None, "timeout"
            except aiohttp.ClientError as error:
                status, body, failure = 0, None, type(error).__name__
            if status:
                failure, degraded, missed = judge(turn, status, body, self.strict)
            if failure is None or attempt == attempts - 1 or not _retryable(status):
                break
        finished = time.monotonic()
        if failure is not None:
            return Reply(started, finished, failure=failure, danger=turn.danger and self.strict, retried=attempt > 0)
        danger = turn.danger and self.strict
        return Reply(started, finished, None, degraded, missed, danger, retried=attempt > 0)


def _retryable(status: int) -> bool:
    """Transport errors and balancer errors are worth one retry; a 4xx is not."""
    return status == 0 or status in (502, 503, 504)


@dataclass
class Plan:
    concurrency: int
    duration: float
    warmup: float
    max_turns: int = 200_000
    timeout: float = 30.0
    retry: bool = False
    seed: int = 7
    label: str = ""
    strict: bool = True  # judge replies as ours (non-empty, 999 on danger); False for stock Rasa


async def _worker(
    client: Client, plan: Plan, sequence: Iterator[Script], deadline: float, replies: list[Reply], tag: str
) -> int:
    """One simulated person after another, until the deadline or the turn budget."""
    conversations = 0
    while time.monotonic() < deadline and len(replies) < plan.max_turns:
        script = next(sequence)
        sender = f"bench-{tag}-{uuid.uuid4().hex[:12]}"
        conversations += 1
        for turn in script.turns:
            if time.monotonic() >= deadline or len(replies) >= plan.max_turns:
                break
            replies.append(await client.send(sender, turn))
    return conversations


def summarise(
    label: str, plan: Plan, replies: list[Reply], window: tuple[float, float], conversations: int
) -> LevelResult:
    """Statistics over the turns that started after warm-up and finished within the window."""
    start, end = window
    measured = [r for r in replies if r.started >= start and r.finished <= end]
    ok = [r for r in measured if r.failure is None]
    latencies = [r.latency_ms for r in ok]
    kinds = Counter(r.failure for r in measured if r.failure)
    span = max(end - start, 1e-9)
    return LevelResult(
        label=label,
        concurrency=plan.concurrency,
        window_s=round(span, 1),
        turns=len(measured),
        throughput=round(len(ok) / span, 2),
        p50_ms=round(percentile(latencies, 50), 1),
        p95_ms=round(percentile(latencies, 95), 1),
        p99_ms=round(percentile(latencies, 99), 1),
        mean_ms=round(statistics.fmean(latencies), 1) if latencies else 0.0,
        max_ms=round(max(latencies), 1) if latencies else 0.0,
        failures=sum(kinds.values()),
        failure_kinds=dict(kinds),
        degraded=sum(r.degraded for r in measured),
        expectation_misses=sum(bool(r.missed) for r in measured),
        danger_turns=sum(r.danger for r in measured),
        danger_without_999=sum(r.danger and (r.failure is not None or "999" in r.missed) for r in measured),
        retried=sum(r.retried for r in measured),
        conversations=conversations,
    )


async def run_level(url: str, scripts: list[Script], plan: Plan) -> LevelResult:
    """Drive `plan.concurrency` conversations at once against `url`; measure after warm-up."""
    sequence = script_sequence(scripts, plan.seed)
    replies: list[Reply] = []
    connector = aiohttp.TCPConnector(limit=plan.concurrency + 4, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        client = Client(session, url, plan.timeout, plan.retry, plan.strict)
        began = time.monotonic()
        deadline = began + plan.warmup + plan.duration
        tag = uuid.uuid4().hex[:6]
        workers = [_worker(client, plan, sequence, deadline, replies, f"{tag}{i}") for i in range(plan.concurrency)]
        counts = await asyncio.gather(*workers)
    return summarise(plan.label or url, plan, replies, (began + plan.warmup, deadline), sum(counts))


def run_level_sync(url: str, scripts: list[Script], plan: Plan) -> LevelResult:
    return asyncio.run(run_level(url, scripts, plan))


def distinct_texts(scripts: list[Script]) -> list[str]:
    """Every distinct user message in the scripts (for the NLU-only measurement)."""
    return list(dict.fromkeys(t.text for s in scripts for t in s.turns))
