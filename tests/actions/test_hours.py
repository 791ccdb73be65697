"""Opening hours in Europe/London: open now, next opening, overnight ranges and clock changes."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from actions.directory.hours import LONDON, OpeningHours, clock, describe, from_entry, is_open, next_opening, parse_time

UTC = ZoneInfo("UTC")
WEEKDAYS = from_entry({"weekly": [{"days": ["mon", "tue", "wed", "thu", "fri"], "open": "08:00", "close": "18:00"}]})


def at(year: int, month: int, day: int, hour: int, minute: int = 0, zone: ZoneInfo = LONDON) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


def test_always_open_is_open_at_any_time() -> None:
    hours = from_entry({"always_open": True})
    assert is_open(hours, at(2026, 12, 25, 3)) is True
    assert describe(hours, short=True) == "24/7"
    assert describe(hours).startswith("Open now")


def test_weekday_hours_open_and_closed() -> None:
    assert is_open(WEEKDAYS, at(2026, 11, 25, 14)) is True  # Wednesday
    assert describe(WEEKDAYS, at(2026, 11, 25, 14)) == "Open now until 6pm"
    assert is_open(WEEKDAYS, at(2026, 11, 25, 18)) is False  # closing time is exclusive
    assert describe(WEEKDAYS, at(2026, 11, 25, 19)) == "Closed now; opens Thu 8am"
    assert describe(WEEKDAYS, at(2026, 11, 28, 12), short=True) == "closed now, opens Mon 8am"  # Saturday


def test_range_past_midnight_belongs_to_the_day_it_opens() -> None:
    late = from_entry({"weekly": [{"days": ["fri"], "open": "20:00", "close": "02:00"}]})
    assert is_open(late, at(2026, 11, 27, 23)) is True  # Friday night
    assert is_open(late, at(2026, 11, 28, 1, 30)) is True  # early Saturday
    assert is_open(late, at(2026, 11, 28, 2, 0)) is False
    assert describe(late, at(2026, 11, 28, 1)) == "Open now until 2am"


def test_london_time_is_used_across_clock_changes() -> None:
    nine_to_five = from_entry({"weekly": [{"days": ["wed"], "open": "09:00", "close": "17:00"}]})
    # 08:30 UTC is 09:30 in summer (BST) but 08:30 in winter (GMT).
    assert is_open(nine_to_five, at(2026, 7, 1, 8, 30, UTC)) is True
    assert is_open(nine_to_five, at(2026, 12, 2, 8, 30, UTC)) is False
    naive_utc = datetime(2026, 7, 1, 8, 30)
    assert is_open(nine_to_five, naive_utc) is True


def test_next_opening_skips_to_the_next_open_day() -> None:
    opening = next_opening(WEEKDAYS, at(2026, 11, 27, 19))  # Friday evening
    assert opening == at(2026, 11, 30, 8)


def test_hours_known_only_as_a_note_are_never_open_now() -> None:
    hours = from_entry(None, "Sources differ: Mon-Fri 9am-5pm or 9am-9pm")
    assert not hours.known
    assert is_open(hours, at(2026, 11, 25, 12)) is None
    assert describe(hours) == "Hours (not confirmed): Sources differ: Mon-Fri 9am-5pm or 9am-9pm"
    assert describe(hours, short=True) == "hours not confirmed"
    assert "open now" not in describe(hours).lower()


def test_notes_from_both_places_are_kept() -> None:
    hours = from_entry(
        {"weekly": [{"days": ["sat"], "open": "10:00", "close": "24:00"}], "note": "chat only"}, "old page"
    )
    assert hours.note == "old page; chat only"
    assert describe(hours, at(2026, 11, 28, 23)) == "Open now until 12am (old page; chat only)"


def test_time_parsing_and_clock_words() -> None:
    assert parse_time("24:00") == time(0, 0)
    assert parse_time("09:30") == time(9, 30)
    assert [clock(time(h, m)) for h, m in [(0, 0), (9, 30), (12, 0), (18, 0)]] == ["12am", "9:30am", "12pm", "6pm"]
    assert OpeningHours().known is False
