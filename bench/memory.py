"""Memory of a process tree from /proc (psutil is not a dependency).

A Rasa server with SANIC_WORKERS > 1 forks workers, so one PID is not enough: the tree is found by
parent links in /proc/*/stat. Two figures are kept, because they answer different questions:
VmHWM (the kernel's own resident high-water mark per process, exact but per process) and the peak
of the sampled tree sum of VmRSS (what the machine had to hold at once).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")


def _status_kb(pid: int, key: str) -> int:
    """One `kB` field of /proc/<pid>/status, 0 when the process is gone."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _parent(pid: int) -> int | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name may contain spaces and brackets; fields after the last ')' are fixed.
    return int(stat.rsplit(")", 1)[1].split()[1])


def tree(root: int) -> list[int]:
    """`root` and all its descendants that are alive now."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            parent = _parent(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if (PROC / str(pid)).exists():
            found.append(pid)
            todo.extend(children.get(pid, []))
    return found


def rss_mb(root: int) -> float:
    """Resident memory of the whole tree now (MB)."""
    return sum(_status_kb(pid, "VmRSS") for pid in tree(root)) / 1024


def hwm_mb(root: int) -> float:
    """Largest per-process resident high-water mark in the tree (MB)."""
    return max((_status_kb(pid, "VmHWM") for pid in tree(root)), default=0) / 1024


@dataclass
class Sampler:
    """Samples the tree RSS of named processes in a background thread (every `interval` s)."""

    roots: dict[str, int]
    interval: float = 0.5
    peaks: dict[str, float] = field(default_factory=dict)
    hwm: dict[str, float] = field(default_factory=dict)
    series: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> None:
        now = time.monotonic()
        for name, pid in self.roots.items():
            value = rss_mb(pid)
            if value:
                self.peaks[name] = max(self.peaks.get(name, 0.0), value)
                self.hwm[name] = max(self.hwm.get(name, 0.0), hwm_mb(pid))
                self.series.setdefault(name, []).append((now, value))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> Sampler:
        self.sample()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()

    def rss_at(self, name: str, when: float) -> float:
        """The first sample at or after `when` (monotonic clock), else the last one."""
        points = self.series.get(name, [])
        after = [value for at, value in points if at >= when]
        return after[0] if after else (points[-1][1] if points else 0.0)
