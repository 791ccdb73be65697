"""The `bench` section of docs/benchmarks.md, from the figures `python -m bench` collected."""

from __future__ import annotations

import math
from typing import Any

from bench import report

BUSY_LOAD = 0.5
TARGET_RASA_MB, TARGET_ACTIONS_MB = (
    1536,
    200,
)  # a 1-minute load average above this at the start means other work shared the cores


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if a and b else "n/a"


def _results(figures: dict[str, Any], label: str) -> dict[int, dict[str, Any]]:
    return {r["concurrency"]: r for r in figures["targets"].get(label, [])}


def _our_label(figures: dict[str, Any]) -> str:
    return next((label for label in figures["targets"] if label.startswith("ours")), "ours")


def load_table(figures: dict[str, Any]) -> list[str]:
    headers = [
        "system",
        "concurrency",
        "turns/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "turns",
        "failed",
        "fallback replies",
        "danger turns without 999",
    ]
    rows = []
    for label, results in figures["targets"].items():
        for r in results:
            rows.append(
                [
                    label,
                    r["concurrency"],
                    r["throughput"],
                    r["p50_ms"],
                    r["p95_ms"],
                    r["p99_ms"],
                    r["max_ms"],
                    r["turns"],
                    r["failures"],
                    r["degraded"],
                    _danger(label, r),
                ]
            )
    return report.table(headers, rows)


def _danger(label: str, result: dict[str, Any]) -> str:
    if label == "stock":
        return "n/a (stock)"
    return f"{result['danger_without_999']}/{result['danger_turns']}"


def ratio_table(figures: dict[str, Any]) -> list[str]:
    stock = _results(figures, "stock")
    if not stock:
        return ["No stock figures in this run."]
    ours, scaled = _results(figures, _our_label(figures)), _results(figures, "scaled")
    rows = []
    for level, base in sorted(stock.items()):
        row = [
            level,
            _ratio(ours.get(level, {}).get("throughput", 0), base["throughput"]),
            _ratio(ours.get(level, {}).get("p95_ms", 0), base["p95_ms"]),
        ]
        if scaled:
            row += [
                _ratio(scaled.get(level, {}).get("throughput", 0), base["throughput"]),
                _ratio(scaled.get(level, {}).get("p95_ms", 0), base["p95_ms"]),
            ]
        rows.append(row)
    headers = ["concurrency", "throughput ours/stock", "p95 ours/stock"]
    headers += ["throughput scaled/stock", "p95 scaled/stock"] if scaled else []
    return report.table(headers, rows)


def memory_table(figures: dict[str, Any]) -> list[str]:
    peaks, hwm = figures["memory"]["peak_tree_rss_mb"], figures["memory"]["vm_hwm_mb"]
    if not peaks:
        return ["Memory not measured (no process started by the benchmark)."]
    rows = [[name, f"{peaks[name]:.0f}", f"{hwm.get(name, 0):.0f}"] for name in sorted(peaks)]
    return report.table(["process", "peak RSS under load, MB (tree, sampled)", "VmHWM, MB (incl. start-up)"], rows)


def _kv(data: dict[str, Any] | None) -> str:
    if not data:
        return "not measured"
    return ", ".join(f"{key} {value}" for key, value in data.items())


def danger_lines(danger: dict[str, Any] | None) -> list[str]:
    if not danger or "by_language" not in danger:
        return [f"- Danger detector (bench/danger.py): {_kv(danger)}"]
    overall = {k: v for k, v in danger.items() if k != "by_language"}
    lines = [f"- Danger detector on its blind set (bench/danger.py): {_kv(overall)}"]
    return lines + [f"  - {lang}: {text}" for lang, text in danger["by_language"].items()]


def sms_lines(sms: dict[str, Any] | None) -> list[str]:
    if not sms or "sms" not in sms:
        return [f"- SMS composer (bench/sms.py): {_kv(sms)}"]
    return [f"- {name.upper()} through the channel (bench/sms.py): {_kv(found)}" for name, found in sms.items()]


def components(figures: dict[str, Any]) -> list[str]:
    nlu = figures["nlu"]
    lines = [f"- NLU parse alone, ours: {_kv(nlu.get('ours'))}"]
    if "stock" in nlu:
        lines.append(f"- NLU parse alone, stock: {_kv(nlu['stock'])}")
        ours_p50, stock_p50 = nlu["ours"].get("p50_ms", 0), nlu["stock"].get("p50_ms", 0)
        lines.append(f"- NLU parse p50 ours/stock: {_ratio(ours_p50, stock_p50)}")
    lines += [
        f"- Redaction (bench/redaction.py): {_kv(figures.get('redaction'))}",
        f"- Directory queries (bench/directory.py): {_kv(figures.get('directory'))}",
        f"- Staff assist (bench/staff.py, through our stack): {_kv(figures.get('staff'))}",
        *danger_lines(figures.get("danger")),
        f"- Language detection (bench/language.py): {_kv(figures.get('language'))}",
        *sms_lines(figures.get("sms")),
        f"- Training, ours: {figures['training']['ours']}",
        f"- Training, stock `rasa init` (same machine): {figures['training']['stock_s'] or 'not measured'} s",
    ]
    return lines


def _largest(figures: dict[str, Any], prefix: str, kind: str) -> float:
    hwm = figures["memory"]["vm_hwm_mb"]
    return max((v for k, v in hwm.items() if k.split("/", 1)[1].startswith(kind) and k.startswith(prefix)), default=0)


