"""The facts registry (data/facts.yml) backs every answer: each source is registered with its
publisher and the date it was read, and no answer cites a page the registry does not know.

Fails when: an answer's source (data/sources/), a directory source (data/services.yml) or a safety
line's source (data/safety.yml) is not a registered source; a registered source has no publisher or
was last read more than 12 months ago; a fact has no V/P/U status, or a V/P fact has no registered
source; an answer has no fact behind any of its links.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
REGISTRY = yaml.safe_load((DATA / "facts.yml").read_text(encoding="utf-8"))
TODAY = dt.date.today()
MAX_AGE = dt.timedelta(days=365)


def norm(url: str) -> str:
    """The same page whatever its scheme, `www.` or trailing slash."""
    return re.sub(r"^https?://(www\.)?", "", str(url).strip()).rstrip("/.),;").lower()


def answer_links() -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for path in sorted((DATA / "sources").glob("*.yml")):
        for name, entry in (yaml.safe_load(path.read_text(encoding="utf-8"))["sources"] or {}).items():
            merged[name] = [str(link["url"]) for link in entry["links"]]
    return merged


def other_sources() -> list[str]:
    services = yaml.safe_load((DATA / "services.yml").read_text(encoding="utf-8"))["services"]
    safety = yaml.safe_load((DATA / "safety.yml").read_text(encoding="utf-8"))
    urls = [str(u) for s in services for u in s["sources"]]
    return urls + [h["source"] for h in safety["helplines"]] + list(safety["sources"])


REGISTERED = {norm(s["url"]): s for s in REGISTRY["sources"]}
ANSWERS = answer_links()
FACT_SOURCES = {norm(u) for fact in REGISTRY["facts"] for u in fact["sources"]}


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_every_answer_source_is_registered(name: str) -> None:
    missing = [u for u in ANSWERS[name] if norm(u) not in REGISTERED]
    assert not missing, f"{name}: add these to data/facts.yml sources: {missing}"


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_every_answer_rests_on_a_recorded_fact(name: str) -> None:
    assert {norm(u) for u in ANSWERS[name]} & FACT_SOURCES, f"{name}: no fact in data/facts.yml cites its links"


def test_every_directory_and_safety_source_is_registered() -> None:
    assert sorted({u for u in other_sources() if norm(u) not in REGISTERED}) == []


@pytest.mark.parametrize("source", REGISTRY["sources"], ids=lambda s: norm(s["url"])[:60])
def test_every_source_has_a_publisher_and_a_fresh_check(source: dict) -> None:
    assert str(source["url"]).startswith(("https://", "http://"))
    assert source.get("publisher"), "who published it?"
    checked = source["checked"]
    checked = checked if isinstance(checked, dt.date) else dt.date.fromisoformat(str(checked))
    assert checked <= TODAY, f"checked {checked} is in the future"
    assert TODAY - checked <= MAX_AGE, f"last read {checked}: re-read {source['url']} and update `checked`"
    if source.get("published") is not None:
        assert dt.date.fromisoformat(str(source["published"])) <= checked


def test_facts_keep_their_markings_and_cite_registered_sources() -> None:
    ids = [fact["id"] for fact in REGISTRY["facts"]]
    assert len(ids) == len(set(ids)), "fact ids must be unique"
    for fact in REGISTRY["facts"]:
        assert fact["status"] in {"V", "P", "U"}, fact["id"]
        assert fact["text"].strip(), fact["id"]
        if fact["status"] in {"V", "P"}:
            assert fact["sources"], f"{fact['id']}: a verified fact needs a source"
        assert all(norm(u) in REGISTERED for u in fact["sources"]), fact["id"]
