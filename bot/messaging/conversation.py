"""One text message in, the texts to send back out: keywords, options, MORE, limits, the gateway.

Channel-neutral: SMS and WhatsApp differ only by their `Profile` (budget, wording, whether a
rate-limited sender gets silence) and their channel name. Keywords never reach Rasa, so STOP,
HELP, DELETE and MORE work even when the model or the action server is down. Nothing here logs
the address, the sender id or the text.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import TrackerStore

import safelog
from bot.gateway import Gateway, GatewayOutputChannel, Incoming, Outcome
from bot.messaging import keywords
from bot.messaging.composer import Piece, compose
from bot.messaging.replies import draft, helplines_line, with_999
from bot.messaging.state import NOTICE, OPTIONS, PAGES, STOP, State
from bot.messaging.wording import Profile, wording
from contract.channels import RESPONSE_VARIANT

logger = logging.getLogger(__name__)
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def texts_for(pieces: list[Piece], profile: Profile) -> tuple[list[str], list[str]]:
    """Composed texts (with a 999 line somewhere in them) and what is left for MORE."""
    composition = compose(pieces, profile)
    again = with_999(pieces, composition.texts)
    if again is not None:
        composition = compose(again, profile)
    return composition.texts, composition.rest


def said(*texts: str, profile: Profile, first: bool = False) -> list[str]:
    """A reply of the channel's own (STOP, HELP...): the texts, whole, and the reminder on a first reply."""
    pieces = [Piece(text, must=True, whole=False) for text in texts]
    return compose([*pieces, *([Piece(profile.reminder, must=True)] if first else [])], profile).texts


async def has_conversation(store: TrackerStore | None, sender_id: str) -> bool:
    """Whether the tracker store holds a conversation for this (pseudonymous) sender."""
    if store is None:
        return False
    try:
        return await store.retrieve(sender_id) is not None
    except Exception as error:  # a store failure must not stop the reply
        logger.warning("Could not look up a conversation: %s", type(error).__name__)
        return False


class Conversations:
    """What a messaging channel does with one message, apart from HTTP and signatures."""

    def __init__(self, gateway: Gateway, state: State, profile: Profile, channel: str) -> None:
        self.gateway = gateway
        self.state = state
        self.profile = profile
        self.channel = channel

    async def reply(
        self, raw_sender: str, text: str, address: str, on_new_message: OnNewMessage, store: TrackerStore | None
    ) -> list[str]:
        sender = self.gateway.sender_id(self.channel, raw_sender)
        with safelog.sensitive(raw_sender, text, sender):
            keyword = keywords.keyword_of(text)
            if keyword != keywords.START and await self.state.get(STOP, sender):
                return []
            if keyword == keywords.MORE:
                return await self._more(sender, address)
            if keyword:
                return await self._keyword(keyword, raw_sender, sender, store)
            return await self._converse(raw_sender, sender, text, address, on_new_message, store)

    async def _keyword(self, keyword: str, raw_sender: str, sender: str, store: TrackerStore | None) -> list[str]:
        texts = wording().texts
        first = not await has_conversation(store, sender)
        if keyword in (keywords.STOP, keywords.DELETE):
            await self.gateway.forget(self.channel, raw_sender, store)
            await self._forget(sender)
            if keyword == keywords.STOP:
                await self.state.put(STOP, sender, True)
            return said(texts[keyword], profile=self.profile)
        if keyword == keywords.START:
            await self.state.drop(STOP, sender)
            return said(texts["start"], profile=self.profile, first=True)
        return said(texts["help"], helplines_line(None), profile=self.profile, first=first)

    async def _forget(self, sender: str) -> None:
        await self.state.drop(OPTIONS, sender)
        await self.state.drop(PAGES, sender)

    async def _more(self, sender: str, address: str) -> list[str]:
        """The next page of the last reply (counted against the limits like any message)."""
        if not self.gateway.allow(sender, address):
            return await self._limited(sender, Outcome(sender_id=sender, rate_limited=True))
        pages = await self.state.get(PAGES, sender)
        if not pages:
            return said(wording().texts["no_more"], profile=self.profile)
        short = self.profile.budgets[next(iter(self.profile.budgets))].single // 2  # a line: whole
        pieces = [Piece(str(t), whole=len(str(t)) <= short, rank=n) for n, t in enumerate(pages)]
        texts, rest = texts_for(pieces, self.profile)
        await (self.state.put(PAGES, sender, rest) if rest else self.state.drop(PAGES, sender))
        return texts

    async def _limited(self, sender: str, outcome: Outcome) -> list[str]:
        """Over the limit: SMS sends one short notice, then stays silent until the window passes
        (every reply costs money); other channels keep the gateway's safety reply."""
        if self.profile.silent_when_limited and not await self.state.first(NOTICE, sender):
            return []
        replies = outcome.replies or [{"text": self.gateway.rate_limited_text(outcome.danger)}]
        return texts_for(draft(replies, self.profile, danger=outcome.danger).pieces, self.profile)[0]

    async def _converse(
        self,
        raw_sender: str,
        sender: str,
        text: str,
        address: str,
        on_new_message: OnNewMessage,
        store: TrackerStore | None,
    ) -> list[str]:
        first = not await has_conversation(store, sender)
        text = keywords.option_choice(text, await self.state.get(OPTIONS, sender)) or text
        output = GatewayOutputChannel(RESPONSE_VARIANT.get(self.channel, self.channel))
        incoming = Incoming(self.channel, raw_sender, text, address)
        outcome = await self.gateway.handle(incoming, on_new_message, store, output)
        if outcome.rate_limited:
            return await self._limited(sender, outcome)
        privacy = self.profile.privacy_response and self.profile.privacy_response in output.utter_actions
        notes = (self.profile.privacy_note,) if privacy else ()
        reply = draft(outcome.replies, self.profile, danger=outcome.danger, first=first, notes=notes)
        texts, rest = texts_for(reply.pieces, self.profile)
        await self._remember(sender, reply.payloads, rest, outcome.deleted)
        return texts

    async def _remember(self, sender: str, payloads: list[str], rest: list[str], deleted: bool) -> None:
        """Options and MORE pages for the next message; nothing after "delete this chat"."""
        if payloads and not deleted:
            await self.state.put(OPTIONS, sender, payloads)
        else:
            await self.state.drop(OPTIONS, sender)
        if rest and not deleted:
            await self.state.put(PAGES, sender, rest)
        else:
            await self.state.drop(PAGES, sender)
