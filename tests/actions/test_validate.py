"""The data-file validator: the shipped file passes, and each kind of mistake fails with a clear message."""

from __future__ import annotations

import copy
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.directory.contacts import phone_problem
from actions.directory.validate import main, months_before, validate
from contract.paths import PROJECT_ROOT as ROOT
from tests.actions.conftest import real_data, service

TODAY = date(2026, 12, 4)  # the day the sources were last read
SHIPPED_ON = TODAY


def problems_with(*services: dict[str, Any], today: date = TODAY) -> list[str]:
    data = real_data()
    data["services"] = list(services)
    return [str(p) for p in validate(data, today)]


def one_problem(entry: dict[str, Any]) -> str:
    found = problems_with(entry)
    assert len(found) == 1, found
    return found[0]


def test_the_shipped_file_passes_today() -> None:
    assert [str(p) for p in validate(real_data(), date.today())] == []


# The newest last_verified date in data/services.yml (entries read on that day).
SHIPPED = date(2026, 12, 4)


def test_the_shipped_file_passes_on_the_reference_date() -> None:
    assert validate(real_data(), SHIPPED_ON) == []


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("0808 2000 24", "has 10 digits"),
        ("07700 9000001", "has 12 digits"),
        ("+44 7700 900001", "only digits"),
        ("0808-2000-247", "only digits"),
        ("4808 200 0247", "must start 01"),
    ],
)
def test_malformed_uk_phone_number(number: str, reason: str) -> None:
    entry = service("bad_phone", contacts=[{"type": "phone", "value": number}])
    message = one_problem(entry)
    assert message.startswith("services[0] bad_phone: malformed UK phone number")
    assert reason in message


def test_well_formed_uk_numbers() -> None:
    for number in ("0808 2000 247", "07700 900123", "0800 555 111", "0800 1111", "116 123", "020 8571 9595"):
        assert phone_problem(number) is None, number


def test_malformed_email_and_web_address() -> None:
    phone = {"type": "phone", "value": "07700 900001"}
    entry = service("bad_contacts", contacts=[phone, {"type": "email", "value": "help-at-example.com"}])
    assert "malformed email 'help-at-example.com'" in one_problem(entry)
    entry = service("bad_web", contacts=[phone, {"type": "web", "value": "example.com/help"}])
    assert "malformed web 'example.com/help'" in one_problem(entry)


def test_missing_source() -> None:
    assert one_problem(service("no_source", sources=[])) == (
        "services[0] no_source: missing source: add at least one URL that says this"
    )
    entry = service("no_key")
    del entry["sources"]
    assert "missing source" in one_problem(entry)


def test_last_verified_more_than_twelve_months_ago() -> None:
    stale = service("stale", last_verified=date(2025, 12, 3))
    assert one_problem(stale) == (
        "services[0] stale: last_verified 2025-12-03 is older than 12 months (before 2025-12-04): re-check it"
    )
    assert problems_with(service("exactly_a_year", last_verified=date(2025, 12, 4))) == []
    assert "in the future" in one_problem(service("future", last_verified=date(2027, 1, 1)))
    assert "missing last_verified" in one_problem(service("no_date", last_verified="last spring"))


def test_unknown_need_tag_nation_audience_kind_and_language() -> None:
    assert "unknown need tag 'housing'" in one_problem(service("bad_need", needs=["housing"]))
    assert "unknown nation 'cornwall'" in one_problem(service("bad_nation", nations=["cornwall"]))
    assert "unknown audience 'students'" in one_problem(service("bad_serves", serves=["students"]))
    assert "unknown kind 'quango'" in one_problem(service("bad_kind", kind="quango"))
    assert "unknown language 'klingon'" in one_problem(service("bad_language", languages=["klingon"]))
    assert "unknown contact type 'fax'" in one_problem(
        service(
            "bad_type", contacts=[{"type": "fax", "value": "07700 900001"}, {"type": "text", "value": "07700 900002"}]
        )
    )


def test_duplicates() -> None:
    first = service("same_line", 1)
    assert problems_with(first, service("same_line", 2, name="Another Name")) == [
        "services: duplicate id 'same_line' in: same_line, same_line"
    ]
    assert problems_with(first, service("other_id", 2, name="SAME LINE")) == [
        "services: duplicate name 'same line' in: same_line, other_id"
    ]
    copied = service("copied_number", 2, contacts=[{"type": "phone", "value": "07700900001"}])
    assert problems_with(first, copied) == ["services: duplicate number '07700900001' in: same_line, copied_number"]


def test_hours_must_be_structured_or_a_note() -> None:
    entry = service("no_hours")
    del entry["hours"]
    assert "missing hours" in one_problem(entry)
    both = service(
        "both", hours={"always_open": True, "weekly": [{"days": ["mon"], "open": "09:00", "close": "17:00"}]}
    )
    assert "contradict" in one_problem(both)
    bad_day = service("bad_day", hours={"weekly": [{"days": ["monday"], "open": "09:00", "close": "17:00"}]})
    assert "unknown day 'monday'" in one_problem(bad_day)
    bad_time = service("bad_time", hours={"weekly": [{"days": ["mon"], "open": "9am", "close": "17:00"}]})
    assert "open '9am' is not a time like 09:30" in one_problem(bad_time)


