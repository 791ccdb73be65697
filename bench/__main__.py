"""`make bench`: latency, throughput, memory and component costs, ours beside stock Rasa.

    python -m bench [--url URL] [--levels 1,8,32] [--duration 30] [--warmup 5] [--no-stock]
                    [--no-scaled] [--env KEY=VALUE ...] [--note TEXT] [--no-write]

Starts our stack (or uses `--url`), a stock `rasa init` assistant (trained on first use under
.stack/bench/) and, when nginx and Redis are there, the scaled stack (nginx + 2 Rasa + 2 action
servers); drives each with the same simulated conversations at each concurrency level, the
targets interleaved level by level so a drift in background load hits all of them alike.
Then NLU parse latency alone (each model loaded in its own process), redaction cost, directory
query latency, staff-assist latency, the danger detector's blind figures and latency, language
detection latency and the SMS composer's delivery figures and turn latency (bench/redaction.py,
directory.py, staff.py, danger.py, language.py and sms.py). Prints everything and writes the `bench` section of
docs/benchmarks.md and .stack/bench/last.json (which `make soak` reads to pick its rate).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import secrets
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import load, memory, report
from stack import ROOT, Stack

MODEL = ROOT / "models" / "safe-to-ask.tar.gz"
LAST = ROOT / ".stack" / "bench" / "last.json"
# Loopback load comes from one address: the per-address limit would throttle the benchmark itself.
BENCH_ENV = {"RATE_PER_ADDRESS_PER_MINUTE": "100000000", "RATE_PER_SENDER_PER_MINUTE": "1000"}


@dataclass
class Target:
    """One system under load: a label, its URL and the processes whose memory we watch."""

    label: str
    url: str
    pids: dict[str, int] = field(default_factory=dict)
    results: list[load.LevelResult] = field(default_factory=list)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="measure this running stack instead of starting one")
    parser.add_argument("--levels", default="1,8,32", help="concurrency levels, comma-separated")
    parser.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_SECONDS", 30)))
    parser.add_argument("--warmup", type=float, default=float(os.environ.get("BENCH_WARMUP", 5)))
    parser.add_argument("--max-turns", type=int, default=100_000, help="turn budget per level and target")
    parser.add_argument("--no-stock", action="store_true", help="skip the stock rasa init assistant")
    parser.add_argument("--retrain-stock", action="store_true")
    parser.add_argument("--no-scaled", action="store_true", help="skip nginx + 2 Rasa + 2 action servers")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for our servers (repeatable)")
    parser.add_argument("--endpoints", type=Path, default=ROOT / "endpoints.yml", help="for our single stack")
    parser.add_argument("--nlu-rounds", type=int, default=20)
    parser.add_argument("--note", default="", help="a line to print with the figures")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    return parser.parse_args(argv)


def extra_env(pairs: list[str]) -> dict[str, str]:
    env = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"--env wants KEY=VALUE, got {pair!r}")
        env[key] = value
    return env


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def optional(module: str, *args: Any, entry: str = "measure", **kwargs: Any) -> dict[str, Any]:
    """Run bench/<module>.py's `entry` (measure()) if the module is present; say so if not."""
    try:
        imported = importlib.import_module(f"bench.{module}")
    except ModuleNotFoundError as error:
        if error.name == f"bench.{module}":
            return {"skipped": f"bench/{module}.py is not present"}
        return {"error": f"import failed: {error}"}
    try:
        return dict(getattr(imported, entry)(*args, **kwargs))
    except Exception as error:  # a broken component must not lose the rest of the figures
        return {"error": f"{type(error).__name__}: {str(error)[:200]}"}


