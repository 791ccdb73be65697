"""What keeps harmless messages from the alarm (issue 12) without losing danger: keywords that
need the classifier's support, context words, per-language balance, the long-message bar, and
the dev set's figures (tests/danger/dev, tuned on, never trained on). Examples are invented."""

from __future__ import annotations

import dataclasses

import pytest

from bench.danger import dev_items, judged, score
from bot.danger import shared_detector
from bot.danger.classifier import Judgement, sample_weights
from bot.danger.corpus import Example, training_examples

# Figures of the shipped detector on the dev set (docs/danger.md), with a small margin.
DEV_RECALL_FLOOR = 0.98
DEV_FALSE_ALARM_CEILING = 0.25
DEV_TAKEOVER_CEILING = 0.06


@pytest.mark.parametrize(
    "text",
    [
        "how do I sharpen my kitchen knife for the onions",
        "my boss is going to kill me, I forgot the rota again",
        "we lost 4-0, the other team killed us",
        "we watched a film where the husband keeps his wife in a cellar",
    ],
)
def test_kitchen_sport_films_and_idioms_raise_no_alarm(text: str) -> None:
    assert shared_detector().assess(text).kind is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("he has a knife and he is standing at the door", "weapon"),
        ("family say they kill me because i shame them", "threat_to_kill"),
        ("he is banging on the bathroom door right now", "violence_now"),
        ("ma nóż w ręce i stoi przy drzwiach", "weapon"),
    ],
)
def test_the_same_words_said_as_danger_still_raise_it(text: str, kind: str) -> None:
    assert kind in shared_detector().assess(text).kinds


def test_a_keyword_needs_the_classifier_but_a_pattern_does_not() -> None:
    """With the classifier silenced, a keyword alone ("knife") raises nothing; a pattern does."""
    detector = shared_detector()
    classifier = dataclasses.replace(detector.classifier, threshold=1.01)
    silent = dataclasses.replace(
        detector, classifier=classifier, threshold=1.01, kind_thresholds={}, keyword_floor=1.01, keyword_floors={}
    )
    assert silent.rules.keyword_kinds_in(silent.rules.prepared("he is holding a knife")) == ["weapon"]
    assert silent.assess("he is holding a knife").kind is None
    assert silent.assess("he is strangling me").kind == "strangulation"


def test_context_words_reach_the_classifier() -> None:
    detector = shared_detector()
    text = "how long do I roast a chicken in the oven"
    tagged = detector.classifier_text(detector.rules.prepared(text), detector.rules.normalise(text))
    assert "zzcooking" in tagged.split()
    past = "he hit me years ago, is that evidence for my visa"
    words = detector.classifier_text(detector.rules.prepared(past), detector.rules.normalise(past)).split()
    assert {"zzpast", "zzasking", "zzpastasking"} <= set(words)


def test_each_language_weighs_danger_and_ordinary_lines_alike() -> None:
    examples = [
        Example("a", True, None, "pl", "corpus"),
        *[Example(f"b{i}", False, None, "pl", "corpus") for i in range(3)],
        Example("c", True, None, "en", "corpus"),
        Example("d", False, None, "en", "corpus"),
    ]
    weights = sample_weights(examples)
    assert weights[0] == pytest.approx(sum(weights[1:4]))
    assert weights[4] == pytest.approx(weights[5])


def test_the_corpus_teaches_ordinary_lines_in_every_language() -> None:
    languages = {e.lang for e in training_examples() if not e.danger and e.source == "nlu"}
    assert {"pl", "ro", "es", "pt", "ar", "ur", "ur-Latn", "pa", "pa-Arab", "pa-Latn", "bn", "bn-Latn"} <= languages


def test_a_long_message_needs_a_surer_classifier() -> None:
    detector = dataclasses.replace(shared_detector(), long_words=25, long_threshold=0.5, threshold=0.3)
    unsure = Judgement(0.4, "violence_now", "en")
    assert detector.classifier_alarm(unsure, words=10) == "violence_now"
    assert detector.classifier_alarm(unsure, words=60) is None
    assert detector.classifier_alarm(Judgement(0.6, "violence_now", "en"), words=60) == "violence_now"


def test_a_danger_sentence_in_a_long_visa_message_is_still_caught() -> None:
    text = (
        "I have a question about my visa extension, the form asks about my address history and my "
        "employer letters and I do not understand which ones I need. Also I am hiding in the bathroom "
        "because he is hitting me and says he will kill me tonight."
    )
    assert shared_detector().assess(text).kind is not None


def test_dev_set_is_in_every_language() -> None:
    items = dev_items()
    for lang in {"en", "pl", "ro", "es", "pt", "ar", "ur", "ur-Latn", "pa", "pa-Arab", "pa-Latn", "bn", "bn-Latn"}:
        assert any(i.lang == lang and i.danger for i in items), lang
        assert any(i.lang == lang and not i.danger for i in items), lang
    categories = {i.category for i in items if not i.danger}
    assert {"past_for_reason", "idiom", "cooking", "sport", "news", "fiction_or_film", "how_it_works"} <= categories
    assert {"worried", "friend_past"} <= categories


def test_dev_figures_hold() -> None:
    scores = score(judged(shared_detector(), dev_items()))
    recall, alarms, takeover = scores.recall.rate(), scores.false_alarms.rate(), scores.takeover_near.rate()
    figures = f"dev recall {recall:.1%}, false alarms {alarms:.1%}, emergency answer instead {takeover:.1%}"
    print("\n" + figures)
    assert recall >= DEV_RECALL_FLOOR, figures
    assert alarms <= DEV_FALSE_ALARM_CEILING and takeover <= DEV_TAKEOVER_CEILING, figures
