"""Check data/services.yml before anyone relies on it: `python -m actions.directory.validate`.

Fails (exit status 1, one line per problem) on: a malformed UK phone number, email or web address;
a missing source, or (from the command line) a source that is not in the facts registry
(data/facts/*.yml); a last_verified date older than 12 months (or in the future); a missing or
malformed source_date (the date of the newest source showing the contacts, or `unknown`); a need,
nation, audience, kind, contact type or language not in the vocabulary; a duplicate id, name or
number; hours that are neither 24/7, weekly ranges nor a note; language_hours for a language the
service does not list; a Home Office-funded charity without an sms_label. Works on the raw YAML, so
it can explain a file that would not load. It also lists (without failing) the contacts whose
newest source is over three years old: the person is told so, and a reviewer should re-check them.
"""

from __future__ import annotations

import argparse
import calendar
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from actions.directory import dating
from actions.directory.catalogue import SERVICES_FILE, UK, Vocabulary, parse, read_raw
from actions.directory.contacts import PHONE_TYPES, digits, problem
from actions.directory.hours import DAYS
from contract import facts

REQUIRED = ("id", "name", "summary", "needs", "serves", "nations", "contacts", "kind", "sharing", "sources")
MAX_AGE_MONTHS = 12


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the last day of the month when that day does not exist)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def check_required(entry: dict[str, Any]) -> list[str]:
    missing = [name for name in REQUIRED if entry.get(name) in (None, "", [])]
    messages = [f"missing {name}" for name in missing if name != "sources"]
    if "sources" in missing:
        messages.append("missing source: add at least one URL that says this")
    if "hours" not in entry and not entry.get("hours_note"):
        messages.append("missing hours: give `hours` (always_open or weekly) or an `hours_note`")
    return messages


def check_tags(entry: dict[str, Any], vocabulary: Vocabulary) -> list[str]:
    allowed = {
        "needs": set(vocabulary.needs),
        "nations": set(vocabulary.nations) | {UK},
        "serves": set(vocabulary.serves),
        "languages": set(vocabulary.languages),
    }
    messages = []
    for field, known in allowed.items():
        values = entry.get(field) or []
        if not isinstance(values, list):
            messages.append(f"{field} must be a list")
            continue
        word = {"needs": "need tag", "nations": "nation", "serves": "audience", "languages": "language"}[field]
        messages += [f"unknown {word} '{value}' (not in vocabulary.{field})" for value in values if value not in known]
    if entry.get("kind") and entry["kind"] not in vocabulary.kinds:
        messages.append(f"unknown kind '{entry['kind']}' (not in vocabulary.kinds)")
    return messages


def check_contacts(entry: dict[str, Any], vocabulary: Vocabulary) -> list[str]:
    messages = []
    for contact in entry.get("contacts") or []:
        kind, value = contact.get("type"), contact.get("value")
        if kind not in vocabulary.contact_types:
            messages.append(f"unknown contact type '{kind}'")
        elif value in (None, ""):
            messages.append(f"{kind} contact has no value")
        elif (trouble := problem(kind, str(value))) is not None:
            word = "UK phone number" if kind in PHONE_TYPES else kind
            messages.append(f"malformed {word} '{value}': {trouble}")
    return messages


LIVE_TYPES = ("phone", "text", "whatsapp", "webchat")


def check_hours(entry: dict[str, Any]) -> list[str]:
    hours = entry.get("hours")
    if hours is None:
        return []
    live = [c for c in entry.get("contacts") or [] if c.get("type") in LIVE_TYPES and c.get("confirmed", True)]
    if isinstance(hours, dict) and hours.get("always_open") and not live:
        # Only a website would be shown, yet the service could be offered as "the 24/7 option".
        return ["hours: always_open needs a confirmed phone, text or chat contact (otherwise use hours_note)"]
    if not isinstance(hours, dict) or set(hours) - {"always_open", "weekly", "note"}:
        return ["hours must be a mapping with always_open, weekly and/or note"]
    if hours.get("always_open") and hours.get("weekly"):
        return ["hours: always_open and weekly ranges contradict each other"]
    if not hours.get("always_open") and not hours.get("weekly"):
        return ["hours: give always_open: true or weekly ranges (or use hours_note instead)"]
    return [message for block in hours.get("weekly") or [] for message in _check_range(block)]


