"""Unit tests for the danger detector (bot/danger/rules.py, patterns in data/danger.yml).

The recall set (test_danger_recall.py) gates whole messages; these tests pin down each step:
normalisation, corrections, each kind of danger, the idioms removed, ordinary questions left
alone, and that the speed-ups (letter trees, space-anchored expressions) change nothing.
The blind set (danger_blind.yml) is only checked for shape and its figures are printed
(`pytest -s`): it was written before the patterns were tuned and must never be tuned on.
"""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest
import yaml

from bot.danger import (
    DANGER_FILE,
    DangerDetector,
    default_detector,
    detect_danger,
    edit_distance_at_most_one,
    expand_words,
    optimise_alternations,
    shared_detector,
    split_alternatives,
    trie_regex,
)
from bot.danger import rules as danger
from contract.danger import KINDS as contract_kinds

HERE = Path(__file__).parent
KINDS = set(contract_kinds)
WORD_LISTS = [Path("/usr/share/dict/british-english"), Path("/usr/share/dict/words")]


def _texts(name: str, key: str) -> list[str]:
    data = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    return [item["text"] if isinstance(item, dict) else item for item in data[key]]


# --- normalisation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HE IS HITTING ME", "he is hitting me"),
        ("He's here, I can't   get out!!!", "hes here i cant get out"),
        ("He\u2019s here", "hes here"),
        ("Il m\u2019a frapp\u00e9 \u00e0 la t\u00eate", "il ma frappe a la tete"),
        ("helllllp meeee", "hellp mee"),
        ("sister's room", "sisters room"),
        ("  ", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert default_detector().normalise(text) == expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        # the explicit misspelling and SMS lists (any length)
        ("knif", "knife"),
        ("nife", "knife"),
        ("knfe", "knife"),
        ("gunn", "gun"),
        ("ded", "dead"),
        ("murda", "murder"),
        ("2nite", "tonight"),
        ("tonite", "tonight"),
        ("2moro", "tomorrow"),
        ("dnt", "dont"),
        ("b", "be"),
        ("lockd", "locked"),
        # one edit from a fuzzy word (5+ letters)
        ("strangeld", "strangled"),
        ("atacking", "attacking"),
        ("lokced", "locked"),
        ("breeth", "breath"),
        ("childen", "children"),
        # left alone: short words, real words next to a fuzzy word, the fuzzy words themselves
        ("kils", "kills"),
        ("dye", "dye"),
        ("mother", "mother"),
        ("filled", "filled"),
        ("cooking", "cooking"),
        ("cooked", "cooked"),
        ("threat", "threat"),
        ("blocked", "blocked"),
        ("tables", "tables"),
        ("picking", "picking"),
        ("carried", "carried"),
        ("anger", "anger"),
        ("strangled", "strangled"),
        ("visa", "visa"),
    ],
)
def test_correct(token: str, expected: str) -> None:
    assert default_detector().correct(token) == expected


def test_fuzzy_correction_is_one_edit_and_in_file_order() -> None:
    detector = DangerDetector.from_data(
        {"kinds": {"k": ["x"]}, "fuzzy_words": ["hitting", "sitting"], "protected_words": ["fitting"]}
    )
    assert detector.correct("hiting") == "hitting"
    assert detector.correct("hittnig") == "hitting"  # a swap
    assert detector.correct("sittingg") == "sitting"
    assert detector.correct("aitting") == "hitting"  # one edit from both: the first listed wins
    assert detector.correct("fitting") == "fitting"  # protected
    assert detector.correct("hxtxing") == "hxtxing"  # two edits
    assert detector.correct("sitting") == "sitting"  # a fuzzy word is never turned into another


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("knife", "knfe", True), ("knife", "kinfe", True), ("knife", "knive", True), ("knife", "nfie", False)],
)
def test_edit_distance_at_most_one(a: str, b: str, expected: bool) -> None:
    assert edit_distance_at_most_one(a, b) is expected


def test_no_english_word_is_corrected_into_another() -> None:
    """Every ordinary word one edit from a fuzzy word must be in protected_words."""
    path = next((p for p in WORD_LISTS if p.exists()), None)
    if path is None:
        pytest.skip("no English word list (Debian package wbritish)")
    detector = default_detector()
    wrong = []
    for line in path.read_text(encoding="utf-8", errors="ignore").splitlines():
        word = line.strip()
        ordinary = word.isascii() and word.isalpha() and word.islower() and word not in detector.misspellings
        if ordinary and detector.correct(word) != word:
            wrong.append(f"{word} -> {detector.correct(word)}")
    assert not wrong, f"add to protected_words in data/danger.yml: {wrong[:40]}"


# --- each kind -------------------------------------------------------------------------------

