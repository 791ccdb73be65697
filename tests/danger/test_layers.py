"""The two layers of the detector and what joins them (bot/danger): normalisation across
scripts, the rules in every language, the classifier, past danger asked about for another
reason, and the detector's own speed. Examples are invented for these tests."""

from __future__ import annotations

import dataclasses
import time

import pytest

from bench.danger import latency_ms
from bot.danger import detect_all, detect_danger, shared_detector
from bot.danger.classifier import ClassifierSettings, train
from bot.danger.corpus import language_tag, load_corpus
from bot.danger.normalise import fold
from contract.danger import CHILDREN_AT_RISK, KINDS, canonical_kind


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("يقتلني", "یقتلنی"),  # Arabic yeh / Farsi-Urdu yeh
        ("سكين", "سکین"),  # Arabic kaf / keheh
        ("مجھے", "مجهی"),  # do-chashmi heh, yeh barree
        ("zabiję cię", "zabije cie"),  # Polish diacritics
        ("cuțit", "cutit"),  # Romanian comma below
        ("kni\u200bfe", "knife"),  # zero-width space pasted in a word
        ("قتــلني", "قتلنی"),  # tatweel
        ("٩٩٩ ۹۹۹ ৯৯৯", "999 999 999"),  # Arabic-Indic, Eastern, Bengali digits
    ],
)
def test_spellings_fold_to_one_form(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_indic_vowel_signs_are_kept_and_dandas_are_spaces() -> None:
    assert fold("মেরে ফেলবে।") == "মেরে ফেলবে"
    assert fold("ਮਾਰ ਦੇਵੇਗਾ") == "ਮਾਰ ਦੇਵੇਗਾ"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("on mnie teraz bije, pomocy", "violence_now"),
        ("powiedział że mnie zabije", "threat_to_kill"),
        ("mă bate acum", "violence_now"),
        ("m-a încuiat în cameră", "locked_in"),
        ("me está pegando ahora", "violence_now"),
        ("quiero matarme", "suicide"),
        ("quero me matar", "suicide"),
        ("ele vai me matar hoje", "threat_to_kill"),
        ("يضربني الآن", "violence_now"),
        ("معه سكين", "weapon"),
        ("وہ مجھے مار رہا ہے", "violence_now"),
        ("میں خودکشی کرنا چاہتی ہوں", "suicide"),
        ("woh mujhe jaan se maar dega", "threat_to_kill"),
        ("ਉਹ ਮੈਨੂੰ ਜਾਨ ਤੋਂ ਮਾਰ ਦੇਵੇਗਾ", "threat_to_kill"),
        ("ও আমাকে মেরে ফেলবে", "threat_to_kill"),
        ("ami atmohotta korbo", "suicide"),
        ("my sister's husband is beating her right now", "someone_else"),
    ],
)
def test_rules_in_every_language(text: str, kind: str) -> None:
    assert shared_detector().rules.detect_all(text)[:1] == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "he was hitting me every week back in 2019, can I use that as evidence for my visa?",
        "my ex used to hit me when we were married, can I still apply for the concession",
    ],
)
def test_past_danger_asked_for_another_reason_is_lowered(text: str) -> None:
    verdict = shared_detector().assess(text)
    assert verdict.kind is None


def test_lowering_is_what_silences_past_danger() -> None:
    """The rules see violence; the past marker and the question lower it to a footer."""
    text = "he was hitting me every week back in 2019, can I use that as evidence for my visa?"
    assert shared_detector().rules.detect_all(text)
    assert shared_detector().assess(text).lowered


