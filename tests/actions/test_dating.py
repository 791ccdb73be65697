"""Source dates: how old a contact's source is, and the three-year line after which the person is told."""

from __future__ import annotations

from datetime import date

import pytest

from actions.directory import dating

TODAY = date(2026, 12, 4)


@pytest.mark.parametrize(
    ("value", "year", "latest"),
    [
        ("2020", 2020, date(2020, 12, 31)),
        ("2020-02", 2020, date(2020, 2, 29)),
        ("2021-12-17", 2021, date(2021, 12, 17)),
        (date(2019, 5, 1), 2019, date(2019, 5, 1)),
    ],
)
def test_parse_counts_from_the_end_of_the_period(value, year: int, latest: date) -> None:
    parsed = dating.parse(value)
    assert parsed is not None and (parsed.year, parsed.latest) == (year, latest)


@pytest.mark.parametrize("value", ["unknown", "", None, "2020-13", "2020-02-30", "May 2020", "20-05"])
def test_unknown_or_malformed_dates_parse_to_none(value) -> None:
    assert dating.parse(value) is None


def test_problems_name_the_format_and_the_future() -> None:
    assert dating.problem("unknown", TODAY) is None
    assert dating.problem("2026-12", TODAY) is None  # this month is not the future
    assert "not a date like 2020, 2020-05 or 2020-05-13" in str(dating.problem("last spring", TODAY))
    assert dating.problem("2027", TODAY) == "2027 is in the future"
    assert dating.problem("2027-01", TODAY) == "2027-01 is in the future"


@pytest.mark.parametrize(
    ("value", "old"),
    [
        ("2023-11", True),  # ends 30 Nov 2023, before 4 Dec 2023
        ("2023-12", False),  # could be as late as 31 Dec 2023: the benefit of the doubt
        ("2023", False),
        ("2023-12-03", True),
        ("2023-12-04", False),
        ("2012", True),
        ("unknown", False),  # nobody knows, so nobody is told it is old
    ],
)
def test_old_means_more_than_three_years(value: str, old: bool) -> None:
    assert dating.is_old(value, TODAY) is old


def test_cutoff_on_a_leap_day() -> None:
    assert dating.cutoff(date(2028, 2, 29)) == date(2025, 2, 28)