EXAMPLES = {
    "violence_now": [
        "he is slapping me",
        "she won't stop kicking me",
        "he just punched me in the face",
        "my husband has just beaten me up",
        "he came home drunk and punched me",
        "he keeps hitting me",
        "my brother is dragging me by the hair",
        "he is throwing chairs at me",
        "he's banging on the door and screaming",
        "he says he'll beat me when he gets home",
        "he's drunk and violent",
        "im bleeding from my head",
        "hes smakin me",
    ],
    "threat_to_kill": [
        "he says he will get rid of me",
        "they said they'll bury me",
        "he would rather see me dead",
        "he said I won't live to see Christmas",
        "he threatened to set me on fire",
        "he said next time you're dead",
        "his brothers want to finish me",
        "he's gonna kil me 2nite",
        "he sed ill be ded by the mornin",
        "my x says hes gona murda me",
        "my husband will kill me if I leave",
        "my dad will kill me if I refuse to marry",
        "my mum will kill me if I tell the police",
        "he said he will cut my throat",
    ],
    "weapon": [
        "he has a knife",
        "hes got a knfe",
        "he is pointng a gunn at me",
        "he grabbed a hammer",
        "he was swinging a bat at me",
        "he poured petrol on the floor and has a lighter",
        "he keeps an axe under the bed",
        "he said he would throw acid at me",
    ],
    "strangulation": [
        "he had his hands around my neck",
        "he pressed on my throat",
        "he chokd me yesterday",
        "he tried to suffocate me with a pillow",
        "i couldnt breath when he sat on me",
        "he put a belt round my neck",
        "he held my mouth and nose",
    ],
    "locked_in": [
        "he locked me in the bathroom",
        "I am shut in the bedroom",
        "they keep me in the attic",
        "I'm not allowed out of the flat",
        "she has the keys and I can't get out",
        "he locks us inside when he goes out",
        "we are trapped in the house",
        "he won't let me leave the house",
        "they lock me room 3 days",
    ],
    "children_at_risk": [
        "he is hitting my son",
        "he slapped the baby",
        "he shook our baby",
        "my husband is hurting the kids",
        "he pushed my daughter down the stairs",
        "he's drunk and driving with the kids in the car",
        "they are going to cut my daughter",
        "he said he will take the kids and go back to Iraq",
        "the kids are not safe with him tonight",
        "my husband slapped my 5 year old",
    ],
    "forced_marriage_travel": [
        "my parents booked a flight for me next week to get married",
        "they are sending me to Pakistan to marry my cousin",
        "my flight is tomorrow and they will marry me there",
        "my family are taking me abroad to marry someone",
        "tickets are booked for my wedding in Bangladesh",
        "im being sent back home to marry next month",
    ],
    "suicide": [
        "i want to kill myself",
        "i am going to end it tonight",
        "i wrote a goodbye letter to my children",
        "I'm on the bridge and I want to jump",
        "im going to take all my pills",
        "i swallowed all the tablets",
        "better that I die",
        "i want to finish my life",
        "i don't want to live anymore",
        "i wanna die",
        "dnt wanna b alive",
        "i want to dye tonite",
    ],
}


@pytest.mark.parametrize(("kind", "text"), [(kind, text) for kind, texts in EXAMPLES.items() for text in texts])
def test_each_kind(kind: str, text: str) -> None:
    assert kind in default_detector().detect_all(text), default_detector().prepared(text)


def test_danger_in_the_middle_of_a_long_message() -> None:
    text = (
        "Hello, I came on a spouse visa three years ago and I have a question about my status. "
        "Tonight he put his hands round my neck again. Can I apply to stay if I leave him?"
    )
    assert detect_danger(text) == "strangulation"


# --- exclusions and ordinary messages --------------------------------------------------------

NOT_DANGER = [
    # the questions the bot exists for
    "will the police tell the home office",
    "will the police tell the home office if i report him",
    "my visa expired",
    "is this abuse",
    "what is forced marriage",
    "i want to leave my husband",
    "i'm thinking of leaving my marriage",
    "i got married abroad, is my marriage valid here",
    "can i fly home to see my mum after my divorce",
    "will it hurt my application if i leave",
    "would it harm my children's visa",
    "i don't want to live with him anymore",
    "i want to take my kids and leave him",
    "can the police lock him up",
    "my landlord has the key to my flat",
    "we are going to pakistan next month for my cousin's wedding",
    # idioms
    "i need to kill some time before my appointment",
    "i could murder a curry",
    "the suspense is killing me",
    "my boss will kill me if i'm late again lol",
    "my mum will kill me if she sees my phone bill",
    "i killed it at my interview",
    "I'm dying to see my mum again",
    "my phone is about to die",
    "my phone battery is dead",
    "i locked myself out of my flat",
    "where can i buy a good kitchen knife",
    "we're shooting a short film for college",
    # words next to danger words
    "i filled in the form",
    "my mother is visiting",
    "my husband cooked dinner",
    "he blocked my number",
    "i'm picking up the kids from school",
    "i have a sore throat",
    "i need a blood test for my visa",
    "i want to dye my hair",
    "i'm a bit better now",
    "i feel trapped",
    # past, not now
    "my ex hit me once years ago, i'm safe now",
    "i was beaten as a child, it affects me still",
]


