"""Referrals as replies, one shape per channel.

- web (REST, socket.io, and anything unknown): a short list, each service with its numbers, hours
  and what it is, plus one call/chat/link button per service (`url` set, `payload` = the same url);
- SMS style (twilio, whatsapp): plain ASCII text, one service a line, and the same as structure in
  `json_message` (bot/messaging composes the texts from it: best numbers first, the rest on MORE);
- staff: the structured referrals in `json_message` plus a compact text the call handler can read.
Government bodies and Home Office contractors carry their label in every shape, and so do charities
with an `sms_label` (Home Office funding). A contact whose newest source is over three years old
says so in every shape ("This number is from 2020"): the person may have one safe minute to call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from actions.directory import dating
from actions.directory.catalogue import Vocabulary
from actions.directory.contacts import PHONE_TYPES, bare_url, sms_link, tel_link
from actions.directory.finder import Referrals
from actions.directory.hours import describe, is_open, weekly_summary
from actions.directory.listing import ContactView, Listing
from actions.directory.ranking import match_level
from contract.channels import MESSAGING_PAYLOAD, Style, reply_style
from contract.staff_payload import StaffPayload, StaffReferral

INDEPENDENCE_NOTE = (
    '"Independent" means not part of government. Most services still share information '
    "if someone's life or a child is at serious risk."
)
SMS_FOOTER = "Delete this thread if it is not safe to keep."
_CONTACT_WORDS = {
    "phone": "Call",
    "text": "Text",
    "whatsapp": "WhatsApp",
    "webchat": "Chat",
    "email": "Email",
    "web": "Web",
}


@dataclass
class Reply:
    """Keyword arguments for `dispatcher.utter_message`."""

    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    json_message: dict[str, Any] | None = None

    def as_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"text": self.text}
        if self.buttons:
            kwargs["buttons"] = self.buttons
        if self.json_message is not None:
            kwargs["json_message"] = self.json_message
        return kwargs


def style_for(channel: str | None) -> Style:
    """The channel's reply style (contract/channels.py refuses a channel it does not know)."""
    return reply_style(channel)


def render(referrals: Referrals, vocabulary: Vocabulary, channel: str | None) -> Reply:
    style = style_for(channel)
    if style == Style.SMS:
        return Reply(sms_text(referrals, vocabulary), json_message=sms_json(referrals))
    if style == Style.STAFF:
        return Reply(staff_text(referrals, vocabulary), json_message=staff_json(referrals, vocabulary))
    return Reply(web_text(referrals, vocabulary), buttons=web_buttons(referrals.listings))


# ---- web ------------------------------------------------------------------------------------------------


def _contact_text(contact: ContactView) -> str:
    """ "Call 0808 80 10 800", "Text 07401 288595 (SMS or WhatsApp)", "Web gov.wales/live-fear-free"."""
    shown = contact.value if contact.type in ("phone", "text", "whatsapp", "email") else bare_url(contact.value)
    note = f" ({contact.note})" if contact.note and contact.type in ("text", "whatsapp") else ""
    return f"{_CONTACT_WORDS[contact.type]} {shown}{note}"


def _contact_line(listing: Listing) -> str:
    return " | ".join(_contact_text(contact) for contact in listing.contacts)


def language_label(tag: str) -> str:
    return tag.replace("_", " ").title()


def _language_line(listing: Listing, language: str | None) -> str | None:
    """Works in the person's language; when only for some hours (BSL on weekdays), says which."""
    if not language or language == "english":
        return None
    if language in listing.languages:
        limited = listing.hours_in(language)
        return f"{language_label(language)}: {limited}." if limited else f"Works in {language_label(language)}."
    return "Can arrange interpreters." if listing.interpreting else None


# ---- how old a contact's source is --------------------------------------------------------------------


def old_contacts(contacts: tuple[ContactView, ...] | list[ContactView], at: datetime) -> list[ContactView]:
    """The contacts whose newest source is more than three years old (dating.py says why)."""
    return [c for c in contacts if dating.is_old(c.source_date, at.date())]


