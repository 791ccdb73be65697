"""Configuration from the environment and `.env`, read once.

Everything that differs between a laptop demo and a charity's deployment lives here, so the rest
of the code never reads `os.environ` itself.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
SECRET_NAME = "SENDER_ID_SECRET"


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _list(name: str, default: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in os.environ.get(name, default).split(",") if v.strip())


def ensure_sender_secret(env_file: Path = PROJECT_ROOT / ".env") -> None:
    """Create the HMAC key on first run, so a fresh clone works and no key is ever committed."""
    load_dotenv(env_file)
    if os.environ.get(SECRET_NAME):
        return
    key = secrets.token_hex(32)
    with env_file.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{SECRET_NAME}={key}\n")
    os.environ[SECRET_NAME] = key


@dataclass(frozen=True)
class Settings:
    sender_secret: bytes
    idle_minutes: int = 30
    max_message_chars: int = 2000
    max_body_bytes: int = 64 * 1024
    rasa_timeout_seconds: float = 10.0
    rate_per_sender_per_minute: int = 20
    rate_per_address_per_minute: int = 120
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    staff_token: str = ""
    exit_url: str = "https://www.bbc.co.uk/weather"
    frame_ancestors: str = "'self'"
    twilio_auth_token: str = ""
    public_url: str = ""
    # Scaled mode: Redis for the messaging channels' STOP list, options, MORE pages and rate limits.
    shared_state_url: str = ""
    whatsapp_enabled: bool = False  # WhatsApp through Twilio's WhatsApp sender: off unless configured


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for this process (`.env` values never override real environment variables)."""
    load_dotenv(PROJECT_ROOT / ".env")
    secret = os.environ.get(SECRET_NAME, "")
    if not secret:
        raise RuntimeError(f"{SECRET_NAME} is not set: run `make run` once, or add it to .env")
    return Settings(
        sender_secret=secret.encode(),
        idle_minutes=_int("CONVERSATION_IDLE_MINUTES", 30),
        max_message_chars=_int("MAX_MESSAGE_CHARS", 2000),
        max_body_bytes=_int("MAX_BODY_BYTES", 64 * 1024),
        rasa_timeout_seconds=float(os.environ.get("RASA_TIMEOUT_SECONDS", 10)),
        rate_per_sender_per_minute=_int("RATE_PER_SENDER_PER_MINUTE", 20),
        rate_per_address_per_minute=_int("RATE_PER_ADDRESS_PER_MINUTE", 120),
        allowed_origins=_list("ALLOWED_ORIGINS", "http://localhost:5005,http://127.0.0.1:5005"),
        staff_token=os.environ.get("STAFF_TOKEN", ""),
        exit_url=os.environ.get("EXIT_URL", "https://www.bbc.co.uk/weather"),
        frame_ancestors=os.environ.get("FRAME_ANCESTORS", "'self'"),
        twilio_auth_token=os.environ.get("TWILIO_AUTH_TOKEN", ""),
        public_url=os.environ.get("PUBLIC_URL", ""),
        shared_state_url=os.environ.get("SHARED_STATE_URL", ""),
        whatsapp_enabled=os.environ.get("WHATSAPP_ENABLED", "").lower() in ("1", "true", "yes"),
    )
