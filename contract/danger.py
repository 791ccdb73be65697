"""The kinds of danger the detector reports; each kind has an answer of its own."""

from __future__ import annotations

VIOLENCE_NOW = "violence_now"
THREAT_TO_KILL = "threat_to_kill"
STRANGULATION = "strangulation"
LOCKED_IN = "locked_in"
WEAPON = "weapon"
CHILDREN_AT_RISK = "children_at_risk"
FORCED_MARRIAGE_TRAVEL = "forced_marriage_travel"
SUICIDE = "suicide"

KINDS: tuple[str, ...] = (
    VIOLENCE_NOW,
    THREAT_TO_KILL,
    STRANGULATION,
    LOCKED_IN,
    WEAPON,
    CHILDREN_AT_RISK,
    FORCED_MARRIAGE_TRAVEL,
    SUICIDE,
)
