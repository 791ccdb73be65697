"""Which services to offer, in what order: pure functions over `Listing`s.

The order, most important first (docs/directory.md explains each choice):
1. specific beats general: a service tagged with the need itself before one tagged with a related need;
2. government bodies and Home Office contractors after independent services that match as well;
3. a service that works in the person's language (then one with interpreters) first;
4. nation-specific beats UK-wide: one nation > several nations > UK-wide > a local area only;
5. open now first (then hours unknown, then closed); 24/7 before the rest;
6. a phone or text number before web-only; services for migrants ("by and for") before others.
Then at most 3 are kept (5 for staff), and one of them is always open 24/7 if any 24/7 service fits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from actions.directory.catalogue import NATIONS, Vocabulary
from actions.directory.hours import is_open
from actions.directory.listing import Listing

LIMITS = {"public": 3, "staff": 5}


@dataclass(frozen=True)
class ReferralRequest:
    need: str
    nation: str | None = None
    language: str | None = None
    audience: str = "public"
    # Needs accepted as "related" on top of the vocabulary's (used to find a 24/7 line of last resort).
    also: tuple[str, ...] = ()

    @property
    def limit(self) -> int:
        return LIMITS.get(self.audience, LIMITS["public"])

    def in_nation(self, nation: str | None) -> ReferralRequest:
        return replace(self, nation=nation)

    def widened(self, needs: tuple[str, ...]) -> ReferralRequest:
        return replace(self, also=(*self.also, *needs))


def needs_for(vocabulary: Vocabulary, need: str) -> tuple[str, ...]:
    """The need and its related needs, most specific first."""
    info = vocabulary.needs.get(need)
    return (need, *(info.related if info else ()))


def match_level(listing: Listing, vocabulary: Vocabulary, request: ReferralRequest) -> int:
    """2: tagged with the need itself; 1: with a related need; 0: not a match."""
    if request.need in listing.needs:
        return 2
    related = {*needs_for(vocabulary, request.need)[1:], *request.also}
    return 1 if related & set(listing.needs) else 0


def _audience_fits(listing: Listing, request: ReferralRequest, vocabulary: Vocabulary) -> bool:
    """Men-only, LGBT+-only, children-only... services only for that need; women-only unless a man."""
    restricted = listing.restricted_to
    if not restricted:
        return True
    if restricted == {"professionals"}:
        return request.audience == "staff"
    info = vocabulary.needs.get(request.need)
    group = info.audience if info else None
    return group in restricted if group else "women" in restricted


def _language_fits(listing: Listing, request: ReferralRequest) -> bool:
    """Services for speakers of particular languages (e.g. Spanish) only when the person speaks one."""
    return not listing.only_for_speakers or request.audience == "staff" or request.language in listing.languages


def covers(listing: Listing, nation: str | None) -> bool:
    """In the person's nation; when the nation is unknown, only services that cover all of the UK."""
    return nation in listing.nations if nation else listing.uk_wide


def is_eligible(listing: Listing, request: ReferralRequest, vocabulary: Vocabulary) -> bool:
    return (
        match_level(listing, vocabulary, request) > 0
        and covers(listing, request.nation)
        and _audience_fits(listing, request, vocabulary)
        and _language_fits(listing, request)
    )


def language_score(listing: Listing, language: str | None) -> int:
    if not language or language == "english":
        return 0
    if language in listing.languages:
        return 2
    return 1 if listing.interpreting else 0


def coverage_score(listing: Listing, nation: str | None) -> int:
    if listing.area:
        return 0
    if nation is None or len(listing.nations) == len(NATIONS):
        return 1
    return 3 if len(listing.nations) == 1 else 2


def _open_rank(listing: Listing, now: datetime | None) -> int:
    state = is_open(listing.hours, now)
    return 1 if state is None else 2 if state else 0


def sort_key(listing: Listing, request: ReferralRequest, vocabulary: Vocabulary, now: datetime | None) -> tuple:
    return (
        -match_level(listing, vocabulary, request),
        listing.government_link,
        -language_score(listing, request.language),
        -coverage_score(listing, request.nation),
        -_open_rank(listing, now),
        not listing.hours.always_open,
        not listing.contacts_of("phone", "text", "whatsapp"),
        not ({"migrant", "by_and_for"} & set(listing.serves)),
        listing.name.casefold(),
    )


def rank(
    listings: list[Listing], request: ReferralRequest, vocabulary: Vocabulary, now: datetime | None = None
) -> list[Listing]:
    """Eligible services, best first."""
    eligible = [listing for listing in listings if is_eligible(listing, request, vocabulary)]
    return sorted(eligible, key=lambda listing: sort_key(listing, request, vocabulary, now))


def choose(ranked: list[Listing], limit: int, always_open: list[Listing] | None = None) -> list[Listing]:
    """The first `limit`; if none is 24/7, the best 24/7 one (`ranked`, else `always_open`) takes the last place."""
    top = ranked[:limit]
    if any(listing.hours.always_open for listing in top):
        return top
    spare = [listing for listing in [*ranked[limit:], *(always_open or [])] if listing.hours.always_open]
    if not spare or limit < 1:
        return top
    return [*top[: limit - 1], spare[0]] if len(top) >= limit else [*top, spare[0]]


def national_lines(
    listings: list[Listing], request: ReferralRequest, vocabulary: Vocabulary, now: datetime | None = None
) -> tuple[tuple[str, Listing], ...]:
    """For a person whose nation is unknown: the best 24/7 service in each nation, one line each."""
    lines = []
    for nation in NATIONS:
        ranked = rank(listings, request.in_nation(nation), vocabulary, now)
        best = next((listing for listing in ranked if listing.hours.always_open), None)
        if best is not None:
            lines.append((nation, best))
    return tuple(lines)


def top_choice_by_nation(
    listings: list[Listing], request: ReferralRequest, vocabulary: Vocabulary, now: datetime | None = None
) -> dict[str, str | None]:
    """The first service each nation would get: when they differ, the answer depends on the nation."""
    result: dict[str, str | None] = {}
    for nation in NATIONS:
        ranked = rank(listings, request.in_nation(nation), vocabulary, now)
        result[nation] = ranked[0].id if ranked else None
    return result
