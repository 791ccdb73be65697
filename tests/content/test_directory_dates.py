"""Every directory entry says how old its sources are, and an old number tells the person its age.

An entry's `last_verified` is when it was checked; `source_date` is how old the newest dated source
behind it is. A contact whose own source is over three years old must carry a note starting
"this number is from <year>", which render.age_note shows on every public channel.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = yaml.safe_load((ROOT / "data" / "services.yml").read_text(encoding="utf-8"))["services"]
TODAY = dt.date.today()
STALE_YEARS = 3
AGE_NOTE = re.compile(r"^this number is from (\d{4}|an old page)\b")


def as_date(value: str) -> dt.date:
    """ "2020" -> 2020-12-31, "2020-03" -> 2020-03-31 (the latest day the source could be from)."""
    parts = [int(p) for p in str(value).split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else 28
    return dt.date(year, month, day)


def is_stale(value: str) -> bool:
    return as_date(value) < TODAY.replace(year=TODAY.year - STALE_YEARS)


@pytest.mark.parametrize("entry", SERVICES, ids=[s["id"] for s in SERVICES])
def test_entry_records_how_old_its_sources_are(entry: dict) -> None:
    assert "source_date" in entry, f"{entry['id']}: say how old the newest source is (null if undated)"
    assert entry.get("source_date_note"), f"{entry['id']}: say which source the date comes from"
    if entry["source_date"] is not None:
        assert as_date(entry["source_date"]) <= TODAY
    facts_sourced = entry["id"] != "samaritans"
    assert (entry.get("verified_from") == "fact_sheet") == facts_sourced, entry["id"]


@pytest.mark.parametrize("entry", SERVICES, ids=[s["id"] for s in SERVICES])
def test_an_old_contact_says_so_and_a_new_one_does_not(entry: dict) -> None:
    for contact in entry["contacts"]:
        note = str(contact.get("note") or "")
        marked = AGE_NOTE.match(note)
        if "dated" in contact:
            year = str(contact["dated"])[:4]
            if is_stale(contact["dated"]):
                assert marked and marked.group(1) == year, f"{entry['id']} {contact['value']}: say 'from {year}'"
            else:
                assert not marked, f"{entry['id']} {contact['value']}: not over {STALE_YEARS} years old"
        elif marked:
            assert marked.group(1) == "an old page", f"{entry['id']}: an age note needs a `dated:` year"
