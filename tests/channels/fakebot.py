"""A Rasa server with the real channels, gateway, widget and tracker store, but a scripted bot.

Why: the channels' wire protocols (signatures, TwiML, segments, numbered options, socket.io
events, quick exit) can then be tested in seconds and without depending on what the trained
model answers. `python -m tests.channels.fakebot --port 5099` starts it (tests do, per module).

The scripted bot answers by keyword and counts the messages in its conversation ("count"), so a
test can see whether a conversation was really deleted from the tracker store.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import safelog

safelog.install()

from tooling.replay_bot import CountingAgent, serve  # noqa: E402

LONG = (
    "This part is about your rights. The police may share what you tell them with the Home Office. "
    "There is no law that stops it. Some forces have a policy not to check status of victims. "
    "Ask a specialist service before you report if you are worried. They can speak for you. "
    "Immigration advice must come from a regulated adviser. Legal aid may be available. "
    "You can text again any time for more."
)


class ScriptedAgent(CountingAgent):
    """Answers by keyword; "count" says how many messages the conversation holds."""

    async def answer(self, message: Any, count: int) -> None:
        out, sender, text = message.output_channel, message.sender_id, (message.text or "").strip().lower()
        sms = out.name() == "twilio"
        if text in ("/greet", "hello"):
            buttons = [{"title": "England", "payload": "/pick_england"}, {"title": "Wales", "payload": "/pick_wales"}]
            await out.send_text_with_buttons(sender, "Hello from the test bot. Where are you?", buttons)
        elif text.lstrip("/").startswith("pick_"):  # not a project payload: the gateway drops the "/"
            await out.send_text_message(sender, f"You picked {text.lstrip('/')[5:]}.")
        elif text == "count":
            await out.send_text_message(sender, f"Messages in this chat: {count}")
        elif text == "long":
            await out.send_text_message(sender, LONG)
        elif text == "markup":
            markup = "**Bold** and [a link](https://example.com/a) and <b>tag</b> – “quotes”"
            await out.send_text_message(sender, markup)
        elif text == "html":
            await out.send_text_message(sender, '<img src=x onerror="alert(1)"> see https://example.com/x.')
        elif text == "privacy":
            await out.send_response(sender, {"text": "Nothing is kept.", "utter_action": "utter_privacy"})
        elif text == "/affirm":  # the exact keyword "delete this chat": the gateway asks and confirms
            await out.send_response(sender, {"text": "Deleted.", "utter_action": "utter_chat_deleted"})
        elif text == "slow":
            await asyncio.sleep(60)
        else:
            await out.send_text_message(sender, "I can help with questions." if not sms else "Text me a question.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5099)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    serve(ScriptedAgent(), args.port)


if __name__ == "__main__":
    main()
