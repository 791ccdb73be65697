"""The staff package keeps its seams: small modules, and the safety net's own danger override."""

from __future__ import annotations

from pathlib import Path

from rasa.shared.nlu.training_data.message import Message

from bot.nlu.safety_net import DangerSafetyNet
from bot.web.staff import turn

PACKAGE = Path(turn.__file__).resolve().parent
MAX_LINES = 400


def test_no_staff_module_is_over_400_lines() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.glob("*.py")}
    assert len(sizes) >= 8 and all(n <= MAX_LINES for n in sizes.values()), sizes


class FixedKind:
    def detect(self, text: str) -> str | None:
        return "suicide"


def test_staff_override_is_the_safety_nets_own() -> None:
    ranking = [{"name": "ask_euss", "confidence": 0.58}, {"name": "danger_now", "confidence": 0.3}]
    message = Message.build("caller says she wants to end her life")
    message.set("intent", ranking[0])
    message.set("intent_ranking", list(ranking))
    [net] = DangerSafetyNet(FixedKind()).process([message])  # type: ignore[arg-type]
    parse = {"intent": ranking[0], "intent_ranking": list(ranking), "entities": []}
    turn.mark_danger(parse, ["suicide"])
    assert parse["intent"] == net.get("intent") and parse["intent_ranking"] == net.get("intent_ranking")
    staff_entity, net_entity = parse["entities"][0], net.get("entities")[-1]
    assert {**staff_entity, "extractor": ""} == {**net_entity, "extractor": ""}
