"""The blind NLU set stays blind: no line of it, nor a near copy, may appear in data/nlu.

The assertions name training files and counts only, never a blind line.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tooling.near_copy import near_copies

ROOT = Path(__file__).resolve().parents[2]
BLIND = ROOT / "tests" / "nlu" / "blind"


def _examples(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lines: list[str] = []
    for block in data.get("nlu", []):
        for line in str(block.get("examples", "")).splitlines():
            if line.strip().startswith("- "):
                lines.append(line.strip()[2:])
    return lines


def _blind_lines() -> list[str]:
    return [line for path in sorted(BLIND.glob("*.yml")) for line in _examples(path)]


def test_blind_set_is_there() -> None:
    assert len(_blind_lines()) >= 300


def test_no_blind_line_or_near_copy_in_training_data() -> None:
    blind = _blind_lines()
    leaked_files = {}
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        leaks = near_copies(blind, _examples(path))
        if leaks:
            leaked_files[path.name] = len(leaks)
    assert not leaked_files, f"blind lines (or near copies) found in training files: {leaked_files}"


def test_checker_finds_exact_and_near_copies() -> None:
    tests = ["My partner says he will cancel my visa.", "completely different words here about housing"]
    training = [
        "my partner says he will cancel my visa",
        "i want to know about something unrelated",
        "completely different words here about housing!!",
    ]
    found = {leak.test_index for leak in near_copies(tests, training)}
    assert found == {0, 1}
    assert near_copies(["my partner says he will cancel my visa now please"], ["is there help in wales"]) == []


def test_checker_finds_a_light_rewording() -> None:
    original = "the council told me to go back to my country because i have no recourse to public funds"
    reworded = "the council told me to go back to my country as i have no recourse to public funds"
    assert near_copies([original], [reworded])
