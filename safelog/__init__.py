"""Logging that cannot carry what people write.

Installed once per process (Rasa server and action server), before anything logs. Every log
record, from any library at any level, is rewritten when it is created:
- values registered for the current request (the message text, its redacted form, sender ids)
  are replaced by `[removed]`, in their plain, repr and JSON-escaped spellings;
- query strings are cut from URLs (socket.io puts session ids there);
- newlines and every other control character are escaped, so no text can forge a log line
  (a traceback keeps its lines, each indented behind "    | ");
- quoted payloads after well-known keys (`text`, `message`, `sender`...) and anything shaped like
  a pseudonymous sender id (64 hex digits) are blanked, for the lines logged outside a request.
Records are rewritten at creation (a record factory), so a handler added later by Rasa, Sanic or
coloredlogs cannot bypass it. Three more ways round it are closed by `install()`:
- fields passed with `extra=` (Sanic's access log) are set after the factory runs, so
  `Logger.makeRecord` scrubs string extras too;
- structlog (Rasa 3.6 logs `parse_data_text` and events with it) prints straight to stdout until
  configured, so it is routed through the standard library, and so through the factory;
- Python warnings are written to stderr, so they are routed through logging too.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
from collections.abc import Iterator

_SENSITIVE: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("safelog_values", default=())
_REMOVED = "[removed]"
_QUERY = re.compile(r"(/[\w./-]*)\?[^\s\"']*")
_KEYED = re.compile(
    r"""(?P<key>["']?(?:text|message|user_message|sender|sender_id|conversation_id|recipient_id|body|Body|From)["']?\s*[:=]\s*)"""
    r"""(?P<q>["'])(?P<val>(?:\\.|(?!(?P=q)).)*)(?P=q)"""
)
# Pseudonymous sender ids (bot/pseudonyms.py: HMAC-SHA256, 64 hex digits), wherever they appear,
# for the lines logged outside a request (a channel looking up a tracker before handling a message).
_PSEUDONYM = re.compile(r"(?<![0-9A-Fa-f])[0-9a-f]{64}(?![0-9A-Fa-f])")
# Characters that could start a new line in a log file or a terminal (and so forge a whole log
# line, "ERROR ... tracker store is unreachable"), or hide text: every one is written as an escape.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_TRACE_PREFIX = "    | "
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
    line = _PSEUDONYM.sub(_REMOVED, line)
    return _KEYED.sub(lambda m: f"{m.group('key')}{m.group('q')}{_REMOVED}{m.group('q')}", line)


def escape_controls(line: str) -> str:
    """One log line that stays one line: newlines and every other control character escaped."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), line)


def one_record(message: str, trace: str = "") -> str:
    """The text of one log record: the message on one line; a traceback, when there is one, on
    the following lines, each indented behind a bar so that none can pass for a record."""
    text = escape_controls(scrub(message))
    if not trace:
        return text
    return text + "".join(f"\n{_TRACE_PREFIX}{escape_controls(line)}" for line in scrub(trace).splitlines())


def _scrub_extras() -> None:
    """Scrub string values given as `extra=`: they bypass the record factory."""
    original = logging.Logger.makeRecord
    if getattr(original, "_safelog", False):
        return

    def make_record(self, name, level, fn, lno, msg, args, exc_info, func=None, extra=None, sinfo=None):  # type: ignore[no-untyped-def]
        if extra:
            extra = {key: one_record(value) if isinstance(value, str) else value for key, value in extra.items()}
        return original(self, name, level, fn, lno, msg, args, exc_info, func, extra, sinfo)

    make_record._safelog = True  # type: ignore[attr-defined]
    logging.Logger.makeRecord = make_record  # type: ignore[method-assign]


def route_structlog(force: bool = False) -> None:
    """Send structlog's lines through the standard library (where the record factory scrubs them).

    Unconfigured, structlog prints every event at every level straight to stdout, past logging.
    Rasa's own configuration (`configure_structlog`, used by the `rasa` command) already uses the
    standard library, so an existing configuration of that kind is kept unless `force`.
    """
    try:
        import structlog
    except ImportError:  # pragma: no cover - structlog comes with Rasa
        return
    factory = structlog.get_config().get("logger_factory")
    if not force and structlog.is_configured() and isinstance(factory, structlog.stdlib.LoggerFactory):
        return
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            structlog.processors.KeyValueRenderer(key_order=["event"], sort_keys=True),
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(logging.NOTSET),
        context_class=dict,
        cache_logger_on_first_use=False,
    )


def _log_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int, *_: object) -> None:
    """A warning as a log record (scrubbed like any other), without its source line."""
    logging.getLogger("py.warnings").warning("%s: %s", category.__name__, message)


def route_warnings() -> None:
    """Send Python warnings through logging, so through the scrubber: by default they are written
    straight to stderr, and some quote what they were given (Rasa quotes the whole message)."""
    import warnings

    warnings.showwarning = _log_warning


def install(level: int | None = None) -> None:
    """Install the record factory for this process (idempotent)."""
    global _installed
    if _installed:
        return
    _scrub_extras()
    route_structlog()
    route_warnings()
    base_factory = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:  # type: ignore[no-untyped-def]
        record = base_factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not leak its arguments either
            message = str(record.msg)
        trace = ""
        if record.exc_info:
            trace = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.stack_info:
            trace, record.stack_info = f"{trace}\n{record.stack_info}".strip("\n"), None
        record.msg, record.args = one_record(message, trace), ()
        record.exc_text = None
        return record

    logging.setLogRecordFactory(factory)
    if level is not None:
        logging.getLogger().setLevel(level)
    _installed = True
