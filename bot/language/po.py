"""Translator workflow: every string exported to gettext PO with its English source and a context
note, and imported back. `make translations-export` / `make translations-import` (PO_DIR).

One entry per string: msgctxt "<key>|<variant>" (a button: "<key>|<variant>|button<n>"), msgid the
English, msgstr the translation. The "fuzzy" flag means no native speaker has reviewed it (a
reviewer clears it); "needs-update" marks English being rewritten. Import refuses any entry whose
numbers, URLs or placeholders differ from the English, naming the entry and what differs."""

from __future__ import annotations

import sys
from pathlib import Path

import polib

from bot.language.integrity import problems
from bot.language.locales import locales
from bot.language.sources import Source, source_hash, sources
from bot.language.store import Translation, dump, load_file, translation_file
from contract.channels import TWILIO

FUZZY = "fuzzy"
NEEDS_UPDATE = "needs-update"
UCS2_NOTE = "SMS: keep it short (non-Latin scripts: at most 67 characters a part, 3 parts)."
GENERAL_NOTE = "Keep every number, URL and {placeholder} exactly; do not translate service names."


class ImportRefused(ValueError):
    """A PO entry that would change numbers, URLs or placeholders, or has no English source."""


def _note(source: Source, button: int | None) -> str:
    where = f"button {button + 1} of {source.key}" if button is not None else source.key
    channel = UCS2_NOTE if source.channel == TWILIO else "Web chat text (may use line breaks)."
    return f"{where} ({source.variant}). {channel} {GENERAL_NOTE}"


def _entry(source: Source, translation: Translation | None, button: int | None = None) -> polib.POEntry:
    english = source.text if button is None else source.buttons[button]
    text = ""
    if translation is not None:
        text = translation.text if button is None else _button(translation, button)
    ctxt = f"{source.key}|{source.variant}" + ("" if button is None else f"|button{button}")
    flags = []
    if translation is not None and not translation.reviewed:
        flags.append(FUZZY)
    if translation is not None and not translation.is_current():
        flags.append(NEEDS_UPDATE)  # marked, or its English changed since it was translated
    return polib.POEntry(msgctxt=ctxt, msgid=english, msgstr=text, comment=_note(source, button), flags=flags)


def _button(translation: Translation, index: int) -> str:
    return translation.buttons[index] if index < len(translation.buttons) else ""


def export(code: str, have: dict[tuple[str, str], Translation] | None = None) -> polib.POFile:
    have = load_file(translation_file(code)) if have is None else have
    po = polib.POFile()
    po.metadata = {"Language": code, "Content-Type": "text/plain; charset=UTF-8", "Project-Id-Version": "Safe to Ask"}
    for ident, source in sorted(sources().items()):
        po.append(_entry(source, have.get(ident)))
        for index in range(len(source.buttons)):
            po.append(_entry(source, have.get(ident), index))
    return po


def _checked(entry: polib.POEntry) -> tuple[tuple[str, str], int | None]:
    parts = (entry.msgctxt or "").split("|")
    ident = (parts[0], parts[1] if len(parts) > 1 else "")
    source = sources().get(ident)
    if source is None:
        raise ImportRefused(f"{entry.msgctxt}: no such English source (was it renamed?)")
    button = int(parts[2].removeprefix("button")) if len(parts) > 2 else None
    english = source.text if button is None else source.buttons[button]
    found = problems(english, entry.msgstr)
    if found:
        raise ImportRefused(f"{entry.msgctxt}: refused, {'; '.join(found)}. Keep them exactly as in the English.")
    return ident, button


def parse_po(po: polib.POFile) -> dict[tuple[str, str], Translation]:
    """The translations in a PO file; raises ImportRefused on the first entry that may not go in."""
    texts: dict[tuple[str, str], polib.POEntry] = {}
    buttons: dict[tuple[str, str], dict[int, str]] = {}
    for entry in po:
        if not entry.msgstr or entry.obsolete:
            continue
        ident, button = _checked(entry)
        if button is None:
            texts[ident] = entry
        else:
            buttons.setdefault(ident, {})[button] = entry.msgstr
    out: dict[tuple[str, str], Translation] = {}
    for ident, entry in texts.items():
        titles = buttons.get(ident, {})
        complete = len(titles) == len(sources()[ident].buttons)
        out[ident] = Translation(
            key=ident[0],
            variant=ident[1],
            text=entry.msgstr,
            buttons=tuple(titles[i] for i in sorted(titles)) if complete else (),
            reviewed=FUZZY not in entry.flags,
            needs_update=NEEDS_UPDATE in entry.flags,
            source="" if NEEDS_UPDATE in entry.flags else source_hash(sources()[ident].text),
        )
    return out


def import_file(code: str, path: Path) -> int:
    """Replace data/translations/<code>.yml with the PO file's translations; the count imported."""
    found = parse_po(polib.pofile(str(path)))
    header = f"# {locales().get(code).english_name} translations, imported from {path.name}.\n"
    translation_file(code).write_text(header + dump(found), encoding="utf-8")
    return len(found)


def main(argv: list[str]) -> int:
    command, directory = argv[0], Path(argv[1])
    directory.mkdir(parents=True, exist_ok=True)
    for code in locales().translated():
        if locales().get(code).fallback:
            continue
        path = directory / f"{code}.po"
        if command == "export":
            export(code).save(str(path))
            print(f"wrote {path}")
        elif path.exists():
            try:
                print(f"{code}: imported {import_file(code, path)} translations from {path}")
            except ImportRefused as error:
                print(f"{code}: {error}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
