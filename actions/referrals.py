"""`action_refer`: referrals from the service directory, fitted to the conversation and the channel.

Reads the need (latest intent, or the kind of danger), the nation and language slots and the
channel; asks for the nation once, only when the first service offered would differ by nation;
otherwise replies with at most 3 services (5 for staff). If the directory cannot answer in time, the
person still gets 999 and the national 24/7 helplines from data/safety.yml.

Privacy: nothing here logs message text, entities or the sender id; a failure is logged by its
exception type only.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.directory.catalogue import ConversationMap, default_catalogue
from actions.directory.fallback import fallback_reply
from actions.directory.finder import Directory, Referrals, shared_directory
from actions.directory.questions import ask_nation
from actions.directory.ranking import ReferralRequest
from actions.directory.render import render
from actions.settings import action_settings
from contract import channels, intents, metadata
from contract.nations import known_nation

logger = logging.getLogger(__name__)
DANGER_INTENT = intents.DANGER
NATION_INTENT = intents.NATION


def timeout_seconds() -> float:
    """How long a reply may wait for the directory before the static helplines are sent instead."""
    return action_settings().directory_timeout_seconds


def normalise_language(value: Any) -> str | None:
    """ "British Sign Language" -> "british_sign_language" (the directory's language tags)."""
    if not isinstance(value, str) or not value.strip():
        return None
    return "_".join(value.strip().lower().split())


@dataclass(frozen=True)
class Turn:
    """What the action needs from the tracker, and nothing else."""

    intent: str | None
    danger: str | None
    channel: str | None
    nation: str | None
    language: str | None
    need_slot: str | None
    asked_nation: bool
    ticked_needs: tuple[str, ...] = ()

    @property
    def audience(self) -> str:
        return "public" if channels.is_public(self.channel) else "staff"


def read_turn(tracker: Tracker) -> Turn:
    message = tracker.latest_message or {}
    danger = next(
        (e.get("value") for e in message.get("entities") or [] if e.get("entity") == intents.DANGER_ENTITY), None
    )
    nation = tracker.get_slot("nation")
    channel = tracker.get_latest_input_channel()
    return Turn(
        intent=(message.get("intent") or {}).get("name"),
        danger=danger,
        channel=channel,
        nation=known_nation(nation),
        language=normalise_language(tracker.get_slot("language")),
        need_slot=tracker.get_slot("need"),
        asked_nation=bool(tracker.get_slot("asked_nation")),
        ticked_needs=() if channels.is_public(channel) else metadata.ticked_needs(message.get("metadata")),
    )


def need_for(turn: Turn, conversation: ConversationMap, known: set[str]) -> str:
    """Danger kind first, then ticked needs (staff), then the intent, then the need so far."""
    if turn.intent == DANGER_INTENT:
        return conversation.danger.get(turn.danger or "", conversation.default_need)
    ticked = [n for n in turn.ticked_needs if n in known]
    if ticked:
        return ticked[0]
    mapped = conversation.intents.get(turn.intent or "")
    if mapped:
        return mapped
    return turn.need_slot if turn.need_slot in known else conversation.default_need


def request_for(turn: Turn, need: str, known: set[str]) -> ReferralRequest:
    also = tuple(n for n in turn.ticked_needs if n in known and n != need)
    return ReferralRequest(need, turn.nation, turn.language, turn.audience, also)


def may_ask_nation(turn: Turn) -> bool:
    """Ask once, never in danger, never staff, never right after the person answered (or declined)."""
    return (
        turn.nation is None
        and not turn.asked_nation
        and turn.audience == "public"
        and turn.intent not in (DANGER_INTENT, NATION_INTENT)
    )


def plan(directory: Directory, turn: Turn, request: ReferralRequest) -> Referrals | None:
    """Referrals, or None when the nation should be asked first. Runs in a worker thread."""
    if may_ask_nation(turn) and directory.depends_on_nation(request):
        return None
    return directory.find(request)


class ActionRefer(Action):
    def __init__(self, directory: Directory | None = None) -> None:
        self._directory = directory
        if directory is None:
            self._warm_up()

    def name(self) -> str:
        return intents.ACTION_REFER

    def _warm_up(self) -> None:
        """Create and load the directory when the action server starts; a failure here is retried per turn."""
        try:
            shared_directory().prepare()
        except Exception as error:  # the first referral will retry, and fall back if it fails again
            logger.error("Directory not loaded at start (%s); will retry on the next referral.", type(error).__name__)

    def directory(self) -> Directory:
        return self._directory or shared_directory()

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        turn = read_turn(tracker)
        need = turn.need_slot
        try:
            catalogue = default_catalogue()
            known = set(catalogue.vocabulary.needs)
            need = need_for(turn, catalogue.conversation, known)
            directory = self.directory()
            work = asyncio.to_thread(plan, directory, turn, request_for(turn, need, known))
            referrals = await asyncio.wait_for(work, timeout_seconds())
            reply = None if referrals is None else render(referrals, directory.vocabulary, turn.channel)
        except Exception as error:
            logger.error("Directory unavailable (%s): sent the static 24/7 helplines.", type(error).__name__)
            dispatcher.utter_message(**fallback_reply(turn.channel, turn.nation, need).as_kwargs())
            return slot_events(turn, need)
        if reply is None:
            dispatcher.utter_message(**ask_nation(turn.channel).as_kwargs())
            return [*slot_events(turn, need), SlotSet("asked_nation", True)]
        dispatcher.utter_message(**reply.as_kwargs())
        return slot_events(turn, need, answered_nation=turn.intent == NATION_INTENT)


def slot_events(turn: Turn, need: str | None, answered_nation: bool = False) -> list[EventType]:
    """Keep the need for later turns; after "where are you?" was answered (or declined), never ask again."""
    events: list[EventType] = [SlotSet("need", need)] if need and need != turn.need_slot else []
    if answered_nation and not turn.asked_nation:
        events.append(SlotSet("asked_nation", True))
    return events
