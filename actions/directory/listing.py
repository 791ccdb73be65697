"""A read-only view of one service, built from plain database rows.

Ranking and rendering work on these plain values, so they are pure functions that tests can feed
with synthetic services, and lookups need no ORM objects (see `queries` for why).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from actions.directory.catalogue import NATIONS, Vocabulary
from actions.directory.hours import OpeningHours, WeeklyRange

RESTRICTING_AUDIENCES = frozenset({"women", "men", "lgbt", "children", "older_people", "professionals"})


@dataclass(frozen=True)
class ContactView:
    type: str
    value: str
    note: str | None = None
    source_date: str | None = None  # when its newest source was published (None: unknown)


@dataclass(frozen=True)
class Listing:
    id: str
    name: str
    short_name: str
    summary: str
    needs: tuple[str, ...]
    nations: tuple[str, ...]
    serves: tuple[str, ...]
    contacts: tuple[ContactView, ...]
    hours: OpeningHours
    kind: str
    kind_label: str
    government_link: bool
    sharing: str
    sources: tuple[str, ...]
    last_verified: date
    languages: tuple[str, ...] = ()
    interpreting: bool | None = None
    languages_note: str | None = None
    only_for_speakers: bool = False
    area: str | None = None
    run_by: str | None = None
    government: str | None = None
    notes: str | None = None
    source_date: str | None = None
    sms_label: str | None = None
    # (language, hours) pairs: languages offered for fewer hours than the service (e.g. BSL on weekdays).
    language_hours: tuple[tuple[str, str], ...] = ()

    def hours_in(self, language: str | None) -> str | None:
        """The hours a language is offered in, when fewer than the service's own."""
        return dict(self.language_hours).get(language or "")

    @property
    def uk_wide(self) -> bool:
        return set(self.nations) == set(NATIONS) and not self.area

    def contacts_of(self, *types: str) -> tuple[ContactView, ...]:
        return tuple(c for c in self.contacts if c.type in types)

    @property
    def phone(self) -> str | None:
        phones = self.contacts_of("phone")
        return phones[0].value if phones else None

    @property
    def restricted_to(self) -> frozenset[str]:
        """The groups this service is only for (empty: open to anyone)."""
        if "everyone" in self.serves:
            return frozenset()
        return frozenset(self.serves) & RESTRICTING_AUDIENCES


def kind_label(vocabulary: Vocabulary, kind: str, government: str | None) -> tuple[str, bool]:
    """The public label for a kind ("government unit (Home Office and FCDO)") and its government link."""
    info = vocabulary.kinds.get(kind)
    if info is None:
        return kind.replace("_", " "), False
    return info.label.replace("{government}", government or "government"), info.government_link


@dataclass
class Details:
    """A service's rows from the tag, contact, hours and source tables (confirmed contacts only)."""

    tags: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    contacts: list[ContactView] = field(default_factory=list)
    weekly: list[WeeklyRange] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def build(row: Mapping[str, Any], details: Details, vocabulary: Vocabulary) -> Listing:
    """A Listing from a `directory_services` row and its details."""
    label, government_link = kind_label(vocabulary, row["kind"], row["government"])
    nations = set(details.tags["nation"])
    return Listing(
        id=row["id"],
        name=row["name"],
        short_name=row["short_name"],
        summary=row["summary"],
        needs=tuple(sorted(details.tags["need"])),
        nations=tuple(n for n in NATIONS if n in nations),
        serves=tuple(sorted(details.tags["audience"])),
        contacts=tuple(details.contacts),
        hours=OpeningHours(bool(row["always_open"]), tuple(details.weekly), row["hours_note"]),
        kind=row["kind"],
        kind_label=label,
        government_link=government_link,
        sharing=row["sharing"],
        sources=tuple(details.sources),
        last_verified=row["last_verified"],
        languages=tuple(sorted(details.tags["language"])),
        interpreting=row["interpreting"],
        languages_note=row["languages_note"],
        only_for_speakers=bool(row["only_for_speakers"]),
        area=row["area"],
        run_by=row["run_by"],
        government=row["government"],
        notes=row["notes"],
        source_date=row["source_date"],
        sms_label=row["sms_label"],
        language_hours=tuple(sorted(json.loads(row["language_hours"]).items())) if row["language_hours"] else (),
    )
