"""The facts registry (data/facts/*.yml): every fact the answers rest on, with its sources.

The charity that runs Safe to Ask maintains these files without anything outside the repository,
so the rules live here, once, for the content tests and the directory validator alike: a fact's
sources must exist, its status is V/P/U (verified / partly verified / unverified, as in facts.md),
ids are unique across all files, and a source read more than 12 months ago is stale.
A fact may have no source only when it records honestly what could not be found: status U and a
`searched:` note saying where we looked ("No source was found on where DAPOs are in force after
mid-2025" is worth keeping, so nobody presents the gap as a fact; a bare claim with no source is not).
URLs are compared loosely (`url_key`): facts.md writes the same page with and without `www.` or a
trailing slash, and a reviewer should not have to care.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from contract.paths import DATA_DIR

FACTS_DIR = DATA_DIR / "facts"
STATUSES = {"V": "verified", "P": "partly verified", "U": "unverified"}
MAX_AGE_MONTHS = 12
SOURCE_FIELDS = ("id", "url", "publisher", "title", "checked")
FACT_FIELDS = ("id", "claim", "status")  # `sources` too, unless the fact is an honest gap (below)
GAP_STATUS = "U"  # the only status a fact with no sources may have, and only with `searched:`
NATIONS = ("england", "wales", "scotland", "northern_ireland")


@dataclass(frozen=True)
class Source:
    id: str
    url: str
    publisher: str
    title: str
    checked: dt.date | None
    published: str | None = None
    note: str | None = None
    file: str = ""


@dataclass(frozen=True)
class Fact:
    id: str
    claim: str
    status: str
    sources: tuple[str, ...]
    nations: tuple[str, ...] = ()
    # Where we looked and found nothing: required when `sources` is empty (a U fact), optional otherwise.
    searched: str | None = None
    file: str = ""

    @property
    def is_documented_gap(self) -> bool:
        """An unverified claim that no source backs, with a note of where we looked."""
        return not self.sources and self.status == GAP_STATUS and bool((self.searched or "").strip())


@dataclass
class Registry:
    sources: dict[str, Source] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    # Problems found while reading (duplicate ids, missing fields): reported by `problems()`.
    read_problems: list[str] = field(default_factory=list)

    def urls(self) -> set[str]:
        """Every registered source URL, as `url_key`s."""
        return {url_key(source.url) for source in self.sources.values()}

    def has_url(self, url: str) -> bool:
        return url_key(url) in self.urls()

    def source_for(self, url: str) -> Source | None:
        key = url_key(url)
        return next((s for s in self.sources.values() if url_key(s.url) == key), None)

    def unregistered(self, urls: Iterable[str]) -> list[str]:
        """The URLs (in the order given, once each) that no registry source has."""
        known = self.urls()
        return [url for url in dict.fromkeys(urls) if url_key(url) not in known]

    def problems(self, today: dt.date | None = None) -> list[str]:
        """Everything wrong with the registry, one sentence each (empty: it is good)."""
        today = today or dt.date.today()
        problems = list(self.read_problems)
        for source in self.sources.values():
            problems += [f"{source.file}: source {source.id}: {p}" for p in source_problems(source, today)]
        for fact in self.facts.values():
            problems += [f"{fact.file}: fact {fact.id}: {p}" for p in self._fact_problems(fact)]
        return problems

    def _fact_problems(self, fact: Fact) -> list[str]:
        problems = []
        if fact.status not in STATUSES:
            problems.append(f"status '{fact.status}' must be one of {', '.join(STATUSES)}")
        if not fact.sources and not fact.is_documented_gap:
            problems.append(
                "has no sources (only a U fact may have none, with a `searched:` note saying where we looked)"
            )
        problems += [f"unknown source id '{sid}'" for sid in fact.sources if sid not in self.sources]
        problems += [f"unknown nation '{n}'" for n in fact.nations if n not in NATIONS]
        if not fact.claim.strip():
            problems.append("has an empty claim")
        return problems


def url_key(url: str) -> str:
    """`https://www.gov.uk/x/` and `http://gov.uk/x` are the same page for the registry."""
    text = str(url).strip()
    for prefix in ("https://", "http://"):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    host, _, rest = text.partition("/")
    host = host.lower().rstrip(".")
    host = host[4:] if host.startswith("www.") else host
    return f"{host}/{rest}".rstrip("/")


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the month's last day when that day does not exist)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def source_problems(source: Source, today: dt.date) -> list[str]:
    """A source must say who published it, what it is, and when it was read (not stale, not future)."""
    problems = [f"missing {name}" for name in ("url", "publisher", "title") if not getattr(source, name)]
    if not str(source.url).startswith(("https://", "http://")):
        problems.append(f"url '{source.url}' is not an http(s) address")
    if source.checked is None:
        problems.append("missing checked (the date you read it, like 2026-12-04)")
    elif source.checked > today:
        problems.append(f"checked {source.checked} is in the future")
    elif source.checked < (cutoff := months_before(today, MAX_AGE_MONTHS)):
        problems.append(f"checked {source.checked} is stale (before {cutoff}): read it again")
    return problems


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _missing(entry: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    return [name for name in names if entry.get(name) in (None, "", [])]


def _read_file(path: Path, registry: Registry) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    name = path.name
    for entry in data.get("sources") or []:
        sid = str(entry.get("id", "?"))
        if missing := _missing(entry, SOURCE_FIELDS):
            registry.read_problems.append(f"{name}: source {sid}: missing {', '.join(missing)}")
        if sid in registry.sources or sid in registry.facts:
            registry.read_problems.append(f"{name}: duplicate id '{sid}' (also in {_owner(registry, sid)})")
            continue
        published = entry.get("published")
        registry.sources[sid] = Source(
            id=sid,
            url=str(entry.get("url", "")),
            publisher=str(entry.get("publisher", "")),
            title=str(entry.get("title", "")),
            checked=_date(entry.get("checked")),
            published=None if published is None else str(published),
            note=entry.get("note"),
            file=name,
        )
    for entry in data.get("facts") or []:
        fid = str(entry.get("id", "?"))
        if missing := _missing(entry, FACT_FIELDS):
            registry.read_problems.append(f"{name}: fact {fid}: missing {', '.join(missing)}")
        if "sources" not in entry:
            registry.read_problems.append(f"{name}: fact {fid}: missing sources (write sources: [] for a gap)")
        if fid in registry.facts or fid in registry.sources:
            registry.read_problems.append(f"{name}: duplicate id '{fid}' (also in {_owner(registry, fid)})")
            continue
        registry.facts[fid] = Fact(
            id=fid,
            claim=str(entry.get("claim", "")),
            status=str(entry.get("status", "")),
            sources=tuple(str(s) for s in entry.get("sources") or ()),
            nations=tuple(str(n) for n in entry.get("nations") or ()),
            searched=None if entry.get("searched") is None else str(entry["searched"]),
            file=name,
        )


def _owner(registry: Registry, item_id: str) -> str:
    item = registry.sources.get(item_id) or registry.facts.get(item_id)
    return item.file if item else "?"


def load(folder: Path = FACTS_DIR) -> Registry:
    """Every data/facts/*.yml, merged (sorted by file name, so duplicates are reported the same way)."""
    registry = Registry()
    for path in sorted(folder.glob("*.yml")):
        _read_file(path, registry)
    return registry


@lru_cache(maxsize=2)
def registry(folder: Path = FACTS_DIR) -> Registry:
    """The shipped registry, read once per process."""
    return load(folder)
