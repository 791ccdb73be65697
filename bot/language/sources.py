"""The English sources every translation is keyed by: response texts (per channel variant) from
data/responses/, the referral question from data/questions.yml and the safety lines from
data/safety.yml. Keys: "<response>" with variant "default" or a channel name ("twilio"), followed
by "@<value>" for a variant chosen by a slot condition ("twilio@scotland": the SMS answer for Scotland);
"question.<name>" with variants "default" and "twilio"; "safety.<field>" with variant "default"."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from contract.channels import TWILIO
from contract.paths import DATA_DIR, SAFETY_FILE

RESPONSES_DIR = DATA_DIR / "responses"
QUESTIONS_FILE = DATA_DIR / "questions.yml"
DEFAULT = "default"
CONDITION_MARK = "@"
SAFETY_FIELDS = (
    "emergency",
    "footer",
    "suicide",
    "human",
    "unavailable",
    "empty",
    "too_long",
    "rate_limited",
    "delete_failed",
    "personal_data",
)


@dataclass(frozen=True)
class Source:
    key: str
    variant: str
    text: str
    buttons: tuple[str, ...] = ()

    @property
    def ident(self) -> tuple[str, str]:
        return (self.key, self.variant)

    @property
    def channel(self) -> str:
        """The channel part of the variant ("twilio@scotland" -> "twilio")."""
        return self.variant.split(CONDITION_MARK, 1)[0]


def variant_name(variant: dict) -> str:
    """ "default" or the channel, then "@" and the slot values its condition asks for, so each
    per-nation answer has a translation of its own."""
    channel = variant.get("channel") or DEFAULT
    values = [str(c.get("value")) for c in variant.get("condition") or [] if c.get("type") == "slot"]
    return CONDITION_MARK.join([channel, *values])


def _responses(directory: Path) -> list[Source]:
    out: list[Source] = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variants in (data.get("responses") or {}).items():
            for variant in variants:
                buttons = tuple(str(b["title"]) for b in variant.get("buttons") or [])
                out.append(Source(name, variant_name(variant), str(variant.get("text", "")).strip(), buttons))
    return out


def _questions(path: Path) -> list[Source]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: list[Source] = []
    for name, item in data.items():
        buttons = tuple(str(b["title"]) for b in item.get("buttons") or [])
        out.append(Source(f"question.{name}", DEFAULT, str(item["text"]).strip(), buttons))
        if item.get("sms"):
            out.append(Source(f"question.{name}", TWILIO, str(item["sms"]).strip()))
    return out


def _safety(path: Path) -> list[Source]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Source(f"safety.{name}", DEFAULT, str(data[name]).strip()) for name in SAFETY_FIELDS]


@lru_cache(maxsize=4096)
def source_hash(text: str) -> str:
    """A short fingerprint of an English text: a translation records the one it was made from.
    Cached: every translated reply line asks it of the same few hundred English texts."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:12]


@lru_cache(maxsize=1)
def sources() -> dict[tuple[str, str], Source]:
    """Every English source by (key, variant)."""
    found = [*_safety(SAFETY_FILE), *_responses(RESPONSES_DIR), *_questions(QUESTIONS_FILE)]
    return {source.ident: source for source in found}
