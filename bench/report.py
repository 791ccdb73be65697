"""docs/benchmarks.md: the machine, the command, the figures, each tool in its own section.

`make bench`, `make soak` and `python -m bench.profile` each rewrite only their own section
(between `<!-- name:start -->` and `<!-- name:end -->`), so running one never erases another's.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import shlex
import sys
from pathlib import Path

from stack import ROOT

BENCHMARKS = ROOT / "docs" / "benchmarks.md"
ORDER = ("bench", "profile", "soak")
HEADER = """# Benchmarks

Figures measured on this project's machines by the tools in `bench/`. Each section says when,
on what machine and with what command it was measured; rerun the command to refresh it.
Figures from a machine that other work was loading at the time are marked provisional.
"""


def machine() -> dict[str, str]:
    """Cores, memory and CPU model, from /proc."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        model = found.group(1).strip() if found else model
    memory_kb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"^MemTotal:\s*(\d+)", meminfo.read_text(), re.M)
        memory_kb = int(found.group(1)) if found else 0
    return {
        "cores": str(os.cpu_count()),
        "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "cpu": model,
        "os": platform.platform(),
        "python": platform.python_version(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def machine_lines(info: dict[str, str]) -> list[str]:
    return [
        f"- Machine: {info['cores']} cores, {info['memory']} memory, CPU {info['cpu']}; {info['os']}",
        f"- Load average when the run started (1/5/15 min): {info['load']}",
    ]


def command_line(module: str) -> str:
    """The command as typed (`python -m bench ...`)."""
    return " ".join(["python", "-m", module, *map(shlex.quote, sys.argv[1:])])


def now() -> str:
    return dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")


def table(headers: list[str], rows: list[list[object]]) -> list[str]:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def _section_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"<!-- {name}:start -->.*?<!-- {name}:end -->\n?", re.S)


def replace_section(name: str, body: str, path: Path = BENCHMARKS) -> None:
    """Put `body` in section `name`, keeping every other section as it was."""
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    block = f"<!-- {name}:start -->\n{body.rstrip()}\n<!-- {name}:end -->\n"
    pattern = _section_pattern(name)
    found = pattern.search(text)
    text = pattern.sub(lambda _: block, text) if found else _insert_in_order(text, name, block)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _insert_in_order(text: str, name: str, block: str) -> str:
    """Sections appear in ORDER whatever order they were first written in."""
    later = ORDER[ORDER.index(name) + 1 :] if name in ORDER else ()
    for other in later:
        found = _section_pattern(other).search(text)
        if found:
            return text[: found.start()] + block + "\n" + text[found.start() :]
    return text.rstrip() + "\n\n" + block
