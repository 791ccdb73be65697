"""`make soak`: a steady load for a bounded time; nothing may fail, leak or lose the 999 line.

    python -m bench.soak [--url URL] [--seconds 600] [--warmup 60] [--rate TURNS_PER_S] [--no-write]

The rate defaults to half of what the last `make bench` measured for our stack at concurrency 8
(.stack/bench/last.json), i.e. a load the benchmark shows this machine holds with room to spare;
SOAK_RATE or --rate overrides it. Turns are paced (not closed-loop), so a slow server shows up as
latency and a lower achieved rate, not as a quietly lighter test.

Pass criteria (exit code 1 when any fails):
- zero failed requests (HTTP error, timeout, empty reply);
- every danger message answered with 999;
- resident memory of each server at the end within 10% of what it was just after the warm-up
  (medians of the first and last 30 s of samples, so one garbage-collection peak decides nothing).
Loopback only; bounded by time, by a turn budget and by a per-request timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bench import load, memory, report
from bench.__main__ import BENCH_ENV, LAST, MODEL
from bench.render import BUSY_LOAD
from stack import ROOT, Stack

GROWTH_LIMIT = 0.10
WINDOW_S = 30.0
DEFAULT_RATE = 10.0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="soak this running stack (memory is then not checked)")
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", 600)))
    parser.add_argument("--warmup", type=float, default=float(os.environ.get("SOAK_WARMUP", 60)))
    parser.add_argument("--rate", type=float, default=float(os.environ.get("SOAK_RATE", 0)) or None)
    parser.add_argument("--workers", type=int, default=32, help="most conversations open at once")
    parser.add_argument("--endpoints", type=Path, default=ROOT / "endpoints.yml")
    parser.add_argument("--no-write", action="store_true")
    return parser.parse_args(argv)


def default_rate() -> tuple[float, str]:
    """Half the c=8 throughput of the last benchmark, or a modest fixed rate without one."""
    try:
        figures = json.loads(LAST.read_text())
        ours = next(v for k, v in figures["targets"].items() if k.startswith("ours"))
        c8 = next(r for r in ours if r["concurrency"] == 8)["throughput"]
        return round(max(1.0, c8 / 2), 1), f"half the c=8 throughput of the benchmark of {figures['date']}"
    except (OSError, KeyError, StopIteration, ValueError):
        return DEFAULT_RATE, "default (no benchmark figures in .stack/bench/last.json)"


class Pacer:
    """Hands out turn slots at a fixed rate; a server that falls behind gets no burst to catch up."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.next = time.monotonic()

    async def wait(self) -> None:
        now = time.monotonic()
        slot = max(self.next, now)
        self.next = slot + self.interval
        await asyncio.sleep(slot - now)


@dataclass
class Soak:
    url: str
    rate: float
    seconds: float
    warmup: float
    workers: int
    max_turns: int

    async def _person(
        self, client: load.Client, pacer: Pacer, scripts: Iterator[load.Script], deadline: float, out: list
    ) -> int:
        conversations = 0
        while time.monotonic() < deadline and len(out) < self.max_turns:
            sender = f"soak-{uuid.uuid4().hex[:12]}"
            conversations += 1
            for turn in next(scripts).turns:
                await pacer.wait()
                if time.monotonic() >= deadline:
                    break
                out.append(await client.send(sender, turn))
        return conversations

    async def run(self, scripts: list[load.Script]) -> tuple[list[load.Reply], float, float, int]:
        replies: list[load.Reply] = []
        sequence = load.script_sequence(scripts, seed=11)
        pacer = Pacer(self.rate)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self.workers + 4)) as session:
            client = load.Client(session, self.url, timeout=30, retry=False)
            began = time.monotonic()
            deadline = began + self.warmup + self.seconds
            people = [self._person(client, pacer, sequence, deadline, replies) for _ in range(self.workers)]
            progress = asyncio.create_task(_progress(replies, began, deadline))
            counts = await asyncio.gather(*people)
            progress.cancel()
        return replies, began + self.warmup, deadline, sum(counts)


async def _progress(replies: list[load.Reply], began: float, deadline: float) -> None:
    """A line a minute, so a long run shows it is alive (counts only, never text)."""
    while time.monotonic() < deadline:
        await asyncio.sleep(60)
        failed = sum(r.failure is not None for r in replies)
        print(f"[soak] {time.monotonic() - began:.0f} s: {len(replies)} turns, {failed} failed", flush=True)


