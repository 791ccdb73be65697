"""One staff query, start to finish: read it, run its one-shot turn, build what the console shows.

Each query stands alone and nothing is kept between queries (no cache holds any query text). The
throwaway conversation is forgotten before the reply is sent, whatever happened; the turn keeps
no tracker in the store anyway (turn.py), so this is a guarantee, not a clean-up.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

import safelog
from bot.gateway import Gateway, GatewayOutputChannel, Incoming, clean_text
from bot.language.staff import staff_translation
from bot.redaction import redact
from bot.web.staff import answer, referrals
from bot.web.staff.sources import answer_sources
from bot.web.staff.turn import ActionRunner, AgentActions, Turn, preset_entities
from bot.web.staff.validation import MAX_QUERY_CHARS, AssistRequest
from bot.web.staff.vocabulary import Expansion, Vocabulary
from contract import channels, metadata

CHANNEL = channels.STAFF
REDACTED_NOTE = (
    "Personal details in the query (numbers, addresses, names...) were removed before anything read it: "
    "you don't need to give them."
)


@dataclass(frozen=True)
class Ran:
    """What one query's throwaway turn produced."""

    turn: Turn
    messages: list[dict[str, Any]]
    degraded: bool  # Rasa, the referral action or the tracker store failed
    deleted: bool  # the conversation was deleted (False only if the store was unreachable)


@dataclass
class StaffAssist:
    """Runs one staff query and builds the result; holds nothing between queries. `actions` runs
    the turn's actions (default: the agent's own, on the action server)."""

    gateway: Gateway
    vocab: Vocabulary
    actions: ActionRunner | None = None

    async def assist(self, request: AssistRequest, agent: Any) -> dict[str, Any]:
        started = time.perf_counter()
        cleaned, _ = clean_text(request.query, MAX_QUERY_CHARS)
        redaction = redact(cleaned)
        expansion = self.vocab.expand(redaction.text)
        kinds = self.vocab.danger_kinds(redaction.text)
        with safelog.sensitive(request.query, cleaned, redaction.text, expansion.text):
            ran = await self.run_once(expansion.text, request, agent, kinds)
        result = self.build(request, expansion, kinds, ran, agent)
        if redaction.found:
            result["notes"].append(REDACTED_NOTE)
        result.update(degraded=ran.degraded, redacted=bool(redaction.found), conversation_deleted=ran.deleted)
        result["elapsed_ms"] = round((time.perf_counter() - started) * 1000)
        return result

    async def run_once(self, text: str, request: AssistRequest, agent: Any, danger: list[str]) -> Ran:
        """The query as a one-shot turn through the gateway, forgotten afterwards whatever happens."""
        raw_sender = secrets.token_hex(16)
        store = agent.tracker_store
        actions = self.actions or AgentActions(agent)
        turn = Turn(agent, actions, preset_entities(request), metadata.staff_metadata(request.needs), danger)
        output = GatewayOutputChannel(CHANNEL)
        degraded, deleted = True, False
        try:
            outcome = await self.gateway.handle(Incoming(CHANNEL, raw_sender, text, ""), turn, store, output)
            degraded = outcome.degraded or not turn.answered
        finally:
            deleted = await self.gateway.forget(CHANNEL, raw_sender, store)
        return Ran(turn, list(output.messages), degraded, deleted)

    def build(
        self, request: AssistRequest, expansion: Expansion, kinds: list[str], ran: Ran, agent: Any
    ) -> dict[str, Any]:
        """The console's result: danger first, topics, the answer and its sources, referrals."""
        topics = answer.topics_from(ran.turn.parse, self.vocab)
        found, lines = referrals.referrals_in(ran.messages)
        top = topics[0] if topics else None
        low = answer.is_low(top, bool(kinds), self.vocab)
        responses = agent.domain.responses if ran.turn.parse is not None else {}
        name = None if low or top is None else answer.response_name(top["intent"], responses)
        text = answer.answer_text(responses, name, None)
        adviser = answer.adviser_reasons(self.vocab, expansion, None if low else top, text)
        return {
            "danger": answer.danger_block(kinds, self.vocab),
            "topics": topics,
            "low_confidence": low,
            "answer_topic": None if low or top is None else top["intent"],
            "answer": text,
            "say_this": answer.answer_text(responses, name, channels.TWILIO),
            "sources": answer_sources().get(name) if name else None,
            "referrals": referrals.complete_referrals(found, lines, request.nation),
            "national_lines": lines,
            "needs_regulated_adviser": bool(adviser),
            "adviser_reasons": adviser,
            "terms": [{"term": t.term, "meaning": t.meaning} for t in expansion.terms],
            "nation": request.nation,
            "language": request.language,
            "translation": staff_translation(request.language, name),  # issue 15
            "needs": list(request.needs),
            "notes": list(request.notes),
        }