def _check_range(block: dict[str, Any]) -> list[str]:
    messages = [
        f"hours: unknown day '{day}' (use {', '.join(DAYS)})" for day in block.get("days") or [] if day not in DAYS
    ]
    if not block.get("days"):
        messages.append("hours: a weekly range needs days")
    for key in ("open", "close"):
        text = str(block.get(key, ""))
        parts = text.split(":")
        valid = len(parts) == 2 and all(p.isdigit() for p in parts)
        if not valid or not (0 <= int(parts[0]) <= 24 and 0 <= int(parts[1]) < 60):
            messages.append(f"hours: {key} '{text}' is not a time like 09:30")
    return messages


def check_dates(entry: dict[str, Any], today: date) -> list[str]:
    verified = _as_date(entry.get("last_verified"))
    if verified is None:
        return ["missing last_verified (a date like 2026-06-30)"]
    cutoff = months_before(today, MAX_AGE_MONTHS)
    if verified < cutoff:
        return [f"last_verified {verified} is older than {MAX_AGE_MONTHS} months (before {cutoff}): re-check it"]
    return [f"last_verified {verified} is in the future"] if verified > today else []


def check_source_dates(entry: dict[str, Any], today: date) -> list[str]:
    """Every entry says how old its newest source is (or `unknown`); contacts may say their own."""
    if entry.get("source_date") in (None, ""):
        return ["missing source_date (when the newest source showing the contacts was published: 2020-05, or unknown)"]
    messages = [f"source_date {trouble}" for trouble in [dating.problem(entry["source_date"], today)] if trouble]
    for contact in entry.get("contacts") or []:
        if "source_date" in contact and (trouble := dating.problem(contact["source_date"], today)):
            messages.append(f"{contact.get('type')} {contact.get('value')}: source_date {trouble}")
    return messages


def check_labels(entry: dict[str, Any]) -> list[str]:
    """Funding the person may fear must show on SMS too; limited language hours must be a listed language."""
    messages = []
    home_office = "home office" in str(entry.get("government", "")).lower()
    if entry.get("kind") == "government_funded_charity" and home_office and not entry.get("sms_label"):
        messages.append("funded by the Home Office: add a short sms_label (e.g. 'Home Office-funded')")
    limited = entry.get("language_hours") or {}
    if not isinstance(limited, dict):
        return [*messages, "language_hours must map a language to its hours"]
    listed = set(entry.get("languages") or [])
    messages += [f"language_hours for '{lang}', which is not in languages" for lang in limited if lang not in listed]
    return messages


def check_sources(entry: dict[str, Any]) -> list[str]:
    sources = entry.get("sources") or []
    if not isinstance(sources, list):
        return ["sources must be a list of URLs"]
    return [f"source '{url}' {trouble}" for url in sources if (trouble := problem("web", str(url)))]


def check_service(entry: Any, vocabulary: Vocabulary, today: date) -> list[str]:
    if not isinstance(entry, dict):
        return ["each service must be a mapping"]
    return [
        *check_required(entry),
        *check_tags(entry, vocabulary),
        *check_contacts(entry, vocabulary),
        *check_hours(entry),
        *check_dates(entry, today),
        *check_source_dates(entry, today),
        *check_labels(entry),
        *check_sources(entry),
    ]


def check_duplicates(services: list[dict[str, Any]]) -> list[Problem]:
    seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    for entry in services:
        if not isinstance(entry, dict):
            continue
        label = str(entry.get("id"))
        seen[("id", str(entry.get("id")))].append(label)
        seen[("name", str(entry.get("name", "")).casefold())].append(label)
        numbers = {digits(str(c.get("value"))) for c in entry.get("contacts") or [] if c.get("type") in PHONE_TYPES}
        for number in numbers:
            seen[("number", number)].append(label)
    return [
        Problem("services", f"duplicate {what} '{value}' in: {', '.join(owners)}")
        for (what, value), owners in seen.items()
        if len(owners) > 1
    ]