@pytest.mark.parametrize("text", NOT_DANGER)
def test_not_danger(text: str) -> None:
    """The reviewed rules never fire, and the person's own question is answered (no emergency
    answer in its place). The classifier may still add the 999 lines on top: a known weakness
    of issue 12 (docs/danger.md)."""
    assert default_detector().detect(text) is None, default_detector().prepared(text)
    assert shared_detector().detect_takeover(text) is None


def test_exclusions_keep_real_threats() -> None:
    """An idiom is removed only in its own words: a threat next to it is still caught."""
    assert detect_danger("i need to kill some time, he said he will kill me tonight") == "threat_to_kill"
    assert detect_danger("my husband will kill me if i leave lol") == "threat_to_kill"
    assert detect_danger("he hit me once years ago and now he is hitting me again") == "violence_now"


# --- the machinery ---------------------------------------------------------------------------


def test_expand_words() -> None:
    words = {"kid": ["kid", "kids", "children"]}
    assert expand_words(r"\bhit {kid}\b", words) == r"\bhit (?:children|kids|kid)\b"
    with pytest.raises(KeyError):
        expand_words(r"{nobody}", words)


def test_split_alternatives() -> None:
    assert split_alternatives(r"a|(b|c)|[|]|\||d") == ["a", "(b|c)", "[|]", r"\|", "d"]


def test_trie_regex_matches_exactly_the_words() -> None:
    rng = random.Random(7)
    for _ in range(300):
        words = ["".join(rng.choice("abc ") for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(2, 6))]
        expression = re.compile(trie_regex(words))
        others = {"".join(rng.choice("abc ") for _ in range(rng.randint(0, 6))) for _ in range(40)}
        for candidate in others | set(words):
            assert bool(expression.fullmatch(candidate)) == (candidate in words), (words, candidate)


def test_optimise_alternations_only_touches_plain_word_groups() -> None:
    assert optimise_alternations(r"\b(hit|hits|hitting) (me|us)\b") == r"\b(?:hit(?:s|ting)?) (?:(?:me|us))\b"
    assert optimise_alternations(r"(\w+ ){0,3}(?! (a|b)\b)") == r"(\w+ ){0,3}(?! (?:(?:a|b))\b)"


def test_speed_ups_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Letter trees and space-anchored expressions give the same answers as a plain compile."""
    fast = DangerDetector.from_file()
    monkeypatch.setattr(danger, "compile_patterns", lambda ps: (re.compile("|".join(f"(?:{p})" for p in ps)),))
    plain = DangerDetector.from_file()
    texts = _texts("danger_messages.yml", "danger") + _texts("danger_messages.yml", "not_danger") + NOT_DANGER
    texts += [text for examples in EXAMPLES.values() for text in examples]
    assert [fast.detect_all(t) for t in texts] == [plain.detect_all(t) for t in texts]


def test_every_pattern_compiles_and_kinds_are_known() -> None:
    data = yaml.safe_load(DANGER_FILE.read_text(encoding="utf-8"))
    assert set(data["kinds"]) == KINDS
    for patterns in [*data["kinds"].values(), data["exclusions"]]:
        for pattern in patterns:
            re.compile(expand_words(pattern, data["words"]))


def test_false_alarms_within_target() -> None:
    """The goal for the near misses of the recall set: at most 8% (test_danger_recall allows 10%)."""
    texts = _texts("danger_messages.yml", "not_danger")
    alarms = [text for text in texts if default_detector().detect(text) or shared_detector().detect_takeover(text)]
    assert len(alarms) / len(texts) <= 0.08, alarms


def test_fast_enough() -> None:
    """About 0.1-0.2 ms a message; the bound is loose so that a busy machine does not fail it."""
    texts = _texts("danger_messages.yml", "danger") + _texts("danger_messages.yml", "not_danger")
    detector = default_detector()
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for text in texts:
            detector.detect(text)
        best = min(best, (time.perf_counter() - start) / len(texts))
    assert best < 0.002, f"{best * 1000:.3f} ms a message"


# --- the blind set: reported, never gated ----------------------------------------------------


def test_blind_set_shape_and_report() -> None:
    data = yaml.safe_load((HERE / "danger_blind.yml").read_text(encoding="utf-8"))
    assert len(data["danger"]) == 60 and len(data["not_danger"]) == 40
    assert {item["kind"] for item in data["danger"]} <= KINDS
    missed = [item["text"] for item in data["danger"] if not detect_danger(item["text"])]
    alarms = [item["text"] for item in data["not_danger"] if detect_danger(item["text"])]
    print(
        f"\nblind set: recall {1 - len(missed) / 60:.1%} ({len(missed)} missed), "
        f"false alarms {len(alarms) / 40:.1%} ({len(alarms)} of 40)"
    )
