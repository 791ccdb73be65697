"""One headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) for the browser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.support import ARGS, CHROMIUM


@pytest.fixture(scope="module")
def browser():
    """Per test module: Playwright's sync API holds an event loop open, which later asyncio tests must not meet."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make browser` (installs Debian's chromium package).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()
