"""`make translations-status`: per language, which translations are missing, which no native
speaker has reviewed, and which need an update because their English changed since (or is being
rewritten)."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from bot.language.locales import locales
from bot.language.sources import sources
from bot.language.store import translations


@dataclass(frozen=True)
class Status:
    code: str
    total: int
    missing: list[str]
    unreviewed: list[str]
    needs_update: list[str]


def status(code: str) -> Status:
    have = translations(code)
    idents = sorted(sources())
    label = [f"{key}/{variant}" for key, variant in idents]
    return Status(
        code=code,
        total=len(idents),
        missing=[name for name, ident in zip(label, idents, strict=True) if ident not in have],
        unreviewed=[f"{k}/{v}" for (k, v), t in sorted(have.items()) if not t.reviewed],
        needs_update=[f"{k}/{v}" for (k, v), t in sorted(have.items()) if not t.is_current()],
    )


def report(verbose: bool = False) -> str:
    lines = ["language   translated  reviewed  missing  needs-update"]
    details: list[str] = []
    for code in locales().translated():
        if locales().get(code).fallback:
            continue  # romanised / second-script forms use their fallback's translations
        s = status(code)
        done = s.total - len(s.missing)
        reviewed = done - len(s.unreviewed)
        lines.append(f"{code:<10} {done:>5}/{s.total:<5} {reviewed:>8} {len(s.missing):>8} {len(s.needs_update):>13}")
        if verbose:
            details += [f"{code} unreviewed: {name}" for name in s.unreviewed]
            details += [f"{code} missing: {name}" for name in s.missing]
            details += [f"{code} needs update: {name}" for name in s.needs_update]
    return "\n".join([*lines, *details])


if __name__ == "__main__":
    print(report(verbose="-v" in sys.argv[1:]))
