"""The action server's settings, with every default here; contract/env.py is the one reader.

Read afresh on each call (a handful of lookups), so that a changed `.env` or environment is seen
by the next database connection or directory time limit without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contract.env import load_env
from contract.paths import ENV_FILE


@dataclass(frozen=True)
class ActionSettings:
    port: int = 5055
    interface: str = "127.0.0.1"
    workers: int = 1
    # How long a reply may wait for the directory before the static helplines are sent instead.
    directory_timeout_seconds: float = 3.0
    database_url: str = ""  # empty: an embedded SQLite file for this process
    directory_db_schema: str | None = None


def action_settings(env_file: Path = ENV_FILE) -> ActionSettings:
    env = load_env(env_file)
    return ActionSettings(
        port=env.integer("ACTION_SERVER_PORT", 5055),
        interface=env.text("ACTION_SERVER_INTERFACE", "127.0.0.1"),
        workers=env.integer("ACTION_SERVER_WORKERS", 1),
        directory_timeout_seconds=env.number("DIRECTORY_TIMEOUT_SECONDS", 3),
        database_url=env.text("DATABASE_URL").strip(),
        directory_db_schema=env.text("DIRECTORY_DB_SCHEMA") or None,
    )
