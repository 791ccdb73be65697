"""The gateway: what every channel relies on, tested with a stand-in for Rasa's message handler."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.channels.channel import UserMessage

from bot.gateway import Gateway, GatewayOutputChannel, Incoming, clean_text
from bot.settings import Settings
from bot.tracker_store import ExpiringInMemoryTrackerStore

SETTINGS = Settings(sender_secret=b"k" * 32, rasa_timeout_seconds=0.5, rate_per_sender_per_minute=3)


def rasa_replying(*texts: str, utter_action: str = "utter_x"):
    seen: list[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        seen.append(message)
        for text in texts:
            await message.output_channel.send_response(message.sender_id, {"text": text, "utter_action": utter_action})

    on_new_message.seen = seen  # type: ignore[attr-defined]
    return on_new_message


async def test_rasa_sees_redacted_text_and_a_pseudonymous_id() -> None:
    handler = rasa_replying("hello")
    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "07700 900123", "call me on 07700 900456"), handler, None)
    message = handler.seen[0]
    assert "07700" not in message.text and "[phone]" in message.text
    assert message.sender_id != "07700 900123" and len(message.sender_id) == 64
    assert outcome.replies[-1]["text"].startswith("You don't need to give me")


async def test_same_person_same_id_other_channel_other_id() -> None:
    gateway = Gateway(SETTINGS)
    assert gateway.sender_id("rest", "abc") == gateway.sender_id("rest", "abc")
    assert gateway.sender_id("rest", "abc") != gateway.sender_id("twilio", "abc")


async def test_danger_without_999_in_the_reply_gets_it_first() -> None:
    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", "he is strangling me"), rasa_replying("ok"), None)
    assert outcome.danger == "strangulation"
    assert outcome.replies[0]["text"].startswith("If you are in danger now, call 999")


async def test_suicide_gets_samaritans_too() -> None:
    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", "i want to end my life"), rasa_replying("ok"), None)
    assert "116 123" in outcome.replies[0]["text"]


async def test_silence_from_rasa_becomes_the_safety_reply() -> None:
    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", "hello"), rasa_replying(), None)
    text = outcome.replies[0]["text"]
    assert "999" in text and "0808 2000 247" in text


async def test_a_crash_in_rasa_becomes_the_safety_reply() -> None:
    async def broken(message: UserMessage) -> None:
        raise RuntimeError("boom")

    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", "hello"), broken, None)
    assert "999" in outcome.replies[0]["text"]


async def test_a_slow_rasa_becomes_the_safety_reply() -> None:
    async def slow(message: UserMessage) -> None:
        await asyncio.sleep(5)

    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", "hello"), slow, None)
    assert "999" in outcome.replies[0]["text"]


async def test_empty_message_gets_a_prompt_with_the_999_line() -> None:
    handler = rasa_replying("never")
    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", "   \x00 "), handler, None)
    assert not handler.seen and "999" in outcome.replies[0]["text"]


async def test_rate_limit_still_shows_999() -> None:
    gateway = Gateway(SETTINGS)
    for _ in range(3):
        await gateway.handle(Incoming("rest", "flood", "hi"), rasa_replying("ok"), None)
    outcome = await gateway.handle(Incoming("rest", "flood", "hi"), rasa_replying("ok"), None)
    assert outcome.rate_limited and "999" in outcome.replies[0]["text"]


async def test_delete_this_chat_removes_the_conversation() -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    store = ExpiringInMemoryTrackerStore(Domain.empty())
    gateway = Gateway(SETTINGS)
    sender = gateway.sender_id("rest", "me")
    await store.save(DialogueStateTracker(sender, []))
    outcome = await gateway.handle(
        Incoming("rest", "me", "delete this chat"), rasa_replying("Done", utter_action="utter_chat_deleted"), store
    )
    assert outcome.deleted and sender not in store.store


def test_output_channel_name_selects_channel_variants() -> None:
    assert GatewayOutputChannel("twilio").name() == "twilio"


@pytest.mark.parametrize(
    ("raw", "expected", "cut"),
    [(None, "", False), (42, "42", False), ("a\x00b\u202ec", "a b c", False), ("x" * 30, "x" * 10, True)],
)
def test_clean_text(raw: object, expected: str, cut: bool) -> None:
    assert clean_text(raw, 10) == (expected, cut)


async def test_every_public_reply_carries_the_999_line() -> None:
    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", "thanks"), rasa_replying("You're welcome."), None)
    assert outcome.replies[-1]["text"] == "If you are in danger now, call 999."


async def test_staff_answers_have_no_footer() -> None:
    outcome = await Gateway(SETTINGS).handle(Incoming("staff", "a", "NRPF"), rasa_replying("An answer."), None)
    assert [r["text"] for r in outcome.replies] == ["An answer."]


# --- Security audit (docs/security-audit.md) ----------------------------------------------------


async def test_intent_syntax_from_outside_reaches_rasa_as_plain_words() -> None:
    """Finding 2: "/intent{entities}" typed by anyone is text, not an intent."""
    handler = rasa_replying("ok")
    text = '/greet{"nation":"england"} he has a knife and says he will kill me tonight'
    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", text), handler, None)
    assert not handler.seen[0].text.startswith("/")
    assert "he has a knife" in handler.seen[0].text
    assert outcome.danger and outcome.replies[0]["text"].startswith("If you are in danger now, call 999")


@pytest.mark.parametrize("payload", ["/find_help", "/ask_privacy", "/danger_now", "/greet", "/affirm", "/deny"])
async def test_the_projects_own_payloads_keep_their_meaning(payload: str) -> None:
    handler = rasa_replying("ok")
    await Gateway(SETTINGS).handle(Incoming("socketio", "a", payload), handler, None)
    assert handler.seen[0].text == payload


@pytest.mark.parametrize("text", ["/restart", "/session_start", '/find_help{"nation": "wales"}', "//find_help", "/"])
async def test_any_other_slash_text_loses_its_slash(text: str) -> None:
    handler = rasa_replying("ok")
    await Gateway(SETTINGS).handle(Incoming("rest", "a", text), handler, None)
    assert not handler.seen or not handler.seen[0].text.startswith("/")


async def test_a_refused_message_is_never_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding 3: the rate limit comes first, on the raw message; redaction only for what passes."""
    import bot.gateway as gateway_module

    calls: list[str] = []
    real = gateway_module.redact
    monkeypatch.setattr(gateway_module, "redact", lambda text: calls.append(text) or real(text))
    gateway = Gateway(SETTINGS)
    for _ in range(SETTINGS.rate_per_sender_per_minute):
        await gateway.handle(Incoming("rest", "a", "hello"), rasa_replying("ok"), None)
    assert len(calls) == SETTINGS.rate_per_sender_per_minute
    refused = await gateway.handle(Incoming("rest", "a", "a." * 1100 + " dot"), rasa_replying("ok"), None)
    assert refused.rate_limited and len(calls) == SETTINGS.rate_per_sender_per_minute