def growth(sampler: memory.Sampler, name: str, start: float, end: float) -> dict[str, float]:
    """Median RSS in the first and last WINDOW_S after warm-up, and the relative growth."""
    points = [(at, mb) for at, mb in sampler.series.get(name, []) if at >= start]
    first = [mb for at, mb in points if at <= start + WINDOW_S] or [0.0]
    last = [mb for at, mb in points if at >= end - WINDOW_S] or [0.0]
    before, after = statistics.median(first), statistics.median(last)
    change = (after - before) / before if before else 0.0
    return {
        "after_warmup_mb": round(before, 1),
        "end_mb": round(after, 1),
        "growth": round(change, 4),
        "peak_mb": round(max((mb for _, mb in points), default=0.0), 1),
    }


def verdict(result: load.LevelResult, memory_growth: dict[str, dict[str, float]]) -> list[tuple[str, bool]]:
    checks = [
        (f"failed requests: {result.failures} (must be 0)", result.failures == 0),
        (
            f"danger messages without 999: {result.danger_without_999} of {result.danger_turns}",
            result.danger_without_999 == 0 and result.danger_turns > 0,
        ),
    ]
    for name, figures in memory_growth.items():
        checks.append(
            (
                f"{name} memory growth after warm-up: {figures['growth'] * 100:+.1f}% "
                f"({figures['after_warmup_mb']} → {figures['end_mb']} MB, limit +10%)",
                figures["growth"] <= GROWTH_LIMIT,
            )
        )
    return checks


def render(
    args: argparse.Namespace,
    rate: float,
    why: str,
    result: load.LevelResult,
    checks: list[tuple[str, bool]],
    started: str,
    info: dict[str, str],
) -> str:
    lines = [
        f"## `make soak` — {started}",
        "",
        f"- Command: `{report.command_line('bench.soak')}`",
        *report.machine_lines(info),
    ]
    if args.seconds < 600 or float(info["load"].split()[0]) > BUSY_LOAD:
        lines[2:2] = ["**Provisional:** shorter than the 10-minute soak, or on a machine other work was loading.", ""]
    lines += [
        f"- Paced at {rate} turns/s ({why}); {args.warmup:.0f} s warm-up, then {args.seconds:.0f} s measured",
        f"- Achieved {result.throughput} turns/s over {result.window_s} s: {result.turns} turns, "
        f"{result.conversations} conversations; p50 {result.p50_ms} ms, p95 {result.p95_ms} ms, "
        f"p99 {result.p99_ms} ms, max {result.max_ms} ms",
        f"- Fallback (safety) replies: {result.degraded}; failure kinds: {result.failure_kinds or 'none'}",
        "",
    ]
    lines += [f"- {'PASS' if ok else 'FAIL'}: {text}" for text, ok in checks]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    rate, why = (args.rate, "given") if args.rate else default_rate()
    started, info, scripts = report.now(), report.machine(), load.load_scripts()
    stack = None
    if not args.url:
        from tooling.ports import free_port

        log_dir = ROOT / ".stack" / "soak"
        stack = Stack(free_port(), free_port(), MODEL, args.endpoints.resolve(), log_dir=log_dir, env=dict(BENCH_ENV))
        stack.start()
    try:
        url = args.url or stack.url  # type: ignore[union-attr]
        roots = {name: p.pid for name, p in stack.processes.items()} if stack else {}
        soak = Soak(
            url, rate, args.seconds, args.warmup, args.workers, max_turns=int(rate * 3 * (args.seconds + args.warmup))
        )
        print(f"[soak] {rate} turns/s for {args.warmup:.0f} + {args.seconds:.0f} s against {url}", flush=True)
        with memory.Sampler(roots, interval=1.0) as sampler:
            replies, start, end, conversations = asyncio.run(soak.run(scripts))
    finally:
        if stack is not None:
            stack.stop()
    plan = load.Plan(args.workers, args.seconds, args.warmup, label="soak")
    result = load.summarise("soak", plan, replies, (start, end), conversations)
    checks = verdict(result, {name: growth(sampler, name, start, end) for name in roots})
    text = render(args, rate, why, result, checks, started, info)
    print("\n" + text)
    if not args.no_write:
        report.replace_section("soak", text)
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