def _oldest_year(contacts: list[ContactView]) -> int | None:
    years = [y for c in contacts if (y := dating.year_of(c.source_date)) is not None]
    return min(years) if years else None


def age_line(contacts: tuple[ContactView, ...] | list[ContactView], at: datetime) -> str | None:
    """ "This number is from 2020. It may have changed." for the contacts shown, or None."""
    old = old_contacts(contacts, at)
    year = _oldest_year(old)
    if year is None:
        return None
    numbers = [c for c in old if c.type in PHONE_TYPES]
    if len(numbers) > 1:
        return f"These numbers are from {year}. They may have changed."
    if numbers:
        return f"This number is from {year}. It may have changed."
    return f"These details are from {year}. They may have changed."


def age_note(contacts: tuple[ContactView, ...] | list[ContactView], at: datetime) -> str | None:
    """The short SMS form: "number from 2020" (or "from 2022" for a web address)."""
    old = old_contacts(contacts, at)
    year = _oldest_year(old)
    if year is None:
        return None
    return f"number from {year}" if any(c.type in PHONE_TYPES for c in old) else f"from {year}"


def _header(referrals: Referrals, vocabulary: Vocabulary) -> str:
    request = referrals.request
    where = f"in {vocabulary.nation_label(request.nation)}" if request.nation else "across the UK"
    return f"Services {where} that can help with {vocabulary.need_label(request.need)}:"


def web_item(listing: Listing, referrals: Referrals) -> str:
    lines = [f"- {listing.name}: {listing.kind_label}", f"  {listing.summary}", f"  {_contact_line(listing)}"]
    age = age_line(listing.contacts, referrals.at)
    if age:
        lines.append(f"  {age}")
    lines.append(f"  {describe(listing.hours, referrals.at)}")
    language = _language_line(listing, referrals.request.language)
    if language:
        lines.append(f"  {language}")
    return "\n".join(lines)


def _first_contact(listing: Listing) -> ContactView:
    """The one contact a national line shows: the first phone, else the first contact."""
    phones = listing.contacts_of("phone")
    return phones[0] if phones else listing.contacts[0]


def _national_row(nation: str, listing: Listing, referrals: Referrals, vocabulary: Vocabulary) -> str:
    contact = _first_contact(listing)
    shown = contact.value if contact.type == "phone" else bare_url(contact.value)
    age = age_note([contact], referrals.at)
    return f"- {vocabulary.nation_label(nation)}: {listing.name}, {shown}" + (f" ({age})" if age else "")


def _national_block(referrals: Referrals, vocabulary: Vocabulary) -> list[str]:
    if not referrals.national_lines:
        return []
    rows = [_national_row(nation, listing, referrals, vocabulary) for nation, listing in referrals.national_lines]
    return ["Open 24 hours, depending on where you are in the UK:", *rows]


def _language_note(referrals: Referrals) -> list[str]:
    language = referrals.request.language
    if not language or language == "english":
        return []
    if any(language in listing.languages for listing in referrals.listings):
        return []
    note = f"None of these services lists {language_label(language)}."
    return [note + (" Some can arrange an interpreter." if any(x.interpreting for x in referrals.listings) else "")]


def web_text(referrals: Referrals, vocabulary: Vocabulary) -> str:
    body = [web_item(listing, referrals) for listing in referrals.listings]
    parts = [_header(referrals, vocabulary), *body, *_national_block(referrals, vocabulary)]
    return "\n".join([*parts, *_language_note(referrals), INDEPENDENCE_NOTE])


def web_button(listing: Listing) -> dict[str, str]:
    """Call if there is a number, else chat, else the website."""
    phones, texts = listing.contacts_of("phone"), listing.contacts_of("text")
    chats, webs = listing.contacts_of("webchat"), listing.contacts_of("web", "email")
    if phones:
        url, title = tel_link(phones[0].value), f"Call {listing.short_name}"
    elif texts:
        url, title = sms_link(texts[0].value), f"Text {listing.short_name}"
    elif chats:
        url, title = chats[0].value, f"Chat with {listing.short_name}"
    else:
        first = webs[0]
        url = f"mailto:{first.value}" if first.type == "email" else first.value
        title = f"{listing.short_name} website" if first.type == "web" else f"Email {listing.short_name}"
    return {"title": title, "url": url, "payload": url, "type": "phone_number" if url.startswith("tel:") else "web_url"}