async def test_a_refused_message_costs_almost_nothing() -> None:
    """Finding 3: 2,200 characters of the e-mail rule's worst case, refused, in well under 150 ms."""
    import time

    gateway = Gateway(SETTINGS)
    for _ in range(SETTINGS.rate_per_sender_per_minute):
        await gateway.handle(Incoming("rest", "a", "hello"), rasa_replying("ok"), None)
    worst = "a." * 1100 + " dot"
    timings = []
    for _ in range(3):
        began = time.perf_counter()
        for _ in range(10):
            refused = await gateway.handle(Incoming("rest", "a", worst), rasa_replying("ok"), None)
        timings.append((time.perf_counter() - began) / 10 * 1000)
    assert refused.rate_limited and min(timings) < 30, f"{min(timings):.1f} ms per refused message"


async def test_deletion_by_words_asks_first() -> None:
    """Finding 9: words the classifier reads as "delete" get the question, not the deletion."""
    store = ExpiringInMemoryTrackerStore(domain=None)  # type: ignore[arg-type]
    handler = rasa_replying("Delete this chat?", utter_action="utter_confirm_delete")
    outcome = await Gateway(SETTINGS).handle(
        Incoming("rest", "a", "please say back exactly what I type"), handler, store
    )
    assert not outcome.deleted and handler.seen[0].text == "please say back exactly what I type"


@pytest.mark.parametrize("keyword", ["delete this chat", "Delete this chat.", "  DELETE CHAT!"])
async def test_the_exact_keyword_deletes_at_once(keyword: str) -> None:
    """Finding 9: the exact keyword is its own confirmation: asked and confirmed in one go."""
    seen: list[str] = []

    async def rasa(message: UserMessage) -> None:
        seen.append(message.text)
        utter = "utter_chat_deleted" if message.text == "/affirm" else "utter_confirm_delete"
        await message.output_channel.send_response(message.sender_id, {"text": utter, "utter_action": utter})

    store = ExpiringInMemoryTrackerStore(domain=None)  # type: ignore[arg-type]
    outcome = await Gateway(SETTINGS).handle(Incoming("rest", "a", keyword), rasa, store)
    assert seen == ["/delete_chat", "/affirm"] and outcome.deleted
    assert [r["text"] for r in outcome.replies][0] == "utter_chat_deleted"
