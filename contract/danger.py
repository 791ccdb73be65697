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
# Someone else (a sister, a friend, a neighbour) in danger now: the writer needs to know what to do for them.
SOMEONE_ELSE = "someone_else"

KINDS: tuple[str, ...] = (
    VIOLENCE_NOW,
    THREAT_TO_KILL,
    STRANGULATION,
    LOCKED_IN,
    WEAPON,
    CHILDREN_AT_RISK,
    FORCED_MARRIAGE_TRAVEL,
    SUICIDE,
    SOMEONE_ELSE,
)

# Other spellings of a kind (the danger corpus says "child_at_risk"): the one place they are mapped.
ALIASES: dict[str, str] = {"child_at_risk": CHILDREN_AT_RISK}
# Kinds lowered to a footer, when the danger is in the past and asked about for another reason, only
# if it was years ago (bot/danger/detector.py): strangulation and threats to kill predict homicide.
NEVER_LOWERED: frozenset[str] = frozenset({STRANGULATION, THREAT_TO_KILL})


def canonical_kind(name: str) -> str:
    """The contract's name for a kind ("child_at_risk" -> "children_at_risk"); ValueError if unknown."""
    kind = ALIASES.get(name, name)
    if kind not in KINDS:
        raise ValueError(f"unknown danger kind {name!r}")
    return kind
