"""Start the Rasa server the private way: `python -m bot.server --model models/x.tar.gz --port 5005`.

Before anything else it checks the Rasa and Sanic versions and installs every patch (the log
scrubber first, bot/patches.py), then refuses to start on a configuration
that would keep data (a persistent tracker store, an event broker, the HTTP API without a
token), without a usable model or without readable safety lines, with a message that says what
to do. Nothing listens on the port until the model has loaded: a refused start is never a
half-started server.

HTTP hardening (all configurable through the environment, see bot/settings.py):
- bodies larger than MAX_BODY_BYTES are refused by Sanic itself (413) before they are buffered;
- a request's clock starts at its first byte: the head and the body must arrive within
  SANIC_REQUEST_TIMEOUT seconds, however slowly a client trickles them (Sanic's own timer restarts
  on every byte, which lets a slow client hold a connection open for ever);
- errors are short JSON that never echo the request, and 5xx errors carry the safety lines;
- idle keep-alive connections are closed after SANIC_KEEP_ALIVE_TIMEOUT (5 s);
- Rasa's "Hello from Rasa <version>" root page answers {"status": "ok"} instead.
Every patch of Rasa, Sanic, logging and warnings internals is in bot/patches.py, which refuses any
Rasa or Sanic version other than the ones it was written for.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tarfile
import zlib
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot import patches
from bot.settings import PROJECT_ROOT, Settings, ensure_sender_secret, export_endpoint_defaults

logger = logging.getLogger("bot.server")
ALLOWED_TRACKER_STORES = {
    "bot.tracker_store.ExpiringInMemoryTrackerStore",
    "bot.tracker_store.PrivateRedisTrackerStore",
}
ERROR_MESSAGES = {
    400: "Bad request.",
    401: "Not authorised.",
    403: "Forbidden.",
    404: "Not found.",
    405: "Method not allowed.",
    408: "The request took too long to arrive.",
    413: "Request too large.",
    429: "Too many requests. Wait a minute, then try again.",
    503: "The assistant is busy or starting. Try again in a few seconds.",
}


class StartupRefused(SystemExit):
    def __init__(self, message: str) -> None:
        print(f"\nSafe to Ask will not start: {message}\n", file=sys.stderr)
        super().__init__(2)


@dataclass(frozen=True)
class HttpLimits:
    """Sanic's size and time limits (from the settings: Sanic's own SANIC_* names, safer defaults)."""

    max_body_bytes: int
    request_timeout: float
    response_timeout: float
    keep_alive_timeout: float
    action_timeout: float

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpLimits:
        return cls(
            max_body_bytes=settings.request_max_size,
            request_timeout=settings.request_timeout,
            response_timeout=settings.response_timeout,
            keep_alive_timeout=settings.keep_alive_timeout,
            action_timeout=settings.action_timeout_seconds,
        )


def check_model(path: Path) -> Path:
    """The model archive to serve; refuses a missing, unreadable or non-Rasa one."""
    candidates = sorted(path.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime) if path.is_dir() else [path]
    if not candidates or not candidates[-1].is_file():
        raise StartupRefused(f"no trained model at {path}. Run `make train` (or `make run`, which trains).")
    model = candidates[-1]
    try:
        with tarfile.open(model, "r:gz") as archive:
            names = {name.lstrip("/") for name in archive.getnames()}
    except (tarfile.TarError, OSError, EOFError, zlib.error):
        raise StartupRefused(f"the model {model} is corrupt. Delete it and run `make train`.") from None
    if "metadata.json" not in names:
        raise StartupRefused(f"{model} is not a Rasa model. Delete it and run `make train`.")
    return model


def check_safety_data() -> None:
    """Refuse to start when the safety lines or the danger patterns cannot be read: every
    fallback reply depends on them, so they must fail at start-up, not on a person's message."""
    from bot.danger import detect_danger
    from bot.safety import safety_lines
    from contract.paths import SAFETY_FILE

    try:
        lines = safety_lines()
        detect_danger("safety data check")
    except Exception as error:
        raise StartupRefused(
            f"the safety data is unreadable ({type(error).__name__}). Check {SAFETY_FILE.parent}."
        ) from None
    if "999" not in lines.emergency or not lines.helplines:
        raise StartupRefused(f"{SAFETY_FILE} must give the 999 line and at least one helpline.")


