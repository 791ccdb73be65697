"""Where the time of a turn goes: py-spy on the Rasa server and the action server under load.

    python -m bench.profile [--seconds 30] [--concurrency 8] [--env KEY=VALUE ...] [--no-write]

Starts our stack, drives the benchmark conversations, and samples both servers with py-spy
(`pip install py-spy`, in requirements-dev.txt) for the same window. The raw stacks stay in
.stack/profile/ (collapsed stacks: speedscope or flamegraph.pl draw them); the summary,
a share of samples per part of the path, goes to the `profile` section of docs/benchmarks.md.
Shares are inclusive (a sample inside the NLU pipeline that is also inside TensorFlow counts for
both), of the samples in which a Python thread was busy.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

from bench import load, report
from bench.__main__ import BENCH_ENV, MODEL, extra_env
from stack import ROOT, Stack

OUT = ROOT / ".stack" / "profile"
# (label, substrings of a frame "function (path:line)"); a sample counts once per matching label.
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("gateway (bot/gateway.py, whole turn)", ("bot/gateway.py",)),
    ("redaction (bot/redaction/)", ("bot/redaction/",)),
    ("danger detector (bot/danger.py)", ("bot/danger.py",)),
    ("log scrubbing (safelog)", ("safelog/",)),
    ("logging (stdlib + structlog)", ("logging/__init__.py", "structlog/")),
    ("NLU pipeline (rasa/nlu)", ("rasa/nlu/",)),
    ("TensorFlow", ("tensorflow/", "keras/")),
    ("featurizers (sklearn/scipy)", ("sklearn/", "scipy/")),
    ("dialogue policies (rasa/core/policies)", ("rasa/core/policies/",)),
    ("graph runner (rasa/engine)", ("rasa/engine/",)),
    ("tracker store (rasa/core/tracker_store.py)", ("rasa/core/tracker_store.py", "bot/tracker_store.py")),
    ("lock store", ("rasa/core/lock_store.py",)),
    ("events and trackers (rasa/shared/core)", ("rasa/shared/core/",)),
    ("action server call (rasa/core/actions/action.py)", ("rasa/core/actions/action.py",)),
    ("responses / NLG (rasa/core/nlg)", ("rasa/core/nlg/",)),
    ("HTTP server (sanic request handling)", ("sanic/app.py", "sanic/http", "sanic/request", "sanic/response")),
    ("HTTP client (aiohttp)", ("aiohttp/",)),
    ("JSON (json, ujson)", ("json/", "ujson")),
    ("actions code (actions/)", ("(actions/",)),
    ("rasa-sdk", ("rasa_sdk/",)),
    ("SQLAlchemy / database", ("sqlalchemy/", "psycopg2", "sqlite3")),
)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rate", type=int, default=100, help="py-spy samples per second")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for our servers (repeatable)")
    parser.add_argument("--endpoints", type=Path, default=ROOT / "endpoints.yml")
    parser.add_argument("--no-write", action="store_true")
    return parser.parse_args(argv)


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(found).exists():
        raise SystemExit("py-spy is not installed: .venv/bin/pip install -r requirements-dev.txt")
    return found


def record(pid: int, name: str, seconds: float, rate: int) -> subprocess.Popen:
    """Start py-spy on one process; raw (collapsed) stacks for the summary, speedscope for people."""
    OUT.mkdir(parents=True, exist_ok=True)
    args = [py_spy(), "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", str(rate)]
    args += ["--nonblocking", "--subprocesses", "--format", "raw", "--output", str(OUT / f"{name}.txt")]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


IDLE_LEAVES = ("serve (sanic/server/runners.py", "select (selectors.py", "_worker (concurrent/futures/thread.py")


def read_stacks(path: Path) -> Counter[str]:
    """Collapsed stacks: 'frame;frame;... count' per line, without the event loop waiting.

    With uvloop the loop's wait is native code, so py-spy shows the Python frame that entered it
    (sanic's `serve`) as a busy leaf: those samples are waiting, not work.
    """
    stacks: Counter[str] = Counter()
    if path.exists():
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if stack and count.isdigit() and not _short(stack.split(";")[-1]).startswith(IDLE_LEAVES):
                stacks[stack] += int(count)
    return stacks


def summarise(stacks: Counter[str]) -> tuple[int, list[tuple[str, float]], list[tuple[str, float]]]:
    """Total samples, inclusive share per category, and the top leaf functions by self share."""
    total = sum(stacks.values()) or 1
    inclusive: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    for stack, count in stacks.items():
        frames = stack.split(";")
        leaves[_short(frames[-1])] += count
        for label, needles in CATEGORIES:
            if any(needle in frame for frame in frames for needle in needles):
                inclusive[label] += count
    shares = [(label, inclusive[label] / total) for label, _ in CATEGORIES if inclusive[label]]
    top = [(name, count / total) for name, count in leaves.most_common(12)]
    return total, sorted(shares, key=lambda x: -x[1]), top


def _short(frame: str) -> str:
    """'func (/long/site-packages/pkg/mod.py:12)' -> 'func (pkg/mod.py:12)'."""
    for marker in ("site-packages/", "/work/main/", "python3.10/"):
        if marker in frame:
            head, _, tail = frame.partition("(")
            return f"{head}({tail.split(marker, 1)[1]}" if marker in tail else frame
    return frame


def render(args: argparse.Namespace, result: load.LevelResult, profiles: dict[str, Counter[str]]) -> str:
    lines = [f"## Profile (py-spy) — {report.now()}", "", f"- Command: `{report.command_line('bench.profile')}`"]
    lines += [*report.machine_lines(report.machine())]
    lines += [
        f"- Load while sampling: concurrency {args.concurrency}, {result.throughput} turns/s, "
        f"p50 {result.p50_ms} ms, p95 {result.p95_ms} ms; {args.rate} samples/s per process",
        "- Raw stacks: `.stack/profile/*.txt` (collapsed; flamegraph.pl or speedscope read them)",
        "",
    ]
    for name, stacks in profiles.items():
        total, shares, top = summarise(stacks)
        lines += [f"### {name}: {total} busy samples", ""]
        lines += report.table(["part of the path (inclusive)", "share"], [[k, f"{v:.0%}"] for k, v in shares])
        lines += ["", "Top functions by own time:", ""]
        lines += report.table(["function", "share"], [[f"`{k}`", f"{v:.1%}"] for k, v in top]) + [""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from tooling.ports import free_port

    env = {**BENCH_ENV, **extra_env(args.env)}
    log_dir = ROOT / ".stack" / "profile" / "logs"
    stack = Stack(free_port(), free_port(), MODEL, args.endpoints.resolve(), log_dir=log_dir, env=env)
    stack.start()
    try:
        scripts = load.load_scripts()
        load.run_level_sync(stack.url, scripts, load.Plan(args.concurrency, duration=5, warmup=0))  # warm TF up
        spies = {name: record(p.pid, name, args.seconds, args.rate) for name, p in stack.processes.items()}
        plan = load.Plan(args.concurrency, duration=args.seconds - 2, warmup=1, label="profile")
        outcome: list[load.LevelResult] = []
        runner = threading.Thread(target=lambda: outcome.append(load.run_level_sync(stack.url, scripts, plan)))
        runner.start()
        runner.join()
        for spy in spies.values():
            spy.wait(timeout=args.seconds + 60)
    finally:
        stack.stop()
    profiles = {name: read_stacks(OUT / f"{name}.txt") for name in spies}
    text = render(args, outcome[0], profiles)
    print("\n" + text)
    if not args.no_write:
        report.replace_section("profile", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
