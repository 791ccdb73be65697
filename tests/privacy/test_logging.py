"""safelog: what people write and who they are never reaches a log line, whatever logs it.

Each test logs synthetic personal data the way Rasa, Sanic, rasa-sdk and our own code could, and
reads back everything the handlers wrote.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

import safelog

SECRET = "Zorbina Quillfeather’s number is 07700 900123\nand she lives at 12 Acacia Road"
SENDER = "c0ffee" * 10 + "beef"


@pytest.fixture(autouse=True)
def installed() -> None:
    safelog.install()


@pytest.fixture()
def capture() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger at DEBUG whose output is kept in memory (no other handler sees it)."""
    stream = io.StringIO()
    logger = logging.getLogger("safelog.test")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def _spellings(value: str) -> list[str]:
    """Every way the value (or a distinctive part of it) could appear in a line."""
    parts = [
        value,
        repr(value),
        json.dumps(value),
        json.dumps(value, ensure_ascii=False),
        "Quillfeather",
        "07700 900123",
    ]
    return parts


def _assert_clean(output: str, value: str = SECRET) -> None:
    for spelled in _spellings(value):
        assert spelled not in output, f"found {spelled!r} in the log"


def test_plain_repr_and_json_forms_are_removed(capture) -> None:
    logger, stream = capture
    with safelog.sensitive(SECRET, SENDER):
        logger.debug("plain %s", SECRET)
        logger.info("repr %r", SECRET)
        logger.info("in a list %s", [SECRET])
        logger.warning("json %s", json.dumps({"x": SECRET}))
        logger.warning("json unicode %s", json.dumps({"x": SECRET}, ensure_ascii=False))
        logger.error(f"f-string {SECRET}")
        logger.debug("sender %s", SENDER)
    output = stream.getvalue()
    _assert_clean(output)
    assert SENDER not in output
    assert output.count("[removed]") >= 7


def test_values_are_forgotten_after_the_request(capture) -> None:
    logger, stream = capture
    with safelog.sensitive("periwinkle trampoline"):
        pass
    logger.info("later: %s", "periwinkle trampoline")
    assert "periwinkle trampoline" in stream.getvalue()


def test_nested_requests_keep_both(capture) -> None:
    logger, stream = capture
    with safelog.sensitive("first secret value"), safelog.sensitive("second secret value"):
        logger.info("%s / %s", "first secret value", "second secret value")
    assert "secret value" not in stream.getvalue()


def test_query_strings_are_cut(capture) -> None:
    logger, stream = capture
    logger.info("GET /socket.io/?EIO=4&transport=polling&sid=abc123def 200")
    logger.info("POST http://127.0.0.1:5005/webhooks/rest/webhook?token=zzz&sender=07700900123")
    output = stream.getvalue()
    assert "sid=abc123def" not in output and "07700900123" not in output and "token=zzz" not in output
    assert "/socket.io/?[removed]" in output


def test_keyed_payloads_are_blanked_outside_a_request(capture) -> None:
    logger, stream = capture
    logger.debug('Received {"text": "Zorbina needs help", "sender": "07700900124"}')
    logger.debug("UserMessage(text='Zorbina needs help', sender_id='07700900124')")
    logger.debug("parse_data_text='Zorbina needs help' intent=greet")
    output = stream.getvalue()
    assert "Zorbina" not in output and "07700900124" not in output


def test_exceptions_are_scrubbed(capture) -> None:
    logger, stream = capture
    with safelog.sensitive(SECRET):
        try:
            raise ValueError(f"could not parse {SECRET!r}")
        except ValueError:
            logger.exception("failed")
        try:
            raise KeyError(SECRET)
        except KeyError:
            logger.error("failed again", exc_info=True)
    output = stream.getvalue()
    _assert_clean(output)
    assert "Traceback" in output and "ValueError" in output and "KeyError" in output


def test_broken_format_strings_do_not_leak_their_arguments(capture) -> None:
    logger, stream = capture
    logger.info("two %s %s", "Quillfeather")  # too few arguments
    logger.info("%d", "Quillfeather")  # wrong type
    assert "Quillfeather" not in stream.getvalue()


def test_handlers_added_after_install_are_still_scrubbed() -> None:
    """Rasa, Sanic and coloredlogs add handlers and formatters after we install: records are
    clean before any handler sees them."""
    stream = io.StringIO()
    root = logging.getLogger()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        late = logging.getLogger("late.logger.created.after.install")
        with safelog.sensitive(SECRET):
            late.debug("late logger: %s", SECRET)
            logging.getLogger("sanic.error").error("sanic: %r", SECRET)
            logging.getLogger("rasa.core.processor").debug("Received user message '%s'", SECRET)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    _assert_clean(stream.getvalue())
    assert stream.getvalue().count("[removed]") == 3