def web_buttons(listings: tuple[Listing, ...]) -> list[dict[str, str]]:
    return [web_button(listing) for listing in listings if listing.contacts]


# ---- SMS ------------------------------------------------------------------------------------------------


def _sms_contacts(listing: Listing) -> list[ContactView]:
    """The contacts an SMS line shows: the first phone and first text, else the first contact."""
    phones, texts = listing.contacts_of("phone"), listing.contacts_of("text")
    shown = [*phones[:1], *texts[:1]]
    return shown or [listing.contacts[0]]


def _sms_reach(listing: Listing) -> str:
    phones, texts = listing.contacts_of("phone"), listing.contacts_of("text")
    if phones:
        reach = phones[0].value + (f", text {texts[0].value}" if texts else "")
    elif texts:
        reach = f"text {texts[0].value}"
    else:
        reach = bare_url(listing.contacts[0].value)
    return reach


def sms_label(listing: Listing) -> str:
    """Who runs or funds it, when people afraid of the Home Office need to know (kept short for SMS)."""
    if listing.sms_label:
        return listing.sms_label
    return listing.kind_label if listing.government_link else ""


def sms_item(listing: Listing, at: datetime, language: str | None = None) -> str:
    label = sms_label(listing)
    notes = [describe(listing.hours, at, short=True)]
    limited = listing.hours_in(language) if language in listing.languages else None
    if limited:
        notes.append(f"{language_label(language or '')} {limited}")
    age = age_note(_sms_contacts(listing), at)
    if age:
        notes.append(age)
    head = f"{listing.short_name}, {label}" if label else listing.short_name
    return f"{head}: {_sms_reach(listing)} ({'; '.join(notes)})"


def _sms_national(nation: str, listing: Listing, at: datetime) -> str:
    short = {"england": "England", "wales": "Wales", "scotland": "Scotland", "northern_ireland": "N. Ireland"}
    contact = _first_contact(listing)
    age = age_note([contact], at)
    reach = listing.phone or _sms_reach(listing)
    return f"{short[nation]} {reach}" + (f" ({age.replace('number ', '')})" if age else "")


def _sms_nations(referrals: Referrals) -> list[str]:
    lines = [_sms_national(nation, listing, referrals.at) for nation, listing in referrals.national_lines]
    return [f"24/7: {'; '.join(lines)}"] if lines else []


def sms_order(listings: tuple[Listing, ...]) -> list[Listing]:
    """The services in list order, those with a number to call or text first: on a basic phone a web
    address is the least use, and the messaging channels send the first lines before MORE."""
    return sorted(listings, key=lambda listing: not listing.contacts_of(*PHONE_TYPES))


def _sms_entries(referrals: Referrals) -> list[tuple[str, list[str]]]:
    """(line, numbers) in SMS order: services with a number, then each nation's 24/7 line, then the
    web-only services (a web address must not push the 24/7 numbers back to MORE)."""
    language = referrals.request.language
    ordered = sms_order(referrals.listings)
    with_number = [x for x in ordered if x.contacts_of(*PHONE_TYPES)]
    web_only = [x for x in ordered if not x.contacts_of(*PHONE_TYPES)]
    entries = [(sms_item(x, referrals.at, language), _sms_numbers(x)) for x in with_number]
    nations = _sms_nations(referrals)
    if nations:
        entries.append((nations[0], [phone for _, x in referrals.national_lines for phone in _sms_numbers(x)[:1]]))
    return entries + [(sms_item(x, referrals.at, language), _sms_numbers(x)) for x in web_only]


def sms_text(referrals: Referrals, vocabulary: Vocabulary) -> str:
    return "\n".join([*(line for line, _ in _sms_entries(referrals)), SMS_FOOTER])


def _sms_numbers(listing: Listing) -> list[str]:
    return [c.value for c in (*listing.contacts_of("phone")[:1], *listing.contacts_of("text")[:1])]


