"""Fixtures for the directory and referral tests: synthetic services, and a store on SQLite and PostgreSQL.

PostgreSQL tests use a schema of their own (created here, dropped after), so they never touch the
tables of anyone else using the shared `test` database.
"""

from __future__ import annotations

import copy
import os
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest

from actions.directory.catalogue import Catalogue, default_catalogue, parse, read_raw
from actions.directory.finder import Directory
from actions.directory.hours import LONDON
from actions.directory.store import Store, make_engine, temporary_schema_store
from tests.conftest import require_service

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
# A Wednesday afternoon in winter (GMT), and a Saturday night in summer (BST).
WEDNESDAY_2PM = datetime(2026, 11, 25, 14, 0, tzinfo=LONDON)
SATURDAY_11PM = datetime(2026, 7, 4, 23, 0, tzinfo=LONDON)


def service(service_id: str, number: int = 1, **fields: Any) -> dict[str, Any]:
    """A synthetic service entry (Ofcom drama-range phone, example.com addresses)."""
    entry: dict[str, Any] = {
        "id": service_id,
        "name": service_id.replace("_", " ").title(),
        "summary": "Synthetic test service.",
        "needs": ["domestic_abuse"],
        "serves": ["everyone"],
        "nations": ["uk"],
        "contacts": [
            {"type": "phone", "value": f"07700 900{number:03d}"},
            {"type": "web", "value": f"https://{service_id.replace('_', '-')}.example.com"},
        ],
        "hours": {"always_open": True},
        "languages": ["english"],
        "kind": "independent_charity",
        "sharing": "Synthetic sharing statement.",
        "sources": [f"https://example.com/sources/{service_id}"],
        "last_verified": date(2026, 6, 30),
        "source_date": "unknown",
    }
    entry.update(fields)
    return entry


def synthetic_catalogue(services: list[dict[str, Any]]) -> Catalogue:
    """The real vocabulary and conversation map, with synthetic services."""
    data, _ = read_raw()
    data = copy.deepcopy(data)
    data["services"] = services
    return parse(data, digest=uuid.uuid4().hex)


def real_data() -> dict[str, Any]:
    return copy.deepcopy(read_raw()[0])


@pytest.fixture()
def catalogue() -> Catalogue:
    return default_catalogue()


def _pg_store() -> Iterator[Store]:
    require_service("127.0.0.1", 5432, "PostgreSQL")
    with temporary_schema_store(PG_URL, "directory_test") as store:
        yield store


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[Store]:
    """An empty directory store on each database the code supports."""
    if request.param == "postgresql":
        yield from _pg_store()
        return
    store = Store(make_engine(f"sqlite+pysqlite:///{tmp_path}/directory.sqlite3"))
    yield store
    store.engine.dispose()


@pytest.fixture()
def real_directory(store: Store, catalogue: Catalogue) -> Directory:
    """The shipped data file, loaded into each database."""
    directory = Directory(store, catalogue)
    directory.prepare()
    return directory


def directory_with(store: Store, services: list[dict[str, Any]]) -> Directory:
    directory = Directory(store, synthetic_catalogue(services))
    directory.prepare()
    return directory
