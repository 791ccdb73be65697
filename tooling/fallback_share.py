"""Share of test messages a trained model answers with the fallback intent.

`rasa test nlu` undoes the FallbackClassifier's prediction before scoring, so its report cannot
show how often a person would get the fallback; this parses each message through the whole
pipeline, as the server does, and counts. It returns one number and never prints a message.
"""

from __future__ import annotations

import asyncio
import logging

from contract.intents import FALLBACK


def _texts(data: str) -> list[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [m.get("text") for m in load_data(data).intent_examples]


async def _intents(model: str, texts: list[str]) -> list[str]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    return [((await agent.parse_message(text)).get("intent") or {}).get("name", "") for text in texts]


def _quiet() -> None:
    """Rasa's structlog prints each parsed text at debug level: keep the blind set off screen."""
    from rasa.utils.log_utils import configure_structlog

    logging.getLogger().setLevel(logging.WARNING)
    for name in ("rasa", "tensorflow", "absl"):
        logging.getLogger(name).setLevel(logging.WARNING)
    configure_structlog(logging.WARNING)


def fallback_share(model: str, data: str) -> float:
    _quiet()
    texts = _texts(data)
    if not texts:
        return 0.0
    intents = asyncio.run(_intents(model, texts))
    return sum(1 for name in intents if name == FALLBACK) / len(intents)
