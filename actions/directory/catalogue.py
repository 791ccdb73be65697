"""Read data/services.yml: the vocabulary, the conversation-to-need map and the raw service entries.

Kept separate from the database code so the validator can check a file that would not load, and so
the ranking rules (related needs, audiences, kind labels) come from the data file, not the code.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from contract.nations import NATIONS, UK
from contract.paths import SERVICES_FILE

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when available: 10x faster


@dataclass(frozen=True)
class NeedInfo:
    label: str
    related: tuple[str, ...] = ()
    audience: str | None = None


@dataclass(frozen=True)
class KindInfo:
    label: str
    government_link: bool = False


@dataclass(frozen=True)
class Vocabulary:
    needs: dict[str, NeedInfo]
    nations: dict[str, str]
    serves: dict[str, str]
    kinds: dict[str, KindInfo]
    contact_types: tuple[str, ...]
    languages: tuple[str, ...]

    def need_label(self, need: str) -> str:
        info = self.needs.get(need)
        return info.label if info else need.replace("_", " ")

    def nation_label(self, nation: str | None) -> str:
        return self.nations.get(nation or UK, "the UK")


@dataclass(frozen=True)
class ConversationMap:
    """Which need a conversation turn points to (see `from_conversation` in the data file)."""

    default_need: str
    intents: dict[str, str]
    danger: dict[str, str]


@dataclass(frozen=True)
class Catalogue:
    vocabulary: Vocabulary
    conversation: ConversationMap
    services: tuple[dict[str, Any], ...]
    digest: str = field(default="")


def expand_nations(nations: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """`uk` means all four nations; order follows NATIONS so equal sets compare equal."""
    wanted = set(NATIONS) if UK in nations else set(nations)
    return tuple(n for n in NATIONS if n in wanted)


def read_raw(path: Path = SERVICES_FILE) -> tuple[dict[str, Any], str]:
    """The parsed YAML and a digest of the file (to skip reloading unchanged data)."""
    text = path.read_text(encoding="utf-8")
    data = yaml.load(text, Loader=_LOADER) or {}  # noqa: S506 (a safe loader)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the top level must be a mapping")
    return data, hashlib.sha256(text.encode("utf-8")).hexdigest()


def _vocabulary(raw: dict[str, Any]) -> Vocabulary:
    needs = {
        name: NeedInfo(
            label=str(info.get("label", name)),
            related=tuple(info.get("related") or ()),
            audience=info.get("audience"),
        )
        for name, info in (raw.get("needs") or {}).items()
    }
    kinds = {
        name: KindInfo(label=str(info.get("label", name)), government_link=bool(info.get("government_link")))
        for name, info in (raw.get("kinds") or {}).items()
    }
    return Vocabulary(
        needs=needs,
        nations=dict(raw.get("nations") or {}),
        serves=dict(raw.get("serves") or {}),
        kinds=kinds,
        contact_types=tuple(raw.get("contact_types") or ()),
        languages=tuple(raw.get("languages") or ()),
    )


def _conversation(raw: dict[str, Any]) -> ConversationMap:
    return ConversationMap(
        default_need=str(raw.get("default_need", "domestic_abuse")),
        intents=dict(raw.get("intents") or {}),
        danger=dict(raw.get("danger") or {}),
    )


def parse(data: dict[str, Any], digest: str = "") -> Catalogue:
    return Catalogue(
        vocabulary=_vocabulary(data.get("vocabulary") or {}),
        conversation=_conversation(data.get("from_conversation") or {}),
        services=tuple(data.get("services") or ()),
        digest=digest,
    )


def load(path: Path = SERVICES_FILE) -> Catalogue:
    data, digest = read_raw(path)
    return parse(data, digest)


@lru_cache(maxsize=4)
def default_catalogue(path: Path = SERVICES_FILE) -> Catalogue:
    """The shipped catalogue, read once per process."""
    return load(path)
