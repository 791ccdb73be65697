"""NLU parse latency alone: the model loaded in-process, no HTTP, no dialogue, no actions.

Run in its own process (`python -m bench.nlu MODEL`, JSON on stdout) so the benchmark driver
never holds TensorFlow while it drives load, and ours and stock are loaded the same way.
The difference between this and a REST turn is what the server, the dialogue policies, the
tracker store, redaction and the action server add.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.load import distinct_texts, load_scripts
from tooling.stats import percentile


async def _measure(model: str, texts: list[str], rounds: int) -> dict[str, Any]:
    from rasa.core.agent import Agent

    started = time.perf_counter()
    agent = Agent.load(model)
    load_s = time.perf_counter() - started
    for text in texts:  # warm-up: first calls build TF graphs
        await agent.parse_message(text)
    timings = []
    for _ in range(rounds):
        for text in texts:
            begin = time.perf_counter()
            await agent.parse_message(text)
            timings.append((time.perf_counter() - begin) * 1000)
    return {
        "model_load_s": round(load_s, 1),
        "parses": len(timings),
        "p50_ms": round(percentile(timings, 50), 2),
        "p95_ms": round(percentile(timings, 95), 2),
        "p99_ms": round(percentile(timings, 99), 2),
        "mean_ms": round(statistics.fmean(timings), 2),
    }


def measure_in_subprocess(model: Path, rounds: int = 20, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Parse latency of `model`, measured in a fresh Python process."""
    from stack import ROOT, base_env

    result = subprocess.run(
        [sys.executable, "-m", "bench.nlu", str(model), str(rounds)],
        cwd=ROOT,
        env=base_env(**(env or {})),
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"error": f"exit {result.returncode}: {tail[0][:200]}"}
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    logging.disable(logging.WARNING)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    model, rounds = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20
    texts = distinct_texts(load_scripts())
    print(json.dumps(asyncio.run(_measure(model, texts, rounds))))


if __name__ == "__main__":
    main()
