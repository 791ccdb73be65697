"""bench/staff.py's CPU figure: read from /proc for a real process, divided by the counted queries."""

from __future__ import annotations

import os
import time

from bench import staff


def test_process_cpu_seconds_grows_with_work() -> None:
    before = staff.process_cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:
        pass
    assert staff.process_cpu_seconds(os.getpid()) >= before + 0.1


def test_cpu_per_query_covers_only_the_counted_queries(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    readings = iter([{"rasa": 10.0, "actions": 1.0}, {"rasa": 12.0, "actions": 1.5}])

    async def fake_one(session, url, body):  # type: ignore[no-untyped-def]
        return 5.0, True

    monkeypatch.setattr(staff, "_one", fake_one)
    figures = staff.measure("http://127.0.0.1:9", "t", concurrency=2, n=20, cpu=lambda: next(readings))
    assert figures["queries"] == 20 and figures["errors"] == 0
    assert figures["cpu_ms_per_query_rasa"] == 100.0 and figures["cpu_ms_per_query_actions"] == 25.0
