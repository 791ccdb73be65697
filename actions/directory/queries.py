"""The SQL side of the directory (2.0-style `select()`): which services match a need and a nation.

The database does the filtering (need tags, nation, reachable); ordering lives in `ranking`, where
"open now" depends on the clock and the rules are easy to test without a database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, func, literal, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from actions.directory.catalogue import NATIONS, Vocabulary
from actions.directory.hours import WeeklyRange
from actions.directory.listing import ContactView, Details, Listing, build
from actions.directory.models import (
    Contact,
    HoursRange,
    Service,
    ServiceAudience,
    ServiceLanguage,
    ServiceNation,
    ServiceNeed,
    Source,
)


def _matching(has_nation: bool, uk_wide: bool) -> Select:
    """Ids of reachable services with any of :needs (and in :nation, and UK-wide, when asked)."""
    with_need = select(ServiceNeed.service_id).where(ServiceNeed.need.in_(bindparam("needs", expanding=True)))
    query = select(Service.id).where(Service.reachable.is_(True), Service.id.in_(with_need))
    if has_nation:
        query = query.where(
            Service.id.in_(select(ServiceNation.service_id).where(ServiceNation.nation == bindparam("nation")))
        )
    if uk_wide:
        every_nation = (
            select(ServiceNation.service_id)
            .group_by(ServiceNation.service_id)
            .having(func.count(ServiceNation.nation) == len(NATIONS))
        )
        query = query.where(Service.id.in_(every_nation), Service.area.is_(None))
    return query


@dataclass(frozen=True)
class Lookup:
    """The five statements of one lookup, built once and reused (SQLAlchemy then caches their SQL)."""

    services: Select
    tags: Select
    contacts: Select
    hours: Select
    sources: Select


@lru_cache(maxsize=4)
def lookup(has_nation: bool, uk_wide: bool) -> Lookup:
    ids = _matching(has_nation, uk_wide)
    tag_tables = (
        (ServiceNeed, "need"),
        (ServiceNation, "nation"),
        (ServiceAudience, "audience"),
        (ServiceLanguage, "language"),
    )
    tags = union_all(
        *(
            select(m.service_id, literal(k).label("kind"), getattr(m, k).label("value")).where(m.service_id.in_(ids))
            for m, k in tag_tables
        )
    )
    return Lookup(
        services=select(Service.__table__).where(Service.id.in_(ids)).order_by(Service.id),
        tags=tags,
        contacts=select(Contact.service_id, Contact.type, Contact.value, Contact.note, Contact.source_date)
        .where(Contact.service_id.in_(ids), Contact.confirmed.is_(True))
        .order_by(Contact.service_id, Contact.position),
        hours=select(HoursRange.service_id, HoursRange.day, HoursRange.opens, HoursRange.closes)
        .where(HoursRange.service_id.in_(ids))
        .order_by(HoursRange.service_id, HoursRange.position),
        sources=select(Source.service_id, Source.url)
        .where(Source.service_id.in_(ids))
        .order_by(Source.service_id, Source.position),
    )


def _details(session: Session, statements: Lookup, params: dict[str, Any]) -> dict[str, Details]:
    details: dict[str, Details] = defaultdict(Details)
    for service_id, kind, value in session.execute(statements.tags, params):
        details[service_id].tags[kind].append(value)
    for service_id, kind, value, note, source_date in session.execute(statements.contacts, params):
        details[service_id].contacts.append(ContactView(kind, value, note, source_date))
    for service_id, day, opens, closes in session.execute(statements.hours, params):
        details[service_id].weekly.append(WeeklyRange(day, opens, closes))
    for service_id, url in session.execute(statements.sources, params):
        details[service_id].sources.append(url)
    return details


def candidates(
    session: Session,
    vocabulary: Vocabulary,
    needs: Iterable[str],
    nation: str | None = None,
    uk_wide: bool = False,
) -> list[Listing]:
    """Reachable services tagged with any of `needs`; in `nation` if given; UK-wide only if asked.

    Five Core statements whatever the number of services, instead of ORM selectin loading of seven
    relationships: several times faster (bench/directory.py). Unconfirmed contacts are filtered out
    here, so they can never reach a reply.
    """
    statements = lookup(nation is not None, uk_wide)
    params: dict[str, Any] = {"needs": list(dict.fromkeys(needs))}
    if nation is not None:
        params["nation"] = nation
    rows = session.execute(statements.services, params).mappings().all()
    details = _details(session, statements, params)
    return [build(row, details[row["id"]], vocabulary) for row in rows]


def all_services(session: Session) -> list[Service]:
    """Every row, reachable or not, for review (CLI list and export)."""
    return list(session.execute(select(Service).order_by(Service.name)).scalars().all())


def search_services(session: Session, text: str) -> list[Service]:
    """Services whose name, summary, area, notes or need tags contain `text` (case-insensitive)."""
    pattern = f"%{text.strip().replace(' ', '%')}%"
    tag = text.strip().lower().replace(" ", "_").replace("-", "_")
    query = select(Service).where(
        or_(
            Service.name.ilike(pattern),
            Service.short_name.ilike(pattern),
            Service.summary.ilike(pattern),
            Service.area.ilike(pattern),
            Service.notes.ilike(pattern),
            Service.id.in_(select(ServiceNeed.service_id).where(ServiceNeed.need.ilike(f"%{tag}%"))),
        )
    )
    return list(session.execute(query.order_by(Service.name)).scalars().all())


def count_services(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Service)).scalar_one())
