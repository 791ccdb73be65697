"""Danger detection: rules (rules.py) and a classifier (classifier.py) behind one detector
(detector.py), the reply flag (flag.py). Import the public functions from here."""

from bot.danger.detector import Detector, Verdict, detect_all, detect_danger, shared_detector
from bot.danger.rules import (
    DANGER_FILE,
    DangerDetector,
    default_detector,
    edit_distance_at_most_one,
    expand_words,
    optimise_alternations,
    split_alternatives,
    trie_regex,
)

__all__ = [
    "DANGER_FILE",
    "DangerDetector",
    "Detector",
    "Verdict",
    "default_detector",
    "detect_all",
    "detect_danger",
    "edit_distance_at_most_one",
    "expand_words",
    "optimise_alternations",
    "shared_detector",
    "split_alternatives",
    "trie_regex",
]
