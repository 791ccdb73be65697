"""The Rasa server's settings: read once from the environment and `.env`, with every default here.

Everything that differs between a laptop demo and a charity's deployment lives here, so the rest
of the server never reads the environment itself (contract/env.py is the one reader). That includes
the defaults of the `${VARS}` Rasa expands in endpoints.yml and endpoints-scaled.yml, so
`python -m bot.server` works on its own (`export_endpoint_defaults`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from contract.env import Env, ensure_secret, export_defaults, load_env
from contract.paths import DATA_DIR, ENV_FILE, PROJECT_ROOT

__all__ = ["DATA_DIR", "PROJECT_ROOT", "SECRET_NAME", "Settings", "get_settings", "ensure_sender_secret"]

SECRET_NAME = "SENDER_ID_SECRET"
STAFF_TOKEN_NAME = "STAFF_TOKEN"
DEFAULT_IDLE_MINUTES = 30


def ensure_sender_secret(env_file: Path = ENV_FILE) -> None:
    """Create the HMAC key for sender ids on first run."""
    ensure_secret(SECRET_NAME, env_file)


def ensure_staff_token(env_file: Path = ENV_FILE) -> bool:
    """Create the staff console's token on first run (`make run`); True when created now."""
    return ensure_secret(STAFF_TOKEN_NAME, env_file, hex_bytes=24)


@dataclass(frozen=True)
class Settings:
    sender_secret: bytes
    idle_minutes: int = DEFAULT_IDLE_MINUTES
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
    # HTTP (Sanic's own SANIC_* names). Idle keep-alive connections are closed after 5 s: long
    # enough to reuse a connection between a page's requests, short enough that idle sockets held
    # open by one client cannot exhaust the server (security audit, finding 5).
    request_max_size: int = 64 * 1024
    request_timeout: float = 10.0
    response_timeout: float = 60.0
    keep_alive_timeout: float = 5.0
    action_timeout_seconds: float = 5.0
    port: int = 5005
    interface: str = "127.0.0.1"
    api_token: str = ""
    endpoint_defaults: dict[str, str] = field(default_factory=dict)
    # Scaled mode: Redis for the messaging channels' STOP list, options, MORE pages and rate limits.
    shared_state_url: str = ""
    whatsapp_enabled: bool = False  # WhatsApp through Twilio's WhatsApp sender: off unless configured


def endpoint_defaults(env: Env, idle_minutes: int) -> dict[str, str]:
    """The `${VARS}` of endpoints.yml and endpoints-scaled.yml, with their defaults."""
    return {
        "ACTION_SERVER_HOST": env.text("ACTION_SERVER_HOST", "127.0.0.1"),
        "ACTION_SERVER_PORT": env.text("ACTION_SERVER_PORT", "5055"),
        "CONVERSATION_IDLE_MINUTES": str(idle_minutes),
        "REDIS_HOST": env.text("REDIS_HOST", "127.0.0.1"),
        "REDIS_PORT": env.text("REDIS_PORT", "6379"),
        "REDIS_PASSWORD": env.text("REDIS_PASSWORD", ""),
        "REDIS_TRACKER_DB": env.text("REDIS_TRACKER_DB", "0"),
        "REDIS_LOCK_DB": env.text("REDIS_LOCK_DB", "1"),
        "REDIS_KEY_PREFIX": env.text("REDIS_KEY_PREFIX", "safetoask"),
        "TRACKER_RECORD_EXP_SECONDS": env.text("TRACKER_RECORD_EXP_SECONDS", str(idle_minutes * 60)),
    }


def from_env(env: Env) -> Settings:
    """Settings from one set of variables (tests pass their own)."""
    secret = env.text(SECRET_NAME)
    if not secret:
        raise RuntimeError(f"{SECRET_NAME} is not set: run `make run` once, or add it to .env")
    idle = env.integer("CONVERSATION_IDLE_MINUTES", DEFAULT_IDLE_MINUTES)
    max_body = env.integer("MAX_BODY_BYTES", 64 * 1024)
    return Settings(
        sender_secret=secret.encode(),
        idle_minutes=idle,
        max_message_chars=env.integer("MAX_MESSAGE_CHARS", 2000),
        max_body_bytes=max_body,
        request_max_size=env.integer("SANIC_REQUEST_MAX_SIZE", max_body),
        rasa_timeout_seconds=env.number("RASA_TIMEOUT_SECONDS", 10),
        rate_per_sender_per_minute=env.integer("RATE_PER_SENDER_PER_MINUTE", 20),
        rate_per_address_per_minute=env.integer("RATE_PER_ADDRESS_PER_MINUTE", 120),
        allowed_origins=env.names("ALLOWED_ORIGINS", "http://localhost:5005,http://127.0.0.1:5005"),
        staff_token=env.text(STAFF_TOKEN_NAME),
        exit_url=env.text("EXIT_URL", "https://www.bbc.co.uk/weather"),
        frame_ancestors=env.text("FRAME_ANCESTORS", "'self'"),
        twilio_auth_token=env.text("TWILIO_AUTH_TOKEN"),
        public_url=env.text("PUBLIC_URL"),
        request_timeout=env.number("SANIC_REQUEST_TIMEOUT", 10),
        response_timeout=env.number("SANIC_RESPONSE_TIMEOUT", 60),
        keep_alive_timeout=env.number("SANIC_KEEP_ALIVE_TIMEOUT", 5),
        action_timeout_seconds=env.number("ACTION_TIMEOUT_SECONDS", 5),
        port=env.integer("RASA_PORT", 5005),
        interface=env.text("RASA_INTERFACE", "127.0.0.1"),
        api_token=env.text("RASA_API_TOKEN"),
        endpoint_defaults=endpoint_defaults(env, idle),
        shared_state_url=env.text("SHARED_STATE_URL"),
        whatsapp_enabled=env.text("WHATSAPP_ENABLED").lower() in ("1", "true", "yes"),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for this process (`.env` values never override real environment variables)."""
    return from_env(load_env())


def export_endpoint_defaults(settings: Settings) -> None:
    """Put the endpoint defaults where Rasa looks for `${VARS}` (the environment), unless set."""
    export_defaults(settings.endpoint_defaults)
