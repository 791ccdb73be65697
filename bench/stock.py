"""The yardstick: a stock `rasa init` assistant, trained and served on the same machine.

Comparing with figures from another machine means nothing; comparing with stock Rasa measured
in the same run, on the same cores, under the same load, says what our model, custom actions and
redaction cost. The stock project lives under the git-ignored `.stack/bench/` (nothing is cached
outside the repository) and is reused while the Rasa version is unchanged.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from stack import ROOT, base_env, wait_for

RASA = str(Path(sys.executable).with_name("rasa"))


@dataclass(frozen=True)
class StockModel:
    directory: Path
    model: Path
    training_seconds: float
    reused: bool


def stock_directory() -> Path:
    """One directory per Rasa version, so an upgrade retrains the yardstick."""
    import rasa

    return ROOT / ".stack" / "bench" / f"stock-rasa-{rasa.__version__}"


def _stock_env() -> dict[str, str]:
    """Stock Rasa must not import this project's code, so PYTHONPATH is dropped."""
    env = base_env()
    env.pop("PYTHONPATH", None)
    return env


def ensure_stock_model(retrain: bool = False, timeout: float = 1800) -> StockModel:
    """Train the stock assistant with `rasa init --no-prompt` unless a trained one is present."""
    directory = stock_directory()
    record = directory / "training-time.json"
    models = sorted((directory / "models").glob("*.tar.gz")) if directory.exists() else []
    if models and record.exists() and not retrain:
        seconds = json.loads(record.read_text())["seconds"]
        return StockModel(directory, models[-1], seconds, reused=True)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)  # `rasa init --no-prompt` needs it to exist
    started = time.monotonic()
    with (directory.parent / "stock-init.log").open("wb") as log:
        subprocess.run(
            [RASA, "init", "--no-prompt", "--init-dir", str(directory)],
            cwd=directory.parent,
            env=_stock_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=True,
        )
    seconds = time.monotonic() - started
    record.write_text(json.dumps({"seconds": round(seconds, 1)}))
    model = sorted((directory / "models").glob("*.tar.gz"))[-1]
    return StockModel(directory, model, round(seconds, 1), reused=False)


class StockServer:
    """`rasa run` on the stock project: REST channel only, Rasa's in-memory tracker store."""

    def __init__(self, stock: StockModel, port: int, log_dir: Path, env: dict[str, str] | None = None) -> None:
        self.stock = stock
        self.port = port
        self.log_dir = log_dir
        self.env = env or {}
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 180) -> StockServer:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = (self.log_dir / "stock-rasa.log").open("ab")
        args = [RASA, "run", "--model", str(self.stock.model), "--port", str(self.port), "-i", "127.0.0.1"]
        args += ["--credentials", "credentials.yml", "--endpoints", "endpoints.yml"]
        self.process = subprocess.Popen(
            args,
            cwd=self.stock.directory,
            env={**_stock_env(), **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(f"{self.url}/webhooks/rest/", timeout, self.process)
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, 15)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait()