@pytest.mark.parametrize(
    "text",
    [
        # issue 12's own example: answered as its question, with the short safety footer
        "he strangled me years ago, does that count as evidence for the concession?",
        "he threatened to kill me last year, can I use that for my visa?",
    ],
)
def test_long_past_danger_asked_for_a_reason_is_lowered_whatever_its_kind(text: str) -> None:
    verdict = shared_detector().assess(text)
    assert verdict.kind is None and verdict.lowered


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # strangulation and threats to kill need "years ago" as well as the question
        ("he used to choke me, is that evidence for my visa", "strangulation"),
        ("he strangled me last week, is it evidence for my visa", "strangulation"),
        ("he hit me years ago and now he is hitting me again, is it evidence for my visa", "violence_now"),
    ],
)
def test_recent_strangulation_threats_and_danger_now_are_not_lowered(text: str, kind: str) -> None:
    assert kind in detect_all(text)


def test_the_kind_that_decides_comes_first() -> None:
    assert detect_all("he is strangling me and the kids are screaming")[0] == detect_danger(
        "he is strangling me and the kids are screaming"
    )


def test_corpus_kinds_map_to_the_contract() -> None:
    assert canonical_kind("child_at_risk") == CHILDREN_AT_RISK
    assert {e.kind for e in load_corpus() if e.danger} <= set(KINDS)
    with pytest.raises(ValueError):
        canonical_kind("danger_of_some_kind")


def test_language_tags() -> None:
    assert (language_tag("ur", "Latn"), language_tag("ur", "Arab"), language_tag("pa", "Arab")) == (
        "ur-Latn",
        "ur",
        "pa-Arab",
    )
    assert (language_tag("pa", "Guru"), language_tag("bn", "Beng"), language_tag("pl", None)) == ("pa", "bn", "pl")


def test_classifier_fast_path_matches_sklearn() -> None:
    classifier = shared_detector().classifier
    texts = [shared_detector().rules.prepared(e.text).strip() for e in load_corpus()[::40]]
    for text in texts:
        assert abs(classifier.probability(text) - classifier.sklearn_probability(text)) < 1e-6
        judgement = classifier.judge(text)
        if judgement.kind is not None and classifier.kinds is not None:
            assert judgement.kind == classifier.kinds.predict(classifier.features.transform([text]))[0]


def test_training_is_deterministic() -> None:
    examples = load_corpus()[::4]
    texts = [fold(e.text) for e in examples]
    first, second = (train(texts, examples, ClassifierSettings()) for _ in range(2))
    assert [first.probability(t) for t in texts[:50]] == [second.probability(t) for t in texts[:50]]


def test_classifier_answers_in_the_language_written() -> None:
    detector = shared_detector()
    assert detector.assess("ratunku, on mnie bije i zamknął drzwi").language == "pl"
    assert detector.assess("ayuda, me está pegando otra vez").language == "es"


def test_detector_p95_latency_under_5_ms() -> None:
    """The detector's own CPU time per message (both layers), best of three passes over the corpus
    (CPU, not wall time: five developers share two cores here)."""
    detector = shared_detector()
    texts = [e.text for e in load_corpus()[::3]]
    best = min(latency_ms(detector, texts)[1] for _ in range(3))
    assert best < 5.0, f"p95 {best:.2f} ms"


def test_detect_danger_is_cheap_after_the_first_call() -> None:
    detect_danger("warm up")
    start = time.perf_counter()
    detect_danger("he is outside with a knife")
    assert time.perf_counter() - start < 0.05


def test_only_rules_or_a_sure_classifier_take_over_the_answer() -> None:
    """Below `takeover`, a classifier-only alarm keeps the answer to the question (the gateway
    adds the 999 lines and the card); the rules always take over."""
    shared = shared_detector()
    classifier = dataclasses.replace(shared.classifier, threshold=0.0)
    detector = dataclasses.replace(shared, classifier=classifier, takeover=1.01, threshold=0.0, kind_thresholds={})
    assert detector.detect_takeover("he is strangling me") == "strangulation"
    text = "he blocked my number"  # the rules see nothing here; a classifier alarm at any probability
    assert not detector.rules.detect_all(text) and detector.detect(text)
    assert detector.detect_takeover(text) is None
