"""Per-language intent macro-F1 on the blind sets (issue 15): `python -m tooling.language_gate
RESULTS_DIR MIN_F1 CODE...` reads RESULTS_DIR/<code>/intent_report.json and prints one aggregate
line per language, nothing per intent or per example (the sets stay blind), then fails when any
language is below the bar."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tooling.nlu_gate import macro_f1


def main(results: str, minimum: str, *codes: str) -> int:
    bar = float(minimum)
    failed = []
    for code in codes:
        report = json.loads((Path(results) / code / "intent_report.json").read_text())
        score = macro_f1(report)
        print(f"Intent macro-F1, blind set {code}: {score:.3f} (minimum {bar:.2f})")
        if score < bar:
            failed.append(code)
    if failed:
        print(f"Below the bar: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