def sms_json(referrals: Referrals) -> dict[str, Any]:
    """The SMS reply as structure, in SMS order: the messaging channels choose what fits in a few
    texts (the first entries' numbers first) and keep the rest for MORE. The nations' 24/7 line is one
    of the entries (before web-only services), so `national` stays empty."""
    services = [{"text": text, "numbers": numbers} for text, numbers in _sms_entries(referrals)]
    body = {"nation": referrals.request.nation, "need": referrals.request.need, "services": services}
    body["national"] = None
    return {MESSAGING_PAYLOAD: body}


# ---- staff ----------------------------------------------------------------------------------------------


def _first(listing: Listing, *types: str) -> str | None:
    found = listing.contacts_of(*types)
    return found[0].value if found else None


def staff_record(
    listing: Listing, referrals: Referrals, vocabulary: Vocabulary, nation: str | None = None
) -> StaffReferral:
    """Everything a call handler may need, including what the service says about sharing.

    The first phone/text/web/email and the hours text are flat fields, as the console shows them.
    """
    level = match_level(listing, vocabulary, referrals.request)
    details = {
        "id": listing.id,
        "short_name": listing.short_name,
        "summary": listing.summary,
        "match": {2: "specialist", 1: "related"}.get(level, "fallback"),
        "needs": list(listing.needs),
        "nations": list(listing.nations),
        "area": listing.area,
        "serves": list(listing.serves),
        "contacts": [
            {
                "type": c.type,
                "value": c.value,
                "note": c.note,
                "source_date": c.source_date,
                "old": dating.is_old(c.source_date, referrals.at.date()),
            }
            for c in listing.contacts
        ],
        "source_date": listing.source_date,
        "age_warning": age_line(listing.contacts, referrals.at),
        "language_hours": dict(listing.language_hours) or None,
        "sms_label": listing.sms_label,
        "opening_hours": {
            "always_open": listing.hours.always_open,
            "weekly": weekly_summary(listing.hours) or None,
            "note": listing.hours.note,
        },
        "interpreting": listing.interpreting,
        "languages_note": listing.languages_note,
        "run_by": listing.run_by,
        "notes": listing.notes,
    }
    return StaffReferral(
        name=listing.name,
        phone=_first(listing, "phone"),
        text=_first(listing, "text", "whatsapp"),
        web=_first(listing, "webchat", "web"),
        email=_first(listing, "email"),
        hours=describe(listing.hours, referrals.at),
        open_now=is_open(listing.hours, referrals.at),
        languages=tuple(listing.languages),
        kind=listing.kind,
        kind_label=listing.kind_label,
        government_link=listing.government_link,
        nation=nation,
        sharing=listing.sharing,
        last_verified=listing.last_verified.isoformat(),
        sources=tuple(listing.sources),
        details=details,
    )


def staff_json(referrals: Referrals, vocabulary: Vocabulary) -> dict[str, Any]:
    request = referrals.request
    payload = StaffPayload(
        referrals=[staff_record(listing, referrals, vocabulary) for listing in referrals.listings],
        national_lines=[
            staff_record(listing, referrals, vocabulary, nation) for nation, listing in referrals.national_lines
        ],
        need=request.need,
        nation=request.nation,
        language=request.language,
        checked_at=referrals.at.isoformat(timespec="minutes"),
    )
    return payload.to_json()


def staff_text(referrals: Referrals, vocabulary: Vocabulary) -> str:
    request = referrals.request
    where = vocabulary.nation_label(request.nation) if request.nation else "nation unknown (UK-wide)"
    lines = [f"Referrals for {vocabulary.need_label(request.need)}, {where}:"]
    for number, listing in enumerate(referrals.listings, start=1):
        age = age_line(listing.contacts, referrals.at)
        lines.append(
            f"{number}. {listing.name} [{listing.kind_label}] {_contact_line(listing)}. "
            + (f"{age} " if age else "")
            + f"{describe(listing.hours, referrals.at)}. Sharing: {listing.sharing}"
        )
    lines += [
        f"24/7 in {vocabulary.nation_label(n)}: {item.name} {_sms_reach(item)}" for n, item in referrals.national_lines
    ]
    return "\n".join(lines)
