"""Directory honesty (issue 14): each entry's own dates, old numbers said to be old, and the corrections.

Someone may have one safe minute to call. A number from 2012 is labelled as such; BSL is never
offered as 24 hours; a Home Office-funded charity says so even by SMS; a West London service is not
offered as a direct line in Scotland; funds that need an agency's referral are for staff.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from actions.directory.catalogue import NATIONS
from actions.directory.hours import LONDON
from actions.directory.ranking import ReferralRequest
from actions.directory.render import age_line, render
from tests.actions.conftest import directory_with, real_data, service

# The day the sources were read (2026-12-04), a Wednesday afternoon.
READ_DAY = datetime(2026, 12, 2, 14, 0, tzinfo=LONDON)
FREE_TEXT = ("summary", "notes", "hours_note", "languages_note", "sharing", "area", "run_by", "government")
PHONE_LIKE = re.compile(r"\b0\d{2,4}[ \d]{6,10}\d\b")


def find(directory, need: str, nation: str | None = None, audience: str = "public", language: str | None = None):
    return directory.find(ReferralRequest(need, nation, language, audience), READ_DAY)


def ids(referrals) -> list[str]:
    return [listing.id for listing in referrals.listings]


# ---- the data file ----------------------------------------------------------------------------------


def test_no_blanket_verification_date() -> None:
    services = real_data()["services"]
    dates = {entry["last_verified"] for entry in services}
    assert {date(2026, 6, 30), date(2026, 12, 4)} <= dates
    assert all("source_date" in entry for entry in services)
    assert len({str(entry["source_date"]) for entry in services}) > 5


def test_no_phone_number_hides_in_free_text() -> None:
    """Numbers belong in contacts, where `confirmed: false` keeps unconfirmed ones out of every reply."""
    found = {
        (entry["id"], field, number)
        for entry in real_data()["services"]
        for field in FREE_TEXT
        for number in PHONE_LIKE.findall(str(entry.get(field) or ""))
    }
    assert found == set()


def test_citizens_advice_wales_number_is_an_unconfirmed_contact() -> None:
    by_id = {entry["id"]: entry for entry in real_data()["services"]}
    wales = by_id["citizens_advice_wales"]
    phone = next(c for c in wales["contacts"] if c["type"] == "phone")
    assert phone["value"] == "0800 702 2020" and phone["confirmed"] is False
    assert "0800 702 2020" not in str(by_id["citizens_advice_england"])


# ---- old numbers are said to be old -----------------------------------------------------------------


def test_web_says_how_old_a_number_is(real_directory, catalogue) -> None:
    text = render(find(real_directory, "domestic_abuse", "wales"), catalogue.vocabulary, "rest").text
    bawso = text[text.index("- Bawso") :]
    assert "This number is from 2012. It may have changed." in bawso.split("\n- ")[0]
    live_fear_free = text[text.index("- Live Fear Free") :].split("\n- ")[0]
    assert "may have changed" not in live_fear_free  # its sources are undated: nothing to say


def test_sms_says_how_old_a_number_is_in_a_few_words(real_directory, catalogue) -> None:
    reply = render(find(real_directory, "domestic_abuse", "wales"), catalogue.vocabulary, "twilio")
    bawso = next(line for line in reply.text.splitlines() if line.startswith("Bawso"))
    assert bawso == "Bawso: 0800 731 8147 (hours not confirmed; number from 2012)"
    assert reply.text.isascii()


def test_national_lines_carry_the_age_too(real_directory, catalogue) -> None:
    referrals = find(real_directory, "domestic_abuse")
    web = render(referrals, catalogue.vocabulary, "rest").text
    assert "- England: National Domestic Abuse Helpline (Refuge), 0808 2000 247 (number from 2020)" in web
    assert "- Wales: Live Fear Free Helpline, 0808 80 10 800\n" in web
    sms = render(referrals, catalogue.vocabulary, "twilio").text
    assert "England 0808 2000 247 (from 2020); Wales 0808 80 10 800;" in sms


def test_staff_see_each_contact_date_and_the_warning(real_directory, catalogue) -> None:
    reply = render(find(real_directory, "domestic_abuse", "wales", audience="staff"), catalogue.vocabulary, "staff")
    details = next(r for r in reply.json_message["referrals"] if r["id"] == "bawso")
    assert details["source_date"] == "2012"
    assert details["age_warning"] == "This number is from 2012. It may have changed."
    assert {c["type"]: c["old"] for c in details["contacts"]} == {"phone": True, "web": False}
    assert "Bawso" in reply.text and "This number is from 2012." in reply.text


def test_a_contact_can_be_newer_than_its_service(store) -> None:
    directory = directory_with(
        store,
        [
            service(
                "mixed",
                1,
                source_date="2019-05",
                contacts=[
                    {"type": "phone", "value": "07700 900001"},
                    {"type": "web", "value": "https://mixed.example.com", "source_date": "2026-01"},
                ],
            ),
            service("web_only", 2, source_date="2020", contacts=[{"type": "web", "value": "https://w.example.com"}]),
        ],
    )
    listings = {x.id: x for x in find(directory, "domestic_abuse", "england").listings}
    assert age_line(listings["mixed"].contacts, READ_DAY) == "This number is from 2019. It may have changed."
    assert age_line(listings["web_only"].contacts, READ_DAY) == "These details are from 2020. They may have changed."
    assert age_line(listings["mixed"].contacts[1:], READ_DAY) is None


def test_the_warning_follows_the_clock(store) -> None:
    directory = directory_with(store, [service("recent", 1, source_date="2024-06")])
    listing = find(directory, "domestic_abuse", "england").listings[0]
    assert age_line(listing.contacts, READ_DAY) is None
    assert age_line(listing.contacts, datetime(2027, 7, 1, tzinfo=LONDON)) == (
        "This number is from 2024. It may have changed."
    )


# ---- the corrections from issue 14 ------------------------------------------------------------------


def test_bsl_is_never_offered_as_24_hours(real_directory, catalogue) -> None:
    referrals = find(real_directory, "domestic_abuse", "england", language="british_sign_language")
    web = render(referrals, catalogue.vocabulary, "rest").text
    helpline = web[web.index("- National Domestic Abuse Helpline") :].split("\n- ")[0]
    assert "British Sign Language: Mon-Fri 10am-6pm only (2021), not 24 hours." in helpline
    sms = render(referrals, catalogue.vocabulary, "twilio").text
    line = next(x for x in sms.splitlines() if x.startswith("National Domestic Abuse Helpline"))
    assert "British Sign Language Mon-Fri 10am-6pm only (2021), not 24 hours" in line
    staff = render(find(real_directory, "domestic_abuse", "england", "staff"), catalogue.vocabulary, "staff")
    first = staff.json_message["referrals"][0]
    assert first["language_hours"] == {"british_sign_language": "Mon-Fri 10am-6pm only (2021), not 24 hours"}


def test_karma_nirvana_funding_is_labelled_on_every_channel(real_directory, catalogue) -> None:
    referrals = find(real_directory, "honour_based_abuse", "england")
    assert ids(referrals)[0] == "karma_nirvana"
    assert (
        "Karma Nirvana: charity, funded by the Home Office (said in 2020)"
        in render(referrals, catalogue.vocabulary, "rest").text
    )
    assert render(referrals, catalogue.vocabulary, "twilio").text.startswith("Karma Nirvana, Home Office-funded: ")
    assert "funded by the Home Office" in render(referrals, catalogue.vocabulary, "staff").text


def test_galop_consent_rule_is_about_its_forum(real_directory, catalogue) -> None:
    referrals = find(real_directory, "lgbt", "england", audience="staff")
    galop = next(x for x in referrals.listings if x.id == "galop")
    assert galop.sharing.startswith("For its online survivors' forum,")
    assert "No statement was found for the helpline itself." in galop.sharing


@pytest.mark.parametrize("nation", ["wales", "scotland", "northern_ireland", None])
def test_southall_black_sisters_is_not_a_direct_line_outside_england(real_directory, nation) -> None:
    for need in ("domestic_abuse", "nrpf", "immigration_advice"):
        assert "southall_black_sisters" not in ids(find(real_directory, need, nation)), (need, nation)


def test_southall_black_sisters_in_england_says_where_and_how(real_directory, catalogue) -> None:
    referrals = find(real_directory, "nrpf", "england")
    assert "southall_black_sisters" in ids(referrals)
    text = render(referrals, catalogue.vocabulary, "rest").text
    assert "Advice and advocacy in West London" in text and "need a referral" in text


def test_referral_only_funds_are_for_staff(real_directory, catalogue) -> None:
    for nation in (None, *NATIONS):
        public = ids(find(real_directory, "nrpf", nation))
        assert not {"support_for_migrant_victims_scheme", "sbs_no_recourse_fund"} & set(public), nation
    staff = find(real_directory, "nrpf", "scotland", audience="staff")
    assert {"support_for_migrant_victims_scheme", "sbs_no_recourse_fund"} <= set(ids(staff))
    smv = next(x for x in staff.listings if x.id == "support_for_migrant_victims_scheme")
    assert smv.kind_label.startswith("charity, funded by the Home Office")
    assert "not verified" in smv.notes and "Home Office said some information would be shared" in smv.sharing
    fund = next(x for x in staff.listings if x.id == "sbs_no_recourse_fund")
    assert "Funding uncertain" in fund.notes


def test_hourglass_can_be_reached_and_shakti_is_not_offered(real_directory, catalogue) -> None:
    older = find(real_directory, "older_people", "england")
    hourglass = next(x for x in older.listings if x.id == "hourglass")
    assert [c.type for c in hourglass.contacts] == ["web"]  # the phone number is still unconfirmed
    for nation in (None, *NATIONS):
        for audience in ("public", "staff"):
            assert "shakti_womens_aid" not in ids(find(real_directory, "honour_based_abuse", nation, audience))


def test_sms_puts_services_with_a_number_first(real_directory, catalogue) -> None:
    """Immigration advice in England: two web-only services rank first, but on SMS the number leads."""
    referrals = find(real_directory, "immigration_advice", "england")
    assert ids(referrals)[:2] == ["rights_of_women", "jcwi"]
    lines = render(referrals, catalogue.vocabulary, "twilio").text.splitlines()
    assert lines[0].startswith("National Domestic Abuse Helpline, Home Office grant: 0808 2000 247")
    assert [line.split(":")[0] for line in lines[1:3]] == ["Rights of Women", "JCWI"]


def test_a_service_shown_only_by_its_website_is_not_the_24_7_line(real_directory) -> None:
    """Hourglass's 24/7 helpline number is unconfirmed: it must not fill the "always one 24/7 option" place."""
    older = find(real_directory, "older_people", "england")
    hourglass = next(x for x in older.listings if x.id == "hourglass")
    assert not hourglass.hours.always_open
    assert any(x.hours.always_open and x.contacts_of("phone") for x in older.listings)


def test_sms_24_7_lines_come_before_a_web_only_service(real_directory, catalogue) -> None:
    referrals = find(real_directory, "older_people")  # nation unknown: Hourglass (web) and each nation's line
    lines = render(referrals, catalogue.vocabulary, "twilio").text.splitlines()
    assert lines[0].startswith("24/7: England 08 08 16 89 111")
    assert lines[1].startswith("Hourglass, Home Office-funded in England: wearehourglass.org")
