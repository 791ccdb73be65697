"""Logging that cannot carry what people write.

Installed once per process (Rasa server and action server), before anything logs. Every log
record, from any library at any level, is rewritten when it is created:
- values registered for the current request (the message text, its redacted form, sender ids)
  are replaced by `[removed]`, in their plain, repr and JSON-escaped spellings;
- query strings are cut from URLs (socket.io puts session ids there);
- quoted payloads after well-known keys (`text`, `message`, `sender`...) are blanked, for the
  lines that are logged outside a request.
Records are rewritten at creation (a record factory), so a handler added later by Rasa, Sanic or
coloredlogs cannot bypass it.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
from typing import Iterator

_SENSITIVE: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("safelog_values", default=())
_REMOVED = "[removed]"
_QUERY = re.compile(r"(/[\w./-]*)\?[^\s\"']*")
_KEYED = re.compile(
    r"""(?P<key>["']?(?:text|message|user_message|sender|sender_id|conversation_id|recipient_id|body|Body|From)["']?\s*[:=]\s*)"""
    r"""(?P<q>["'])(?P<val>(?:\\.|(?!(?P=q)).)*)(?P=q)"""
)
_installed = False


def _spellings(value: str) -> set[str]:
    """The forms a string takes inside log lines: as is, repr() and JSON."""
    forms = {value, repr(value)[1:-1], json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}
    return {form for form in forms if len(form) >= 3}


@contextlib.contextmanager
def sensitive(*values: str) -> Iterator[None]:
    """Mark values (message text, ids) as never to be logged while this block runs."""
    spelled: set[str] = set()
    for value in values:
        if value:
            spelled |= _spellings(value)
    ordered = tuple(sorted(spelled, key=len, reverse=True))
    token = _SENSITIVE.set(_SENSITIVE.get() + ordered)
    try:
        yield
    finally:
        _SENSITIVE.reset(token)


def scrub(line: str) -> str:
    """Remove registered values, query strings and keyed payloads from one formatted line."""
    for value in _SENSITIVE.get():
        if value in line:
            line = line.replace(value, _REMOVED)
    line = _QUERY.sub(r"\1?[removed]", line)
    return _KEYED.sub(lambda m: f"{m.group('key')}{m.group('q')}{_REMOVED}{m.group('q')}", line)


def install(level: int | None = None) -> None:
    """Install the record factory for this process (idempotent)."""
    global _installed
    if _installed:
        return
    base_factory = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:  # type: ignore[no-untyped-def]
        record = base_factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not leak its arguments either
            message = str(record.msg)
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        record.msg, record.args = scrub(message), ()
        record.exc_text = None
        return record

    logging.setLogRecordFactory(factory)
    if level is not None:
        logging.getLogger().setLevel(level)
    _installed = True
