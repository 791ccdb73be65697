"""The gateway's one language hook: a message in another language is answered in it, including
the safety lines the gateway adds itself, and the danger line is never lost."""

from __future__ import annotations

from rasa.core.channels.channel import UserMessage

from bot.gateway import Gateway, Incoming
from bot.language.sources import sources
from bot.settings import Settings

SETTINGS = Settings(sender_secret=b"k" * 32, rasa_timeout_seconds=0.5, rate_per_sender_per_minute=10)


def rasa_uttering(name: str, variant: str = "default"):
    async def on_new_message(message: UserMessage) -> None:
        text = sources()[(name, variant)].text
        await message.output_channel.send_response(message.sender_id, {"text": text, "utter_action": name})

    return on_new_message


async def test_arabic_message_is_answered_in_arabic_with_the_999_line() -> None:
    incoming = Incoming("rest", "person-ar", "هل ستخبر الشرطة دائرة الهجرة عني؟")
    outcome = await Gateway(SETTINGS).handle(incoming, rasa_uttering("utter_default"), None)
    answer = next(r["text"] for r in outcome.replies if r.get("text", "").startswith("عذرًا"))
    assert "999" in answer


async def test_danger_in_spanish_gets_the_emergency_line_in_spanish() -> None:
    incoming = Incoming("rest", "person-es", "mi marido me está pegando ahora mismo, tengo miedo")
    outcome = await Gateway(SETTINGS).handle(incoming, rasa_uttering("utter_default"), None)
    texts = "\n".join(r.get("text", "") for r in outcome.replies)
    assert "999" in texts and "peligro" in texts
    assert "Sorry" not in texts and "I didn't understand" not in texts


async def test_untranslated_answer_comes_in_english_with_a_note_never_silence(monkeypatch) -> None:
    from bot.language import store

    everything = store.translations
    monkeypatch.setattr(
        store, "translations", lambda code: {k: v for k, v in everything(code).items() if k[0] != "utter_answer_euss"}
    )
    incoming = Incoming("twilio", "07700 900123", "Czy policja powie o mnie urzędowi imigracyjnemu?")
    outcome = await Gateway(SETTINGS).handle(incoming, rasa_uttering("utter_answer_euss", "twilio"), None)
    texts = [r["text"] for r in outcome.replies]
    assert texts[0].startswith("Reszta")
    assert sources()[("utter_answer_euss", "twilio")].text in texts
