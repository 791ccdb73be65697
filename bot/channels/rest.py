"""The REST channel (`/webhooks/rest/webhook`), through the gateway.

Same request and reply shape as Rasa's own RestInput ({"sender", "message"} in, a list of
{"recipient_id", "text", "buttons"?} out), with bad input answered clearly instead of a 500:
413 too large, 415 not JSON, 400 malformed or missing fields or a short or guessable sender id
(which a second person could pick too, and so read the first one's conversation), 429 rate limited
(the reply list is still sent, with the 999 line). Nothing the client sent is echoed except its own sender id,
and only inside JSON.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.gateway import Gateway, Incoming, last_resort, shared_gateway
from bot.json_body import BadRequest, read_json_object
from bot.public_input import public_input
from bot.settings import get_settings
from contract import channels

logger = logging.getLogger(__name__)
MAX_SENDER_CHARS = 256
# The conversation id is the client's choice: anyone who sends the same one shares the conversation.
MAKE_SENDER = "Use a new random id per conversation, e.g. from `openssl rand -hex 16`."
RETRY_AFTER_SECONDS = 60
EXAMPLE = '{"sender": "3f9c0a7be2d14c58a6e1b0d9c4f27a83", "message": "hello"}'


def _error(status: int, problem: str) -> HTTPResponse:
    return response.json({"error": problem}, status=status)


def parse_body(request: Request, max_bytes: int) -> tuple[dict[str, Any] | None, HTTPResponse | None]:
    """The JSON object sent, or the error reply that explains what was wrong with it."""
    try:
        return read_json_object(request, max_bytes, EXAMPLE), None
    except BadRequest as problem:
        return None, _error(problem.status, str(problem))


def read_message(body: dict[str, Any]) -> tuple[tuple[str, Any] | None, HTTPResponse | None]:
    """(sender, message text) from a parsed body, or the 400 that says which field is wrong.

    A missing or null message is allowed (the gateway answers it with the safety line); a list,
    object or boolean is a client bug and is refused rather than read as text.
    """
    sender = body.get("sender")
    if isinstance(sender, bool) or not isinstance(sender, (str, int)) or not str(sender).strip():
        return None, _error(400, 'Missing "sender": a string that identifies this conversation.')
    if len(str(sender)) > MAX_SENDER_CHARS:
        return None, _error(400, f'"sender" is too long (limit {MAX_SENDER_CHARS} characters).')
    message = body.get("message")
    if message is not None and (isinstance(message, bool) or not isinstance(message, (str, int, float))):
        return None, _error(400, f'"message" must be a string, for example {EXAMPLE}.')
    weak = public_input().sender_id.problem(str(sender))
    if weak:
        return None, _error(400, f'"sender" {weak}. {MAKE_SENDER}')
    return (str(sender), message), None


class PrivateRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return channels.REST

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        gateway = shared_gateway()
        settings = get_settings()
        hook = Blueprint("private_rest_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body, problem = parse_body(request, settings.max_body_bytes)
            if problem is not None:
                return problem
            fields, problem = read_message(body or {})
            if problem is not None:
                return problem
            sender, text = fields  # type: ignore[misc]
            try:
                return await answer(gateway, request, sender, text, on_new_message)
            except Exception as error:  # the gateway never raises; this is for bugs in this file
                logger.error("The REST channel failed: %s", type(error).__name__)
                return response.json(with_recipient(last_resort().replies, sender), status=500)

        return hook


async def answer(
    gateway: Gateway, request: Request, sender: str, text: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]]
) -> HTTPResponse:
    """Run the message through the gateway; 429 (with the replies) when rate limited."""
    address = request.remote_addr or request.ip or ""
    store = getattr(getattr(request.app.ctx, "agent", None), "tracker_store", None)
    outcome = await gateway.handle(Incoming(channels.REST, sender, text, address), on_new_message, store)
    replies = with_recipient(outcome.replies, sender)
    if outcome.rate_limited:
        return response.json(replies, status=429, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return response.json(replies)


def with_recipient(replies: list[dict[str, Any]], sender: str) -> list[dict[str, Any]]:
    return [{**reply, "recipient_id": sender} for reply in replies]
