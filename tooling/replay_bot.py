"""A server with the real channels, gateway and tracker store around a bot that plays back cases.

Why: what the messaging channels make of Rasa's replies (texts, order, options, MORE, STOP)
is tested and measured for every answer x nation x danger-or-not combination without a trained
model or an action server, in seconds, and exactly as the channels receive it: "replay qab"
makes the bot send case `qab` of tooling/messaging_cases.py as Rasa would. Anything else gets
a short scripted answer, and "count" says how many messages the conversation holds (so tests
can see whether it was deleted). tests/channels/fakebot.py serves its own scripted bot the
same way (`serve`).

    python -m tooling.replay_bot --port 5099
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

import safelog

safelog.install()

from bot.settings import PROJECT_ROOT, ensure_sender_secret  # noqa: E402


class CountingAgent:
    """Stands in for rasa.core.agent.Agent (same `handle_message` and `tracker_store`): keeps each
    conversation in the project's expiring tracker store and hands `answer` the message count."""

    def __init__(self) -> None:
        from rasa.shared.core.domain import Domain

        from bot.tracker_store import ExpiringInMemoryTrackerStore

        self.tracker_store = ExpiringInMemoryTrackerStore(Domain.empty(), idle_minutes=30)

    def is_ready(self) -> bool:
        return True

    async def handle_message(self, message: Any) -> None:
        from rasa.shared.core.events import UserUttered

        tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text))
        await self.tracker_store.save(tracker)
        count = sum(1 for e in tracker.events if isinstance(e, UserUttered))
        await self.answer(message, count)

    async def answer(self, message: Any, count: int) -> None:
        raise NotImplementedError


class ReplayAgent(CountingAgent):
    """Plays back tooling/messaging_cases.py's replies on "replay <case>"."""

    async def answer(self, message: Any, count: int) -> None:
        from tooling.messaging_cases import all_cases, case_index

        out, sender = message.output_channel, message.sender_id
        words = (message.text or "").strip().lower().split()
        index = case_index(words[1]) if len(words) > 1 and words[0] == "replay" else None
        cases = all_cases(message.input_channel or out.name())
        if index is not None and index < len(cases):
            for reply in cases[index].replies:
                await out.send_response(sender, dict(reply))
        elif words and words[0].startswith("/"):  # a numbered option's payload
            await out.send_text_message(sender, f"You chose {words[0].split('{')[0][1:]}.")
        elif words == ["count"]:
            await out.send_text_message(sender, f"Messages in this chat: {count}")
        else:
            await out.send_text_message(sender, "Text me a question.")


def serve(agent: Any, port: int) -> None:
    """Run the real channels (credentials.yml) and web routes around `agent` on 127.0.0.1:`port`."""
    os.environ.setdefault("RASA_TIMEOUT_SECONDS", "3")
    ensure_sender_secret()
    from rasa.core import run as rasa_run
    from rasa.utils.common import configure_logging_and_warnings

    from bot.web import register_web

    configure_logging_and_warnings(logging.DEBUG)  # the log checks must see everything that is logged
    channels = rasa_run.create_http_input_channels(None, str(PROJECT_ROOT / "credentials.yml"))
    app = rasa_run.configure_app(channels, None, None, False, port=port)
    register_web(app)
    app.ctx.agent = agent
    app.run(host="127.0.0.1", port=port, workers=1, access_log=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5099)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    serve(ReplayAgent(), args.port)


if __name__ == "__main__":
    main()
