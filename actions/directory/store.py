"""The directory database: which one (DATABASE_URL or an embedded SQLite file), and loading it.

Loading is a sync from data/services.yml: in one transaction the tables are created if missing, and
replaced only when the file's digest differs from the loaded one. On PostgreSQL the transaction
takes an advisory lock first, so several action servers starting at once load it exactly once.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, event, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from actions.directory import dating
from actions.directory import hours as hours_module
from actions.directory.catalogue import Catalogue, expand_nations
from actions.directory.models import (
    Contact,
    DirectoryMeta,
    HoursRange,
    Service,
    ServiceAudience,
    ServiceLanguage,
    ServiceNation,
    ServiceNeed,
    Source,
    metadata,
)
from actions.settings import action_settings
from contract.paths import ENV_FILE

SCHEMA_VERSION = "2"
_LOCK_KEY = 0x5AFE_70A5  # pg_advisory_xact_lock key for "load the directory"


@lru_cache(maxsize=1)
def _embedded_sqlite_url() -> str:
    """A private SQLite file for this process, removed at exit (the zero-setup default)."""
    folder = tempfile.mkdtemp(prefix="safe-to-ask-directory-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return f"sqlite+pysqlite:///{folder}/directory.sqlite3"


def database_url(env_file: Path = ENV_FILE) -> str:
    """DATABASE_URL from the environment or `.env` (environment wins); embedded SQLite otherwise."""
    url = action_settings(env_file).database_url
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    return url or _embedded_sqlite_url()


def make_engine(url: str, schema: str | None = None, connect_timeout: int = 3) -> Engine:
    """A `future=True` engine; `schema` puts the tables in a PostgreSQL schema (tests, shared databases)."""
    connect_args: dict[str, Any] = {}
    if url.startswith("sqlite"):
        connect_args["check_same_thread"] = False
    elif url.startswith("postgresql"):
        connect_args["connect_timeout"] = connect_timeout
    engine = create_engine(url, future=True, pool_pre_ping=True, connect_args=connect_args)
    if engine.dialect.name == "sqlite":
        _transactional_sqlite(engine)
    return engine.execution_options(schema_translate_map={None: schema}) if schema else engine


def _transactional_sqlite(engine: Engine) -> None:
    """Make pysqlite open real transactions (it skips BEGIN before DDL), so loads cannot interleave.

    The SQLAlchemy-documented recipe; a load asks for BEGIN IMMEDIATE (the write lock up front).
    """

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))


@dataclass
class Store:
    engine: Engine
    schema: str | None = None

    @classmethod
    def from_environment(cls) -> Store:
        schema = action_settings().directory_db_schema
        return cls(make_engine(database_url(), schema), schema)

    def session(self) -> Session:
        return Session(self.engine, future=True)

    def load(self, catalogue: Catalogue) -> bool:
        """Create the tables and load the catalogue unless this version is already loaded."""
        with self.engine.execution_options(sqlite_begin="BEGIN IMMEDIATE").begin() as conn:
            self._lock_and_create(conn)
            loaded = conn.execute(select(DirectoryMeta.value).where(DirectoryMeta.key == "digest")).scalar()
            if loaded == catalogue.digest and catalogue.digest:
                return False
            for table in reversed(metadata.sorted_tables):
                conn.execute(delete(table))
            session = Session(bind=conn, future=True)
            session.add_all(service_row(entry) for entry in catalogue.services)
            session.add_all(
                [DirectoryMeta(key="digest", value=catalogue.digest), DirectoryMeta(key="schema", value=SCHEMA_VERSION)]
            )
            session.flush()
            session.close()
            return True

    def _lock_and_create(self, conn: Connection) -> None:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
            if self.schema:
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
        metadata.create_all(conn)
        version = conn.execute(select(DirectoryMeta.value).where(DirectoryMeta.key == "schema")).scalar()
        if version not in (None, SCHEMA_VERSION):
            metadata.drop_all(conn)
            metadata.create_all(conn)

    def drop(self) -> None:
        """Remove the directory tables (tests and benchmarks clean up after themselves)."""
        with self.engine.begin() as conn:
            metadata.drop_all(conn)


def _tags(model: type, column: str, values: list[str] | tuple[str, ...]) -> list:
    return [model(**{column: value}) for value in dict.fromkeys(values)]


def _source_date(value: Any) -> str | None:
    """The stored form of a `source_date`: its text, or None when unknown."""
    parsed = dating.parse(value)
    return parsed.text if parsed else None


def service_row(entry: dict[str, Any]) -> Service:
    """One data-file entry as ORM rows (the file has been validated; missing optionals are None)."""
    opening = hours_module.from_entry(entry.get("hours"), entry.get("hours_note"))
    default_date = entry.get("source_date")
    contacts = [
        Contact(
            position=i,
            type=c["type"],
            value=str(c["value"]),
            note=c.get("note"),
            confirmed=c.get("confirmed", True),
            source_date=_source_date(c.get("source_date", default_date)),
        )
        for i, c in enumerate(entry.get("contacts") or [])
    ]
    return Service(
        id=entry["id"],
        name=entry["name"],
        short_name=entry.get("short_name") or entry["name"],
        summary=entry.get("summary", ""),
        area=entry.get("area"),
        kind=entry["kind"],
        run_by=entry.get("run_by"),
        government=entry.get("government"),
        sharing=entry.get("sharing", ""),
        notes=entry.get("notes"),
        always_open=opening.always_open,
        hours_note=opening.note,
        interpreting=entry.get("interpreting"),
        languages_note=entry.get("languages_note"),
        only_for_speakers=bool(entry.get("only_for_speakers")),
        reachable=any(c.confirmed for c in contacts),
        last_verified=entry["last_verified"],
        source_date=_source_date(default_date),
        sms_label=entry.get("sms_label"),
        language_hours=json.dumps(entry["language_hours"], sort_keys=True) if entry.get("language_hours") else None,
        needs=_tags(ServiceNeed, "need", entry.get("needs") or []),
        nations=_tags(ServiceNation, "nation", expand_nations(entry.get("nations") or [])),
        audiences=_tags(ServiceAudience, "audience", entry.get("serves") or []),
        languages=_tags(ServiceLanguage, "language", entry.get("languages") or []),
        contacts=contacts,
        hours=[HoursRange(position=i, day=w.day, opens=w.opens, closes=w.closes) for i, w in enumerate(opening.weekly)],
        sources=[Source(position=i, url=url) for i, url in enumerate(entry.get("sources") or [])],
    )


@contextmanager
def temporary_schema_store(url: str, prefix: str, connect_timeout: int = 3) -> Iterator[Store]:
    """A store in a PostgreSQL schema of its own, dropped afterwards (tests and benchmarks share
    a server with other users, so they never touch the public schema)."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, future=True, connect_args={"connect_timeout": connect_timeout})
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    store = Store(make_engine(url, schema), schema)
    try:
        yield store
    finally:
        store.engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
