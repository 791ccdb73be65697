"""What a well-formed UK phone number, email address and web address look like.

One set of rules for the validator (so a typo fails review) and for rendering (so a `tel:` link
dials exactly the number a reviewer approved).
"""

from __future__ import annotations

import re

PHONE_TYPES = ("phone", "text", "whatsapp")
# Childline's 0800 1111 is the one UK freephone number shorter than ten digits.
SHORT_FREEPHONE = {"08001111"}
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_URL = re.compile(r"^https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?(/\S*)?$")


def digits(number: str) -> str:
    """The digits of a number written with spaces (the only separator the data file uses)."""
    return number.replace(" ", "")


def phone_problem(number: str) -> str | None:
    """Why `number` is not a well-formed UK number, or None when it is.

    Accepted: 11 digits starting 01, 02, 03, 05, 07, 08 or 09; 10 digits starting 01 or 0800;
    116 plus three digits (European helplines such as Samaritans' 116 123); 0800 1111.
    """
    if not isinstance(number, str) or not number.strip():
        return "is empty"
    compact = digits(number.strip())
    if not compact.isdigit():
        return "may contain only digits and single spaces"
    if compact in SHORT_FREEPHONE or re.fullmatch(r"116\d{3}", compact):
        return None
    if not compact.startswith("0") or compact[1] not in "1235789":
        return "must start 01, 02, 03, 05, 07, 08 or 09 (or be a 116 helpline)"
    if len(compact) == 11 or (len(compact) == 10 and (compact.startswith("01") or compact.startswith("0800"))):
        return None
    return f"has {len(compact)} digits; UK numbers have 11 (10 for some 01 and 0800 numbers)"


def email_problem(address: str) -> str | None:
    return None if isinstance(address, str) and _EMAIL.match(address) else "is not an email address"


def url_problem(url: str) -> str | None:
    return None if isinstance(url, str) and _URL.match(url) else "is not an http(s) web address"


def problem(contact_type: str, value: str) -> str | None:
    """The format rule for one contact, by type."""
    if contact_type in PHONE_TYPES:
        return phone_problem(value)
    if contact_type == "email":
        return email_problem(value)
    return url_problem(value)


def tel_link(number: str) -> str:
    return f"tel:{digits(number)}"


def sms_link(number: str) -> str:
    return f"sms:{digits(number)}"


def bare_url(url: str) -> str:
    """`https://www.example.com/` -> `example.com`: shorter for SMS and lock screens."""
    short = re.sub(r"^https?://(www\.)?", "", url)
    return short.rstrip("/")
