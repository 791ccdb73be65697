"""SMS and WhatsApp as delivered: numbers delivered of numbers wanted, options, texts, turn latency.

    python -m bench.sms [--url URL] [--whatsapp] [--json PATH]

Starts the replay server (tooling/replay_bot.py: the real channels, gateway and tracker store
around a bot that plays back what Rasa and action_refer send) unless --url is given, then sends
every answer x nation x danger-or-not case (tooling/messaging_cases.py) through the channel,
signed as Twilio signs, and follows "Reply MORE" when the reply offers it. Counts, per channel:
the referral numbers wanted and how many the first reply delivered (and with MORE), whether
the first number of each list arrived, whether the numbered options arrived whole, the texts
per reply, the danger replies' 999 and 24/7 lines, and the latency of each turn (p50/p95/max).
`run()` returns the same figures as a dict for `make bench`.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.tools import sms_client
from contract.safety_lines import safety_lines
from stack import ROOT, base_env, wait_for
from tooling.messaging_cases import Case, all_cases, delivered, message_for
from tooling.ports import free_port
from tooling.stats import percentile

FIRST_NUMBER = 900000  # 07700 900000-900999: synthetic numbers only
WHATSAPP_OFFSET = 500
MAX_MORE = 6
# Lines that spend characters on nothing (the old channel's and the old referral reply's).
LEAD_INS = (
    "Thanks for your message. Here is a reply:",
    "Here is the next part of the reply to you:",
    "Here are some numbers that may help you:",
    "Thanks for your question, here is the info.",
)
MESSAGING_FILE = ROOT / "data" / "messaging.yml"
SERVER_ENV = {"RATE_PER_ADDRESS_PER_MINUTE": "0", "RATE_PER_SENDER_PER_MINUTE": "0", "WHATSAPP_ENABLED": "1"}


@dataclass
class Figures:
    channel: str
    cases: int = 0
    numbers_wanted: int = 0
    numbers_first_reply: int = 0
    numbers_with_more: int = 0
    lists: int = 0
    first_number_delivered: int = 0
    option_cases: int = 0
    options_whole: int = 0
    replies_over_three_texts: int = 0
    max_texts: int = 0
    lead_in_chars: int = 0
    danger_cases: int = 0
    danger_999_first: int = 0
    danger_24_7_delivered: int = 0
    more_turns: int = 0
    latencies_ms: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        found = {k: v for k, v in asdict(self).items() if k != "latencies_ms"}
        ms = self.latencies_ms
        found.update(
            turns=len(ms),
            p50_ms=round(percentile(ms, 50), 1),
            p95_ms=round(percentile(ms, 95), 1),
            max_ms=round(max(ms, default=0.0), 1),
        )
        return found


def _sender(index: int, whatsapp: bool) -> str:
    return f"+447700{FIRST_NUMBER + index + (WHATSAPP_OFFSET if whatsapp else 0)}"


def _timed(url: str, sender: str, text: str, whatsapp: bool, figures: Figures) -> list[str]:
    started = time.perf_counter()
    texts = sms_client.send(url, sender, text, whatsapp)
    figures.latencies_ms.append((time.perf_counter() - started) * 1000)
    return texts


def _nation_lines(case: Case) -> list[str]:
    lines = safety_lines().helplines
    return [h.phone for h in lines if case.nation is None or h.nation == case.nation]


def _options_whole(case: Case, texts: list[str]) -> bool:
    joined = "\n".join(texts)
    return all(f"{n} {title}" in joined for n, title in enumerate(case.options, 1))


def _leads() -> tuple[str, ...]:
    """The old lead-in lines, and the neutral leads the channel may open a text with now."""
    data = yaml.safe_load(MESSAGING_FILE.read_text(encoding="utf-8")) if MESSAGING_FILE.exists() else {}
    return (*LEAD_INS, *((data or {}).get("lock_screen") or {}).get("leads", ()))


def _lead_chars(text: str) -> int:
    """Characters a text spends on lead-in lines (the longest lead it opens with, and old ones anywhere)."""
    opening = max((len(lead) for lead in _leads() if text.startswith(lead)), default=0)
    inside = sum(len(lead) for lead in LEAD_INS if lead in text[opening:])
    return opening + inside


def measure_case(url: str, index: int, case: Case, whatsapp: bool, figures: Figures) -> None:
    sender = _sender(index, whatsapp)
    sms_client.send(url, sender, "DELETE", whatsapp)  # a fresh conversation, whatever ran before
    first = _timed(url, sender, message_for(index, case), whatsapp, figures)
    pages = list(first)
    more = first
    for _ in range(MAX_MORE):
        if not any("MORE" in text for text in more):
            break
        more = _timed(url, sender, "MORE", whatsapp, figures)
        figures.more_turns += 1
        pages += more
    _count(case, first, pages, figures)


def _count(case: Case, first: list[str], pages: list[str], figures: Figures) -> None:
    figures.cases += 1
    figures.numbers_wanted += len(case.wanted)
    figures.numbers_first_reply += sum(delivered(n, first) for n in case.wanted)
    figures.numbers_with_more += sum(delivered(n, pages) for n in case.wanted)
    if case.wanted:
        figures.lists += 1
        figures.first_number_delivered += delivered(case.wanted[0], first)
    if case.options:
        figures.option_cases += 1
        figures.options_whole += _options_whole(case, first)
    figures.replies_over_three_texts += len(first) > 3
    figures.max_texts = max(figures.max_texts, len(first))
    figures.lead_in_chars += sum(_lead_chars(text) for text in first)
    if case.danger:
        figures.danger_cases += 1
        figures.danger_999_first += bool(first) and "999" in first[0]
        figures.danger_24_7_delivered += all(delivered(n, first) for n in _nation_lines(case))


def measure(url: str, whatsapp: bool = False) -> Figures:
    channel = "whatsapp" if whatsapp else "twilio"
    figures = Figures(channel="whatsapp" if whatsapp else "sms")
    for index, case in enumerate(all_cases(channel)):
        measure_case(url, index, case, whatsapp, figures)
    return figures


class ReplayServer:
    """tooling/replay_bot.py on a free port, for as long as the `with` block lasts."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ReplayServer:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        env = base_env(TWILIO_AUTH_TOKEN=sms_client.auth_token(), PUBLIC_URL="", **SERVER_ENV)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tooling.replay_bot", "--port", str(self.port)],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        wait_for(f"{self.url}/webhooks/rest/", 120, self.process)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(10)


