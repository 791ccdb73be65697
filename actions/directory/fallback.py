"""The static 24/7 helplines (data/safety.yml) for when the directory cannot be reached.

The action server runs apart from the Rasa server; both read the safety lines through the one
loader in contract/safety_lines.py. If the database is down, this needs nothing else.
"""

from __future__ import annotations

from actions.directory.render import SMS_FOOTER, Reply, style_for
from contract.channels import Style
from contract.danger import SUICIDE
from contract.safety_lines import safety_lines
from contract.staff_payload import StaffPayload, StaffReferral

UNAVAILABLE = "I can't look up local services right now."


def fallback_reply(channel: str | None, nation: str | None = None, need: str | None = None) -> Reply:
    """999, the national 24/7 helplines and (for suicide) Samaritans, for any channel."""
    lines = safety_lines()
    helplines = lines.ordered(nation)
    head = [UNAVAILABLE, lines.emergency, *([lines.suicide] if need == SUICIDE else []), lines.human]
    style = style_for(channel)
    if style == Style.SMS:
        return Reply("\n".join([*head, *(f"{h.name}: {h.phone}" for h in helplines), SMS_FOOTER]))
    text = "\n".join([*head, *(f"- {h.name}: {h.phone}" for h in helplines)])
    if style == Style.STAFF:
        payload = StaffPayload(fallback=True, helplines=[StaffReferral.from_helpline(h) for h in helplines])
        return Reply(text, json_message=payload.to_json())
    return Reply(text)
