"""Redaction cost: linear in the length of the text whatever its shape, and fast for ordinary messages.

Issue 17 finding 3: one e-mail rule was quadratic (2,200 characters of "a.a.a." took 190-300 ms).
Every shape of bench/redaction.py is timed at 1k and 4k characters: four times the text may take
at most six times as long (a quadratic rule takes about sixteen times). A busy machine only makes
a run slower, so a shape over the bound is measured again before the test fails.
"""

from __future__ import annotations

import time

import pytest

from bench.redaction import ADVERSARIAL, SIZES, shape_ratio, shaped
from bot.redaction import redact, warm_up
from tooling.stats import percentile

warm_up()
BOUND = 6.0


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_cost_grows_linearly_with_length(name: str) -> None:
    ratios = []
    for repeats in (7, 15, 31):
        ratios.append(shape_ratio(ADVERSARIAL[name], repeats)["ratio_4k_1k"])
        if ratios[-1] < BOUND:
            return
    pytest.fail(f"{name}: time(4k)/time(1k) = {ratios} (linear = 4, bound {BOUND})")


def test_the_reported_email_shape_is_fast() -> None:
    """The red team's 2,200 characters of "a.a.a.… dot" took 190-300 ms; now a few milliseconds."""
    text = shaped("a.", 2200) + " dot"
    best = min(_ms(text) for _ in range(5))
    assert best < 50, best


def _ms(text: str) -> float:
    """CPU time of one call (a busy machine delays a call without making it cost more)."""
    start = time.thread_time()
    redact(text)
    return (time.thread_time() - start) * 1000


def test_ordinary_message_p95_is_well_under_a_millisecond() -> None:
    """A 200-character message without personal data (most messages) and one with some."""
    plain = shaped("I am scared of my husband, he took my passport and says the home office will deport me. ", 200)
    personal = shaped("my name is Zorbina, call 07700 900123 or zorbina@example.com, I live at 12 Acacia Road. ", 200)
    for text, bound in ((plain, 1.0), (personal, 2.0)):
        timings = sorted(_ms(text) for _ in range(300))
        assert percentile(timings, 95) < bound, (text, percentile(timings, 95))


def test_sizes_are_the_ones_the_issue_names() -> None:
    assert SIZES == (1000, 2000, 4000)
