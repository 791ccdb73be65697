"""The assist request body, checked field by field with a message a client developer can act on.

An unknown language is dropped with a note rather than refused (a handler typing "Tigrinya" must
still get help); everything else that is wrong is a 400 that says what to send instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.json_body import BadRequest
from bot.places import languages
from bot.web.staff.vocabulary import Vocabulary
from contract.nations import NATIONS

FIELDS = ("query", "nation", "language", "needs")
MAX_QUERY_CHARS = 1000
MAX_LANGUAGE_CHARS = 40
EXAMPLE_BODY = '{"query": "caller on spouse visa, NRPF"}'


@dataclass(frozen=True)
class AssistRequest:
    query: str
    nation: str | None = None
    language: str | None = None
    needs: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def _query(body: dict[str, Any]) -> str:
    query = body.get("query")
    if query is None:
        raise BadRequest('Missing "query": the caller\'s question as you would type it.')
    if not isinstance(query, str):
        raise BadRequest(f'"query" must be a string, not {type(query).__name__}.')
    if not query.strip():
        raise BadRequest('"query" is empty: type the caller\'s question.')
    if len(query) > MAX_QUERY_CHARS:
        raise BadRequest(f'"query" is too long: {len(query)} characters, the limit is {MAX_QUERY_CHARS}.')
    return query


def _nation(value: Any) -> str | None:
    if value is None or value == "":
        return None
    nation = value.strip().lower().replace(" ", "_") if isinstance(value, str) else None
    if nation not in NATIONS:
        raise BadRequest(f'"nation" must be one of {", ".join(NATIONS)} (or left out).')
    return nation


def _language(value: Any) -> tuple[str | None, tuple[str, ...]]:
    """The canonical language name; an unknown one is dropped with a note, never passed on."""
    if value is None or value == "":
        return None, ()
    if not isinstance(value, str) or len(value) > MAX_LANGUAGE_CHARS:
        raise BadRequest(f'"language" must be a language name (a string of at most {MAX_LANGUAGE_CHARS} characters).')
    found = languages().find(value)
    if found is None:
        return None, (
            "The language given was not recognised (try its English name): referrals are not filtered by language.",
        )
    return found.value, ()


def _needs(value: Any, known: dict[str, str]) -> tuple[str, ...]:
    """Need codes, or their labels as the console shows them ("FGM"), without repeats."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRequest('"needs" must be a list of strings, for example ["immigration_advice"].')
    by_label = {label.lower(): code for code, label in known.items()}
    codes = [v.strip().lower() for v in value]
    codes = [c if c in known else by_label.get(c, "") for c in codes]
    if not all(codes):
        raise BadRequest(f'Unknown value in "needs". Use any of: {", ".join(known)}.')
    return tuple(dict.fromkeys(codes))


def parse_assist(body: dict[str, Any], vocab: Vocabulary) -> AssistRequest:
    """Validate the assist request body; needs are those the console offers (data/staff_terms.yml)."""
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise BadRequest(f"Unknown field(s): {', '.join(unknown)}. Allowed: {', '.join(FIELDS)}.")
    language, notes = _language(body.get("language"))
    return AssistRequest(
        _query(body), _nation(body.get("nation")), language, _needs(body.get("needs"), vocab.needs), notes
    )