def test_extra_fields_are_scrubbed(capture) -> None:
    """Formatters can print fields passed with `extra=` (Sanic's access log does): those are
    scrubbed too."""
    logger, stream = capture
    logger.handlers[0].setFormatter(logging.Formatter("%(message)s %(request)s"))
    with safelog.sensitive(SECRET):
        logger.info("access", extra={"request": f"POST /webhooks/rest/webhook {SECRET}"})
    logger.info("access", extra={"request": "GET /socket.io/?EIO=4&sid=abc123def"})
    output = stream.getvalue()
    _assert_clean(output)
    assert "abc123def" not in output


def test_structlog_lines_go_through_the_scrubber() -> None:
    """Rasa 3.6 logs message text with structlog ("processor.message.parse",
    parse_data_text=...). Those lines must reach the standard library (and the record factory),
    never print straight to stdout."""
    import structlog

    stream = io.StringIO()
    target = logging.getLogger("safelog.test.structlog")
    handler = logging.StreamHandler(stream)
    target.addHandler(handler)
    target.setLevel(logging.DEBUG)
    target.propagate = False
    try:
        log = structlog.get_logger("safelog.test.structlog")
        with safelog.sensitive(SECRET, SENDER):
            log.debug("processor.message.parse", parse_data_text=SECRET, sender_id=SENDER)
        log.debug("processor.message.parse", parse_data_text="Zorbina outside a request")
    finally:
        target.removeHandler(handler)
    output = stream.getvalue()
    assert "processor.message.parse" in output, "structlog did not go through the standard library"
    _assert_clean(output)
    assert SENDER not in output and "Zorbina" not in output


def test_structlog_never_prints_directly(capsys: pytest.CaptureFixture[str]) -> None:
    import structlog

    with safelog.sensitive("Quillfeather"):
        structlog.get_logger("safelog.test.print").info("event", text="Quillfeather")
    captured = capsys.readouterr()
    assert "Quillfeather" not in captured.out + captured.err


def test_structlog_stays_routed_when_rasa_configures_it() -> None:
    """Rasa's own configuration (configure_structlog) also goes through the standard library."""
    import structlog
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.DEBUG)
    try:
        assert isinstance(structlog.get_config()["logger_factory"], structlog.stdlib.LoggerFactory)
    finally:
        safelog.route_structlog(force=True)


def test_scrub_is_fast_enough() -> None:
    """The scrubber runs on every record: a long line with many registered values stays cheap."""
    import time

    values = [f"value number {i} with some text" for i in range(20)]
    line = "x" * 2000
    with safelog.sensitive(*values):
        start = time.perf_counter()
        for _ in range(200):
            safelog.scrub(line)
        per_line = (time.perf_counter() - start) / 200
    assert per_line < 0.002


def test_pseudonymous_ids_are_removed_outside_a_request(capture) -> None:
    """Channels look trackers up before handling a message (is this a new conversation?), and
    Rasa logs the id it looked for: a sender id is removed wherever it appears."""
    from bot.pseudonyms import pseudonym

    logger, stream = capture
    sender = pseudonym(b"test-key", "socketio", "session-0123")
    logger.debug("Could not find tracker for conversation ID '%s'.", sender)
    logger.debug("key privacytest:tracker:%s", sender)
    logger.debug("model_id='01f8ac5174de4ef0b728a9a21ac5b4e9'")  # 32 hex digits: not an id, kept
    output = stream.getvalue()
    assert sender not in output and output.count("[removed]") == 2
    assert "01f8ac5174de4ef0b728a9a21ac5b4e9" in output


# --- Security audit finding 1: no text can forge a log line -----------------------------------

FORGED = "hello\n2026-12-04 01:00:00,000 ERROR bot.gateway The tracker store is unreachable: ConnectionError"


@pytest.mark.parametrize("separator", ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"])
def test_a_line_break_in_a_record_never_starts_a_new_line(capture, separator: str) -> None:  # type: ignore[no-untyped-def]
    logger, stream = capture
    logger.error("Could not read %s", FORGED.replace("\n", separator))
    written = stream.getvalue()
    assert written.count("\n") == 1 and written.endswith("\n")
    assert not any(line.startswith("2026") for line in written.splitlines())


def test_every_control_character_is_escaped(capture) -> None:  # type: ignore[no-untyped-def]
    logger, stream = capture
    controls = "".join(chr(c) for c in [*range(32), *range(0x7F, 0xA0)])
    logger.warning("value=<%s>", controls)
    written = stream.getvalue()[:-1]
    assert not [c for c in written if ord(c) < 32 or 0x7F <= ord(c) < 0xA0]
    assert "\\x00" in written and "\\n" in written and "\\x1b" in written


def test_a_traceback_keeps_its_lines_behind_a_bar(capture) -> None:  # type: ignore[no-untyped-def]
    logger, stream = capture
    try:
        raise ValueError(FORGED)
    except ValueError:
        logger.exception("Failed")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "ERROR safelog.test Failed"
    assert all(line.startswith("    | ") for line in lines[1:]) and len(lines) > 2
