"""What the console shows for one query, besides the referrals: topics, the answer, danger, adviser.

The answer is the domain's own response for the top topic (the texts a person gets on the web,
and their short SMS form as "say this"), read by one function, `answer_text`: the console never
writes an answer of its own. Danger flags carry the labels and steps of data/staff_terms.yml and
the 999 lines of data/safety.yml.
"""

from __future__ import annotations

import re
from typing import Any

from bot.safety import safety_lines
from bot.web.staff.vocabulary import Expansion, Vocabulary
from contract import danger as danger_kinds
from contract import intents

# Below this the console shows the closest topics instead of an answer (see docs/staff.md).
LOW_CONFIDENCE = 0.5
# With danger flagged the handler's first job is safety: a topic answer beside it must be surer.
DANGER_ANSWER_CONFIDENCE = 0.8
TOP_TOPICS = 3
NOT_TOPICS = {intents.DANGER, intents.FALLBACK}
ADVISER_WORDS = re.compile(r"regulated (immigration )?adviser", re.I)


def topics_from(parse: dict[str, Any] | None, vocab: Vocabulary) -> list[dict[str, Any]]:
    """The closest topics with the classifier's own confidence; danger and "not understood" are
    left out (danger has its own flags). Not renormalised when danger took part of the
    probability: a topic must stand on its own confidence, never borrow the danger's."""
    ranking = [r for r in (parse or {}).get("intent_ranking") or [] if r.get("name") not in NOT_TOPICS]
    return [
        {"intent": r["name"], "name": vocab.topic_name(r["name"]), "confidence": round(float(r["confidence"]), 3)}
        for r in ranking[:TOP_TOPICS]
    ]


def is_low(top: dict[str, Any] | None, danger: bool, vocab: Vocabulary) -> bool:
    """True when no answer should be suggested: no topic, too unsure, or small talk."""
    bar = DANGER_ANSWER_CONFIDENCE if danger else LOW_CONFIDENCE
    return top is None or top["confidence"] < bar or not vocab.answerable(top["intent"])


def response_name(intent: str, responses: dict[str, Any]) -> str | None:
    """The response that answers an intent (docs/intents.md naming), if the domain has one."""
    short = re.sub(r"^(ask|topic)_", "", intent)
    for name in (intents.RESPONSE_FOR.get(intent), f"utter_answer_{short}", f"utter_{short}", f"utter_{intent}"):
        if name and name in responses:
            return name
    return None


def answer_text(responses: dict[str, Any], name: str | None, channel: str | None) -> str | None:
    """The text of response `name` in its variant for `channel` (None: the default, channel-free
    variant, as the web gets it)."""
    for variant in responses.get(name, []) if name else []:
        if variant.get("channel") == channel and variant.get("text"):
            return str(variant["text"])
    return None


def danger_block(kinds: list[str], vocab: Vocabulary) -> dict[str, Any]:
    """The flags with what to do, and the 999 lines (the suicide lines when that is a risk)."""
    lines = safety_lines()
    lead = danger_kinds.SUICIDE if danger_kinds.SUICIDE in kinds else (kinds[0] if kinds else None)
    steps = lines.danger_first(lead) if kinds else ""
    return {"present": bool(kinds), "flags": [vocab.danger_label(k) for k in kinds], "steps": steps}


def adviser_reasons(
    vocab: Vocabulary, expansion: Expansion, top: dict[str, Any] | None, answer: str | None
) -> list[str]:
    """Why this case needs a regulated immigration adviser (empty list: it does not)."""
    reasons = []
    if top and vocab.is_immigration_topic(top["intent"]):
        reasons.append(f"Immigration topic: {top['name']}")
    words = vocab.mentions_immigration(expansion.text, expansion.terms)
    if words:
        reasons.append("Immigration status in the query: " + ", ".join(dict.fromkeys(words)))
    if answer and ADVISER_WORDS.search(answer):
        reasons.append("The answer refers the caller to a regulated immigration adviser")
    return reasons
