"""Referrals rendered per channel (web, SMS, staff), from the shipped data on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from actions.directory.catalogue import NATIONS, Catalogue
from actions.directory.finder import Directory
from actions.directory.ranking import ReferralRequest
from actions.directory.render import INDEPENDENCE_NOTE, render, sms_item, sms_order, style_for
from contract.channels import MESSAGING_PAYLOAD
from tests.actions.conftest import WEDNESDAY_2PM

# Words a lock screen must not show in an SMS's first 40 characters (docs/content-guide.md).
LOCK_SCREEN_WORDS = ["abuse", "violence", "police", "home office", "deport", "rape", "kill", "fgm", "marriage",
                     "slavery", "suicide", "asylum", "visa", "immigration"]  # fmt: skip


def unconfirmed_numbers(catalogue: Catalogue) -> set[str]:
    return {str(c["value"]) for s in catalogue.services for c in s["contacts"] if c.get("confirmed") is False}


def find(directory: Directory, need: str, nation: str | None = None, audience: str = "public", language=None):
    return directory.find(ReferralRequest(need, nation, language, audience), WEDNESDAY_2PM)


def test_channels_map_to_styles() -> None:
    assert [style_for(c) for c in ("rest", "socketio", None, "twilio", "staff", "cmdline")] == [
        "web",
        "web",
        "web",
        "sms",
        "staff",
        "web",
    ]


def test_web_reply_lists_services_with_numbers_hours_labels_and_buttons(real_directory, catalogue) -> None:
    reply = render(find(real_directory, "domestic_abuse", "wales"), catalogue.vocabulary, "rest")
    assert reply.text.startswith("Services in Wales that can help with domestic abuse:")
    assert "- Live Fear Free Helpline: charity, funded by the Welsh Government" in reply.text
    assert "Call 0808 80 10 800" in reply.text and "Text 07860 077333" in reply.text
    assert "Open now: 24 hours a day, every day" in reply.text
    assert "Hours (not confirmed):" in reply.text  # Bawso: an old source, shown as a note, never "open"
    assert reply.text.endswith(INDEPENDENCE_NOTE)
    assert reply.buttons[0] == {
        "title": "Call Live Fear Free",
        "url": "tel:08088010800",
        "payload": "tel:08088010800",
        "type": "phone_number",
    }
    assert len(reply.buttons) == 3 and reply.json_message is None


def test_socketio_gets_the_web_reply(real_directory, catalogue) -> None:
    referrals = find(real_directory, "forced_marriage", "england")
    assert render(referrals, catalogue.vocabulary, "socketio") == render(referrals, catalogue.vocabulary, "rest")


def test_forced_marriage_specialists_first_and_the_unit_labelled_government(real_directory, catalogue) -> None:
    referrals = find(real_directory, "forced_marriage", "england")
    assert [s.id for s in referrals.listings] == [
        "karma_nirvana",
        "forced_marriage_unit",
        "national_domestic_abuse_helpline",
    ]
    for channel in ("rest", "twilio", "staff"):
        text = render(referrals, catalogue.vocabulary, channel).text
        assert "Forced Marriage Unit" in text
        assert "government unit (Home Office and FCDO)" in text, channel


def test_home_office_contractor_is_labelled_on_every_channel(real_directory, catalogue) -> None:
    referrals = find(real_directory, "asylum", "england", audience="staff")
    assert "migrant_help" in [s.id for s in referrals.listings]
    for channel in ("rest", "twilio", "staff"):
        assert "runs a Home Office contract" in render(referrals, catalogue.vocabulary, channel).text


def test_sms_is_plain_short_and_structured_for_the_messaging_channels(real_directory, catalogue) -> None:
    """No lead-in line any more: the messaging channels compose the texts from the structure
    (and open each text neutrally for the lock screen: tests/channels/test_messaging.py)."""
    for need in ("forced_marriage", "domestic_abuse", "men", "suicide", "modern_slavery"):
        referrals = find(real_directory, need)
        reply = render(referrals, catalogue.vocabulary, "twilio")
        text = reply.text
        assert text.isascii(), text
        assert "https://" not in text
        assert len(text) <= 400, (need, len(text))
        lines = text.splitlines()
        assert referrals.listings or referrals.national_lines, need
        ordered = [x for x in sms_order(referrals.listings) if x.contacts_of("phone", "text")]
        first = sms_item(ordered[0], referrals.at) if ordered else lines[0]
        assert lines[0] == first and lines[-1].startswith("Delete this thread")
        body = reply.json_message[MESSAGING_PAYLOAD]
        assert [s["text"] for s in body["services"]] == lines[:-1] and body["national"] is None
        assert all(s["numbers"] and s["numbers"][0] in s["text"] for s in body["services"] if s["numbers"])
        assert render(referrals, catalogue.vocabulary, "whatsapp") == reply


def test_sms_one_service_a_line_with_hours(real_directory, catalogue) -> None:
    text = render(find(real_directory, "domestic_abuse", "scotland"), catalogue.vocabulary, "twilio").text
    assert "Scotland's Domestic Abuse Helpline: 0800 027 1234, text 07401 288595 (24/7)" in text.splitlines()


def test_staff_get_structured_referrals_and_text(real_directory, catalogue) -> None:
    referrals = find(real_directory, "domestic_abuse", "england", audience="staff")
    reply = render(referrals, catalogue.vocabulary, "staff")
    records = reply.json_message["referrals"]
    assert 3 <= len(records) <= 5
    first = records[0]
    assert first["id"] == "national_domestic_abuse_helpline"
    assert first["phone"] == "0808 2000 247" and first["open_now"] is True
    assert first["match"] == "specialist" and first["sources"] and first["last_verified"] == "2026-12-04"
    assert {"kind", "kind_label", "government_link", "sharing", "hours", "opening_hours", "contacts"} <= set(first)
    assert reply.json_message["fallback"] is False and reply.json_message["nation"] == "england"
    assert reply.text.startswith("Referrals for domestic abuse, England:")


def test_unknown_nation_shows_each_nations_24_7_line(real_directory, catalogue) -> None:
    referrals = find(real_directory, "men")
    assert [s.id for s in referrals.listings] == ["mens_advice_line"]
    web = render(referrals, catalogue.vocabulary, "rest").text
    assert "Open 24 hours, depending on where you are in the UK:" in web
    assert "- Wales: Live Fear Free Helpline, 0808 80 10 800" in web
    sms = render(referrals, catalogue.vocabulary, "twilio").text
    assert (
        "24/7: England 08 08 16 89 111 (from 2020); Wales 0808 80 10 800; "
        "Scotland 0800 027 1234; N. Ireland 0808 802 1414" in sms
    )
    staff = render(referrals, catalogue.vocabulary, "staff").json_message
    assert [line["nation"] for line in staff["national_lines"]] == list(NATIONS)


def test_language_is_named_or_its_absence_said(real_directory, catalogue) -> None:
    spanish = render(
        find(real_directory, "domestic_abuse", "england", language="spanish"), catalogue.vocabulary, "rest"
    )
    assert "Works in Spanish." in spanish.text
    polish = render(find(real_directory, "domestic_abuse", "scotland", language="polish"), catalogue.vocabulary, "rest")
    assert "None of these services lists Polish. Some can arrange an interpreter." in polish.text
    assert "Can arrange interpreters." in polish.text
    bsl = render(
        find(real_directory, "domestic_abuse", "england", language="british_sign_language"),
        catalogue.vocabulary,
        "rest",
    )
    assert "British Sign Language: Mon-Fri 10am-6pm only (2021), not 24 hours." in bsl.text
    assert "Works in British Sign Language." not in bsl.text
    lgbt = render(find(real_directory, "lgbt", "england", language="polish"), catalogue.vocabulary, "rest")
    assert "None of these services lists Polish.\n" in lgbt.text  # and no promise of interpreters


def test_no_unconfirmed_number_is_ever_rendered(real_directory, catalogue) -> None:
    hidden = unconfirmed_numbers(catalogue)
    hidden_digits = {re.sub(r"\D", "", n) for n in hidden}
    for need in catalogue.vocabulary.needs:
        for nation in (None, *NATIONS):
            for audience in ("public", "staff"):
                referrals = find(real_directory, need, nation, audience)
                for channel in ("rest", "twilio", "staff"):
                    reply = render(referrals, catalogue.vocabulary, channel)
                    blob = reply.text + str(reply.buttons) + str(reply.json_message)
                    assert not [n for n in hidden if n in blob], (need, nation)
                    shown_digits = {re.sub(r"\D", "", run) for run in re.findall(r"\d[\d ]{4,}\d", blob)}
                    assert not hidden_digits & shown_digits, (need, nation)
