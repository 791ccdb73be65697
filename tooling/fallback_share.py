"""Share of test messages a person would answer with the low-confidence reply.

`rasa test nlu` undoes the FallbackClassifier's prediction before scoring, so its report cannot
show how often a person would get the fallback; this parses each message through the whole
pipeline, as the server does, and asks action_fallback_choice's own decision (`choose`) what it
would send: a menu of likely topics (the fallback reply), or the answer to one concern that
clearly stands out (an answer, counted apart). It returns figures and never prints a message.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

import yaml

from contract.intents import FALLBACK
from contract.paths import PROJECT_ROOT

DOMAIN_DIR = PROJECT_ROOT


def _texts(data: str) -> list[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [m.get("text") for m in load_data(data).intent_examples]


async def _parses(model: str, texts: list[str]) -> list[dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    return [await agent.parse_message(text) for text in texts]


@dataclass(frozen=True)
class FallbackShare:
    menu: float  # the low-confidence reply offering topics: what the gate limits
    answered: float  # low confidence, but one concern stood out and was answered


def _responses_in(folder: Path) -> set[str]:
    """Response names of the project (domain.yml and data/responses/*.yml)."""
    names: set[str] = set()
    for path in [folder / "domain.yml", *sorted((folder / "data" / "responses").glob("*.yml"))]:
        if path.exists():
            names |= set((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {})
    return names


def _quiet() -> None:
    """Rasa's structlog prints each parsed text at debug level: keep the blind set off screen."""
    from rasa.utils.log_utils import configure_structlog

    logging.getLogger().setLevel(logging.WARNING)
    for name in ("rasa", "tensorflow", "absl"):
        logging.getLogger(name).setLevel(logging.WARNING)
    configure_structlog(logging.WARNING)


def fallback_share(model: str, data: str, domain: Path = DOMAIN_DIR) -> FallbackShare:
    from actions.fallback_choice import choose

    _quiet()
    texts = _texts(data)
    if not texts:
        return FallbackShare(0.0, 0.0)
    responses = _responses_in(domain)
    low = [p for p in asyncio.run(_parses(model, texts)) if (p.get("intent") or {}).get("name") == FALLBACK]
    answered = sum(1 for p in low if choose(p, responses).answer)
    return FallbackShare((len(low) - answered) / len(texts), answered / len(texts))
