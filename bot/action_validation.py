"""Faster checking of action server replies (Rasa 3.6), for every channel.

Rasa 3.6 calls `jsonschema.validate()` on every custom action reply, which first re-checks its
large event schema against the JSON Schema meta-schema: about 50-100 ms of CPU per referral, the
largest single cost of a turn with referrals. This validates against the same schema with a
validator built once; a bad reply still raises the same `ValidationError`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    return validator_for(schema)(schema)


def install() -> None:
    """Validate action server replies against Rasa's schema without re-checking the schema itself.

    Rasa 3.6 calls `jsonschema.validate()` for every custom action reply, which first validates
    the (large) event schema against the JSON Schema meta-schema: about 100 ms of CPU per
    referral, most of a staff query's cost and far beyond its 300 ms budget under load. The
    reply is still validated against the same schema, and a bad reply still raises the same
    `ValidationError`. Idempotent; affects every channel (all of them call `action_refer`).
    """
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction._validate_action_result, "_fast", False):
        return

    def validate(self: Any, result: dict[str, Any]) -> bool:
        error = best_match(_action_result_validator().iter_errors(result))
        if error is None:
            return True
        raise ValidationError(f"{error.message}. Failed to validate Action server response from API.")

    validate._fast = True  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = validate  # type: ignore[method-assign]
