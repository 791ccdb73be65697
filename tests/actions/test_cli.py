"""The review CLI: list, search and export the directory (a draft file, and the live database)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from actions.directory.cli import COLUMNS, main
from contract.paths import PROJECT_ROOT as ROOT
from tests.actions.conftest import real_data, service


@pytest.fixture()
def draft(tmp_path: Path) -> Path:
    """A synthetic draft: one ordinary service, one with an unconfirmed number, one for staff only."""
    data = real_data()
    data["services"] = [
        service("test_line", 1, name="Test Line", needs=["forced_marriage"]),
        service(
            "pending_line",
            2,
            contacts=[{"type": "phone", "value": "07700 900222", "confirmed": False, "note": "awaiting a source"}],
        ),
        service(
            "council_guidance", 3, serves=["professionals"], needs=["nrpf"], kind="government_body", government="X"
        ),
    ]
    path = tmp_path / "draft.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_list_shows_every_service_and_who_sees_it(draft: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--file", str(draft), "list"]) == 0
    out = capsys.readouterr().out
    assert "Test Line" in out and "07700 900001" in out and "UK" in out
    assert "shown: never (no confirmed contact)" in out
    assert "shown: staff only" in out and "government unit (X)" in out
    assert out.rstrip().endswith("3 service(s)")


def test_search_matches_names_and_need_tags(draft: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--file", str(draft), "search", "forced marriage"])
    out = capsys.readouterr().out
    assert "test_line" in out and "pending_line" not in out and "1 service(s)" in out
    main(["--file", str(draft), "search", "guidance"])
    assert "council_guidance" in capsys.readouterr().out


def test_export_writes_every_field_with_unconfirmed_contacts_marked(draft: Path, tmp_path: Path) -> None:
    target = tmp_path / "directory.csv"
    assert main(["--file", str(draft), "export", "--csv", str(target)]) == 0
    with target.open(encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert list(rows["test_line"]) == list(COLUMNS)
    pending = rows["pending_line"]
    assert pending["phone"] == "" and pending["unconfirmed_contacts"] == "phone 07700 900222"
    assert pending["shown"] == "never (no confirmed contact)"
    assert rows["test_line"]["hours"] == "24/7" and rows["test_line"]["last_verified"] == "2026-06-30"
    assert rows["test_line"]["nations"] == "england; wales; scotland; northern_ireland"


def test_the_live_database_from_database_url(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+pysqlite:///{tmp_path}/live.sqlite3")
    assert main(["search", "Live Fear Free"]) == 0
    assert "live_fear_free" in capsys.readouterr().out
    assert (tmp_path / "live.sqlite3").exists()


def test_module_entry_point(tmp_path: Path) -> None:
    target = tmp_path / "all.csv"
    result = subprocess.run(
        [sys.executable, "-m", "actions.directory.cli", "export", "--csv", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite+pysqlite:///{tmp_path}/cli.sqlite3"},
    )
    assert result.returncode == 0, result.stderr
    assert "Wrote 38 services" in result.stdout
    assert len(target.read_text(encoding="utf-8").splitlines()) > 38