def targets_table(figures: dict[str, Any]) -> list[str]:
    ours_label = _our_label(figures)
    ours, stock, scaled = _results(figures, ours_label), _results(figures, "stock"), _results(figures, "scaled")
    p95 = ours.get(1, {}).get("p95_ms", 0)
    best32 = max(ours.get(32, {}).get("throughput", 0), scaled.get(32, {}).get("throughput", 0))
    base32 = stock.get(32, {}).get("throughput", 0)
    rasa_mb = max(_largest(figures, "ours", "rasa"), _largest(figures, "scaled", "rasa"))
    actions_mb = max(_largest(figures, "ours", "actions"), _largest(figures, "scaled", "actions"))
    ratio = f"{_ratio(best32, base32)} (best of ours/scaled)"
    rows = [
        ["p95 per turn at c=1 ≤ 100 ms", f"{p95} ms" if p95 else "n/a", _met(p95 and p95 <= 100)],
        ["throughput at c=32 ≥ 2× stock", ratio, _met(base32 and best32 >= 2 * base32)],
        ["Rasa server RSS ≤ 1.5 GB", _mb(rasa_mb), _met(rasa_mb and rasa_mb <= TARGET_RASA_MB)],
        ["action server RSS ≤ 200 MB", _mb(actions_mb), _met(actions_mb and actions_mb <= TARGET_ACTIONS_MB)],
    ]
    return report.table(["target (issue 7)", "this run", "met"], rows)


def _mb(value: float) -> str:
    return f"{value:.0f} MB" if value else "n/a"


def _met(ok: object) -> str:
    return "yes" if ok else "**no**"


THINK_SECONDS = 30  # one message per active conversation every 30 s (people type slowly, on phones, afraid)
UTILISATION = 0.6  # plan servers to run at 60% of measured capacity: bursts after a campaign, and GC


def sizing(figures: dict[str, Any], conversations: int = 1000) -> list[str]:
    """Cores, processes, memory and Redis per 1,000 concurrent conversations, from this run's figures."""
    ours, scaled = _results(figures, _our_label(figures)).get(32, {}), _results(figures, "scaled").get(32, {})
    best = max(ours.get("throughput", 0), scaled.get("throughput", 0))
    if not best:
        return ["Not computed: no c=32 figure in this run."]
    cores = int(figures["machine"]["cores"])
    per_core = best / cores
    rate = conversations / THINK_SECONDS
    needed = math.ceil(rate / (per_core * UTILISATION))
    processes = needed + 1
    rasa_mb = max(_largest(figures, "ours", "rasa"), _largest(figures, "scaled", "rasa")) or 1024
    actions_mb = max(_largest(figures, "ours", "actions"), _largest(figures, "scaled", "actions")) or 100
    tracker = figures.get("tracker") or {}
    per_conversation = tracker.get("mean_bytes", 0)
    redis = f"{conversations} × {per_conversation} B = {conversations * per_conversation / 1048576:.1f} MB"
    lines = [
        f"Assumptions: each concurrent conversation sends a message every {THINK_SECONDS} s; plan for "
        f"{UTILISATION:.0%} of measured capacity; one Rasa process per core (as in scaled mode) plus one spare.",
        "",
        f"- Message rate: {conversations} / {THINK_SECONDS} s = {rate:.1f} turns/s",
        f"- Capacity: best c=32 throughput {best} turns/s on {cores} cores = {per_core:.1f} turns/s per core",
        f"- Cores: ceil({rate:.1f} / ({per_core:.1f} × {UTILISATION})) = {needed}",
        f"- Rasa processes: {needed} + 1 spare = {processes}; action servers: {processes} (light, see memory)",
        f"- Memory: {processes} × ({rasa_mb:.0f} + {actions_mb:.0f}) MB = "
        f"{processes * (rasa_mb + actions_mb) / 1024:.1f} GB (peak resident incl. model load)",
        f"- Redis (mean of {tracker.get('keys_sampled')} tracker keys): {redis} held for live conversations"
        if per_conversation
        else "- Redis: not measured (no scaled run).",
    ]
    return lines


def render(figures: dict[str, Any]) -> str:
    info = figures["machine"]
    busy = float(info["load"].split()[0]) > BUSY_LOAD
    lines = [f"## `make bench` — {figures['date']}", ""]
    if busy:
        lines += [
            "**Provisional:** other work was using the cores when this ran (see load average); "
            "rerun on a quiet machine for figures to quote.",
            "",
        ]
    lines += [f"- Command: `{figures['command']}`", *report.machine_lines(info)]
    lines += [f"- Systems: {', '.join(f'{k} {v}' for k, v in figures['urls'].items())}", ""]
    lines += ["### Per turn, REST channel, simulated multi-turn conversations (bench/conversations.yml)", ""]
    lines += [
        "Warm-up excluded; failed = HTTP error, timeout or empty reply; fallback replies = the safety",
        "fallback our gateway sends when Rasa or the action server failed.",
        "",
    ]
    lines += [*load_table(figures), "", "### Ours ÷ stock, same run, same machine", "", *ratio_table(figures), ""]
    lines += ["### Memory", "", *memory_table(figures), "", "### Components", "", *components(figures), ""]
    lines += ["### Against the targets", "", *targets_table(figures), ""]
    lines += ["### Sizing per 1,000 concurrent conversations (see docs/deploy.md)", "", *sizing(figures), ""]
    if figures.get("notes"):
        lines += ["### Notes", "", *[f"- {note}" for note in figures["notes"]], ""]
    return "\n".join(lines)
