"""Scale-out on one machine: nginx, two Rasa servers, two action servers, Redis and PostgreSQL.

`python -m stack.scaled` (`make run-scaled`) starts it; benchmarks and tests use `ScaledStack`.
Each server is a plain `Stack` process, so scaled mode runs exactly the code `make run` runs;
only the configuration differs (endpoints-scaled.yml, deploy/nginx.conf.template, environment):
- conversations in Redis with an expiry (PrivateRedisTrackerStore, record_exp) and a Redis lock
  store, so any Rasa server can take any turn and two never take the same conversation at once;
- the Rasa servers reach the action servers through the balancer, never one directly;
- the directory on PostgreSQL (DATABASE_URL), shared by both action servers.
Redis and PostgreSQL are not started here: they are the machine's services (127.0.0.1:6379/5432).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from stack import ROOT, Stack, serve_until_stopped, wait_for
from stack.settings import launcher_settings

TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
ENDPOINTS = ROOT / "endpoints-scaled.yml"
DEFAULT_DATABASE_URL = "postgresql://root@127.0.0.1:5432/test"
NAMES = ("a", "b")
_PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


def shared_state_url(host: str, port: int, password: str = "", db: int = 2) -> str:
    """The Redis URL the messaging channels and the rate limiters share (bot/messaging/state.py)."""
    auth = f":{quote(password, safe='')}@" if password else ""
    return f"redis://{auth}{host}:{port}/{db}"


def render_template(template: str, values: dict[str, str]) -> str:
    """Fill ${UPPER_CASE} placeholders; refuse a template that names a value not given."""
    missing = sorted({name for name in _PLACEHOLDER.findall(template) if name not in values})
    if missing:
        raise KeyError(f"nginx template needs values for {missing}")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def nginx_binary() -> str:
    """The nginx executable; a clear message when it is not installed."""
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if not found:
        raise RuntimeError("nginx is not installed: apt-get install -y nginx-light (make run-scaled does this)")
    return found


def reachable(host: str, port: int, timeout: float = 2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@dataclass
class ScaledStack:
    public_port: int = 5005
    action_balancer_port: int = 5055
    rasa_ports: tuple[int, int] = (5011, 5012)
    action_ports: tuple[int, int] = (5061, 5062)
    model: Path = ROOT / "models"
    log_dir: Path = ROOT / ".stack" / "scaled"
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    key_prefix: str = "safetoask"
    record_exp_seconds: int = 0  # 0: CONVERSATION_IDLE_MINUTES x 60
    database_url: str = ""
    sanic_workers: int = 1
    connections_per_address: int = 0  # 0: NGINX_CONNECTIONS_PER_ADDRESS (64)
    debug: bool = False
    env: dict[str, str] = field(default_factory=dict)
    rasa: dict[str, Stack] = field(default_factory=dict)
    actions: dict[str, Stack] = field(default_factory=dict)
    nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The balancer: where every channel's traffic goes."""
        return f"http://127.0.0.1:{self.public_port}"

    def rasa_url(self, name: str) -> str:
        """One Rasa server directly (tests use it to pin turns to a server)."""
        return f"http://127.0.0.1:{self.rasa_ports[NAMES.index(name)]}"

    def scaled_env(self) -> dict[str, str]:
        """What endpoints-scaled.yml and the servers read; explicit values win over defaults."""
        settings = launcher_settings()
        idle_minutes = settings.idle_minutes
        values = {
            "ACTION_SERVER_HOST": "127.0.0.1",
            "REDIS_HOST": self.redis_host,
            "REDIS_PASSWORD": settings.redis_password,
            "REDIS_PORT": str(self.redis_port),
            "REDIS_TRACKER_DB": "0",
            "REDIS_LOCK_DB": "1",
            "REDIS_KEY_PREFIX": self.key_prefix,
            "TRACKER_RECORD_EXP_SECONDS": str(self.record_exp_seconds or idle_minutes * 60),
            "DATABASE_URL": self.database_url or settings.database_url or DEFAULT_DATABASE_URL,
            "SANIC_WORKERS": str(self.sanic_workers),
            # A lock left by a server killed mid-turn blocks that conversation for this long (Rasa: 60 s).
            "TICKET_LOCK_LIFETIME": settings.ticket_lock_lifetime,
            # Behind exactly one proxy: the client address comes from nginx's X-Forwarded-For.
            "SANIC_PROXIES_COUNT": "1",
            # The widget's pages come through the balancer: its origins are the ones socket.io allows.
            "ALLOWED_ORIGINS": ",".join(
                [*settings.allowed_origins, *(f"http://{h}:{self.public_port}" for h in ("127.0.0.1", "localhost"))]
            ),
            # SMS/WhatsApp STOP list, options, MORE pages and rate limits, shared by the servers (db 2).
            "SHARED_STATE_URL": shared_state_url(self.redis_host, self.redis_port, settings.redis_password),
        }
        return {**values, **self.env}

    def nginx_values(self) -> dict[str, str]:
        settings = launcher_settings()
        return {
            "RUN_DIR": str(self.log_dir / "nginx"),
            "ERROR_LOG_LEVEL": settings.nginx_error_log_level,
            "CONNECTIONS_PER_ADDRESS": str(self.connections_per_address or settings.nginx_connections_per_address),
            "LISTEN_ADDRESS": "127.0.0.1",
            "PUBLIC_PORT": str(self.public_port),
            "ACTION_BALANCER_PORT": str(self.action_balancer_port),
            "RASA_PORT_A": str(self.rasa_ports[0]),
            "RASA_PORT_B": str(self.rasa_ports[1]),
            "ACTION_PORT_A": str(self.action_ports[0]),
            "ACTION_PORT_B": str(self.action_ports[1]),
        }

    def write_nginx_conf(self) -> Path:
        run_dir = self.log_dir / "nginx"
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (run_dir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        conf = run_dir / "nginx.conf"
        conf.write_text(render_template(TEMPLATE.read_text(), self.nginx_values()))
        return conf

    def check_services(self) -> None:
        """Refuse to start without Redis: every turn would only get the safety fallback."""
        if not reachable(self.redis_host, self.redis_port):
            raise RuntimeError(f"Redis is not reachable at {self.redis_host}:{self.redis_port}")

    def start_nginx(self, timeout: float = 15) -> None:
        conf = self.write_nginx_conf()
        binary = nginx_binary()
        test = subprocess.run([binary, "-t", "-q", "-c", str(conf)], capture_output=True, text=True)
        if test.returncode != 0:
            raise RuntimeError(f"nginx refused its configuration: {test.stderr.strip()[-300:]}")
        log = (conf.parent / "nginx-stdout.log").open("ab")
        self.nginx = subprocess.Popen(
            [binary, "-c", str(conf), "-g", "daemon off;"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while not reachable("127.0.0.1", self.public_port, 0.5):
            if self.nginx.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start; see {conf.parent}/nginx-error.log")
            time.sleep(0.1)

    def _server(self, name: str, rasa_port: int, action_port: int) -> Stack:
        return Stack(
            rasa_port=rasa_port,
            action_port=action_port,
            model=self.model,
            endpoints=ENDPOINTS,
            log_dir=self.log_dir / name,
            debug=self.debug,
            env=self.scaled_env(),
        )

    def start_actions(self, name: str) -> None:
        port = self.action_ports[NAMES.index(name)]
        server = self._server(f"actions-{name}", rasa_port=0, action_port=port)
        server.start_actions()
        self.actions[name] = server

    def start_rasa(self, name: str) -> None:
        port = self.rasa_ports[NAMES.index(name)]
        server = self._server(f"rasa-{name}", rasa_port=port, action_port=self.action_balancer_port)
        self.rasa[name] = server
        server.start_rasa(timeout=300)

    def stop_rasa(self, name: str) -> None:
        """Stop one Rasa server (SIGTERM, as an orchestrator would); the balancer routes around it."""
        server = self.rasa.pop(name, None)
        if server is not None:
            server.stop()

    def start(self) -> ScaledStack:
        from bot.settings import ensure_sender_secret

        ensure_sender_secret()
        self.check_services()
        try:
            self.start_nginx()
            with ThreadPoolExecutor(max_workers=2) as pool:
                list(pool.map(self.start_actions, NAMES))
                list(pool.map(self.start_rasa, NAMES))
            wait_for(f"{self.url}/webhooks/rest/", 30)
        except BaseException:
            self.stop()
            raise
        return self

    def processes(self) -> dict[str, subprocess.Popen]:
        """Every running process by name (for memory figures and health checks)."""
        found: dict[str, subprocess.Popen] = {}
        for name, server in self.rasa.items():
            found.update({f"rasa-{name}": p for p in server.processes.values()})
        for name, server in self.actions.items():
            found.update({f"actions-{name}": p for p in server.processes.values()})
        if self.nginx is not None:
            found["nginx"] = self.nginx
        return found

    def stop(self) -> None:
        for server in [*self.rasa.values(), *self.actions.values()]:
            server.stop()
        self.rasa.clear()
        self.actions.clear()
        if self.nginx is not None and self.nginx.poll() is None:
            os.killpg(self.nginx.pid, signal.SIGQUIT)  # graceful: finish open requests
            try:
                self.nginx.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.nginx.pid, signal.SIGKILL)
                self.nginx.wait()
        self.nginx = None

    def __enter__(self) -> ScaledStack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def from_environment() -> ScaledStack:
    """Ports and services from the launcher's settings (environment and `.env`)."""
    settings = launcher_settings()
    return ScaledStack(
        public_port=settings.rasa_port,
        action_balancer_port=settings.action_port,
        rasa_ports=settings.rasa_ports,
        action_ports=settings.action_ports,
        redis_host=settings.redis_host,
        redis_port=settings.redis_port,
        key_prefix=settings.redis_key_prefix,
        sanic_workers=settings.sanic_workers,
    )


def main() -> int:
    from bot.settings import ensure_staff_token

    created = ensure_staff_token()
    scaled = from_environment()
    print(f"Logs: {scaled.log_dir}/", flush=True)
    token_note = "\nA staff console token was created in .env (STAFF_TOKEN); read it there." if created else ""
    return serve_until_stopped(
        scaled.start,
        scaled.processes,
        scaled.stop,
        lambda: _banner(scaled) + token_note,
        start_errors=(RuntimeError, TimeoutError, KeyError),
    )


def _banner(scaled: ScaledStack) -> str:
    env = scaled.scaled_env()
    return f"""
Safe to Ask (scaled) is running.
  Balancer (REST, widget, socket.io, staff): {scaled.url}   e.g. {scaled.url}/webhooks/rest/webhook
  Rasa servers:    {", ".join(scaled.rasa_url(n) for n in NAMES)}  (SANIC_WORKERS={env["SANIC_WORKERS"]})
  Action servers:  127.0.0.1:{scaled.action_ports[0]}, :{scaled.action_ports[1]} via :{scaled.action_balancer_port}
  Conversations:   Redis {scaled.redis_host}:{scaled.redis_port} db {env["REDIS_TRACKER_DB"]}, \
prefix '{env["REDIS_KEY_PREFIX"]}', expiry {env["TRACKER_RECORD_EXP_SECONDS"]} s; locks in db {env["REDIS_LOCK_DB"]}
  Directory:       DATABASE_URL (PostgreSQL)
  Staff console:   {scaled.url}/staff/   (token: run `grep STAFF_TOKEN .env`)
  Logs:            {scaled.log_dir}/
Press Ctrl-C to stop."""


if __name__ == "__main__":
    sys.exit(main())
