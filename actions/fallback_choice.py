"""`action_fallback_choice`: the low-confidence reply that never asks the person to start again.

Someone who has just written their story must never be asked to start again. This
action thanks them in one sentence, then either answers the likeliest concern, when one clearly
stands out, or offers the two or three likeliest topics as buttons (the SMS channel turns them
into numbered options), always with 999 and the 24/7 helpline for their nation.

The likely concerns come from the parse data: `concerns` (per-sentence scores from
bot/nlu/concerns.py) first, then the intent ranking. Which topics may be offered, their titles and
the stand-out rule are data (data/fallback_choice.yml). Nothing here logs message text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from contract import intents
from contract.nations import known_nation
from contract.paths import DATA_DIR
from contract.safety_lines import safety_lines

CHOICE_FILE = DATA_DIR / "fallback_choice.yml"
CONCERNS_KEY = "concerns"
UTTER_ACK = intents.UTTER_FALLBACK_ACK
UTTER_CHOOSE = intents.UTTER_FALLBACK_CHOOSE
UTTER_ALSO = intents.UTTER_FALLBACK_ALSO
UTTER_HELPLINE = intents.UTTER_FALLBACK_HELPLINE
_ANSWER_PREFIXES = ("ask_", "topic_")


@dataclass(frozen=True)
class ChoiceRules:
    """The offerable topics and when one concern is clear enough to answer directly."""

    titles: dict[str, str]
    min_score: float
    ratio: float
    max_options: int
    also_min_score: float

    def stands_out(self, ranked: list[tuple[str, float]]) -> bool:
        if not ranked or ranked[0][1] < self.min_score:
            return False
        return len(ranked) == 1 or ranked[0][1] >= self.ratio * ranked[1][1]


@lru_cache(maxsize=2)
def choice_rules(path: Path = CHOICE_FILE) -> ChoiceRules:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    standout = data["standout"]
    return ChoiceRules(
        titles={str(k): str(v) for k, v in data["topics"].items()},
        min_score=float(standout["min_score"]),
        ratio=float(standout["ratio"]),
        max_options=int(data["max_options"]),
        also_min_score=float(standout["also_min_score"]),
    )


def ranked_concerns(parse: dict[str, Any], offerable: set[str]) -> list[tuple[str, float]]:
    """Likely topics, best first: sentence-level concerns, then the classifier's ranking."""
    scores: dict[str, float] = {}
    for item in parse.get(CONCERNS_KEY) or []:
        name = item.get("intent")
        if name in offerable:
            scores[name] = max(scores.get(name, 0.0), float(item.get("confidence") or 0.0))
    for item in parse.get("intent_ranking") or []:
        name = item.get("name")
        if name in offerable and name != intents.FALLBACK:
            scores[name] = max(scores.get(name, 0.0), float(item.get("confidence") or 0.0))
    return sorted(scores.items(), key=lambda pair: -pair[1])


def answer_for(intent: str, responses: set[str]) -> str | None:
    """The factual answer an intent's rule gives (utter_answer_<topic>), when the domain has it."""
    topic = next((intent[len(p) :] for p in _ANSWER_PREFIXES if intent.startswith(p)), intent)
    name = f"utter_answer_{topic}"
    return name if name in responses else None


def helpline_line(nation: str | None) -> str:
    """The 24/7 helpline for the person's nation, or one number per nation when it is unknown."""
    lines = safety_lines()
    own = [h for h in lines.helplines if nation and h.nation == nation]
    if own:
        return f"{own[0].name}: {own[0].phone}"
    return "; ".join(lines.short_numbers())


def buttons(topics: list[str], titles: dict[str, str]) -> list[dict[str, str]]:
    return [{"title": titles[t], "payload": f"/{t}"} for t in topics]


@dataclass(frozen=True)
class Choice:
    """What the low-confidence reply does: answer one stand-out concern (offering the others),
    or offer the likeliest topics as buttons."""

    answer: str | None
    offered: list[str]


def choose(parse: dict[str, Any], responses: set[str], rules: ChoiceRules | None = None) -> Choice:
    """The decision alone, so tooling/fallback_share.py counts exactly the replies people get."""
    rules = rules or choice_rules()
    ranked = ranked_concerns(parse, set(rules.titles))
    answer = answer_for(ranked[0][0], responses) if rules.stands_out(ranked) else None
    if answer:
        others = [name for name, score in ranked[1 : rules.max_options] if score >= rules.also_min_score]
        return Choice(answer, others)
    return Choice(None, [name for name, _ in ranked[: rules.max_options]] or [intents.FIND_HELP])


class ActionFallbackChoice(Action):
    def name(self) -> str:
        return "action_fallback_choice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        rules = choice_rules()
        choice = choose(tracker.latest_message or {}, set((domain or {}).get("responses", {})), rules)
        dispatcher.utter_message(response=UTTER_ACK)
        if choice.answer:
            dispatcher.utter_message(response=choice.answer)
            if choice.offered:
                dispatcher.utter_message(response=UTTER_ALSO, buttons=buttons(choice.offered, rules.titles))
        else:
            dispatcher.utter_message(response=UTTER_CHOOSE, buttons=buttons(choice.offered, rules.titles))
        nation = known_nation(tracker.get_slot("nation"))
        dispatcher.utter_message(response=UTTER_HELPLINE, helpline=helpline_line(nation))
        return []
