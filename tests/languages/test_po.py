"""PO export/import: the round trip loses nothing, and an import cannot change numbers or URLs."""

from __future__ import annotations

import polib
import pytest

from bot.language.locales import locales
from bot.language.po import FUZZY, ImportRefused, export, parse_po
from bot.language.sources import source_hash, sources
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
    assert _served(parse_po(po)) == _served(translations(code))


def _served(table: dict) -> dict:
    """What a person is shown from each entry: its text, buttons, review state and whether it is current."""
    return {ident: (t.text, t.buttons, t.reviewed, t.is_current()) for ident, t in table.items()}


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


def test_status_lists_unreviewed_missing_and_stale(monkeypatch) -> None:
    from bot.language import status as status_module
    from bot.language.store import Translation

    english = sources()[("safety.footer", "default")].text
    footer = Translation("safety.footer", "default", "999.", (), False, False, source_hash(english))
    greet = Translation("utter_greet", "default", "Cześć.", (), False, False, source_hash("old"))
    table = {("safety.footer", "default"): footer, ("utter_greet", "default"): greet}
    monkeypatch.setattr(status_module, "translations", lambda code: table if code == "pl" else {})
    pl = status("pl")
    assert "safety.footer/default" in pl.unreviewed
    assert "utter_answer_euss/default" in pl.missing
    assert pl.needs_update == ["utter_greet/default"]
    text = report(verbose=True)
    assert "pl unreviewed: safety.footer/default" in text and "ar missing:" in text
