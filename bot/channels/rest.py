"""The REST channel (`/webhooks/rest/webhook`), through the gateway.

Same request and reply shape as Rasa's own RestInput ({"sender", "message"} in, a list of
{"recipient_id", "text", "buttons"?} out), with bad input answered clearly instead of a 500.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.gateway import Gateway, Incoming
from bot.settings import get_settings


def _error(status: int, problem: str) -> HTTPResponse:
    return response.json({"error": problem}, status=status)


def parse_body(request: Request, max_bytes: int) -> tuple[dict[str, Any] | None, HTTPResponse | None]:
    """The JSON object sent, or the error reply that explains what was wrong with it."""
    if len(request.body or b"") > max_bytes:
        return None, _error(413, f"Request too large (limit {max_bytes} bytes).")
    if "json" not in (request.content_type or "").lower():
        return None, _error(415, "Send JSON with Content-Type: application/json.")
    try:
        body = json.loads((request.body or b"").decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, _error(400, "The body is not valid JSON.")
    if not isinstance(body, dict):
        return None, _error(400, 'Send a JSON object like {"sender": "abc", "message": "hello"}.')
    return body, None


class PrivateRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        gateway = Gateway()
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
            sender = body.get("sender")
            if not isinstance(sender, (str, int)) or not str(sender).strip():
                return _error(400, 'Missing "sender": a string that identifies this conversation.')
            incoming = Incoming("rest", str(sender), body.get("message"), request.remote_addr or request.ip)
            outcome = await gateway.handle(incoming, on_new_message, request.app.ctx.agent.tracker_store)
            replies = [{**reply, "recipient_id": str(sender)} for reply in outcome.replies]
            return response.json(replies)

        return hook
