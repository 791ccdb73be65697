"""Language detection cost per message: `python -m bench.language` (the lead wires it into
`make bench`). Detection runs on every message before translation, so its cost adds to every reply.
The mix: the detector's own examples in every served language and form (data/translations/
detection.yml), the English NLU examples, the per-language NLU training files and a few long
messages. Prints one JSON line; also reports the one-off cost of loading the models."""

from __future__ import annotations

import json
import re
import statistics
import time
from pathlib import Path

import yaml

from bot.language.detect import detect, warm_up
from bot.language.locales import DETECTION_FILE
from tooling.stats import percentile

ROOT = Path(__file__).resolve().parent.parent
LONG = ("Czy policja powie o mnie urzędowi imigracyjnemu, boję się wrócić do domu. " * 30)[:2000]


def _nlu_examples() -> list[str]:
    out: list[str] = []
    for path in sorted((ROOT / "data" / "nlu").rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu", []):
            for line in str(item.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    out.append(re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line.strip()[2:]))
    return out


def message_mix() -> list[str]:
    data = yaml.safe_load(DETECTION_FILE.read_text(encoding="utf-8"))
    own = [text for group in data.values() for examples in group.values() for text in examples]
    return own + _nlu_examples() + [LONG] * 5


def measure(rounds: int = 3) -> dict:
    start = time.perf_counter()
    warm_up()
    load_s = time.perf_counter() - start
    messages = message_mix()
    for text in messages:  # every language model loaded, caches warm
        detect(text)
    timings: list[float] = []
    for _ in range(rounds):
        for text in messages:
            begin = time.perf_counter_ns()
            detect(text)
            timings.append((time.perf_counter_ns() - begin) / 1e6)
    return {
        "bench": "language_detection",
        "messages": len(messages),
        "rounds": rounds,
        "model_load_s": round(load_s, 2),
        "p50_ms": round(percentile(timings, 50), 3),
        "p95_ms": round(percentile(timings, 95), 3),
        "mean_ms": round(statistics.fmean(timings), 3),
        "max_ms": round(max(timings), 3),
    }


if __name__ == "__main__":
    print(json.dumps(measure()))