def test_conversation_map_and_related_needs_use_known_needs() -> None:
    data = real_data()
    data["from_conversation"]["intents"]["topic_fgm"] = "female_cutting"
    data["vocabulary"]["needs"]["stalking"]["related"] = ["harassment"]
    messages = [str(p) for p in validate(data, TODAY)]
    assert "from_conversation.intents.topic_fgm: unknown need tag 'female_cutting'" in messages
    assert "vocabulary.needs.stalking: unknown related need 'harassment'" in messages


def test_months_before_handles_short_months() -> None:
    assert months_before(date(2028, 2, 29), 12) == date(2027, 2, 28)
    assert months_before(date(2026, 1, 15), 12) == date(2025, 1, 15)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "services.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_command_exit_status_and_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = real_data()
    assert main(["--file", str(write(tmp_path, good)), "--today", SHIPPED_ON.isoformat()]) == 0
    out = capsys.readouterr().out
    assert f"OK: {len(good['services'])} services" in out
    assert "  bawso phone 0800 731 8147 (2012)" in out
    bad = copy.deepcopy(good)
    bad["services"][0]["contacts"][0]["value"] = "0808 2000 24"
    bad["services"][1]["last_verified"] = "2024-01-01"
    assert main(["--file", str(write(tmp_path, bad)), "--today", SHIPPED_ON.isoformat()]) == 1
    err = capsys.readouterr().err
    assert "services[0] national_domestic_abuse_helpline: malformed UK phone number '0808 2000 24'" in err
    assert "services[1] live_fear_free: last_verified 2024-01-01 is older than 12 months" in err
    assert "2 problem(s)" in err


def test_command_reports_an_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("services: [unclosed", encoding="utf-8")
    assert main(["--file", str(broken)]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_make_target_module_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "actions.directory.validate"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "never shown (no confirmed contact): shakti_womens_aid\n" in result.stdout
    assert "Shown with a warning (newest source over 3 years old)" in result.stdout


def test_source_date_is_required_and_well_formed() -> None:
    no_date = service("no_date")
    del no_date["source_date"]
    assert "missing source_date" in one_problem(no_date)
    assert "is not a date like 2020, 2020-05" in one_problem(service("bad", source_date="spring 2020"))
    assert one_problem(service("future", source_date="2027")) == "services[0] future: source_date 2027 is in the future"
    assert problems_with(service("year", source_date=2019), service("month", 2, source_date="2019-05")) == []
    contact = {"type": "phone", "value": "07700 900001", "source_date": "2020-13"}
    assert "phone 07700 900001: source_date '2020-13' is not a date" in one_problem(service("c", contacts=[contact]))


def test_home_office_funding_needs_an_sms_label() -> None:
    funded = service("funded", kind="government_funded_charity", government="the Home Office (2020)")
    assert "add a short sms_label" in one_problem(funded)
    assert problems_with({**funded, "sms_label": "Home Office-funded"}) == []
    welsh = service("welsh", kind="government_funded_charity", government="the Welsh Government")
    assert problems_with(welsh) == []


def test_language_hours_only_for_a_listed_language() -> None:
    limited = service("bsl", language_hours={"british_sign_language": "Mon-Fri 10am-6pm"})
    assert "language_hours for 'british_sign_language', which is not in languages" in one_problem(limited)
    listed = {**limited, "languages": ["english", "british_sign_language"]}
    assert problems_with(listed) == []


def test_every_source_must_be_in_the_facts_registry() -> None:
    from contract.facts import load

    data = real_data()
    data["services"] = [service("unregistered")]
    found = [str(p) for p in validate(data, TODAY, load())]
    assert found == [
        "services[0] unregistered: source 'https://example.com/sources/unregistered' is not in the facts registry"
        " (data/facts/*.yml)"
    ]
    assert validate(real_data(), TODAY, load()) == []


def test_old_contacts_are_listed_for_review() -> None:
    from actions.directory.validate import old_contacts

    data = real_data()
    data["services"] = [
        service("old", 1, source_date="2019"),
        service(
            "hidden", 2, source_date="2019", contacts=[{"type": "phone", "value": "07700 900002", "confirmed": False}]
        ),
        service("new", 3, source_date="2025-01"),
    ]
    assert old_contacts(data, TODAY) == [
        "old phone 07700 900001 (2019)",
        "old web https://old.example.com (2019)",
    ]


def test_always_open_needs_a_live_contact() -> None:
    web_only = service("web_only", contacts=[{"type": "web", "value": "https://w.example.com"}])
    assert "always_open needs a confirmed phone, text or chat contact" in one_problem(web_only)
    hidden_phone = service(
        "hidden_phone",
        contacts=[
            {"type": "web", "value": "https://h.example.com"},
            {"type": "phone", "value": "07700 900001", "confirmed": False},
        ],
    )
    assert "always_open needs" in one_problem(hidden_phone)
    chat = service("chat", contacts=[{"type": "webchat", "value": "https://c.example.com"}])
    assert problems_with(chat) == []
