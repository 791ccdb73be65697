"""Load the language models once before these tests (a server loads them in the background)."""

from __future__ import annotations

import pytest

from bot.language.detect import warm_up


@pytest.fixture(scope="session", autouse=True)
def language_models() -> None:
    warm_up()
