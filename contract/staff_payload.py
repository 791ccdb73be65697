"""The structured referrals the action server sends the staff console (a `custom` message).

Built by actions/directory (render.py, fallback.py), read by bot/web/staff; one set of field names,
so neither side has to guess between alternatives.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from contract.safety_lines import Helpline

HELPLINE_KIND = "government_funded_charity"
HELPLINE_NOTE = "Charity-run national helpline, government-funded (facts.md §5)"


@dataclass(frozen=True)
class StaffReferral:
    name: str
    phone: str | None = None
    text: str | None = None
    web: str | None = None
    email: str | None = None
    hours: str | None = None
    open_now: bool | None = None
    languages: tuple[str, ...] = ()
    kind: str = ""
    kind_label: str | None = None
    government_link: bool = False
    nation: str | None = None
    sharing: str | None = None
    last_verified: str | None = None
    sources: tuple[str, ...] = ()
    # Directory detail the console may show; absent for the shipped helplines.
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_helpline(cls, helpline: Helpline) -> StaffReferral:
        return cls(
            name=helpline.name,
            phone=helpline.phone,
            hours="24 hours",
            kind=HELPLINE_KIND,
            kind_label=HELPLINE_NOTE,
            nation=helpline.nation,
            sources=(helpline.source,) if helpline.source else (),
        )

    def to_json(self) -> dict[str, Any]:
        """Flat JSON: the typed fields, then the directory details beside them."""
        data = asdict(self)
        details = data.pop("details")
        data["languages"] = list(self.languages)
        data["sources"] = list(self.sources)
        return {**details, **data}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StaffReferral:
        """The referral from its JSON form: typed fields enforced, every other key a detail."""
        known = {f.name for f in fields(cls)} - {"details"}
        values = {k: v for k, v in data.items() if k in known}
        values["name"] = str(values.get("name") or "")
        values["languages"] = tuple(str(x) for x in values.get("languages") or ())
        values["sources"] = tuple(str(x) for x in values.get("sources") or ())
        values["government_link"] = bool(values.get("government_link"))
        return cls(**values, details={k: v for k, v in data.items() if k not in known})


@dataclass(frozen=True)
class StaffPayload:
    referrals: list[StaffReferral] = field(default_factory=list)
    # The 24/7 line of each nation, sent when the nation is unknown.
    national_lines: list[StaffReferral] = field(default_factory=list)
    # The directory could not be reached: these shipped helplines stand in for it.
    helplines: list[StaffReferral] = field(default_factory=list)
    fallback: bool = False
    need: str | None = None
    nation: str | None = None
    language: str | None = None
    checked_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "referrals": [r.to_json() for r in self.referrals],
            "national_lines": [r.to_json() for r in self.national_lines],
            "helplines": [r.to_json() for r in self.helplines],
            "fallback": self.fallback,
            "need": self.need,
            "nation": self.nation,
            "language": self.language,
            "checked_at": self.checked_at,
        }

    @classmethod
    def from_json(cls, data: Any) -> StaffPayload | None:
        """The payload of a `custom` message, or None when it is not one."""
        if not isinstance(data, dict) or not any(k in data for k in ("referrals", "national_lines", "helplines")):
            return None

        def items(key: str) -> list[StaffReferral]:
            return [StaffReferral.from_json(r) for r in data.get(key) or [] if isinstance(r, dict)]

        return cls(
            referrals=items("referrals"),
            national_lines=items("national_lines"),
            helplines=items("helplines"),
            fallback=bool(data.get("fallback")),
            need=data.get("need"),
            nation=data.get("nation"),
            language=data.get("language"),
            checked_at=data.get("checked_at"),
        )