def check_vocabulary(data: dict[str, Any], vocabulary: Vocabulary) -> list[Problem]:
    """The vocabulary's own references (related needs) and the conversation map must be known needs."""
    problems = [
        Problem(f"vocabulary.needs.{need}", f"unknown related need '{other}'")
        for need, info in vocabulary.needs.items()
        for other in info.related
        if other not in vocabulary.needs
    ]
    conversation = (data.get("from_conversation") or {}).copy()
    mapped = {"default_need": conversation.get("default_need")}
    for section in ("intents", "danger"):
        mapped.update({f"{section}.{key}": value for key, value in (conversation.get(section) or {}).items()})
    problems += [
        Problem(f"from_conversation.{key}", f"unknown need tag '{value}'")
        for key, value in mapped.items()
        if value not in vocabulary.needs
    ]
    return problems


def check_registered(entry: dict[str, Any], registry: facts.Registry) -> list[str]:
    """Every source must be in the facts registry, where its publisher and reading date are kept."""
    urls = [str(url) for url in entry.get("sources") or []]
    return [f"source '{url}' is not in the facts registry (data/facts/*.yml)" for url in registry.unregistered(urls)]


def validate(data: dict[str, Any], today: date, registry: facts.Registry | None = None) -> list[Problem]:
    """Every problem in a parsed services file (empty: the file is good). With a facts `registry`,
    every source must also be registered there."""
    if not isinstance(data.get("services"), list) or not data["services"]:
        return [Problem("services", "missing: the file must have a non-empty `services` list")]
    vocabulary = parse(data).vocabulary
    problems = check_vocabulary(data, vocabulary)
    for index, entry in enumerate(data["services"]):
        where = f"services[{index}] {entry.get('id', '?') if isinstance(entry, dict) else '?'}"
        messages = check_service(entry, vocabulary, today)
        if registry is not None and isinstance(entry, dict):
            messages += check_registered(entry, registry)
        problems += [Problem(where, message) for message in messages]
    return problems + check_duplicates(data["services"])


def old_contacts(data: dict[str, Any], today: date) -> list[str]:
    """Shown contacts whose newest source is over three years old ("live_fear_free phone ... (2020)")."""
    found = []
    for entry in data.get("services") or []:
        if not isinstance(entry, dict):
            continue
        for contact in entry.get("contacts") or []:
            when = contact.get("source_date", entry.get("source_date"))
            if contact.get("confirmed", True) and dating.is_old(when, today):
                found.append(f"{entry.get('id')} {contact.get('type')} {contact.get('value')} ({when})")
    return found


def hidden(data: dict[str, Any]) -> list[str]:
    """Services never shown because no contact is confirmed (a warning, not a failure)."""
    return [
        str(entry.get("id"))
        for entry in data.get("services") or []
        if isinstance(entry, dict) and not any(c.get("confirmed", True) for c in entry.get("contacts") or [])
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check the service directory data file.")
    parser.add_argument("--file", type=Path, default=SERVICES_FILE)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today(), help="YYYY-MM-DD (for tests)")
    args = parser.parse_args(argv)
    try:
        data, _ = read_raw(args.file)
    except (OSError, ValueError, yaml.YAMLError) as error:
        print(f"{args.file}: cannot read: {error}", file=sys.stderr)
        return 1
    problems = validate(data, args.today, facts.load())
    for item in problems:
        print(f"{args.file.name}: {item}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {args.file}", file=sys.stderr)
        return 1
    never_shown = ", ".join(hidden(data)) or "none"
    print(
        f"OK: {len(data['services'])} services in {args.file.name}; never shown (no confirmed contact): {never_shown}"
    )
    old = old_contacts(data, args.today)
    print(f"Shown with a warning (newest source over {dating.OLD_AFTER_YEARS} years old): {len(old)}")
    for line in old:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