def _whatsapp_served(url: str) -> bool:
    status, _ = sms_client.post(url, _sender(999, True), "HELP", whatsapp=True)
    return status == 200


def run(url: str | None = None, whatsapp: bool = True) -> dict[str, Any]:
    """Every case over SMS (and WhatsApp when the server has it), as a dict of figures."""
    os.environ.setdefault(sms_client.TOKEN_NAME, "bench-local-token")
    if url:
        return _run_all(url, whatsapp)
    with ReplayServer(ROOT / ".stack" / "bench" / "sms-replay.log") as server:
        return _run_all(server.url, whatsapp)


def _run_all(url: str, whatsapp: bool) -> dict[str, Any]:
    results = {"sms": measure(url).summary()}
    if whatsapp and _whatsapp_served(url):
        results["whatsapp"] = measure(url, whatsapp=True).summary()
    return results


def describe(results: dict[str, Any]) -> str:
    lines = []
    for name, f in results.items():
        lines += [
            f"{name}: {f['cases']} cases (answer x nation x danger-or-not)",
            f"  numbers delivered of numbers wanted: first reply {f['numbers_first_reply']} of {f['numbers_wanted']}, "
            f"with MORE {f['numbers_with_more']} of {f['numbers_wanted']}",
            f"  first number of the list delivered: {f['first_number_delivered']} of {f['lists']}",
            f"  numbered options whole: {f['options_whole']} of {f['option_cases']}",
            f"  texts per reply: max {f['max_texts']}, replies over 3 texts: {f['replies_over_three_texts']}",
            f"  characters spent on lead-in lines: {f['lead_in_chars']}",
            f"  danger: 999 in the first text {f['danger_999_first']} of {f['danger_cases']}, "
            f"24/7 line(s) for the nation {f['danger_24_7_delivered']} of {f['danger_cases']}",
            f"  turn latency: p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms, max {f['max_ms']} ms "
            f"over {f['turns']} turns ({f['more_turns']} MORE)",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sms", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (its TWILIO_AUTH_TOKEN must be in the environment)")
    parser.add_argument("--no-whatsapp", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    results = run(args.url, whatsapp=not args.no_whatsapp)
    print(describe(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
