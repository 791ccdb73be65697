"""Review the directory: `python -m actions.directory.cli list | search TEXT | export --csv FILE`.

For the charities that check the data: `list` and `search` print one line per service, `export`
writes every field (unconfirmed contacts included, marked as such) to a CSV file a spreadsheet opens.
It reads the database the bot uses (DATABASE_URL, loaded from data/services.yml first); with
`--file DRAFT.yml` it reads a draft through a private SQLite copy and never touches that database.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from actions.directory import dating
from actions.directory.catalogue import SERVICES_FILE, Catalogue, expand_nations, load
from actions.directory.hours import OpeningHours, WeeklyRange, weekly_summary
from actions.directory.listing import RESTRICTING_AUDIENCES, kind_label
from actions.directory.models import Service
from actions.directory.queries import all_services, search_services
from actions.directory.store import Store, make_engine

CONTACT_COLUMNS = ("phone", "text", "whatsapp", "webchat", "email", "web")
COLUMNS = (
    "id", "name", "short_name", "summary", "needs", "serves", "nations", "area", *CONTACT_COLUMNS,
    "unconfirmed_contacts", "hours", "hours_note", "languages", "interpreting", "languages_note", "kind",
    "label", "sms_label", "run_by", "government", "sharing", "notes", "sources", "last_verified", "source_date",
    "old_contacts", "language_hours", "shown",
)  # fmt: skip


def shown(row: Service) -> str:
    """Who sees this service, and why not everyone."""
    serves = {a.audience for a in row.audiences}
    if not row.reachable:
        return "never (no confirmed contact)"
    if "everyone" not in serves and serves & RESTRICTING_AUDIENCES == {"professionals"}:
        return "staff only"
    if row.only_for_speakers:
        return "staff, and people who speak: " + (
            ", ".join(sorted(x.language for x in row.languages)) or "(none listed)"
        )
    restricted = sorted(serves & RESTRICTING_AUDIENCES) if "everyone" not in serves else []
    return f"yes (for: {', '.join(restricted)})" if restricted else "yes"


def _hours(row: Service) -> str:
    if row.always_open:
        return "24/7"
    return weekly_summary(OpeningHours(weekly=tuple(WeeklyRange(h.day, h.opens, h.closes) for h in row.hours)))


def _old_contacts(row: Service, today: date) -> str:
    """Shown contacts whose newest source is over three years old: the ones to re-check first."""
    return "; ".join(
        f"{c.type} {c.value} ({c.source_date})"
        for c in row.contacts
        if c.confirmed and dating.is_old(c.source_date, today)
    )


def review_record(row: Service, catalogue: Catalogue, today: date | None = None) -> dict[str, Any]:
    """One service as flat text columns (lists joined with "; ")."""
    contacts = {
        kind: "; ".join(c.value for c in row.contacts if c.type == kind and c.confirmed) for kind in CONTACT_COLUMNS
    }
    unconfirmed = "; ".join(f"{c.type} {c.value}" for c in row.contacts if not c.confirmed)
    return {
        "id": row.id,
        "name": row.name,
        "short_name": row.short_name,
        "summary": row.summary,
        "needs": "; ".join(sorted(n.need for n in row.needs)),
        "serves": "; ".join(sorted(a.audience for a in row.audiences)),
        "nations": "; ".join(expand_nations([n.nation for n in row.nations])),
        "area": row.area or "",
        **contacts,
        "unconfirmed_contacts": unconfirmed,
        "hours": _hours(row),
        "hours_note": row.hours_note or "",
        "languages": "; ".join(sorted(x.language for x in row.languages)),
        "interpreting": {True: "yes", False: "no"}.get(row.interpreting, "not verified"),
        "languages_note": row.languages_note or "",
        "kind": row.kind,
        "label": kind_label(catalogue.vocabulary, row.kind, row.government)[0],
        "sms_label": row.sms_label or "",
        "run_by": row.run_by or "",
        "government": row.government or "",
        "sharing": row.sharing,
        "notes": row.notes or "",
        "sources": "; ".join(s.url for s in row.sources),
        "last_verified": row.last_verified.isoformat(),
        "source_date": row.source_date or "unknown",
        "old_contacts": _old_contacts(row, today or date.today()),
        "language_hours": "; ".join(f"{k}: {v}" for k, v in json.loads(row.language_hours or "{}").items()),
        "shown": shown(row),
    }


def open_store(draft: Path | None) -> tuple[Store, Catalogue]:
    """The bot's database, or a throwaway in-memory SQLite for a draft file."""
    catalogue = load(draft or SERVICES_FILE)
    store = Store(make_engine("sqlite+pysqlite://")) if draft else Store.from_environment()
    store.load(catalogue)
    return store, catalogue


def records(store: Store, catalogue: Catalogue, text: str | None = None) -> list[dict[str, Any]]:
    with store.session() as session:
        rows = search_services(session, text) if text else all_services(session)
        return [review_record(row, catalogue) for row in rows]


def print_table(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        reach = row["phone"] or row["text"] or row["webchat"] or row["web"] or row["email"] or "-"
        hours = row["hours"] or "not confirmed"
        nations = "UK" if row["nations"].count(";") == 3 else row["nations"]
        print(f"{row['id']:<48} {row['name'][:44]:<44} {reach[:32]:<32} {hours[:24]:<24} {nations}")
        print(f"{'':<48} needs: {row['needs']}  | {row['label']}  | shown: {row['shown']}")
    print(f"{len(rows)} service(s)")


def export_csv(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="List, search or export the service directory.")
    parser.add_argument("--file", type=Path, help="review a draft data file instead of the live database")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every service, one entry each")
    commands.add_parser("search", help="services matching TEXT").add_argument("text")
    export = commands.add_parser("export", help="every field of every service")
    export.add_argument("--csv", type=Path, required=True, dest="csv_path", metavar="FILE")
    args = parser.parse_args(argv)
    store, catalogue = open_store(args.file)
    rows = records(store, catalogue, args.text if args.command == "search" else None)
    if args.command == "export":
        export_csv(rows, args.csv_path)
        print(f"Wrote {len(rows)} services to {args.csv_path}")
    else:
        print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
