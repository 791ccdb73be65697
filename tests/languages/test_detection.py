"""Language detection: the served languages, the romanised forms, and short messages that must
not flip the conversation's language. Synthetic messages written for these tests."""

from __future__ import annotations

import pytest

from bot.language.detect import detect, script_of
from bot.language.memory import LanguageMemory
from bot.language.switch import menu_text, requested

CASES = [
    ("Will the police tell the Home Office about my visa?", "en"),
    ("Czy policja powie o mnie urzędowi imigracyjnemu?", "pl"),
    ("Poliția o să spună la Home Office despre mine?", "ro"),
    ("¿La policía le dirá algo a inmigración sobre mí?", "es"),
    ("A polícia vai contar à imigração sobre mim?", "pt"),
    ("هل ستخبر الشرطة دائرة الهجرة عني؟", "ar"),
    ("کیا پولیس میرے بارے میں امیگریشن کو بتائے گی؟", "ur"),
    ("ਕੀ ਪੁਲਿਸ ਮੇਰੇ ਬਾਰੇ ਦੱਸੇਗੀ", "pa"),
    ("পুলিশ কি আমার কথা জানিয়ে দেবে", "bn"),
    ("kya police meri baat immigration walon ko bata degi", "ur-Latn"),
    ("ki police meri gall immigration waleyan nu dass degi", "pa-Latn"),
    ("police ki amar kotha immigration ke bole dibe", "bn-Latn"),
    ("کی پولیس میرے بارے امیگریشن نوں دس دیوے گی", "pa-Arab"),
]


@pytest.mark.parametrize(("text", "code"), CASES)
def test_each_served_language_is_detected(text: str, code: str) -> None:
    found = detect(text)
    assert found is not None and found.code == code


@pytest.mark.parametrize("text", ["hi", "ok", "yes", "no", "thanks", "hello there", "[name]", "999", "?"])
def test_short_messages_say_nothing(text: str) -> None:
    assert detect(text) is None


def test_detection_is_deterministic() -> None:
    text = "mujhe madad chahiye mera shohar mujhe marta hai"
    assert {detect(text) for _ in range(3)} == {detect(text)}


def test_script_of() -> None:
    assert script_of("hello") == "latin"
    assert script_of("مدد") == "arabic"
    assert script_of("123") == ""


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("English please", "en"),
        ("po polsku", "pl"),
        ("En español", "es"),
        ("اردو", "ur"),
        ("LANG pl", "pl"),
        ("lang bn", "bn"),
        ("LANG Română", "ro"),
        ('/set_language{"code":"ar"}', "ar"),
    ],
)
def test_switch_requests(text: str, code: str) -> None:
    assert requested(text) == code


NOT_SWITCHES = ["I speak Polish and need help", "help", '/set_language{"code":"xx"}', "/set_language{"]


@pytest.mark.parametrize("text", NOT_SWITCHES)
def test_not_switch_requests(text: str) -> None:
    assert requested(text) is None


def test_menu_names_each_language_in_itself() -> None:
    text = menu_text()
    for name in ("Polski", "Română", "اردو", "ਪੰਜਾਬੀ", "বাংলা", "العربية", "Español", "Português"):
        assert name in text


def test_memory_expires_with_the_conversation() -> None:
    now = [0.0]
    memory = LanguageMemory(idle_seconds=60, clock=lambda: now[0])
    memory.set("sender-a", "pl")
    now[0] = 59
    assert memory.get("sender-a") == "pl"
    now[0] = 59 + 61
    assert memory.get("sender-a") is None
