"""Opening hours in Europe/London: is a service open now, and how to say so.

"Open now" is a promise to someone who may have one safe minute to call, so it is only ever made
from structured hours (24/7 or weekly ranges). Hours known only as a note are shown as the note and
count as "not known", never as open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class WeeklyRange:
    """Open on `day` (0 = Monday) from `opens`; a `closes` at or before `opens` means after midnight."""

    day: int
    opens: time
    closes: time

    def window(self, on: date) -> tuple[datetime, datetime]:
        start = datetime.combine(on, self.opens, tzinfo=LONDON)
        end_day = on if self.closes > self.opens else on + timedelta(days=1)
        return start, datetime.combine(end_day, self.closes, tzinfo=LONDON)


@dataclass(frozen=True)
class OpeningHours:
    always_open: bool = False
    weekly: tuple[WeeklyRange, ...] = ()
    note: str | None = None

    @property
    def known(self) -> bool:
        """True when the hours are structured (so "open now" can be said)."""
        return self.always_open or bool(self.weekly)


def parse_time(text: str) -> time:
    """ "HH:MM"; "24:00" is midnight at the end of the day."""
    hours, minutes = (int(part) for part in str(text).split(":"))
    return time(0, 0) if (hours, minutes) == (24, 0) else time(hours, minutes)


def from_entry(hours: dict | None, note: str | None = None) -> OpeningHours:
    """Build from a data-file entry (`hours:` block plus optional `hours_note`)."""
    hours = hours or {}
    ranges = tuple(
        WeeklyRange(DAYS.index(day), parse_time(block["open"]), parse_time(block["close"]))
        for block in hours.get("weekly") or ()
        for day in block["days"]
    )
    notes = [n for n in (note, hours.get("note")) if n]
    return OpeningHours(bool(hours.get("always_open")), ranges, "; ".join(notes) or None)


def local(now: datetime | None = None) -> datetime:
    """`now` (aware, any zone; naive is read as UTC) in London time."""
    now = now or datetime.now(LONDON)
    if now.tzinfo is None:
        now = now.replace(tzinfo=ZoneInfo("UTC"))
    return now.astimezone(LONDON)


def _current_window(hours: OpeningHours, now: datetime) -> tuple[datetime, datetime] | None:
    today = now.date()
    for on in (today - timedelta(days=1), today):
        for weekly in hours.weekly:
            if weekly.day == on.weekday():
                start, end = weekly.window(on)
                if start <= now < end:
                    return start, end
    return None


def is_open(hours: OpeningHours, now: datetime | None = None) -> bool | None:
    """True/False from structured hours; None when the hours are not known."""
    if hours.always_open:
        return True
    if not hours.weekly:
        return None
    return _current_window(hours, local(now)) is not None


def next_opening(hours: OpeningHours, now: datetime | None = None) -> datetime | None:
    """When a service with weekly hours next opens (within a week)."""
    current = local(now)
    starts = [
        weekly.window(current.date() + timedelta(days=offset))[0]
        for offset in range(8)
        for weekly in hours.weekly
        if weekly.day == (current.date() + timedelta(days=offset)).weekday()
    ]
    future = [start for start in starts if start > current]
    return min(future) if future else None


def clock(moment: time | datetime) -> str:
    """9:30am, 6pm, 12pm (noon), 12am (midnight)."""
    hour, minute = moment.hour, moment.minute
    suffix = "am" if hour < 12 else "pm"
    shown = hour % 12 or 12
    return f"{shown}{suffix}" if minute == 0 else f"{shown}:{minute:02d}{suffix}"


def weekly_summary(hours: OpeningHours) -> str:
    """ "Mon 8am-6pm, Tue 8am-6pm, ...": every range, for staff and the CSV export."""
    return ", ".join(f"{DAY_NAMES[w.day]} {clock(w.opens)}-{clock(w.closes)}" for w in hours.weekly)


def describe(hours: OpeningHours, now: datetime | None = None, short: bool = False) -> str:
    """What to tell a person about the hours right now (short: for SMS)."""
    if hours.always_open:
        return "24/7" if short else "Open now: 24 hours a day, every day"
    if not hours.weekly:
        if short:
            return "hours not confirmed"
        return f"Hours (not confirmed): {hours.note}" if hours.note else "Hours not confirmed"
    current = local(now)
    window = _current_window(hours, current)
    if window is not None:
        text = f"open now till {clock(window[1])}" if short else f"Open now until {clock(window[1])}"
    else:
        opening = next_opening(hours, current)
        when = f"{DAY_NAMES[opening.weekday()]} {clock(opening)}" if opening else "later"
        text = f"closed now, opens {when}" if short else f"Closed now; opens {when}"
    return text if short or not hours.note else f"{text} ({hours.note})"
