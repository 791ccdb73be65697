"""Every answer x nation x danger-or-not, as the messaging channels receive it from Rasa.

Why: the SMS and WhatsApp channels cut what Rasa says to a few texts, and what matters is what
survives with the referrals attached, not each response alone. A case holds the replies Rasa's
output channel collects for one turn (the answer's SMS variant, then what `action_refer` sends
on that channel, rendered by the real action code from the shipped directory), the referral
numbers in list order and the numbered options asked. Shared by the channel tests and
bench/sms.py (the replay server in tooling/replay_bot.py plays these cases back).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from contract import intents
from contract.nations import NATIONS

ROOT = Path(__file__).resolve().parent.parent
REFER = "action_refer"
DANGER_WORDS = "he says he will kill me tonight"
# A fixed time (a Wednesday, 2 pm), so that "open now" is the same on every run.
AT = datetime(2026, 12, 2, 14, 0, tzinfo=ZoneInfo("Europe/London"))
PHONE = re.compile(r"(?<![\d])(?:\+44\s?|0)\d[\d ]{7,12}\d(?![\d])")


@dataclass(frozen=True)
class Case:
    intent: str
    nation: str | None
    danger: bool
    replies: tuple[dict[str, Any], ...]
    wanted: tuple[str, ...]  # referral numbers, in the order of the list
    options: tuple[str, ...]  # titles of the numbered options asked ("which part of the UK?")

    @property
    def key(self) -> str:
        return f"{self.intent}/{self.nation or 'unknown'}/{'danger' if self.danger else 'calm'}"


def numbers_in(text: str) -> list[str]:
    """Phone numbers in a text, in order, without repeats (as written)."""
    found: list[str] = []
    for match in PHONE.finditer(text):
        number = match.group(0).strip()
        if number not in found:
            found.append(number)
    return found


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def delivered(number: str, texts: list[str]) -> bool:
    """Whether `number` is whole inside one of `texts` (spacing aside)."""
    return any(digits(number) in digits(text) for text in texts)


@lru_cache(maxsize=1)
def answer_rules() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(intent, utter actions) for every rule that ends with the referral action, but the nation's."""
    found = []
    for path in sorted((ROOT / "data" / "rules").glob("*.yml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []:
            steps = rule.get("steps") or []
            said = [s["intent"] for s in steps if "intent" in s]
            actions = [s["action"] for s in steps if "action" in s]
            if len(said) == 1 and actions and actions[-1] == REFER and said[0] != intents.NATION:
                found.append((said[0], tuple(actions[:-1])))
    return tuple(found)


@lru_cache(maxsize=1)
def sms_variants() -> dict[str, str]:
    """The `channel: twilio` text of every response (Rasa's choice on the messaging channels)."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "data" / "responses").glob("*.yml")):
        for name, variants in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}).items():
            for variant in variants:
                if variant.get("channel") == "twilio":
                    found[name] = variant["text"]
    return found


def _refer(intent: str, nation: str | None, channel: str) -> dict[str, Any]:
    """What action_refer sends for this turn, through the action's own planning and rendering."""
    from actions.directory.catalogue import default_catalogue
    from actions.directory.finder import shared_directory
    from actions.directory.questions import ask_nation
    from actions.directory.render import render
    from actions.referrals import Turn, may_ask_nation, need_for, request_for

    danger = "threat_to_kill" if intent == intents.DANGER else None
    turn = Turn(intent, danger, channel, nation, None, None, False)
    catalogue = default_catalogue()
    known = set(catalogue.vocabulary.needs)
    request = request_for(turn, need_for(turn, catalogue.conversation, known), known)
    directory = shared_directory()
    if may_ask_nation(turn) and directory.depends_on_nation(request):
        return ask_nation(channel).as_kwargs()
    return render(directory.find(request, AT), directory.vocabulary, channel).as_kwargs()


def rasa_messages(kwargs: dict[str, Any]) -> list[dict[str, Any]]:
    """What Rasa's output channel collects for one `utter_message`: the text (with its buttons),
    then the custom payload as a message of its own."""
    out: list[dict[str, Any]] = []
    if kwargs.get("text"):
        out.append({"text": kwargs["text"], **({"buttons": kwargs["buttons"]} if kwargs.get("buttons") else {})})
    if kwargs.get("json_message"):
        out.append({"custom": kwargs["json_message"]})
    return out


def build_case(intent: str, utters: tuple[str, ...], nation: str | None, danger: bool, channel: str) -> Case:
    variants = sms_variants()
    answer = [{"text": variants[name], "utter_action": name} for name in utters if name in variants]
    refer = _refer(intent, nation, channel)
    wanted = tuple(numbers_in(refer.get("text") or ""))
    options = tuple(str(b.get("title", "")) for b in refer.get("buttons") or [])
    return Case(intent, nation, danger, (*answer, *rasa_messages(refer)), wanted, options)


@lru_cache(maxsize=4)
def all_cases(channel: str = "twilio") -> tuple[Case, ...]:
    """Every answer x nation (and unknown) x danger-or-not, in a fixed order."""
    return tuple(
        build_case(intent, utters, nation, danger, channel)
        for intent, utters in answer_rules()
        for nation in (*NATIONS, None)
        for danger in (False, True)
    )


def case_word(index: int) -> str:
    """A short letters-only code for a case ("qab"), which redaction leaves alone."""
    letters = string.ascii_lowercase
    return "q" + letters[index // 26 % 26] + letters[index % 26]


def case_index(word: str) -> int | None:
    letters = string.ascii_lowercase
    if len(word) != 3 or word[0] != "q" or not set(word[1:]) <= set(letters):
        return None
    return letters.index(word[1]) * 26 + letters.index(word[2])


def message_for(index: int, case: Case) -> str:
    """The text to send for a case: the code, and words the gateway reads as danger when it is one."""
    return f"replay {case_word(index)}" + (f" {DANGER_WORDS}" if case.danger else "")
