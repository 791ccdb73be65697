"""Choosing and ordering referrals, on SQLite and PostgreSQL, with synthetic services.

Each test states one rule from the issue: specific beats general, nation-specific beats UK-wide,
open now first, a 24/7 option always included, at most 3 (5 for staff), who a service is for.
"""

from __future__ import annotations

from actions.directory.ranking import ReferralRequest
from tests.actions.conftest import SATURDAY_11PM, WEDNESDAY_2PM, directory_with, service

NOTE_ONLY = {"hours": None, "hours_note": "Not verified."}


def ids(referrals) -> list[str]:
    return [listing.id for listing in referrals.listings]


def note_hours(entry: dict) -> dict:
    entry.pop("hours", None)
    entry["hours_note"] = "Not verified."
    return entry


def test_specialist_beats_general_service(store) -> None:
    directory = directory_with(
        store,
        [
            service("general_line", 1, nations=["england"]),
            note_hours(service("marriage_specialist", 2, needs=["forced_marriage"])),
        ],
    )
    found = directory.find(ReferralRequest("forced_marriage", "england"), WEDNESDAY_2PM)
    assert ids(found) == ["marriage_specialist", "general_line"]


def test_nation_specific_beats_uk_wide(store) -> None:
    directory = directory_with(
        store,
        [
            service("uk_line", 1),
            service("welsh_line", 2, nations=["wales"]),
            service("two_nations", 3, nations=["england", "wales"]),
        ],
    )
    assert ids(directory.find(ReferralRequest("domestic_abuse", "wales"), WEDNESDAY_2PM)) == [
        "welsh_line",
        "two_nations",
        "uk_line",
    ]
    assert ids(directory.find(ReferralRequest("domestic_abuse", "scotland"), WEDNESDAY_2PM)) == ["uk_line"]


def test_local_services_come_after_nation_wide_ones(store) -> None:
    directory = directory_with(
        store,
        [
            service("london_only", 1, nations=["england"], area="London"),
            service("england_wide", 2, nations=["england"]),
        ],
    )
    assert ids(directory.find(ReferralRequest("domestic_abuse", "england"), WEDNESDAY_2PM)) == [
        "england_wide",
        "london_only",
    ]


def test_open_now_comes_first(store) -> None:
    day = {"weekly": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "open": "09:00", "close": "17:00"}]}
    night = {"weekly": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "open": "18:00", "close": "02:00"}]}
    directory = directory_with(store, [service("day_line", 1, hours=day), service("night_line", 2, hours=night)])
    assert ids(directory.find(ReferralRequest("domestic_abuse"), WEDNESDAY_2PM))[:2] == ["day_line", "night_line"]
    assert ids(directory.find(ReferralRequest("domestic_abuse"), SATURDAY_11PM))[:2] == ["night_line", "day_line"]


def test_a_24_7_option_is_always_included(store) -> None:
    specialists = [note_hours(service(f"specialist_{n}", n, needs=["stalking"])) for n in range(1, 5)]
    directory = directory_with(store, [*specialists, service("always_open_line", 9)])
    found = directory.find(ReferralRequest("stalking"), WEDNESDAY_2PM)
    assert ids(found) == ["specialist_1", "specialist_2", "always_open_line"]
    assert found.listings[-1].hours.always_open


def test_at_most_three_for_the_public_and_five_for_staff(store) -> None:
    directory = directory_with(store, [service(f"line_{n}", n) for n in range(1, 8)])
    assert len(directory.find(ReferralRequest("domestic_abuse"), WEDNESDAY_2PM).listings) == 3
    assert len(directory.find(ReferralRequest("domestic_abuse", audience="staff"), WEDNESDAY_2PM).listings) == 5


def test_unknown_nation_gets_uk_wide_services_and_each_nations_24_7_line(store) -> None:
    nations = ["england", "wales", "scotland", "northern_ireland"]
    national = [service(f"{nation}_line", n, nations=[nation]) for n, nation in enumerate(nations, start=1)]
    directory = directory_with(store, [note_hours(service("uk_advice", 9)), *national])
    found = directory.find(ReferralRequest("domestic_abuse"), WEDNESDAY_2PM)
    assert ids(found) == ["uk_advice"]
    assert [(nation, listing.id) for nation, listing in found.national_lines] == [
        (nation, f"{nation}_line") for nation in nations
    ]


