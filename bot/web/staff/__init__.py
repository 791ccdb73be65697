"""Helpline staff assist: the console at `/staff/` and its JSON API `POST /staff/api/assist`.

A call handler types what the caller asks, as they would write it in their notes ("spouse visa,
husband British, wants to leave, NRPF"), and gets, while the caller is on the line: danger flags
with the emergency steps, the topics with confidence, the sourced answer and its short "say this"
form, 3 to 5 referrals, and whether a regulated immigration adviser is needed.

Each query stands alone: it runs through the same gateway as every channel (clean, redact, HMAC'd
throwaway sender, time limit, safety lines) as a one-shot turn on channel "staff", forgotten
before the reply is sent. Nothing here logs the query, and the bearer token is compared in
constant time and never logged.

One module per job:
    vocabulary  data/staff_terms.yml: abbreviations, topic names, danger labels, needs
    reading     staff notes read as callers speak (shorthand, first person), then the one detector
    sources     the answers' source links and review dates (data/sources/)
    signin      the token check and the locks against guessing it
    validation  the request body
    turn        the one-shot turn: a parse and one call of the referral action
    answer      topics, the answer text, danger flags, adviser reasons
    referrals   3 to 5 referrals from the action's payload (contract/staff_payload.py)
    assist      one query start to finish
    routes      the page, its files and the API
"""

from __future__ import annotations

from bot.json_body import BadRequest
from bot.web.staff.answer import LOW_CONFIDENCE, topics_from
from bot.web.staff.assist import StaffAssist
from bot.web.staff.routes import register
from bot.web.staff.signin import SignInGuard, token_matches
from bot.web.staff.validation import EXAMPLE_BODY, AssistRequest, parse_assist
from bot.web.staff.vocabulary import Vocabulary, vocabulary

__all__ = [
    "EXAMPLE_BODY",
    "LOW_CONFIDENCE",
    "AssistRequest",
    "BadRequest",
    "SignInGuard",
    "StaffAssist",
    "Vocabulary",
    "parse_assist",
    "register",
    "token_matches",
    "topics_from",
    "vocabulary",
]
