"""The one entry point actions use: a need, a nation, a language and an audience in; referrals out.

Combines the SQL filtering (`queries`) with the ordering rules (`ranking`), and owns the two
fall-backs the issue asks for: a 24/7 option in every reply, and UK-wide services (plus each
nation's 24/7 line) when the person's nation is unknown.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from actions.directory.catalogue import Catalogue, default_catalogue
from actions.directory.hours import local
from actions.directory.listing import Listing
from actions.directory.queries import candidates
from actions.directory.ranking import (
    ReferralRequest,
    choose,
    national_lines,
    needs_for,
    rank,
    top_choice_by_nation,
)
from actions.directory.store import Store


@dataclass(frozen=True)
class Referrals:
    request: ReferralRequest
    listings: tuple[Listing, ...]
    # (nation, service) pairs: each nation's 24/7 line, when the nation is unknown and no UK-wide one fits.
    national_lines: tuple[tuple[str, Listing], ...]
    at: datetime


class Directory:
    """Thread-safe: each call opens its own session; loading happens once (again after a failure)."""

    def __init__(self, store: Store, catalogue: Catalogue) -> None:
        self.store = store
        self.catalogue = catalogue
        self.vocabulary = catalogue.vocabulary
        self._ready = False
        self._lock = threading.Lock()

    def prepare(self) -> None:
        """Create the tables and load the data file (skipped when that version is already loaded)."""
        with self._lock:
            if not self._ready:
                self.store.load(self.catalogue)
                self._ready = True

    def _general(self) -> tuple[str, ...]:
        return needs_for(self.vocabulary, self.catalogue.conversation.default_need)

    def find(self, request: ReferralRequest, now: datetime | None = None) -> Referrals:
        now = local(now)
        try:
            self.prepare()
            return self._find(request, now)
        except Exception:
            self._ready = False  # the database may have been reset: load again next time
            raise

    def _find(self, request: ReferralRequest, now: datetime) -> Referrals:
        """One query: when the nation is unknown it fetches every nation (ranking keeps the UK-wide ones,
        and each nation's 24/7 line comes from the same rows)."""
        needs = (*needs_for(self.vocabulary, request.need), *self._general())
        wider = request.widened(self._general())
        with self.store.session() as session:
            found = candidates(session, self.vocabulary, needs, request.nation)
        ranked = rank(found, request, self.vocabulary, now)
        picked = choose(ranked, request.limit, rank(found, wider, self.vocabulary, now))
        lines: tuple[tuple[str, Listing], ...] = ()
        if request.nation is None and not any(listing.hours.always_open for listing in picked):
            lines = national_lines(found, wider, self.vocabulary, now)
            picked = picked[: request.limit - 1] if lines else picked
        return Referrals(request, tuple(picked), lines, now)

    def depends_on_nation(self, request: ReferralRequest, now: datetime | None = None) -> bool:
        """True when the first service offered would differ between England, Wales, Scotland and NI."""
        self.prepare()
        with self.store.session() as session:
            found = candidates(session, self.vocabulary, needs_for(self.vocabulary, request.need))
        tops = top_choice_by_nation(found, request, self.vocabulary, local(now))
        return len(set(tops.values())) > 1


_shared: Directory | None = None
_shared_lock = threading.Lock()


def shared_directory() -> Directory:
    """The action server's directory (DATABASE_URL or embedded SQLite), built once per process."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Directory(Store.from_environment(), default_catalogue())
    return _shared