def test_government_bodies_come_after_independent_services_that_match_as_well(store) -> None:
    directory = directory_with(
        store,
        [
            service(
                "a_government_unit", 1, needs=["forced_marriage"], kind="government_body", government="Home Office"
            ),
            note_hours(service("z_independent", 2, needs=["forced_marriage"])),
        ],
    )
    found = directory.find(ReferralRequest("forced_marriage", "england"), WEDNESDAY_2PM)
    assert ids(found) == ["z_independent", "a_government_unit"]
    assert found.listings[1].government_link
    assert found.listings[1].kind_label == "government unit (Home Office)"


def test_services_for_one_group_are_offered_only_to_that_group(store) -> None:
    directory = directory_with(
        store,
        [
            service("mens_line", 1, needs=["men", "domestic_abuse"], serves=["men"]),
            service("womens_line", 2, serves=["women"]),
            service("anyone_line", 3),
            service("lgbt_line", 4, needs=["lgbt", "domestic_abuse"], serves=["lgbt"]),
        ],
    )
    assert ids(directory.find(ReferralRequest("domestic_abuse"), WEDNESDAY_2PM)) == ["anyone_line", "womens_line"]
    assert ids(directory.find(ReferralRequest("men"), WEDNESDAY_2PM)) == ["mens_line", "anyone_line"]
    assert ids(directory.find(ReferralRequest("lgbt"), WEDNESDAY_2PM)) == ["lgbt_line", "anyone_line"]


def test_professional_only_services_are_for_staff(store) -> None:
    directory = directory_with(store, [service("guidance_for_councils", 1, needs=["nrpf"], serves=["professionals"])])
    assert ids(directory.find(ReferralRequest("nrpf"), WEDNESDAY_2PM)) == []
    assert ids(directory.find(ReferralRequest("nrpf", audience="staff"), WEDNESDAY_2PM)) == ["guidance_for_councils"]


def test_language_first_then_interpreters(store) -> None:
    directory = directory_with(
        store,
        [
            service("english_only", 1),
            service("interpreters", 2, interpreting=True),
            note_hours(service("spanish_speakers", 3, languages=["spanish"], only_for_speakers=True)),
        ],
    )
    assert ids(directory.find(ReferralRequest("domestic_abuse", language="spanish"), WEDNESDAY_2PM)) == [
        "spanish_speakers",
        "interpreters",
        "english_only",
    ]
    assert ids(directory.find(ReferralRequest("domestic_abuse", language="polish"), WEDNESDAY_2PM)) == [
        "interpreters",
        "english_only",
    ]


def test_unconfirmed_contacts_are_never_offered(store) -> None:
    hidden = service("unconfirmed_only", 1, contacts=[{"type": "phone", "value": "07700 900111", "confirmed": False}])
    partly = service(
        "partly_confirmed",
        2,
        contacts=[
            {"type": "web", "value": "https://confirmed.example.com"},
            {"type": "phone", "value": "07700 900222", "confirmed": False},
        ],
    )
    directory = directory_with(store, [hidden, partly])
    found = directory.find(ReferralRequest("domestic_abuse"), WEDNESDAY_2PM)
    assert ids(found) == ["partly_confirmed"]
    assert [c.value for c in found.listings[0].contacts] == ["https://confirmed.example.com"]


def test_related_needs_fill_in_when_there_is_no_specialist(store) -> None:
    directory = directory_with(store, [service("crime_line", 1, needs=["crime_victim"])])
    assert ids(directory.find(ReferralRequest("domestic_abuse"), WEDNESDAY_2PM)) == ["crime_line"]


def test_whether_the_answer_depends_on_the_nation(store) -> None:
    directory = directory_with(
        store,
        [
            note_hours(service("uk_specialist", 1, needs=["modern_slavery"])),
            service("england_line", 2, nations=["england"]),
            service("scotland_line", 3, nations=["scotland"]),
        ],
    )
    assert directory.depends_on_nation(ReferralRequest("domestic_abuse"), WEDNESDAY_2PM)
    assert not directory.depends_on_nation(ReferralRequest("modern_slavery"), WEDNESDAY_2PM)
