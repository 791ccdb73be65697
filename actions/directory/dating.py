"""How old a contact's source is, and when to tell the person ("This number is from 2020").

`source_date` in data/services.yml is when the newest source that shows a contact was published or
last updated: `2020`, `2020-05` or `2020-05-13`, or `unknown` when no source is dated. A number
whose source is more than three years old may have changed, and someone with one safe minute to
call should know that before they try it. A date given only as a year or month counts from the end
of that period (the benefit of the doubt); an unknown date is never called old, because nobody
knows, and the data file has to say `unknown` explicitly so a reviewer has looked.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

UNKNOWN = "unknown"
OLD_AFTER_YEARS = 3
_FORMAT = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class SourceDate:
    text: str
    year: int
    latest: date  # the last day the source could have been written on


def parse(value: object) -> SourceDate | None:
    """A `source_date` value (a YAML date, or text); None when unknown or malformed."""
    if isinstance(value, date):
        return SourceDate(value.isoformat(), value.year, value)
    match = _FORMAT.match(str(value or "").strip())
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    if month is None:
        return SourceDate(str(value), year, date(year, 12, 31))
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return SourceDate(str(value), year, date(year, month, last))
    return SourceDate(str(value), year, date(year, month, day)) if 1 <= day <= last else None


def problem(value: object, today: date) -> str | None:
    """Why a `source_date` value is not acceptable, or None."""
    if str(value).strip() == UNKNOWN:
        return None
    parsed = parse(value)
    if parsed is None:
        return f"'{value}' is not a date like 2020, 2020-05 or 2020-05-13 (or 'unknown')"
    start = date(parsed.year, 1, 1) if len(parsed.text) == 4 else parsed.latest.replace(day=1)
    return f"{value} is in the future" if start > today else None


def cutoff(today: date, years: int = OLD_AFTER_YEARS) -> date:
    """The day before which a source counts as old (29 Feb becomes 28 Feb)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def is_old(value: object, today: date) -> bool:
    """True when the source is known to be more than three years old."""
    parsed = parse(value)
    return parsed is not None and parsed.latest < cutoff(today)


def year_of(value: object) -> int | None:
    parsed = parse(value)
    return parsed.year if parsed else None
