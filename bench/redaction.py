"""Redaction cost per message: `python -m bench.redaction` (also part of `make bench`).

Redaction runs on every message on every channel, before Rasa, so its cost adds to every reply.
The mix is realistic: the project's own NLU examples (what people ask, mostly without personal
data) plus messages full of synthetic personal data, and a few maximum-length messages.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from pathlib import Path

import yaml

from bot.redaction import redact, warm_up
from tooling.stats import percentile

ROOT = Path(__file__).resolve().parent.parent
WITH_PERSONAL_DATA = [
    "my name is Zorbina Quillfeather and my number is 07700 900123",
    "I live at 12 Acacia Road, Cardiff CF10 1AA, will the police tell the home office?",
    "my husband Brennick took my passport 123456789 and my BRP ZU1234567",
    "email me at zorbina@example.com or text +44 7700 900 456",
    "DOB 03/03/1990, NI number QQ 12 34 56 C, HO ref X1234567",
    "hi im zorbina, my son Ali is 5 and we live in flat 3, 7 High Street",
    "he has my card 4111 1111 1111 1111 and account 12345678 sort code 12-34-56",
    "my visa expired in 2023, I have been here 5 years, I owe £2,500, call 0808 2000 247?",
]
LONG = ("my husband hits me and I am scared, I live in Cardiff, my number is 07700 900123. " * 30)[:2000]


def _nlu_examples() -> list[str]:
    examples: list[str] = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            continue
        for item in data.get("nlu", []):
            for line in str(item.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    examples.append(re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line.strip()[2:]))
    return examples


def message_mix() -> list[str]:
    """About four in five messages without personal data, one in five with, a few long ones."""
    plain = _nlu_examples() or ["will the police tell the home office?"]
    personal = WITH_PERSONAL_DATA * max(1, len(plain) // (4 * len(WITH_PERSONAL_DATA)))
    return plain + personal + [LONG] * max(1, len(plain) // 200)


def measure(rounds: int = 5) -> dict:
    """Redaction cost per message in microseconds (p50, p95, mean, max) over the mix."""
    warm_up()
    messages = message_mix()
    for text in messages:  # compile caches, first-use costs
        redact(text)
    timings: list[float] = []
    for _ in range(rounds):
        for text in messages:
            start = time.perf_counter_ns()
            redact(text)
            timings.append((time.perf_counter_ns() - start) / 1000)
    long_cost = min(_time_one(LONG) for _ in range(20))
    return {
        "messages": len(messages),
        "rounds": rounds,
        "p50_us": round(percentile(timings, 50), 1),
        "p95_us": round(percentile(timings, 95), 1),
        "mean_us": round(statistics.fmean(timings), 1),
        "max_us": round(max(timings), 1),
        "long_2000_chars_us": round(long_cost, 1),
    }


def _time_one(text: str) -> float:
    start = time.perf_counter_ns()
    redact(text)
    return (time.perf_counter_ns() - start) / 1000


def main() -> None:
    result = measure()
    print(
        f"Redaction cost per message over {result['messages']} messages x {result['rounds']}: "
        f"p50 {result['p50_us']} µs, p95 {result['p95_us']} µs, mean {result['mean_us']} µs, "
        f"max {result['max_us']} µs; a 2000-character message {result['long_2000_chars_us']} µs"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
