"""Where the project's files are, for both processes and the tooling."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
SAFETY_FILE = DATA_DIR / "safety.yml"
SERVICES_FILE = DATA_DIR / "services.yml"
ENV_FILE = PROJECT_ROOT / ".env"
