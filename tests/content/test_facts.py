"""The facts registry (data/facts/*.yml) is sound, and every source an answer or the directory cites is in it.

A wrong number or a claim that outruns its source can hurt someone, so a URL that is not in the
registry (with who published it, what it is and when it was read) fails here, not in review.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from contract import facts
from contract.facts import Registry, load, url_key

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date.today()
REGISTRY = load()


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def answer_source_urls() -> list[tuple[str, str]]:
    """(where, url) for every link in data/sources/*.yml."""
    found = []
    for path in sorted((ROOT / "data" / "sources").glob("*.yml")):
        for name, entry in (_yaml(path).get("sources") or {}).items():
            found += [(f"{path.name} {name}", str(link["url"])) for link in entry.get("links") or []]
    return found


def response_text_urls() -> list[tuple[str, str]]:
    """(where, url) for every URL on a 'Source:' line of a response."""
    found = []
    for path in sorted((ROOT / "data" / "responses").glob("*.yml")):
        for name, variants in (_yaml(path).get("responses") or {}).items():
            for variant in variants:
                text = str(variant.get("text", ""))
                if "Source:" in text:
                    urls = re.findall(r"https?://[^\s;,)]+", text.split("Source:")[-1])
                    found += [(f"{path.name} {name}", u.rstrip(".")) for u in urls]
    return found


def directory_source_urls() -> list[tuple[str, str]]:
    services = _yaml(ROOT / "data" / "services.yml")["services"]
    return [(entry["id"], str(url)) for entry in services for url in entry.get("sources") or []]


def safety_source_urls() -> list[tuple[str, str]]:
    data = _yaml(ROOT / "data" / "safety.yml")
    urls = [("helplines", h["source"]) for h in data.get("helplines") or [] if h.get("source")]
    return urls + [("sources", url) for url in data.get("sources") or []]


# ---- the shipped registry ---------------------------------------------------------------------------


def test_registry_has_no_problems() -> None:
    assert REGISTRY.problems(TODAY) == []


def test_registry_is_not_empty_and_spans_files() -> None:
    assert len(REGISTRY.sources) > 150 and len(REGISTRY.facts) > 150
    assert {"core.yml", "sources.yml"} <= {s.file for s in REGISTRY.sources.values()}


@pytest.mark.parametrize("fact_id", sorted(REGISTRY.facts))
def test_every_fact_has_a_status_and_resolving_sources(fact_id: str) -> None:
    """Every fact rests on sources, except an honest gap: a U fact with `searched:` (where we looked)."""
    fact = REGISTRY.facts[fact_id]
    assert fact.status in facts.STATUSES
    assert fact.sources or fact.is_documented_gap, f"{fact_id}: no sources (a U fact needs `searched:`)"
    assert all(sid in REGISTRY.sources for sid in fact.sources)


def test_every_source_backs_a_fact() -> None:
    """A source nobody cites is either a missing fact or clutter."""
    used = {sid for fact in REGISTRY.facts.values() for sid in fact.sources}
    assert sorted(set(REGISTRY.sources) - used) == []


def test_ids_are_unique_across_files() -> None:
    ids: dict[str, list[str]] = {}
    for path in sorted((ROOT / "data" / "facts").glob("*.yml")):
        data = _yaml(path)
        for item in [*(data.get("sources") or []), *(data.get("facts") or [])]:
            ids.setdefault(str(item["id"]), []).append(path.name)
    assert {k: v for k, v in ids.items() if len(v) > 1} == {}


def test_every_status_is_used_honestly() -> None:
    """facts.md's unconfirmed numbers stay U: the registry must not quietly upgrade them."""
    statuses = {f.status for f in REGISTRY.facts.values()}
    assert statuses == {"V", "P", "U"}
    for fact_id in ("dir_hourglass_number_unverified", "dir_ca_wales_number_unverified", "dir_row_number_unverified"):
        assert REGISTRY.facts[fact_id].status == "U"


# ---- everything the project cites is registered ----------------------------------------------------


@pytest.mark.parametrize(("where", "url"), answer_source_urls())
def test_answer_source_is_registered(where: str, url: str) -> None:
    assert REGISTRY.has_url(url), f"{where}: {url} is not in data/facts/*.yml: add it with publisher, title, checked"


@pytest.mark.parametrize(("where", "url"), response_text_urls())
def test_source_named_in_an_answer_is_registered(where: str, url: str) -> None:
    assert REGISTRY.has_url(url), f"{where}: {url} is not in data/facts/*.yml"


@pytest.mark.parametrize(("where", "url"), directory_source_urls())
def test_directory_source_is_registered(where: str, url: str) -> None:
    assert REGISTRY.has_url(url), f"services.yml {where}: {url} is not in data/facts/*.yml"


@pytest.mark.parametrize(("where", "url"), safety_source_urls())
def test_safety_line_source_is_registered(where: str, url: str) -> None:
    assert REGISTRY.has_url(url), f"safety.yml {where}: {url} is not in data/facts/*.yml"


# ---- the rules themselves, on synthetic files ------------------------------------------------------


def _write(folder: Path, name: str, body: dict) -> None:
    (folder / name).write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")


def _source(sid: str, checked: dt.date = dt.date(2026, 12, 1), url: str = "") -> dict:
    return {
        "id": sid,
        "url": url or f"https://example.com/{sid}",
        "publisher": "Example",
        "title": "Example page",
        "checked": checked,
    }


def _fact(fid: str, *sources: str, status: str = "V") -> dict:
    return {"id": fid, "claim": "Example claim.", "status": status, "sources": list(sources)}


def _registry(tmp_path: Path, **files: dict) -> Registry:
    for name, body in files.items():
        _write(tmp_path, f"{name}.yml", body)
    return load(tmp_path)


def test_a_good_file_has_no_problems(tmp_path: Path) -> None:
    registry = _registry(tmp_path, a={"sources": [_source("s1")], "facts": [_fact("f1", "s1")]})
    assert registry.problems(dt.date(2026, 12, 4)) == []


def test_unknown_source_id_fails(tmp_path: Path) -> None:
    registry = _registry(tmp_path, a={"sources": [_source("s1")], "facts": [_fact("f1", "s1", "nope")]})
    assert registry.problems(dt.date(2026, 12, 4)) == ["a.yml: fact f1: unknown source id 'nope'"]


def _gap(fid: str, status: str = "U", searched: str | None = "GOV.UK guidance and two charity pages") -> dict:
    entry = {"id": fid, "claim": "No source was found on this.", "status": status, "sources": []}
    return entry | ({"searched": searched} if searched is not None else {})


def test_an_unverified_gap_with_searched_needs_no_source(tmp_path: Path) -> None:
    registry = _registry(tmp_path, a={"sources": [_source("s1")], "facts": [_fact("f1", "s1"), _gap("gap")]})
    assert registry.problems(dt.date(2026, 12, 4)) == []
    assert registry.facts["gap"].is_documented_gap and not registry.facts["f1"].is_documented_gap


@pytest.mark.parametrize(
    "entry",
    [_gap("gap", searched=None), _gap("gap", searched="  "), _gap("gap", status="V"), _gap("gap", status="P")],
    ids=["no searched", "blank searched", "verified", "partly verified"],
)
def test_a_fact_without_sources_fails_unless_an_unverified_gap_says_where_we_looked(
    tmp_path: Path, entry: dict
) -> None:
    registry = _registry(tmp_path, a={"sources": [_source("s1")], "facts": [_fact("f1", "s1"), entry]})
    assert [p for p in registry.problems(dt.date(2026, 12, 4)) if "gap" in p] == [
        "a.yml: fact gap: has no sources (only a U fact may have none, with a `searched:` note saying where we looked)"
    ]


def test_a_fact_must_list_its_sources_even_when_empty(tmp_path: Path) -> None:
    entry = {"id": "f1", "claim": "Example claim.", "status": "U", "searched": "somewhere"}
    registry = _registry(tmp_path, a={"sources": [], "facts": [entry]})
    assert "a.yml: fact f1: missing sources (write sources: [] for a gap)" in registry.problems(dt.date(2026, 12, 4))


def test_status_must_be_v_p_or_u(tmp_path: Path) -> None:
    registry = _registry(tmp_path, a={"sources": [_source("s1")], "facts": [_fact("f1", "s1", status="maybe")]})
    assert "status 'maybe' must be one of V, P, U" in registry.problems(dt.date(2026, 12, 4))[0]


def test_duplicate_ids_across_files_fail(tmp_path: Path) -> None:
    registry = _registry(
        tmp_path,
        a={"sources": [_source("s1")], "facts": [_fact("f1", "s1")]},
        b={"sources": [_source("s1")], "facts": [_fact("f1", "s1")]},
    )
    problems = registry.problems(dt.date(2026, 12, 4))
    assert "b.yml: duplicate id 's1' (also in a.yml)" in problems
    assert "b.yml: duplicate id 'f1' (also in a.yml)" in problems


def test_stale_and_future_checked_dates_fail(tmp_path: Path) -> None:
    registry = _registry(
        tmp_path,
        a={
            "sources": [_source("old", dt.date(2025, 12, 3)), _source("edge", dt.date(2025, 12, 4)),
                        _source("future", dt.date(2026, 12, 5))],
            "facts": [_fact("f1", "old", "edge", "future")],
        },
    )  # fmt: skip
    problems = registry.problems(dt.date(2026, 12, 4))
    assert problems == [
        "a.yml: source old: checked 2025-12-03 is stale (before 2025-12-04): read it again",
        "a.yml: source future: checked 2026-12-05 is in the future",
    ]


def test_missing_fields_fail(tmp_path: Path) -> None:
    registry = _registry(tmp_path, a={"sources": [{"id": "s1", "url": "https://example.com/x"}], "facts": []})
    assert "a.yml: source s1: missing publisher, title, checked" in registry.problems(dt.date(2026, 12, 4))


def test_an_unregistered_answer_source_is_caught(tmp_path: Path) -> None:
    registry = _registry(tmp_path, a={"sources": [_source("s1", url="https://www.example.com/page/")], "facts": []})
    assert registry.unregistered(["http://example.com/page", "https://example.com/other"]) == [
        "https://example.com/other"
    ]


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("https://www.gov.uk/x/", "https://gov.uk/x"),
        ("http://www.standingtogether.org.uk./get-support", "https://standingtogether.org.uk/get-support"),
        ("https://Example.COM/Path", "https://example.com/Path"),
    ],
)
def test_url_key_ignores_scheme_www_and_trailing_slash(left: str, right: str) -> None:
    assert url_key(left) == url_key(right)


def test_url_key_keeps_path_case_and_query() -> None:
    assert url_key("https://example.com/a?p=1") != url_key("https://example.com/a?p=2")
    assert url_key("https://example.com/Path") != url_key("https://example.com/path")