def check_endpoints(endpoints: object, enable_api: bool, auth_token: str | None) -> None:
    """Refuse stores and brokers that keep conversations indefinitely."""
    store = getattr(endpoints, "tracker_store", None)
    store_type = getattr(store, "type", None) or "in_memory (Rasa's, without expiry)"
    if store_type not in ALLOWED_TRACKER_STORES:
        raise StartupRefused(
            f"tracker store '{store_type}' keeps conversations. Use one of {sorted(ALLOWED_TRACKER_STORES)}."
        )
    if getattr(endpoints, "event_broker", None) is not None:
        raise StartupRefused("an event broker would copy every conversation elsewhere. Remove event_broker.")
    if enable_api and not auth_token:
        raise StartupRefused("the Rasa HTTP API can read conversations; it needs --auth-token.")


def check_action_endpoint(endpoints: object) -> bool:
    """Log an error (and go on) when the action server URL cannot work: the service still
    answers, with the national helplines in place of every referral, but someone must fix it.
    Rasa expands ${VARS} only in unquoted YAML values, so a quoted URL keeps "${...}"."""
    url = str(getattr(getattr(endpoints, "action", None), "url", "") or "")
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError when the port is not a number
        valid = "${" not in url and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid:
        logger.error(
            "The action endpoint URL %r is not usable (unset, or an unexpanded ${...} in a quoted YAML value): "
            "every referral will fall back to the national helplines until endpoints.yml is fixed.",
            url,
        )
    return valid


def parse_args(argv: list[str], settings: Settings) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=str(PROJECT_ROOT / "models"))
    parser.add_argument("--port", type=int, default=settings.port)
    parser.add_argument("--interface", default=settings.interface)
    parser.add_argument("--endpoints", default=str(PROJECT_ROOT / "endpoints.yml"))
    parser.add_argument("--credentials", default=str(PROJECT_ROOT / "credentials.yml"))
    parser.add_argument("--enable-api", action="store_true", help="off by default; needs --auth-token")
    parser.add_argument("--auth-token", default=settings.api_token or None)
    parser.add_argument("--debug", action="store_true")
    return parser.parse_args(argv)


def check_patches() -> None:
    """Refuse a Rasa or Sanic other than the one bot/patches.py was written for."""
    try:
        patches.check_versions()
    except patches.UnsupportedVersion as error:
        raise StartupRefused(str(error)) from None


def check_public_input() -> None:
    """Read the payload allow-list and the id rules now, not on a person's first message."""
    from bot.public_input import RULES_FILE, public_input

    try:
        public_input()
    except Exception as error:
        raise StartupRefused(f"{RULES_FILE} or data/responses/ is unreadable ({type(error).__name__}).") from None


