"""One settings object per process, the only reader of the environment, every variable documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings, endpoint_defaults, from_env
from contract.env import Env

ROOT = Path(__file__).resolve().parents[2]
CODE = ("bot", "actions", "stack", "safelog", "contract", "bench")
READER = ROOT / "contract" / "env.py"
# A variable named in code: env.text("X"...), os.environ.get("X"), NAME = "X" constants of settings.
_READ = re.compile(
    r"""(?:\.(?:text|integer|number|names)\(\s*|os\.environ(?:\.get|\.setdefault)?\(\s*|getenv\(\s*|_NAME\s*=\s*)"""
    r"""["']([A-Z][A-Z0-9_]+)["']"""
)
_DIRECT = re.compile(r"os\.environ|os\.getenv|load_dotenv|getenv\(")
_PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
_EXAMPLE_LINE = re.compile(r"^([A-Z][A-Z0-9_]+)=", re.M)


def python_files(*packages: str) -> list[Path]:
    return [path for package in packages for path in (ROOT / package).rglob("*.py")]


def variables_read() -> set[str]:
    found = {name for path in python_files(*CODE) for name in _READ.findall(path.read_text(encoding="utf-8"))}
    for endpoints in ROOT.glob("endpoints*.yml"):
        found |= set(_PLACEHOLDER.findall(endpoints.read_text(encoding="utf-8")))
    return found


def test_every_variable_read_in_code_is_in_env_example() -> None:
    listed = set(_EXAMPLE_LINE.findall((ROOT / ".env.example").read_text(encoding="utf-8")))
    read = variables_read()
    assert len(read) > 40, sorted(read)  # the scan itself works
    assert sorted(read - listed) == []


def test_every_variable_in_env_example_has_a_comment() -> None:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    bare = [line for i, line in enumerate(lines) if _EXAMPLE_LINE.match(line) and not lines[i - 1].startswith("#")]
    assert bare == []


@pytest.mark.parametrize("package", ["bot", "actions", "stack", "safelog", "contract"])
def test_only_contract_env_reads_the_environment(package: str) -> None:
    readers = [
        str(path.relative_to(ROOT))
        for path in python_files(package)
        if path != READER and _DIRECT.search(path.read_text(encoding="utf-8"))
    ]
    assert readers == []


def test_every_default_is_in_the_settings() -> None:
    settings = from_env(Env({"SENDER_ID_SECRET": "k" * 64}))
    assert settings == Settings(
        sender_secret=b"k" * 64,
        allowed_origins=("http://localhost:5005", "http://127.0.0.1:5005"),
        endpoint_defaults=settings.endpoint_defaults,
    )
    assert settings.keep_alive_timeout == 5  # security audit, finding 5 (was 120 s)
    assert set(settings.endpoint_defaults) >= {
        name for path in ROOT.glob("endpoints*.yml") for name in _PLACEHOLDER.findall(path.read_text())
    }


def test_an_empty_value_counts_as_unset() -> None:
    settings = from_env(Env({"SENDER_ID_SECRET": "k" * 64, "RASA_PORT": "", "EXIT_URL": " "}))
    assert settings.port == 5005 and settings.exit_url.startswith("https://")


def test_record_expiry_follows_the_idle_minutes() -> None:
    assert endpoint_defaults(Env({}), 12)["TRACKER_RECORD_EXP_SECONDS"] == "720"


def test_the_server_reads_endpoints_yml_with_nothing_set(tmp_path: Path) -> None:
    """`python -m bot.server` alone: the ${VARS} of both endpoint files get their defaults."""
    script = """
import os
for name in list(os.environ):
    if name.startswith(("ACTION_SERVER", "REDIS", "TRACKER", "CONVERSATION")):
        del os.environ[name]
from bot.settings import export_endpoint_defaults, get_settings
from bot.server import check_action_endpoint
from rasa.core.utils import read_endpoint_config
from rasa.core.utils import AvailableEndpoints
export_endpoint_defaults(get_settings())
endpoints = AvailableEndpoints.read_endpoints("endpoints.yml")
assert check_action_endpoint(endpoints), endpoints.action.url
assert str(endpoints.tracker_store.kwargs["idle_minutes"]) == "30", endpoints.tracker_store.kwargs
scaled = read_endpoint_config("endpoints-scaled.yml", "tracker_store")
assert str(scaled.kwargs["record_exp"]) == "1800" and scaled.url == "127.0.0.1", scaled.kwargs
print("ok")
"""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "SENDER_ID_SECRET": "k" * 64, "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=99)
    assert done.stdout.strip().endswith("ok"), done.stderr[-2000:]
