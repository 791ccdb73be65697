"""The custom NLU components, run as Rasa runs them."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from bot.danger import default_detector
from bot.nlu.gazetteer import GazetteerExtractor
from bot.nlu.safety_net import DangerSafetyNet
from bot.places import languages, nations


def _message(text: str, intent: str = "greet", confidence: float = 0.9) -> Message:
    message = Message.build(text)
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}])
    return message


def test_safety_net_overrides_any_intent() -> None:
    [message] = DangerSafetyNet(default_detector()).process(
        [_message("he choked me and says he will kil me", "ask_nrpf")]
    )
    assert message.get("intent") == {"name": "danger_now", "confidence": 1.0}
    assert message.get("intent_ranking")[1]["name"] == "ask_nrpf"
    assert any(e["entity"] == "danger" for e in message.get("entities"))


def test_safety_net_leaves_ordinary_questions_alone() -> None:
    [message] = DangerSafetyNet(default_detector()).process(
        [_message("will police tell the home office", "ask_data_sharing")]
    )
    assert message.get("intent")["name"] == "ask_data_sharing"


def test_gazetteer_adds_nation_and_language() -> None:
    extractor = GazetteerExtractor({"nation": nations(), "language": languages()})
    [message] = extractor.process([_message("I'm in Swansea and speak Arabic")])
    found = {e["entity"]: e["value"] for e in message.get("entities")}
    assert found == {"nation": "wales", "language": "arabic"}
