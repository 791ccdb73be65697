"""The one reader of the process environment (and of `.env`), shared by every process's settings.

Each process has one typed settings object built from an `Env` (bot/settings.py for the Rasa
server, actions/settings.py for the action server, stack/settings.py for the launcher); no other
module reads `os.environ`, so every variable and its default can be found in those three files,
and `.env.example` lists them all (tests/hardening/test_settings.py checks it).
`.env` values never override real environment variables.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

from contract.paths import ENV_FILE


@dataclass(frozen=True)
class Env:
    """Typed reads of one set of variables; an empty value counts as unset."""

    values: Mapping[str, str]

    def text(self, name: str, default: str = "") -> str:
        value = self.values.get(name, "")
        return value if value.strip() else default

    def integer(self, name: str, default: int) -> int:
        return int(self.text(name, str(default)))

    def number(self, name: str, default: float) -> float:
        return float(self.text(name, str(default)))

    def names(self, name: str, default: str) -> tuple[str, ...]:
        """A comma-separated list."""
        return tuple(part.strip() for part in self.text(name, default).split(",") if part.strip())


def load_env(env_file: Path = ENV_FILE) -> Env:
    """The environment, with `.env` filled in underneath it (real variables win)."""
    load_dotenv(env_file, override=False)
    return Env(os.environ)


def ensure_secret(name: str, env_file: Path = ENV_FILE, hex_bytes: int = 32) -> bool:
    """Create a random secret in `.env` on first run, so a fresh clone works and no secret is
    ever committed. True when it was created now (the value is never returned or printed)."""
    load_dotenv(env_file, override=False)
    if os.environ.get(name, "").strip():
        return False
    value = secrets.token_hex(hex_bytes)
    with env_file.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{name}={value}\n")
    os.environ[name] = value
    return True


def export_defaults(defaults: Mapping[str, str]) -> None:
    """Give variables that third-party code reads itself (Rasa's `${VARS}` in endpoints.yml) their
    defaults, without overriding what is set."""
    for name, value in defaults.items():
        if not os.environ.get(name, "").strip():
            os.environ[name] = value


def child_environment(**overrides: str) -> dict[str, str]:
    """This process's environment with overrides, for a process the launcher starts."""
    return {**os.environ, **overrides}
