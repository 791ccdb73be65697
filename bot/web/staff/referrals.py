"""The 3 to 5 referrals a call handler sees, from the action's staff payload and the shipped helplines.

The payload is read only through contract/staff_payload.py, the same types the action server writes
it with. Each referral's short label (Independent / Government / Government contractor...) comes
from the one table of service kinds, data/services.yml `vocabulary.kinds` (`staff_label`, beside
the public `label` the action server uses), so the console and the directory never disagree.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.safety import safety_lines
from bot.web.staff.sources import source_links
from contract.paths import SERVICES_FILE
from contract.staff_payload import StaffPayload, StaffReferral

MIN_REFERRALS, MAX_REFERRALS = 3, 5
# The kind whose label stands for any kind the table does not list: say it is not verified.
UNLISTED_KIND = "not_verified"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def kind_labels(path: Path = SERVICES_FILE) -> dict[str, str]:
    """Service kind -> the short label staff see, from data/services.yml."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 (a safe loader)
    kinds = (data.get("vocabulary") or {}).get("kinds") or {}
    return {kind: str(info.get("staff_label") or info.get("label") or kind) for kind, info in kinds.items()}


def kind_label(kind: str) -> str:
    """Independent / government / government contractor, as the brief asks staff to see it."""
    labels = kind_labels()
    return labels.get(kind) or labels.get(UNLISTED_KIND, kind.replace("_", " "))


def referral_from(referral: StaffReferral) -> dict[str, Any]:
    """One referral from the action's staff payload, in the shape the console shows."""
    return {
        "name": referral.name,
        "phone": referral.phone,
        "text": referral.text,
        "web": referral.web,
        "hours": referral.hours,
        "open_now": referral.open_now,
        "languages": list(referral.languages),
        "kind": referral.kind,
        "nation": referral.nation,
        "government_link": referral.government_link,
        "label": kind_label(referral.kind),
        "note": referral.kind_label,
        "sharing": referral.sharing,
        "verified": referral.last_verified,
        "sources": source_links(list(referral.sources)),
    }


def referrals_in(messages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The referrals of the action's staff payload (`custom`), and its 24/7 line for each nation
    (sent when the nation is unknown). A directory fallback counts its helplines as referrals."""
    found: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for message in messages:
        payload = StaffPayload.from_json(message.get("custom"))
        if payload is None:
            continue
        found += [referral_from(r) for r in [*payload.referrals, *payload.helplines]]
        lines += [referral_from(r) for r in payload.national_lines]
    return found, lines


def helpline_referrals(nation: str | None) -> list[dict[str, Any]]:
    """The shipped 24-hour helplines (data/safety.yml), the caller's nation first: used only when
    the directory gave fewer than 3, so the handler always has somewhere to refer."""
    return [referral_from(StaffReferral.from_helpline(h)) for h in safety_lines().ordered(nation)]


def complete_referrals(
    found: list[dict[str, Any]], lines: list[dict[str, Any]], nation: str | None
) -> list[dict[str, Any]]:
    """3 to 5 referrals, without duplicates: the action's first, then its 24/7 lines by nation,
    then the shipped helplines."""
    unique: dict[str, dict[str, Any]] = {}
    for referral in found:
        unique.setdefault(referral["name"].lower(), referral)
    for referral in [*lines, *helpline_referrals(nation)]:
        if len(unique) >= MIN_REFERRALS:
            break
        unique.setdefault(referral["name"].lower(), referral)
    return list(unique.values())[:MAX_REFERRALS]
