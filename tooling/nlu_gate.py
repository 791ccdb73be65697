"""Fail `make test` when intent macro-F1 on the held-out set is below the bar.

Rasa writes the report but has no gate of its own: `python -m tooling.nlu_gate REPORT MIN_F1`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def macro_f1(report: dict) -> float:
    return float(report["macro avg"]["f1-score"])


def weakest(report: dict, count: int = 5) -> list[tuple[str, float]]:
    intents = {k: v["f1-score"] for k, v in report.items() if isinstance(v, dict) and "support" in v and "avg" not in k}
    return sorted(intents.items(), key=lambda item: item[1])[:count]


def main(path: str, minimum: str) -> int:
    report = json.loads(Path(path).read_text())
    score = macro_f1(report)
    print(f"Intent macro-F1 on the held-out set: {score:.3f} (minimum {float(minimum):.2f})")
    print("Weakest intents: " + ", ".join(f"{name} {f1:.2f}" for name, f1 in weakest(report)))
    return 0 if score >= float(minimum) else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
