"""The two processes share only the leaf package `contract/`: a test keeps the layers apart."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from contract import channels
from contract.channels import Style, UnknownChannel, reply_style

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "bot": {"actions"},
    "actions": {"bot"},
    "contract": {"bot", "actions", "rasa", "rasa_sdk", "sanic", "tests", "bench", "stack"},
    "bench": {"tests"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_the_other_side(package: str) -> None:
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in wrong.items() if v} == {}


def test_every_channel_has_a_style_and_an_unknown_one_is_refused() -> None:
    assert reply_style(channels.TWILIO) is Style.SMS
    assert reply_style(channels.STAFF) is Style.STAFF
    assert reply_style(channels.REST) is Style.WEB and reply_style(None) is Style.WEB
    with pytest.raises(UnknownChannel):
        reply_style("carrier_pigeon")
