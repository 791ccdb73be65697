"""The custom NLU components, run as Rasa runs them."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from bot.danger import default_detector
from bot.nlu.concerns import SentenceConcerns, split_sentences
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


def _trained_concerns(tmp_path) -> SentenceConcerns:  # type: ignore[no-untyped-def]
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    examples = {
        "ask_nrpf": [
            "the council refused housing because of my visa",
            "no recourse to public funds help",
            "i cannot claim benefits",
        ],
        "ask_immigration_options": [
            "he says he will cancel my visa",
            "my spouse visa depends on him",
            "can i stay in the uk if i leave",
        ],
        "greet": ["hello", "hi there", "good morning"],
    }
    data = TrainingData([Message.build(t, intent) for intent, texts in examples.items() for t in texts])
    config = {**SentenceConcerns.get_default_config(), "sentence_threshold": 0.4, "not_concerns": ["greet"]}
    component = SentenceConcerns.create(config, LocalModelStorage(tmp_path), Resource("concerns"), None)
    component.train(data)
    return component


def test_sentences_split_and_short_fragments_join() -> None:
    parts = split_sentences(
        "I left my home last night. Help? The council said no because of my visa.\nHe says he will cancel it."
    )
    assert parts == [
        "I left my home last night. Help?",
        "The council said no because of my visa.",
        "He says he will cancel it.",
    ]


def test_concerns_list_each_sentence_s_worry(tmp_path) -> None:  # type: ignore[no-untyped-def]
    component = _trained_concerns(tmp_path)
    text = "Hello. He says he will cancel my visa if i leave him. The council refused housing because of my visa."
    [message] = component.process([_message(text, "ask_immigration_options", 0.4)])
    concerns = [c["intent"] for c in message.get("concerns")]
    assert set(concerns) == {"ask_immigration_options", "ask_nrpf"}
    assert "concerns" in message.as_dict(only_output_properties=True)


def test_concerns_blend_keeps_a_ranking(tmp_path) -> None:  # type: ignore[no-untyped-def]
    component = _trained_concerns(tmp_path)
    [message] = component.process([_message("no recourse to public funds, the council refused", "greet", 0.5)])
    assert message.get("intent")["name"] == "ask_nrpf"
    assert message.get("intent_ranking")[0] == message.get("intent")
