"""The launcher's settings (`make run`, `make run-scaled`, tests and benchmarks): ports and services.

Read once from the environment and `.env` through contract/env.py, the one reader; the servers it
starts read their own settings (bot/settings.py, actions/settings.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from contract.env import Env, load_env


@dataclass(frozen=True)
class LauncherSettings:
    rasa_port: int = 5005
    action_port: int = 5055
    idle_minutes: int = 30
    rasa_ports: tuple[int, int] = (5011, 5012)
    action_ports: tuple[int, int] = (5061, 5062)
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    redis_password: str = ""
    redis_key_prefix: str = "safetoask"
    database_url: str = ""
    sanic_workers: int = 1
    ticket_lock_lifetime: str = "15"
    nginx_error_log_level: str = "crit"
    nginx_connections_per_address: int = 64
    allowed_origins: tuple[str, ...] = ()


def from_env(env: Env) -> LauncherSettings:
    return LauncherSettings(
        rasa_port=env.integer("RASA_PORT", 5005),
        action_port=env.integer("ACTION_SERVER_PORT", 5055),
        idle_minutes=env.integer("CONVERSATION_IDLE_MINUTES", 30),
        rasa_ports=(env.integer("RASA_PORT_A", 5011), env.integer("RASA_PORT_B", 5012)),
        action_ports=(env.integer("ACTION_PORT_A", 5061), env.integer("ACTION_PORT_B", 5062)),
        redis_host=env.text("REDIS_HOST", "127.0.0.1"),
        redis_port=env.integer("REDIS_PORT", 6379),
        redis_password=env.text("REDIS_PASSWORD"),
        redis_key_prefix=env.text("REDIS_KEY_PREFIX", "safetoask"),
        database_url=env.text("DATABASE_URL"),
        sanic_workers=env.integer("SANIC_WORKERS", 1),
        ticket_lock_lifetime=env.text("TICKET_LOCK_LIFETIME", "15"),
        nginx_error_log_level=env.text("NGINX_ERROR_LOG_LEVEL", "crit"),
        nginx_connections_per_address=env.integer("NGINX_CONNECTIONS_PER_ADDRESS", 64),
        allowed_origins=env.names("ALLOWED_ORIGINS", ""),
    )


@lru_cache(maxsize=1)
def launcher_settings() -> LauncherSettings:
    return from_env(load_env())
