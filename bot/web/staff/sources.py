"""Every answer's source links and last-reviewed date, from data/sources/*.yml.

The console shows them under the suggested answer so that a call handler can check what the
answer rests on and how recently it was reviewed, before reading it to a caller.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from contract.paths import DATA_DIR

SOURCES_DIR = DATA_DIR / "sources"


def _entry(entry: dict[str, Any]) -> dict[str, Any]:
    reviewed = entry.get("reviewed")
    return {
        "reviewed": reviewed.isoformat() if isinstance(reviewed, date) else str(reviewed or ""),
        "links": [
            {"title": str(link.get("title", "")), "url": str(link.get("url", ""))}
            for link in entry.get("links") or []
            if link.get("url")
        ],
    }


@lru_cache(maxsize=1)
def answer_sources(directory: Path = SOURCES_DIR) -> dict[str, dict[str, Any]]:
    """Response name -> {reviewed, links}, read once (the files change only with a release)."""
    merged: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.yml")):
        entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("sources") or {}
        merged.update({name: _entry(entry) for name, entry in entries.items()})
    return merged


def source_links(value: Any) -> list[dict[str, str]]:
    """A referral's source links as {title, url}, whether given as URLs or as objects."""
    links = []
    for item in value if isinstance(value, list | tuple) else []:
        if isinstance(item, str):
            links.append({"title": item, "url": item})
        elif isinstance(item, dict) and item.get("url"):
            links.append({"title": str(item.get("title") or item["url"]), "url": str(item["url"])})
    return links
