"""Start the Rasa server the private way: `python -m bot.server --model models/x.tar.gz --port 5005`.

Before anything else it installs the log scrubber, then refuses to start on a configuration
that would keep data (a persistent tracker store, an event broker, the HTTP API without a
token) or without a usable model, with a message that says what to do.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tarfile
from functools import partial
from pathlib import Path

import safelog

safelog.install()

from bot.settings import PROJECT_ROOT, ensure_sender_secret  # noqa: E402

logger = logging.getLogger("bot.server")
ALLOWED_TRACKER_STORES = {
    "bot.tracker_store.ExpiringInMemoryTrackerStore",
    "bot.tracker_store.PrivateRedisTrackerStore",
}


class StartupRefused(SystemExit):
    def __init__(self, message: str) -> None:
        print(f"\nSafe to Ask will not start: {message}\n", file=sys.stderr)
        super().__init__(2)


def check_model(path: Path) -> Path:
    """The model archive to serve; refuses a missing or unreadable one."""
    candidates = sorted(path.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime) if path.is_dir() else [path]
    if not candidates or not candidates[-1].exists():
        raise StartupRefused(f"no trained model at {path}. Run `make train` (or `make run`, which trains).")
    model = candidates[-1]
    try:
        with tarfile.open(model, "r:gz") as archive:
            archive.getmembers()
    except (tarfile.TarError, OSError, EOFError):
        raise StartupRefused(f"the model {model} is corrupt. Delete it and run `make train`.") from None
    return model


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


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=str(PROJECT_ROOT / "models"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("RASA_PORT", 5005)))
    parser.add_argument("--interface", default=os.environ.get("RASA_INTERFACE", "127.0.0.1"))
    parser.add_argument("--endpoints", default=str(PROJECT_ROOT / "endpoints.yml"))
    parser.add_argument("--credentials", default=str(PROJECT_ROOT / "credentials.yml"))
    parser.add_argument("--enable-api", action="store_true", help="off by default; needs --auth-token")
    parser.add_argument("--auth-token", default=os.environ.get("RASA_API_TOKEN"))
    parser.add_argument("--debug", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    ensure_sender_secret()
    from rasa.core import run as rasa_run
    from rasa.core.utils import AvailableEndpoints, number_of_sanic_workers
    from rasa.utils.common import configure_logging_and_warnings

    from bot.web import register_web

    configure_logging_and_warnings(logging.DEBUG if args.debug else logging.INFO)
    endpoints = AvailableEndpoints.read_endpoints(args.endpoints)
    check_endpoints(endpoints, args.enable_api, args.auth_token)
    model = check_model(Path(args.model))
    channels = rasa_run.create_http_input_channels(None, args.credentials)
    cors = [o for o in os.environ.get("ALLOWED_ORIGINS", "").split(",") if o] or None
    app = rasa_run.configure_app(
        channels, cors, args.auth_token, args.enable_api, port=args.port, endpoints=endpoints
    )
    register_web(app)
    app.register_listener(partial(_load_agent, str(model), endpoints), "before_server_start")
    app.register_listener(rasa_run.close_resources, "after_server_stop")
    logger.info("Starting Safe to Ask on http://%s:%s", args.interface, args.port)
    app.run(
        host=args.interface,
        port=args.port,
        workers=number_of_sanic_workers(endpoints.lock_store),
        access_log=False,
    )


async def _load_agent(model: str, endpoints: object, app, loop) -> None:  # type: ignore[no-untyped-def]
    from rasa.core import agent

    app.ctx.agent = await agent.load_agent(model_path=model, endpoints=endpoints, loop=loop)
    if not app.ctx.agent.is_ready():
        logger.error("The model %s could not be loaded. Delete it and run `make train`.", model)
        raise StartupRefused("the model could not be loaded")
    logger.info("Safe to Ask is ready.")


if __name__ == "__main__":
    main()
