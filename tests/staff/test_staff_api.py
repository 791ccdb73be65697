"""The staff assist API (`POST /staff/api/assist`) and the pieces behind it.

Unit tests (no marker) check the vocabulary, input validation, the token check and that a query
leaves no conversation behind, with a stand-in agent. Stack tests (`stack`) run against the real
servers: 401s, 400s, and the staff-style queries of tests/staff/queries.yml with their topics,
flags and referrals, and that nothing is stored or logged.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import post_json

HERE = Path(__file__).resolve().parent
QUERIES = yaml.safe_load((HERE / "queries.yml").read_text(encoding="utf-8"))["queries"]
TOKEN = "test-staff-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LABELS = {
    "Independent",
    "Independent (government-funded)",
    "Government",
    "Government contractor",
    "Status not verified",
    "Public body (police complaints)",
}


# ------------------------------------------------------------------------------------------------
# Unit: vocabulary, validation, token
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vocab():
    from bot.web.staff import vocabulary

    return vocabulary()


def test_every_required_abbreviation_is_known(vocab) -> None:
    known = {t.term.upper() for t in vocab.terms}
    for term in ["MVDAC", "DDVC", "APPENDIX VDA", "NRPF", "ILR", "EUSS", "IDVA", "MARAC", "DASH", "HBA", "FM", "FGM"]:
        assert term in known, term


def test_expansion_reads_longest_term_once(vocab) -> None:
    expansion = vocab.expand("Appendix VDA or MVDAC? NRPF")
    assert "Appendix VDA (Appendix Victim of Domestic Abuse" in expansion.text
    assert expansion.text.count("Appendix Victim of Domestic Abuse") == 1
    assert "NRPF (no recourse to public funds)" in expansion.text
    assert [t.term for t in expansion.terms] == ["Appendix VDA", "MVDAC", "NRPF"]


def test_expansion_respects_case_and_word_boundaries(vocab) -> None:
    assert vocab.expand("he is dashing off, da da").terms == ()
    assert [t.term for t in vocab.expand("DA and HO").terms] == ["DA", "HO"]


def test_danger_is_read_in_staff_shorthand_and_third_person(vocab) -> None:
    assert "forced_marriage_travel" in vocab.danger_kinds("FM, flight booked for next week")
    assert "suicide" in vocab.danger_kinds("caller says she wants to end her life")
    assert "strangulation" in vocab.danger_kinds("husband put his hands round her neck")
    assert vocab.danger_kinds("caller spouse visa, husband British, wants to leave, NRPF") == []


def test_immigration_words_are_found(vocab) -> None:
    expansion = vocab.expand("caller spouse visa, NRPF")
    assert set(vocab.mentions_immigration(expansion.text, expansion.terms)) == {"NRPF", "spouse visa"}


@pytest.mark.parametrize(
    "body, words",
    [
        ({}, 'Missing "query"'),
        ({"query": 3}, '"query" must be a string'),
        ({"query": "   "}, '"query" is empty'),
        ({"query": "x" * 1001}, "too long"),
        ({"query": "x", "nation": "france"}, '"nation" must be one of'),
        ({"query": "x", "nation": 4}, '"nation" must be one of'),
        ({"query": "x", "language": ["polish"]}, '"language" must be'),
        ({"query": "x", "needs": "fgm"}, '"needs" must be a list'),
        ({"query": "x", "needs": ["cats"]}, 'Unknown value in "needs"'),
        ({"query": "x", "sender": "abc"}, "Unknown field(s): sender"),
    ],
)
def test_bad_bodies_say_what_is_wrong(vocab, body: dict, words: str) -> None:
    from bot.web.staff import BadRequest, parse_assist

    with pytest.raises(BadRequest) as problem:
        parse_assist(body, vocab)
    assert words in str(problem.value)
    assert problem.value.status == 400


def test_good_body_is_normalised(vocab) -> None:
    from bot.web.staff import parse_assist

    parsed = parse_assist({"query": "q", "nation": "Northern Ireland", "language": "Polski", "needs": ["FGM"]}, vocab)
    assert (parsed.nation, parsed.language, parsed.needs) == ("northern_ireland", "polish", ("fgm",))
    unknown = parse_assist({"query": "q", "language": "Klingon"}, vocab)
    assert unknown.language is None and "not recognised" in unknown.notes[0]


def test_token_check() -> None:
    from bot.web.staff import token_matches

    assert token_matches("Bearer s3cret", "s3cret")
    assert token_matches("bearer  s3cret ", "s3cret")
    assert not token_matches("Bearer s3cre", "s3cret")
    assert not token_matches("Basic s3cret", "s3cret")
    assert not token_matches(None, "s3cret")
    assert not token_matches("Bearer ", "")  # no token configured: nobody gets in


# ------------------------------------------------------------------------------------------------
# Unit: one query leaves nothing behind (stand-in agent, real gateway and tracker store)
# ------------------------------------------------------------------------------------------------


class StandInAgent:
    """Just enough of rasa's Agent: parses to a fixed intent; as the turn's action runner, stores a
    tracker (so forgetting it is checked) and answers the referral action with a payload."""

    def __init__(self, fail: bool = False) -> None:
        from rasa.shared.core.domain import Domain

        from bot.tracker_store import ExpiringInMemoryTrackerStore

        self.domain = Domain.from_dict(
            {
                "responses": {
                    "utter_answer_nrpf": [
                        {"text": "NRPF answer. Get advice from a regulated immigration adviser."},
                        {"channel": "twilio", "text": "Short NRPF answer."},
                    ]
                }
            }
        )
        self.tracker_store = ExpiringInMemoryTrackerStore(self.domain)
        self.fail = fail
        self.seen: list[Any] = []
        self.actions: list[str] = []

    def is_ready(self) -> bool:
        return True

    async def parse_message(self, text: str) -> dict[str, Any]:
        ranking = [{"name": "ask_nrpf", "confidence": 0.93}, {"name": "ask_immigration_options", "confidence": 0.05}]
        return {"text": text, "intent": ranking[0], "intent_ranking": ranking, "entities": []}

    async def run_action(self, name: str, tracker, output) -> list[Any]:  # type: ignore[no-untyped-def]
        from rasa.shared.core.events import BotUttered

        self.actions.append(name)
        if name != "action_refer":
            return []
        self.seen.append(tracker.latest_message)
        await self.tracker_store.save(tracker)
        if self.fail:
            raise RuntimeError("the model broke")
        referrals = [{"name": f"Service {i}", "phone": "0808 000 000", "kind": "independent_charity"} for i in range(4)]
        return [BotUttered("NRPF answer."), BotUttered(data={"custom": {"referrals": referrals}})]


def _request(**fields: Any):  # type: ignore[no-untyped-def]
    from bot.web.staff import AssistRequest

    return AssistRequest(**{"query": "caller spouse visa, NRPF", **fields})


async def test_a_query_leaves_no_conversation_behind(vocab) -> None:
    from bot.gateway import Gateway
    from bot.web.staff import StaffAssist

    agent = StandInAgent()
    result = await StaffAssist(Gateway(), vocab, agent).assist(_request(nation="wales", language="polish"), agent)
    assert list(await agent.tracker_store.keys()) == []
    assert result["answer_topic"] == "ask_nrpf" and result["say_this"] == "Short NRPF answer."
    assert result["needs_regulated_adviser"] and len(result["referrals"]) == 4
    entities = {e["entity"]: e["value"] for e in agent.seen[0].parse_data["entities"]}
    assert entities == {"nation": "wales", "language": "polish"}
    assert agent.seen[0].input_channel == "staff"


async def test_a_failing_turn_still_leaves_nothing_and_keeps_the_helplines(vocab) -> None:
    from bot.gateway import Gateway
    from bot.web.staff import StaffAssist

    agent = StandInAgent(fail=True)
    result = await StaffAssist(Gateway(), vocab, agent).assist(_request(query="she wants to end her life"), agent)
    assert list(await agent.tracker_store.keys()) == []
    assert result["danger"]["present"] and "999" in result["danger"]["steps"]
    assert len(result["referrals"]) >= 3


async def test_danger_found_only_by_the_staff_reading_reaches_the_turn(vocab) -> None:
    from bot.gateway import Gateway
    from bot.web.staff import StaffAssist

    agent = StandInAgent()
    await StaffAssist(Gateway(), vocab, agent).assist(_request(query="FM, flight booked for next week"), agent)
    parse = agent.seen[0].parse_data
    assert parse["intent"]["name"] == "danger_now"
    assert {"entity": "danger", "value": "forced_marriage_travel"}.items() <= parse["entities"][0].items()


def test_low_confidence_and_small_talk_give_no_answer(vocab) -> None:
    from bot.web.staff import LOW_CONFIDENCE, topics_from

    parse = {"intent_ranking": [{"name": "affirm", "confidence": 0.9}, {"name": "ask_nrpf", "confidence": 0.1}]}
    assert not vocab.answerable(topics_from(parse, vocab)[0]["intent"])
    weak = {"intent_ranking": [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "ask_nrpf", "confidence": 0.3}]}
    assert topics_from(weak, vocab)[0] == {
        "intent": "ask_nrpf",
        "name": vocab.topic_name("ask_nrpf"),
        "confidence": 0.3,
    }
    assert LOW_CONFIDENCE > 0.3


# ------------------------------------------------------------------------------------------------
# Stack: the real servers
# ------------------------------------------------------------------------------------------------


def _assist_url(stack) -> str:  # type: ignore[no-untyped-def]
    return f"{stack.url}/staff/api/assist"


def _raw_post(url: str, data: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _get_json(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.mark.stack
@pytest.mark.parametrize(
    "headers, words",
    [
        ({}, "Missing token"),
        ({"Authorization": "Bearer not-the-token"}, "Wrong token"),
        ({"Authorization": f"Basic {TOKEN}"}, "Wrong token"),
        ({"Authorization": TOKEN}, "Wrong token"),
    ],
)
def test_missing_or_wrong_token_is_401(stack, headers: dict[str, str], words: str) -> None:
    status, body = post_json(_assist_url(stack), {"query": "NRPF"}, headers)
    assert status == 401 and words in body["error"]


@pytest.mark.stack
def test_401_comes_before_looking_at_the_body(stack) -> None:
    status, body = _raw_post(_assist_url(stack), b"not json", {"Content-Type": "text/plain"})
    assert status == 401 and "token" in body["error"]


@pytest.mark.stack
@pytest.mark.parametrize(
    "data, content_type, words",
    [
        (b"not json at all", "application/json", "not valid JSON"),
        (b'{"query": "NRPF"}', "text/plain", "Content-Type: application/json"),
        (b"[1, 2]", "application/json", "Send a JSON object"),
        (b"{}", "application/json", 'Missing "query"'),
        (b'{"query": 42}', "application/json", '"query" must be a string'),
        (json.dumps({"query": "x" * 1001}).encode(), "application/json", "too long"),
        (b'{"query": "NRPF", "nation": "atlantis"}', "application/json", '"nation" must be one of'),
        (b'{"query": "NRPF", "needs": "fgm"}', "application/json", '"needs" must be a list'),
    ],
)
def test_malformed_input_is_400_with_a_clear_message(stack, data: bytes, content_type: str, words: str) -> None:
    status, body = _raw_post(_assist_url(stack), data, {"Content-Type": content_type, **AUTH})
    assert status == (400 if content_type == "application/json" else 415), body
    assert words in body["error"]


def _check_referrals(result: dict[str, Any], expected: list[str] | None) -> None:
    referrals = result["referrals"]
    assert 3 <= len(referrals) <= 5, referrals
    for referral in referrals:
        assert referral["name"] and (referral["phone"] or referral["web"] or referral["text"]), referral
        assert referral["label"] in LABELS, referral
    if expected:
        names = " | ".join(r["name"].lower() for r in referrals)
        assert any(word.lower() in names for word in expected), f"none of {expected} in {names}"


REFERRAL_ONLY = {"find_help", "inform_nation"}  # answered by the referrals alone


def _check_answer(result: dict[str, Any]) -> None:
    if result["low_confidence"]:
        assert result["answer"] is None and result["answer_topic"] is None
        return
    assert result["answer"] or result["answer_topic"] in REFERRAL_ONLY, result
    if (result["sources"] or {}).get("links"):
        assert result["sources"]["reviewed"]


@pytest.mark.stack
@pytest.mark.parametrize("case", QUERIES, ids=[q["query"][:50] for q in QUERIES])
def test_staff_query(stack, case: dict[str, Any]) -> None:
    body = {"query": case["query"], **{k: case[k] for k in ("nation", "language", "needs") if k in case}}
    status, result = post_json(_assist_url(stack), body, AUTH)
    assert status == 200, result
    flagged = [flag["kind"] for flag in result["danger"]["flags"]]
    expected = case.get("danger")
    if expected:
        assert set(expected) <= set(flagged), flagged
        assert "999" in result["danger"]["steps"]
    elif expected is not None:
        assert flagged == [], flagged
    if case.get("topic"):
        assert not result["low_confidence"], result["topics"]
        assert result["answer_topic"] in case["topic"], result["topics"]
    if case.get("low"):
        assert result["low_confidence"] and result["answer"] is None, result["topics"]
        assert result["topics"], "closest topics must be shown"
    if "adviser" in case:
        assert result["needs_regulated_adviser"] is case["adviser"], result["adviser_reasons"]
    _check_answer(result)
    _check_referrals(result, case.get("referral"))


@pytest.mark.stack
def test_answer_has_sources_and_say_this(stack) -> None:
    status, result = post_json(_assist_url(stack), {"query": "no recourse, no money for food, council says no"}, AUTH)
    assert status == 200
    assert result["answer_topic"] in ("ask_nrpf", "topic_money")
    assert result["sources"]["links"] and result["sources"]["reviewed"]
    assert result["say_this"] and len(result["say_this"]) < len(result["answer"])
    status, result = post_json(_assist_url(stack), {"query": "NRPF, 2 kids, refuge refused, s17?"}, AUTH)
    assert {"term": "NRPF", "meaning": "no recourse to public funds"} in result["terms"]


@pytest.mark.stack
def test_nothing_is_stored_or_logged_after_a_query(stack) -> None:
    status, before = _get_json(f"{stack.url}/staff/api/status", AUTH)
    assert status == 200 and before["ready"]
    marker = "caller quokkamarker spouse visa 07700 900123, NRPF"
    assert post_json(_assist_url(stack), {"query": marker}, AUTH)[0] == 200
    post_json(_assist_url(stack), {"query": "x"}, {"Authorization": "Bearer wrong-token-zebra"})
    status, after = _get_json(f"{stack.url}/staff/api/status", AUTH)
    assert after["conversations_held"] <= before["conversations_held"]
    for log in Path(stack.log_dir).glob("*.log"):
        text = log.read_text(encoding="utf-8", errors="replace")
        for secret in ("quokkamarker", "07700 900123", TOKEN, "wrong-token-zebra"):
            assert secret not in text, f"{secret} in {log.name}"


@pytest.mark.stack
def test_status_needs_the_token(stack) -> None:
    assert _get_json(f"{stack.url}/staff/api/status")[0] == 401


@pytest.mark.stack
def test_console_page_loads_without_token_and_has_no_inline_script(stack) -> None:
    with urllib.request.urlopen(f"{stack.url}/staff/", timeout=10) as reply:
        page = reply.read().decode()
        csp = reply.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert '<script src="/staff/static/staff.js"' in page and "<script>" not in page and "style=" not in page
    assert 'value="immigration_advice"' in page  # needs filled in from data/staff_terms.yml
    for name, kind in (("staff.js", "javascript"), ("staff.css", "css")):
        with urllib.request.urlopen(f"{stack.url}/staff/static/{name}", timeout=10) as reply:
            assert kind in reply.headers["Content-Type"]


async def test_a_query_is_one_parse_and_one_referral_action(vocab) -> None:
    from bot.gateway import Gateway
    from bot.web.staff import StaffAssist

    agent = StandInAgent()
    result = await StaffAssist(Gateway(), vocab, agent).assist(_request(), agent)
    assert agent.actions == ["action_extract_slots", "action_refer"]
    assert not result["degraded"] and result["conversation_deleted"]


def test_referral_labels_come_from_the_one_table_of_kinds() -> None:
    from bot.web.staff.referrals import kind_label, kind_labels

    kinds = yaml.safe_load((HERE.parent.parent / "data" / "services.yml").read_text(encoding="utf-8"))
    listed = kinds["vocabulary"]["kinds"]
    assert set(kind_labels()) == set(listed)
    assert {kind_label(kind) for kind in listed} == LABELS
    assert kind_label("a_kind_nobody_listed") == "Status not verified"


@pytest.mark.stack
def test_the_one_shot_turn_sets_slots_from_the_query_and_is_not_degraded(stack) -> None:
    """Rasa's slot extraction runs on the one-shot turn: a place in the query sets the nation, so the
    action sends no line per nation; without one it does. Neither is a degraded answer."""
    status, placed = post_json(_assist_url(stack), {"query": "caller needs DA support in Cardiff"}, AUTH)
    assert status == 200 and not placed["degraded"] and placed["conversation_deleted"]
    assert placed["national_lines"] == [], placed["national_lines"]
    status, unplaced = post_json(_assist_url(stack), {"query": "caller needs DA support"}, AUTH)
    assert status == 200 and not unplaced["degraded"]
    assert len(unplaced["national_lines"]) == 4, unplaced["national_lines"]
