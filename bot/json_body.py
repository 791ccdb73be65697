"""Reading a JSON object from a request, with an error a client developer can act on.

Shared by the REST channel and the staff API so both refuse bad bodies the same way and never
raise on any input: deep nesting (RecursionError) and numbers too long to convert (ValueError)
are malformed JSON like any other.
"""

from __future__ import annotations

import json
from typing import Any

from sanic.request import Request


class BadRequest(ValueError):
    """What is wrong with a request, and the HTTP status that says so."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def is_json_type(content_type: str | None) -> bool:
    """application/json, or a +json type (application/vnd.x+json), with any parameters."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def read_json_object(request: Request, max_bytes: int, example: str) -> dict[str, Any]:
    """The JSON object sent, or BadRequest (413, 415 or 400) saying what was wrong."""
    body = request.body or b""
    if len(body) > max_bytes:
        raise BadRequest(f"Request too large (limit {max_bytes} bytes).", 413)
    if not is_json_type(request.content_type):
        raise BadRequest("Send JSON with Content-Type: application/json.", 415)
    try:
        parsed = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest("The body is not valid JSON (UTF-8).") from None
    if not isinstance(parsed, dict):
        raise BadRequest(f"Send a JSON object like {example}.")
    return parsed
