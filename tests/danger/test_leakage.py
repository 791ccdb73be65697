"""No blind line, nor a near copy of one, may reach what the detector learns or is tuned on.

Near copy (tooling/near_copy.py): the same text once folded, or character-trigram Jaccard above 0.8.
Checked against the danger corpus, the NLU data the classifier also learns from (every language),
the dev set it is tuned on (tests/danger/dev), the patterns' own test sets and data/danger.yml
itself. Only counts and positions are reported, never text.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bench.danger import BLIND, OLD_BLIND, blind_items, old_blind_items
from bot.danger.corpus import load_corpus, load_nlu_examples
from bot.danger.normalise import fold
from bot.danger.rules import DANGER_FILE
from tooling.near_copy import near_copies as find_near_copies

HERE = Path(__file__).parent
DEV = HERE / "dev"  # the dev set the detector is tuned on (never trained on)


def tuned_texts() -> list[str]:
    texts = [e.text for e in load_corpus()] + [e.text for e in load_nlu_examples()]
    texts += [e.text for e in load_corpus(DEV)]
    data = yaml.safe_load((HERE / "danger_messages.yml").read_text(encoding="utf-8"))
    texts += [i["text"] if isinstance(i, dict) else i for group in data.values() for i in group or []]
    return texts


def near_copies(blind: list[str], texts: list[str]) -> list[int]:
    """Indexes of blind lines with a near copy in `texts`, folded as the detector folds text."""
    return [leak.test_index for leak in find_near_copies(blind, texts, norm=fold)]


def test_the_near_copy_check_works() -> None:
    assert near_copies(["he is hitting me now, please help!"], ["He is hitting me now please help"]) == [0]
    assert near_copies(["my husband locked me in the bedroom tonight"], ["where can i buy a knife"]) == []


def test_no_blind_line_in_the_training_or_tuning_data() -> None:
    blind = [i.text for i in blind_items(BLIND)] + [i.text for i in old_blind_items(OLD_BLIND)]
    leaks = near_copies(blind, tuned_texts())
    assert not leaks, f"{len(leaks)} blind lines have a near copy in the corpus or tuning data (positions {leaks[:20]})"


def test_no_blind_line_in_the_patterns_file() -> None:
    patterns = fold(DANGER_FILE.read_text(encoding="utf-8"))
    blind = [fold(i.text) for i in blind_items(BLIND)] + [fold(i.text) for i in old_blind_items(OLD_BLIND)]
    inside = [n for n, line in enumerate(blind) if len(line) >= 20 and line in patterns]
    assert not inside, f"blind lines copied into data/danger.yml (positions {inside})"