def main(argv: list[str] | None = None) -> None:
    check_patches()
    ensure_sender_secret()
    from bot.settings import get_settings

    settings = get_settings()
    args = parse_args(sys.argv[1:] if argv is None else argv, settings)
    model = check_model(Path(args.model))  # before the slow imports: a missing model fails at once
    check_safety_data()
    check_public_input()
    from rasa.core import run as rasa_run
    from rasa.core.utils import AvailableEndpoints, number_of_sanic_workers
    from rasa.utils.common import configure_logging_and_warnings

    from bot.web import register_web

    configure_logging_and_warnings(logging.DEBUG if args.debug else logging.INFO)
    patches.install(settings.action_timeout_seconds)  # after Rasa's filters, before anything logs a message
    configure_log_output(logging.DEBUG if args.debug else logging.INFO)
    export_endpoint_defaults(settings)
    endpoints = AvailableEndpoints.read_endpoints(args.endpoints)
    check_endpoints(endpoints, args.enable_api, args.auth_token)
    check_action_endpoint(endpoints)
    limits = HttpLimits.from_settings(settings)
    channels = rasa_run.create_http_input_channels(None, args.credentials)
    cors = list(settings.allowed_origins) or None
    app = rasa_run.configure_app(channels, cors, args.auth_token, args.enable_api, port=args.port, endpoints=endpoints)
    harden(app, limits)
    register_web(app)
    app.register_listener(partial(_load_agent, str(model), endpoints), "before_server_start")
    app.register_listener(rasa_run.close_resources, "after_server_stop")
    logger.info("Starting Safe to Ask on http://%s:%s", args.interface, args.port)
    app.run(
        host=args.interface,
        port=args.port,
        workers=number_of_sanic_workers(endpoints.lock_store),
        access_log=False,
        protocol=patches.deadline_protocol(),
    )


def configure_log_output(level: int) -> None:
    """Send log records somewhere. Rasa only attaches NullHandlers when it is not started by its
    own CLI, so without this its errors (a failing action server, an unreachable tracker store)
    vanish and ours reach stderr without a time or level. Every record is scrubbed by safelog."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s", stream=sys.stderr)
    logging.getLogger().setLevel(level)


def harden(app: Any, limits: HttpLimits) -> None:
    """Size and time limits, JSON errors that echo nothing, and no version banner."""
    app.config.REQUEST_MAX_SIZE = limits.max_body_bytes
    app.config.REQUEST_TIMEOUT = limits.request_timeout
    app.config.RESPONSE_TIMEOUT = limits.response_timeout
    app.config.KEEP_ALIVE_TIMEOUT = limits.keep_alive_timeout
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.error_handler.add(Exception, partial(error_response, limits=limits))
    app.register_middleware(hide_version_banner, "request")


def error_response(request: Any, exception: BaseException, limits: HttpLimits) -> Any:
    """A short JSON error for anything a route did not answer itself.

    Fixed wording per status (Sanic's own messages quote the path or the body); 5xx errors,
    where the person may be left without an answer, carry the 999 line and the helplines.
    """
    from sanic import response
    from sanic.exceptions import SanicException

    from bot.safety import safety_lines

    known = isinstance(exception, SanicException)
    status = int(getattr(exception, "status_code", 500) or 500) if known else 500
    if status >= 500 and status != 503:
        logger.error("Unhandled error on a request: %s", type(exception).__name__)
    body: dict[str, Any] = {"error": ERROR_MESSAGES.get(status, "Something went wrong on our side.")}
    if status == 413:
        body["error"] = f"Request too large (limit {limits.max_body_bytes} bytes)."
    if status >= 500:
        body["help"] = safety_lines().fallback()
    headers = getattr(exception, "headers", None) if known else None
    return response.json(body, status=status, headers=headers if isinstance(headers, dict) else None)


async def hide_version_banner(request: Any) -> Any:
    """Answer Rasa's root page (which tells anyone the exact Rasa version) with a plain status."""
    from sanic import response

    handler = getattr(getattr(request, "route", None), "handler", None)
    if request.path == "/" and getattr(handler, "__module__", "") == "rasa.server":
        return response.json({"status": "ok"})
    return None


async def _load_agent(model: str, endpoints: object, app, loop) -> None:  # type: ignore[no-untyped-def]
    from rasa.core import agent

    app.ctx.agent = await agent.load_agent(model_path=model, endpoints=endpoints, loop=loop)
    if not app.ctx.agent.is_ready():
        logger.error("The model %s could not be loaded. Delete it and run `make train`.", model)
        raise StartupRefused(f"the model {model} could not be loaded. Delete it and run `make train`.")
    logger.info("Safe to Ask is ready.")


if __name__ == "__main__":
    main()
