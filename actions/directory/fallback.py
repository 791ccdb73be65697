"""The static 24/7 helplines (data/safety.yml) for when the directory cannot be reached.

The action server runs apart from the Rasa server, so it reads the shared safety file itself instead
of importing bot/. Read at import: if the database is down, this must not need anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from actions.directory.catalogue import ROOT
from actions.directory.render import SMS_FOOTER, Reply, style_for

SAFETY_FILE = ROOT / "data" / "safety.yml"
UNAVAILABLE = "I can't look up local services right now."


@dataclass(frozen=True)
class Helpline:
    name: str
    phone: str
    nation: str | None


@dataclass(frozen=True)
class SafetyLines:
    emergency: str
    suicide: str
    human: str
    helplines: tuple[Helpline, ...]


@lru_cache(maxsize=2)
def safety_lines(path: Path = SAFETY_FILE) -> SafetyLines:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    helplines = tuple(Helpline(h["name"], str(h["phone"]), h.get("nation")) for h in data["helplines"])
    return SafetyLines(data["emergency"], data["suicide"], data["human"], helplines)


def _ordered(lines: SafetyLines, nation: str | None) -> list[Helpline]:
    """The person's own nation first, when known."""
    return sorted(lines.helplines, key=lambda h: h.nation != nation)


def fallback_reply(channel: str | None, nation: str | None = None, need: str | None = None) -> Reply:
    """999, the national 24/7 helplines and (for suicide) Samaritans, for any channel."""
    lines = safety_lines()
    helplines = _ordered(lines, nation)
    head = [UNAVAILABLE, lines.emergency, *([lines.suicide] if need == "suicide" else []), lines.human]
    style = style_for(channel)
    if style == "sms":
        return Reply("\n".join([*head, *(f"{h.name}: {h.phone}" for h in helplines), SMS_FOOTER]))
    text = "\n".join([*head, *(f"- {h.name}: {h.phone}" for h in helplines)])
    if style == "staff":
        records = [{"name": h.name, "phone": h.phone, "nation": h.nation} for h in helplines]
        return Reply(text, json_message={"referrals": [], "fallback": True, "helplines": records})
    return Reply(text)
