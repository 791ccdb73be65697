"""The blind NLU sets stay blind: no line of the English blind set (tests/nlu/blind) or of a
language's blind set (tests/nlu/languages), nor a near copy, may appear in anything the NLU or the
language detector learns from: every file under data/nlu and the detector's own examples.

The assertions name training files and counts only, never a blind line.
"""

from __future__ import annotations

from pathlib import Path

from tooling.near_copy import near_copies, nlu_examples, yaml_strings

ROOT = Path(__file__).resolve().parents[2]
BLIND_DIRS = [ROOT / "tests" / "nlu" / "blind", ROOT / "tests" / "nlu" / "languages"]
DETECTOR_EXAMPLES = ROOT / "data" / "translations" / "detection.yml"


def _blind_lines() -> list[str]:
    return [line for folder in BLIND_DIRS for path in sorted(folder.glob("*.yml")) for line in nlu_examples(path)]


def _training() -> dict[str, list[str]]:
    files = {str(p.relative_to(ROOT)): nlu_examples(p) for p in sorted((ROOT / "data" / "nlu").rglob("*.yml"))}
    files[str(DETECTOR_EXAMPLES.relative_to(ROOT))] = yaml_strings(DETECTOR_EXAMPLES)
    return files


def test_blind_sets_are_there() -> None:
    assert len(nlu_examples(BLIND_DIRS[0] / "stories.yml")) >= 300
    assert len(list(BLIND_DIRS[1].glob("*.yml"))) == 8


def test_every_training_file_is_checked() -> None:
    files = _training()
    assert any("/languages/" in name for name in files) and any(name.endswith("conversation.yml") for name in files)
    assert sum(len(lines) for lines in files.values()) > 3000


def test_no_blind_line_or_near_copy_in_training_data() -> None:
    blind = _blind_lines()
    leaked = {name: len(leaks) for name, lines in _training().items() if (leaks := near_copies(blind, lines))}
    assert not leaked, f"blind lines (or near copies) found in training files: {leaked}"


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


def test_checker_folds_case_diacritics_and_entity_markup() -> None:
    assert near_copies(["Czy POLICJA powie Home Office?!"], ["czy policja powie home office"])
    assert near_copies(["está la policía aquí hoy"], ["esta la policia aqui hoy"])
    assert near_copies(["i live in cardiff now"], ["i live in [cardiff](nation) now"])


def test_checker_finds_a_light_rewording() -> None:
    original = "the council told me to go back to my country because i have no recourse to public funds"
    reworded = "the council told me to go back to my country as i have no recourse to public funds"
    assert near_copies([original], [reworded])


def test_one_and_two_word_formulas_are_not_compared() -> None:
    assert near_copies(["hola", "do widzenia"], ["hola", "do widzenia"]) == []
