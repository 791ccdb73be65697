"""PO export/import: the round trip loses nothing, and an import cannot change numbers or URLs."""

from __future__ import annotations

import polib
import pytest

from bot.language.locales import locales
from bot.language.po import FUZZY, ImportRefused, export, parse_po
from bot.language.sources import sources
from bot.language.status import report, status
from bot.language.store import translations

CODES = [code for code in locales().translated() if not locales().get(code).fallback]


def _reparsed(po: polib.POFile) -> polib.POFile:
    return polib.pofile(po.__unicode__())


@pytest.mark.parametrize("code", CODES)
def test_round_trip_loses_nothing(code: str) -> None:
    po = _reparsed(export(code))
    assert len(po) == len(sources()) + sum(len(s.buttons) for s in sources().values())
    assert all(entry.comment and entry.msgid for entry in po)  # English source and a context note
    assert parse_po(po) == translations(code)


def test_review_state_travels_as_the_fuzzy_flag() -> None:
    po = _reparsed(export("pl"))
    entry = next(e for e in po if e.msgctxt == "safety.footer|default")
    assert FUZZY in entry.flags
    entry.flags.remove(FUZZY)
    assert parse_po(po)[("safety.footer", "default")].reviewed is True


@pytest.mark.parametrize(
    ("ctxt", "change"),
    [
        ("safety.footer|default", lambda s: s.replace("999", "998")),
        ("safety.suicide|default", lambda s: s.replace("116 123", "116 124")),
        ("safety.delete_failed|default", lambda s: s.replace("{minutes}", "30")),
    ],
)
def test_import_refuses_a_changed_number_or_placeholder(ctxt, change) -> None:
    po = _reparsed(export("es"))
    entry = next(e for e in po if e.msgctxt == ctxt)
    entry.msgstr = change(entry.msgstr)
    with pytest.raises(ImportRefused, match=ctxt.replace("|", r"\|") + ".*refused"):
        parse_po(po)


def test_import_refuses_a_changed_url() -> None:
    po = _reparsed(export("pt"))
    entry = next(e for e in po if e.msgctxt == "utter_language_help|default")
    entry.msgstr = entry.msgid.replace("https://safer.scot", "https://safer.example.com")
    with pytest.raises(ImportRefused, match="URLs differ"):
        parse_po(po)


def test_import_refuses_an_unknown_entry() -> None:
    po = polib.POFile()
    po.append(polib.POEntry(msgctxt="utter_nothing|default", msgid="x", msgstr="y"))
    with pytest.raises(ImportRefused, match="no such English source"):
        parse_po(po)


def test_status_lists_unreviewed_and_missing() -> None:
    pl = status("pl")
    assert "safety.footer/default" in pl.unreviewed
    assert "utter_answer_euss/default" in pl.missing
    text = report(verbose=True)
    assert "pl unreviewed: safety.footer/default" in text and "ar missing:" in text
