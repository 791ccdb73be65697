"""One staff query as a one-shot turn: one parse and one call of the referral action.

Handed to the gateway as its `on_new_message`, so a query takes the path every channel takes
(clean, redact, throwaway HMAC'd sender, time limit, safety lines). Unlike a conversation turn it
runs no dialogue policy and touches no tracker store: the console's answer is the domain's
response for the top topic (answer.py), so all the dialogue would add is the referrals. The
referral action is therefore called once, directly, on a tracker made for this query alone and
dropped with it, after Rasa's own slot extraction has set the slots from the entities (the
handler's nation and language, a place name in the query).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.constants import ACTION_EXTRACT_SLOTS
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.safety_net import danger_override
from bot.web.staff.validation import AssistRequest
from contract import danger as danger_kinds
from contract import intents

# The referral action of actions/referrals.py (`ActionRefer.name`), listed in domain.yml.
REFER_ACTION = intents.ACTION_REFER
EXTRACTOR = "StaffConsole"
# Danger kinds that have services of their own: they choose the referrals when several are found.
DANGER_REFERRAL_ORDER = (danger_kinds.SUICIDE, danger_kinds.FORCED_MARRIAGE_TRAVEL)


class ActionRunner(Protocol):
    async def run_action(self, name: str, tracker: DialogueStateTracker, output: OutputChannel) -> list[Event]: ...


@dataclass(frozen=True)
class AgentActions:
    """Runs an action of the loaded model as Rasa would (a custom one on the action server, with
    the gateway's time limit and failure report on remote actions)."""

    agent: Any

    async def run_action(self, name: str, tracker: DialogueStateTracker, output: OutputChannel) -> list[Event]:
        from rasa.core.actions.action import action_for_name_or_text

        action = action_for_name_or_text(name, self.agent.domain, self.agent.action_endpoint)
        return list(await action.run(output, self.agent.nlg, tracker, self.agent.domain))


def referral_danger(kinds: list[str]) -> str:
    """The kind that should choose the referrals: the ones with their own services first
    (Samaritans for suicide, forced marriage services for travel), else the first found."""
    return next((kind for kind in DANGER_REFERRAL_ORDER if kind in kinds), kinds[0])


def mark_danger(parse: dict[str, Any], kinds: list[str]) -> None:
    """The safety net's override (bot/nlu/safety_net.py) for danger the staff reading found
    (shorthand spelt out, third person): the danger entity goes first, since the referral action
    reads the first, and it is the kind that should choose the referrals."""
    if not kinds:
        return
    intent, ranking, entity = danger_override(parse.get("intent_ranking") or [], referral_danger(kinds), EXTRACTOR)
    parse["intent"], parse["intent_ranking"] = intent, ranking
    parse["entities"] = [entity, *(parse.get("entities") or [])]


def preset_entities(request: AssistRequest) -> list[dict[str, Any]]:
    """The handler's nation and language as entities, so the slots are set as if the caller had said them."""
    preset = [("nation", request.nation), ("language", request.language)]
    return [
        {"entity": name, "value": value, "start": 0, "end": 0, "extractor": EXTRACTOR, "confidence_entity": 1.0}
        for name, value in preset
        if value
    ]


@dataclass
class Turn:
    """Parses the (already redacted) text once and keeps the parse, so the topics need no second
    run of the classifier; then asks the referral action, and sends what it said to the gateway's
    output channel."""

    agent: Any
    actions: ActionRunner
    entities: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    danger: list[str] = field(default_factory=list)
    parse: dict[str, Any] | None = None
    answered: bool = False

    async def __call__(self, message: UserMessage) -> None:
        parse = await self.agent.parse_message(message.text)
        parse["entities"] = [*(parse.get("entities") or []), *self.entities]
        mark_danger(parse, self.danger)
        self.parse = parse
        tracker = await self.tracker(message, parse)
        for event in await self.actions.run_action(REFER_ACTION, tracker, message.output_channel):
            if isinstance(event, BotUttered):
                await message.output_channel.send_response(message.sender_id, event.message())
        self.answered = True

    async def tracker(self, message: UserMessage, parse: dict[str, Any]) -> DialogueStateTracker:
        """A tracker for this query alone: the user's turn, then the slots Rasa's own slot
        extraction sets from it (the domain's slot mappings)."""
        domain = self.agent.domain
        tracker = DialogueStateTracker(message.sender_id, domain.slots)
        said = UserUttered(
            message.text,
            parse["intent"],
            parse["entities"],
            {**parse, "metadata": self.metadata},
            input_channel=message.input_channel,
            metadata=self.metadata,
        )
        tracker.update(said, domain)
        slots = await self.actions.run_action(ACTION_EXTRACT_SLOTS, tracker, message.output_channel)
        tracker.update_with_events(slots, domain)
        return tracker
