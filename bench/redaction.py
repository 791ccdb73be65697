"""Redaction cost per message: `python -m bench.redaction` (also part of `make bench`).

Also the worst-case shapes (time at 1k, 2k, 4k characters and the ratio time(4k)/time(1k), which
is about 4 when the cost is linear), and with `--forms` the share of the personal-data forms
table redacted and of the look-alikes kept, per kind and language.

Redaction runs on every message on every channel, before Rasa, so its cost adds to every reply.
The mix is realistic: the project's own NLU examples (what people ask, mostly without personal
data) plus messages full of synthetic personal data, and a few maximum-length messages.
"""

from __future__ import annotations

import gc
import json
import re
import statistics
import sys
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
    shapes = shape_ratios()
    ratios = sorted(f["ratio_4k_1k"] for f in shapes.values())
    worst = max(shapes, key=lambda name: shapes[name]["ratio_4k_1k"])
    return {
        "messages": len(messages),
        "rounds": rounds,
        "p50_us": round(percentile(timings, 50), 1),
        "p95_us": round(percentile(timings, 95), 1),
        "mean_us": round(statistics.fmean(timings), 1),
        "max_us": round(max(timings), 1),
        "long_2000_chars_us": round(long_cost, 1),
        "shapes": len(shapes),
        "shapes_median_ratio_4k_1k": ratios[len(ratios) // 2],
        "shapes_worst": worst,
        "shapes_worst_ratio_4k_1k": shapes[worst]["ratio_4k_1k"],
        "shapes_slowest_4k_ms": max(f["4k_ms"] for f in shapes.values()),
    }


# Worst-case shapes (issue 17 finding 3): each repeated to 1k, 2k and 4k characters.
ADVERSARIAL: dict[str, str] = {
    "a.a.a. dot": "a.",
    "a dot a dot": "a dot ",
    "1 1 1 1": "1 ",
    "digit run": "1234567890",
    "@@@@": "@",
    "a@a@a@": "a@",
    "x at y dot": "x at y dot ",
    "Capitalised Words": "Zorbin ",
    "my name is": "my name is ",
    "call me call me": "call me ",
    "oh oh oh": "oh ",
    "o0o0": "o0",
    "1-1-1-": "1-",
    "+1 +1": "+1 ",
    "12/12/": "12/",
    "aaaa": "a",
    "phone numbers": "07700 900123 ",
    "dob words": "born on the ",
    "street words": "12 Acacia ",
    "my husband is": "my husband is ",
    "arabic": "اسمي ",
    "underscores": "a_1_",
}
SIZES = (1000, 2000, 4000)


def shaped(unit: str, size: int) -> str:
    """`unit` repeated to exactly `size` characters."""
    return (unit * (size // len(unit) + 1))[:size]


def _best_ms(text: str, repeats: int) -> float:
    """The CPU time of the fastest of `repeats` calls (CPU time and the minimum filter out a busy
    machine: the ratio is about the rules, not the neighbours; the garbage
    collector is paused so that its passes, which depend on the whole process, are not timed)."""
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeats):
            start = time.thread_time()
            redact(text)
            best = min(best, time.thread_time() - start)
    finally:
        gc.enable()
    return best * 1000


def shape_ratio(unit: str, repeats: int = 15) -> dict[str, float]:
    """Time (ms) of one adversarial shape at 1k, 2k and 4k characters, and time(4k) / time(1k)."""
    times = [_best_ms(shaped(unit, size), repeats) for size in SIZES]
    figures = {f"{size // 1000}k_ms": round(t, 3) for size, t in zip(SIZES, times, strict=True)}
    figures["ratio_4k_1k"] = round(times[2] / max(times[0], 1e-6), 2)
    return figures


def shape_ratios(repeats: int = 15) -> dict[str, dict[str, float]]:
    """`shape_ratio` for every adversarial shape."""
    warm_up()
    return {name: shape_ratio(unit, repeats) for name, unit in ADVERSARIAL.items()}


FORMS = ROOT / "tests" / "privacy" / "redaction_forms.yml"  # read as data: bench never imports tests
KEEP = ROOT / "tests" / "privacy" / "redaction_forms_keep.yml"


def _share(rows: list[tuple[str, str, bool]], column: int) -> dict[str, str]:
    groups: dict[str, list[bool]] = {}
    for row in rows:
        groups.setdefault(row[column], []).append(row[2])
    return {key: f"{sum(ok)}/{len(ok)}" for key, ok in sorted(groups.items())}


def forms_figure() -> dict[str, object]:
    """Share of the forms table redacted and of the look-alikes kept, per kind and language."""
    from bot.redaction.text import normalise

    warm_up()
    forms = yaml.safe_load(FORMS.read_text(encoding="utf-8"))["forms"]
    keep = yaml.safe_load(KEEP.read_text(encoding="utf-8"))["keep"]
    redacted: list[tuple[str, str, bool]] = []
    for kind, lang, text, values in forms:
        out = redact(text).text.lower()
        gone = not any(v.lower() in out or normalise(v).lower() in out for v in values)
        redacted.append((kind, lang, gone))
    kept = [(kind, lang, redact(text).text == normalise(text)) for kind, lang, text in keep]
    return {
        "forms_redacted": f"{sum(r[2] for r in redacted)}/{len(redacted)}",
        "look_alikes_kept": f"{sum(k[2] for k in kept)}/{len(kept)}",
        "redacted_by_kind": _share(redacted, 0),
        "redacted_by_language": _share(redacted, 1),
        "kept_by_kind": _share(kept, 0),
        "kept_by_language": _share(kept, 1),
    }


def _time_one(text: str) -> float:
    start = time.perf_counter_ns()
    redact(text)
    return (time.perf_counter_ns() - start) / 1000


def main() -> None:
    if "--forms" in sys.argv:
        print(json.dumps(forms_figure(), indent=1, ensure_ascii=False))
        return
    result = measure()
    print(
        f"Redaction cost per message over {result['messages']} messages x {result['rounds']}: "
        f"p50 {result['p50_us']} µs, p95 {result['p95_us']} µs, mean {result['mean_us']} µs, "
        f"max {result['max_us']} µs; a 2000-character message {result['long_2000_chars_us']} µs"
    )
    print(json.dumps(result))
    print("Worst-case shapes: CPU ms at 1k, 2k, 4k characters, and time(4k)/time(1k) (linear = 4):")
    for name, f in shape_ratios().items():
        print(f"  {name:20} {f['1k_ms']:8.3f} {f['2k_ms']:8.3f} {f['4k_ms']:8.3f} ms  x{f['ratio_4k_1k']}")


if __name__ == "__main__":
    main()
