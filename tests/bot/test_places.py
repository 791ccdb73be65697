"""Nation from a place name, language from a language name."""

from __future__ import annotations

import pytest

from bot.places import languages, nations


@pytest.mark.parametrize(
    ("text", "nation"),
    [
        ("I'm in Cardiff and need help", "wales"),
        ("i live in glasgow", "scotland"),
        ("Belfast", "northern_ireland"),
        ("we moved to Milton Keynes last year", "england"),
        ("I am in Northern Ireland", "northern_ireland"),
        ("SWANSEA", "wales"),
    ],
)
def test_nation_from_places(text: str, nation: str) -> None:
    mention = nations().find(text)
    assert mention is not None and mention.value == nation
    assert text[mention.start : mention.end].casefold() == mention.text.casefold()


@pytest.mark.parametrize("text", ["will the police tell the home office", "my visa expired in 2023", "I need help"])
def test_no_place_no_nation(text: str) -> None:
    assert nations().find(text) is None


def test_language_names() -> None:
    assert languages().find("do you have someone who speaks Polish").value == "polish"
    assert languages().find("hablo español").value == "spanish"
