"""Fail `make nlu-eval` when intent macro-F1 or the fallback share misses the bar.

Rasa writes the report but has no gate of its own. Two forms:
`python -m tooling.nlu_gate REPORT MIN_F1` gates one report (the held-out set);
`python -m tooling.nlu_gate REPORT MIN_F1 --label blind --model M --data DIR --max-fallback 0.05`
also parses every message of DIR with model M and gates the share answered by the fallback.
Only aggregate figures are printed: never a message, never a per-example prediction.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def macro_f1(report: dict) -> float:
    return float(report["macro avg"]["f1-score"])


def per_intent(report: dict) -> dict[str, float]:
    """F1 per intent (the report's other keys are averages and accuracy)."""
    return {k: v["f1-score"] for k, v in report.items() if isinstance(v, dict) and "support" in v and "avg" not in k}


def weakest(report: dict, count: int = 5) -> list[tuple[str, float]]:
    return sorted(per_intent(report).items(), key=lambda item: item[1])[:count]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("report")
    parser.add_argument("minimum", type=float)
    parser.add_argument("--label", default="held-out")
    parser.add_argument("--model", help="model to measure the fallback share with")
    parser.add_argument("--data", help="NLU test data (file or folder) for the fallback share")
    parser.add_argument("--max-fallback", type=float, default=None)
    parser.add_argument("--table", action="store_true", help="print F1 per intent")
    return parser


def _fallback_gate(model: str, data: str, maximum: float, label: str) -> bool:
    """Import late: loading Rasa is slow and only the blind gate needs it."""
    from tooling.fallback_share import fallback_share

    share = fallback_share(model, data)
    print(
        f"Fallback share on the {label} set: {share.menu:.1%} got the menu of likely topics (maximum "
        f"{maximum:.0%}); {share.answered:.1%} more were low-confidence but answered on their stand-out concern"
    )
    return share.menu <= maximum


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    report = json.loads(Path(args.report).read_text())
    score = macro_f1(report)
    print(f"Intent macro-F1 on the {args.label} set: {score:.3f} (minimum {args.minimum:.2f})")
    print("Weakest intents: " + ", ".join(f"{name} {f1:.2f}" for name, f1 in weakest(report)))
    if args.table:
        for name, f1 in sorted(per_intent(report).items()):
            print(f"  {name:28s} {f1:.2f}")
    passed = score >= args.minimum
    if args.max_fallback is not None and args.model and args.data:
        passed = _fallback_gate(args.model, args.data, args.max_fallback, args.label) and passed
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
