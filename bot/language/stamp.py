"""`make translations-stamp`: after translating, record on each new entry which English it was
made from (a short hash), so that when the English changes later the entry is known to be stale
and is not served (bot/language/store.py).

    python -m bot.language.stamp [CODE ...]
"""

from __future__ import annotations

import sys

from bot.language.locales import locales
from bot.language.store import stamp


def main(argv: list[str]) -> int:
    codes = argv or [c for c in locales().translated() if not locales().get(c).fallback]
    for code in codes:
        print(f"{code}: {stamp(code)} entries stamped with the current English")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
