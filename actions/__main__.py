"""Start the action server the private way: `python -m actions --port 5055`.

Installs the log scrubber before rasa-sdk starts, and turns access logs off (they would hold
client addresses).
"""

from __future__ import annotations

import argparse
import logging

import safelog
from actions.settings import action_settings


def main() -> None:
    safelog.install()
    settings = action_settings()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=settings.port)
    parser.add_argument("--interface", default=settings.interface)
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    from rasa_sdk.endpoint import create_app

    app = create_app("actions")
    app.run(args.interface, args.port, workers=settings.workers, access_log=False)


if __name__ == "__main__":
    main()