class Harness:
    """Starts what is to be measured and stops all of it, whatever happens."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.stack = contextlib.ExitStack()
        self.targets: list[Target] = []
        self.notes: list[str] = []
        self.staff_token = secrets.token_hex(16)
        self.stock_training_s: float | None = None
        self.stock_model: Path | None = None
        self.scaled: Any = None
        self.our_env = {**BENCH_ENV, "STAFF_TOKEN": self.staff_token, **extra_env(args.env)}

    def __enter__(self) -> Harness:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.close()

    def start_ours(self) -> None:
        from tooling.ports import free_port

        if self.args.url:
            self.targets.append(Target("ours (given URL)", self.args.url))
            self.notes.append("Our stack was given by --url: its memory is not measured.")
            return
        log("starting our stack (action server + Rasa server)")
        log_dir = ROOT / ".stack" / "bench" / "ours"
        ours = Stack(free_port(), free_port(), MODEL, self.args.endpoints.resolve(), log_dir=log_dir, env=self.our_env)
        self.stack.callback(ours.stop)
        ours.start()
        pids = {"rasa": ours.processes["rasa"].pid, "actions": ours.processes["actions"].pid}
        self.targets.append(Target("ours", ours.url, pids))

    def start_stock(self) -> None:
        if self.args.no_stock:
            self.notes.append("Stock assistant skipped (--no-stock).")
            return
        from bench.stock import StockServer, ensure_stock_model
        from tooling.ports import free_port

        log("stock rasa init assistant: training unless already trained for this Rasa version")
        stock = ensure_stock_model(retrain=self.args.retrain_stock)
        self.stock_training_s, self.stock_model = stock.training_seconds, stock.model
        if stock.reused:
            self.notes.append(f"Stock model reused from {stock.directory.relative_to(ROOT)} (trained earlier).")
        server = StockServer(stock, free_port(), ROOT / ".stack" / "bench" / "stock")
        self.stack.callback(server.stop)
        server.start()
        assert server.process is not None
        self.targets.append(Target("stock", server.url, {"stock-rasa": server.process.pid}))

    def start_scaled(self) -> None:
        if self.args.no_scaled or self.args.url:
            self.notes.append("Scaled stack skipped" + (" (--no-scaled)." if self.args.no_scaled else " (--url)."))
            return
        from stack.scaled import ScaledStack, nginx_binary, reachable
        from tooling.ports import free_port

        try:
            nginx_binary()
        except RuntimeError as error:
            self.notes.append(f"Scaled stack skipped: {error}")
            return
        if not reachable("127.0.0.1", 6379):
            self.notes.append("Scaled stack skipped: Redis is not reachable at 127.0.0.1:6379.")
            return
        log("starting the scaled stack (nginx + 2 Rasa + 2 action servers, Redis, PostgreSQL)")
        scaled = ScaledStack(
            public_port=free_port(),
            action_balancer_port=free_port(),
            rasa_ports=(free_port(), free_port()),
            action_ports=(free_port(), free_port()),
            model=MODEL,
            log_dir=ROOT / ".stack" / "bench" / "scaled",
            key_prefix=f"bench{secrets.token_hex(4)}",
            env=self.our_env,
        )
        self.stack.callback(scaled.stop)
        self.stack.callback(forget_keys, scaled.key_prefix)
        self.scaled = scaled
        scaled.start()
        pids = {name: p.pid for name, p in scaled.processes().items()}
        self.targets.append(Target("scaled", scaled.url, pids))


def tracker_sizes(prefix: str, sample: int = 200) -> dict[str, Any]:
    """Bytes Redis holds per conversation (MEMORY USAGE of up to `sample` tracker keys)."""
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, decode_responses=True, socket_timeout=5)
    keys = []
    for key in client.scan_iter(match=f"{prefix}:tracker:*", count=500):
        keys.append(key)
        if len(keys) >= sample:
            break
    sizes = [client.memory_usage(key) or 0 for key in keys]
    if not sizes:
        return {}
    return {"keys_sampled": len(sizes), "mean_bytes": round(sum(sizes) / len(sizes)), "max_bytes": max(sizes)}


def forget_keys(prefix: str) -> None:
    """The benchmark's conversations leave the machine's Redis with the benchmark."""
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, socket_timeout=5)
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)
    locks = redis.Redis(host="127.0.0.1", port=6379, db=1, socket_timeout=5)
    for key in locks.scan_iter(match=f"{prefix}:*", count=1000):
        locks.delete(key)


def probe(targets: list[Target], scripts: list[load.Script]) -> None:
    """One short conversation per target before measuring: fail fast on a broken stack."""
    for target in targets:
        plan = load.Plan(1, duration=2, warmup=0, max_turns=3, label=target.label, strict=target.label != "stock")
        result = load.run_level_sync(target.url, scripts, plan)
        if result.turns and result.failures == result.turns:
            raise SystemExit(f"{target.label} at {target.url} does not answer: {result.failure_kinds}")


def drive(targets: list[Target], scripts: list[load.Script], args: argparse.Namespace) -> None:
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    for level in levels:
        for target in targets:
            strict = target.label != "stock"
            plan = load.Plan(level, args.duration, args.warmup, args.max_turns, label=target.label, strict=strict)
            log(f"{target.label}: concurrency {level}, {args.warmup:.0f} s warm-up + {args.duration:.0f} s")
            result = load.run_level_sync(target.url, scripts, plan)
            target.results.append(result)
            log(
                f"  {result.throughput:.1f} turns/s  p50 {result.p50_ms} ms  p95 {result.p95_ms} ms  "
                f"p99 {result.p99_ms} ms  failures {result.failures}  degraded {result.degraded}"
            )
            time.sleep(1)


def training_time() -> str:
    record = ROOT / "models" / "training-time.txt"
    if record.exists():
        return record.read_text().strip()
    return "not recorded (models/training-time.txt is written by make train)"


def run(args: argparse.Namespace) -> dict[str, Any]:
    started_at, info = report.now(), report.machine()
    scripts = load.load_scripts()
    figures: dict[str, Any] = {"date": started_at, "machine": info, "command": report.command_line("bench")}
    with Harness(args) as harness:
        harness.start_stock()  # first: training (if needed) runs while nothing else does
        harness.start_ours()
        harness.start_scaled()
        probe(harness.targets, scripts)
        roots = {f"{t.label}/{name}": pid for t in harness.targets for name, pid in t.pids.items()}
        with memory.Sampler(roots) as sampler:
            drive(harness.targets, scripts, args)
            ours = next((t for t in harness.targets if t.label.startswith("ours")), None)
            if ours is not None:
                log("staff assist latency")
                figures["staff"] = optional("staff", ours.url, harness.staff_token, 10, 200)
        figures["memory"] = {"peak_tree_rss_mb": sampler.peaks, "vm_hwm_mb": sampler.hwm}
        if harness.scaled is not None:
            figures["tracker"] = tracker_sizes(harness.scaled.key_prefix)
        figures["targets"] = {t.label: [r.as_dict() for r in t.results] for t in harness.targets}
        figures["urls"] = {t.label: t.url for t in harness.targets}
        notes, stock_model, stock_training = harness.notes, harness.stock_model, harness.stock_training_s
    log("NLU parse latency (models loaded in-process, one process each)")
    figures["nlu"] = {"ours": nlu_figures(MODEL, args, extra_env(args.env))}
    if stock_model is not None:
        figures["nlu"]["stock"] = nlu_figures(stock_model, args, {})
    log("redaction and directory")
    figures["redaction"] = optional("redaction")
    figures["directory"] = optional("directory")
    log("danger detector, language detection and the SMS composer")
    figures["danger"] = optional("danger")
    figures["language"] = optional("language")
    figures["sms"] = optional("sms", entry="run")
    figures["training"] = {"ours": training_time(), "stock_s": stock_training}
    figures["notes"] = notes + ([args.note] if args.note else [])
    return figures


def nlu_figures(model: Path, args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    from bench.nlu import measure_in_subprocess

    return measure_in_subprocess(model, args.nlu_rounds, env)


def write_sizing(figures: dict[str, Any]) -> None:
    """The sizing arithmetic, with this run's figures, into docs/deploy.md (if it has the section)."""
    from bench.render import sizing

    deploy = ROOT / "docs" / "deploy.md"
    if deploy.exists() and "<!-- sizing:start -->" in deploy.read_text(encoding="utf-8"):
        body = [f"Computed by `make bench` on {figures['date']} (`{figures['command']}`):", "", *sizing(figures)]
        report.replace_section("sizing", "\n".join(body), deploy)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not args.url and not MODEL.exists():
        print("No model at models/safe-to-ask.tar.gz: run `make train` (make bench does).", file=sys.stderr)
        return 2
    figures = run(args)
    from bench.render import render

    text = render(figures)
    print("\n" + text)
    LAST.parent.mkdir(parents=True, exist_ok=True)
    LAST.write_text(json.dumps(figures, indent=2))
    if not args.no_write:
        report.replace_section("bench", text)
        write_sizing(figures)
        log(f"wrote {report.BENCHMARKS.relative_to(ROOT)}, docs/deploy.md (sizing) and {LAST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
