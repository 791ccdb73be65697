"""bot/patches.py: every patch in one place, refused on any other Rasa or Sanic version."""

from __future__ import annotations

import logging
import sys
import warnings

import pytest

from bot import patches


def test_the_installed_versions_are_the_ones_the_patches_were_written_for() -> None:
    patches.check_versions()


@pytest.mark.parametrize(("rasa", "sanic"), [("3.6.20", patches.SANIC_VERSION), (patches.RASA_VERSION, "22.12.0")])
def test_another_version_is_refused_with_what_to_do(rasa: str, sanic: str) -> None:
    with pytest.raises(patches.UnsupportedVersion) as refused:
        patches.check_versions(rasa, sanic)
    assert "bot/patches.py" in str(refused.value) and "make setup" in str(refused.value)


def test_the_server_will_not_start_on_another_version(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from bot import server

    monkeypatch.setattr(patches, "RASA_VERSION", "9.9.9")
    with pytest.raises(SystemExit) as refused:
        server.check_patches()
    assert refused.value.code == 2 and "Rasa 9.9.9" in capsys.readouterr().err


def _registries() -> str:
    """Every warning registry of the process, as text (where once-per-text warnings are kept)."""
    kept = [repr(getattr(module, "__warningregistry__", {})) for module in list(sys.modules.values())]
    return repr(getattr(warnings, "onceregistry", {})) + "".join(kept)


def test_rasas_message_quoting_warnings_are_neither_shown_nor_kept(caplog, capsys) -> None:  # type: ignore[no-untyped-def]
    """Security audit finding 1: Rasa warns with the whole "/..." line; nothing of it may stay."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
    from rasa.shared.nlu.training_data.message import Message

    with warnings.catch_warnings():
        warnings.filterwarnings("once", category=UserWarning)  # what Rasa's configure_logging_and_warnings sets
        patches.install_warnings()
        domain = Domain.from_dict({"intents": ["greet"]})
        for line in ("/call_07700900401", '/greet{"nation": "zorbquest-1"}', "/greet@x zorbquest-2"):
            YAMLStoryReader.unpack_regex_message(Message.build(line), domain)
    captured = capsys.readouterr()
    everything = captured.out + captured.err + caplog.text + _registries()
    assert "07700900401" not in everything and "zorbquest" not in everything


def test_other_warnings_go_through_the_scrubbed_log(caplog) -> None:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings(), caplog.at_level(logging.WARNING, logger="py.warnings"):
        patches.install_early()
        patches.install_warnings()
        warnings.warn_explicit("line one\nFORGED ERROR line", UserWarning, "x.py", 1, registry={})
    assert caplog.records and "\n" not in caplog.records[-1].getMessage()


async def test_every_failsafe_store_rasa_creates_keeps_nothing_and_reports() -> None:
    """`install()` patches the class, so the store the agent wraps later is guarded too."""
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.gateway import _TROUBLE, TROUBLE_TRACKER_STORE
    from bot.tracker_store import ForgetfulTrackerStore

    class Down(InMemoryTrackerStore):
        async def save(self, tracker: DialogueStateTracker) -> None:
            raise ConnectionError("down")

    patches.install(2.0)
    store = FailSafeTrackerStore(Down(Domain.empty()))
    trouble: set[str] = set()
    token = _TROUBLE.set(trouble)
    try:
        await store.save(DialogueStateTracker("someone", []))
    finally:
        _TROUBLE.reset(token)
    assert isinstance(store.fallback_tracker_store, ForgetfulTrackerStore) and trouble == {TROUBLE_TRACKER_STORE}
