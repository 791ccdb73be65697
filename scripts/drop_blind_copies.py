"""Drop from the danger corpus (and the patterns' test set) every line that is a near copy of a
blind line (tests/danger/test_leakage.py's check), so the blind set stays blind. Run after copying
new corpus files in: `python scripts/drop_blind_copies.py`. Prints counts only, never a line."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from bench.danger import blind_items, old_blind_items
from tests.danger.test_leakage import near_copies

ROOT = Path(__file__).resolve().parent.parent
FILES = [*sorted((ROOT / "data" / "danger_corpus").glob("*.yml")), ROOT / "tests" / "danger" / "danger_messages.yml"]


def item_text(line: str) -> str:
    try:
        value = yaml.safe_load(line.strip())[0]
    except Exception:
        return ""
    return str(value.get("text", "")) if isinstance(value, dict) else str(value)


def main() -> int:
    blind = [i.text for i in blind_items()] + [i.text for i in old_blind_items()]
    for path in FILES:
        raw = path.read_text(encoding="utf-8").split("\n")
        items = [n for n, line in enumerate(raw) if line.lstrip().startswith("- ")]
        drop = {items[i] for i in near_copies([item_text(raw[n]) for n in items], blind)}
        if drop:
            path.write_text("\n".join(line for n, line in enumerate(raw) if n not in drop), encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: dropped {len(drop)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
