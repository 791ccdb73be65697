"""The translation layer and the conversation's language through `speak`, the gateway's hook."""

from __future__ import annotations

from bot.language import speak
from bot.language.locales import locales
from bot.language.sources import sources
from bot.language.store import lookup
from bot.language.translate import translate_replies
from contract.channels import REST, STAFF, TWILIO
from contract.safety_lines import safety_lines


def _english(key: str, variant: str = "default") -> dict:
    source = sources()[(key, variant)]
    reply: dict = {"text": source.text}
    if source.buttons:
        reply["buttons"] = [{"title": t, "payload": f"/x{i}"} for i, t in enumerate(source.buttons)]
    return reply


def test_polish_message_gets_a_polish_answer_and_short_messages_keep_it() -> None:
    sender = "test-turn-pl"
    first = speak(sender, "Czy policja powie o mnie urzędowi imigracyjnemu?", REST, [_english("utter_default")], [])
    assert first[0]["text"] == lookup("pl", "utter_default", "default").text
    assert [b["payload"] for b in first[0]["buttons"]] == ["/x0", "/x1", "/x2", "/x3"]
    second = speak(sender, "ok", REST, [{"text": safety_lines().footer}], [])
    assert "niebezpieczeństwo" in second[0]["text"]


def test_english_stays_english() -> None:
    reply = _english("utter_default")
    assert speak("test-turn-en", "I need some help with my visa please", REST, [reply], []) == [reply]


def test_missing_translation_is_sent_in_english_with_a_note() -> None:
    reply = {"text": "A reply nobody has translated yet."}
    out = translate_replies([reply, {"text": safety_lines().footer}], "pl", REST)
    assert out[0]["text"] == locales().get("pl").note
    assert out[1] == reply
    assert "999" in out[2]["text"] and out[2]["text"] != safety_lines().footer


def test_composed_safety_reply_is_translated_line_by_line() -> None:
    lines = safety_lines()
    out = translate_replies([{"text": lines.fallback(lines.unavailable)}], "es", REST)
    text = out[0]["text"]
    assert len(out) == 1 and "Lo siento" in text and "999" in text
    for helpline in lines.helplines:  # service names and numbers unchanged
        assert f"{helpline.name}: {helpline.phone}" in text


def test_sms_variant_is_chosen_on_sms() -> None:
    out = translate_replies([_english("utter_default", TWILIO)], "ro", TWILIO)
    assert out[0]["text"] == lookup("ro", "utter_default", TWILIO).text and len(out) == 1


def test_roman_urdu_falls_back_to_urdu_script() -> None:
    out = translate_replies([{"text": safety_lines().footer}], "ur-Latn", REST)
    assert "999" in out[0]["text"] and "خطرے" in out[0]["text"]


def test_switch_request_answers_in_the_new_language_with_the_999_line() -> None:
    sender = "test-turn-switch"
    out = speak(sender, "po polsku", REST, [_english("utter_default")], ["utter_default"])
    assert out[0]["text"] == locales().get("pl").switched
    assert "999" in out[1]["text"]
    back = speak(sender, "English please", REST, [{"text": "x"}], [])
    assert back[0]["text"] == locales().get("en").switched


def test_staff_channel_is_left_in_english() -> None:
    reply = _english("utter_default")
    assert speak("test-turn-staff", "Czy policja powie o mnie urzędowi imigracyjnemu?", STAFF, [reply], []) == [reply]


def test_staff_sees_the_answer_in_the_callers_language_with_review_state(monkeypatch) -> None:
    from bot.language import store
    from bot.language.staff import staff_translation

    shown = staff_translation("polish", "utter_default")
    assert (
        shown is not None and shown["code"] == "pl" and shown["answer"] == lookup("pl", "utter_default", "default").text
    )
    assert shown["answer_reviewed"] is False and shown["say_this_reviewed"] is False
    assert staff_translation("urdu", "utter_default")["rtl"] is True
    assert staff_translation("english", "utter_default") is None
    assert staff_translation("tigrinya", "utter_default") is None
    everything = store.translations
    monkeypatch.setattr(
        store, "translations", lambda code: {k: v for k, v in everything(code).items() if k[0] != "utter_answer_euss"}
    )
    assert staff_translation("polish", "utter_answer_euss")["answer"] is None
