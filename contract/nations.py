"""The four nations of the UK, in the order they are listed everywhere."""

from __future__ import annotations

ENGLAND = "england"
WALES = "wales"
SCOTLAND = "scotland"
NORTHERN_IRELAND = "northern_ireland"
NATIONS: tuple[str, ...] = (ENGLAND, WALES, SCOTLAND, NORTHERN_IRELAND)
# Shorthand in data/services.yml for all four.
UK = "uk"


def known_nation(value: object) -> str | None:
    """The nation when `value` names one, else None."""
    return value if isinstance(value, str) and value in NATIONS else None


def nation_label(nation: str) -> str:
    """ "northern_ireland" -> "Northern Ireland"."""
    return nation.replace("_", " ").title()
