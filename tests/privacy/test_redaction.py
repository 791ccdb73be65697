"""Redaction at the edge: what must go, what must stay, and properties of the formats.

All personal data here is synthetic: phone numbers from Ofcom's drama ranges, example.com emails,
invented names (Zorbina Quillfeather, Brennick Stoat), example postcodes and identity numbers.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.danger import detect_danger
from bot.redaction import PLACEHOLDER, digits_of, redact, service_numbers, warm_up

ROOT = Path(__file__).resolve().parents[2]
warm_up()  # word lists and service numbers load once, not inside a timed hypothesis example

# (message, values that must not survive, the placeholder kind expected)
MUST_REDACT: list[tuple[str, tuple[str, ...], str]] = [
    # --- phone numbers: mobiles (Ofcom drama range 07700 900000-900999) in every common format
    ("my number is 07700 900123", ("07700 900123",), "phone"),
    ("07700900124", ("07700900124",), "phone"),
    ("text me on 07700-900-125", ("07700-900-125",), "phone"),
    ("call 07700 900 126 after 6", ("07700 900 126",), "phone"),
    ("mob: 07700.900.127", ("07700.900.127",), "phone"),
    ("(07700) 900128 is my mobile", ("(07700) 900128",), "phone"),
    ("+44 7700 900129", ("+44 7700 900129",), "phone"),
    ("+447700900130", ("+447700900130",), "phone"),
    ("+44 (0) 7700 900131", ("+44 (0) 7700 900131",), "phone"),
    ("+44(0)7700900132", ("+44(0)7700900132",), "phone"),
    ("0044 7700 900133", ("0044 7700 900133",), "phone"),
    ("0044 (0)7700 900 134", ("0044 (0)7700 900 134",), "phone"),
    ("+44 07700 900135 (people write the 0 too)", ("+44 07700 900135",), "phone"),
    ("his phone is +44-7700-900-136", ("+44-7700-900-136",), "phone"),
    ("ring me on 0 7 7 0 0 9 0 0 1 3 7", ("0 7 7 0 0 9 0 0 1 3 7",), "phone"),
    ("my number is 07700 900138 but he checks my phone", ("07700 900138",), "phone"),
    ("He texts me from 07700900139 every night", ("07700900139",), "phone"),
    ("numbers: 07700 900140, 07700 900141", ("07700 900140", "07700 900141"), "phone"),
    ("07700 900142 07700 900143", ("07700 900142", "900143"), "phone"),
    ("07700900144 +44 7700 900145", ("07700900144", "900145"), "phone"),
    # --- landlines in the drama ranges, with brackets, spaces and dashes
    ("020 7946 0000", ("020 7946 0000",), "phone"),
    ("(020) 7946 0001", ("(020) 7946 0001",), "phone"),
    ("+44 20 7946 0002", ("+44 20 7946 0002",), "phone"),
    ("+44 (0)20 7946 0003", ("+44 (0)20 7946 0003",), "phone"),
    ("020-7946-0004", ("020-7946-0004",), "phone"),
    ("0113 496 0005", ("0113 496 0005",), "phone"),
    ("0114 4960006", ("0114 4960006",), "phone"),
    ("(0115) 496 0007", ("(0115) 496 0007",), "phone"),
    ("0116-496-0008", ("0116-496-0008",), "phone"),
    ("0117 496 0009 is my work", ("0117 496 0009",), "phone"),
    ("0121 496 0010", ("0121 496 0010",), "phone"),
    ("0131 496 0011", ("0131 496 0011",), "phone"),
    ("0141 496 0012", ("0141 496 0012",), "phone"),
    ("0151 496 0013", ("0151 496 0013",), "phone"),
    ("0161 496 0014", ("0161 496 0014",), "phone"),
    ("0191 498 0015", ("0191 498 0015",), "phone"),
    ("028 9649 6016", ("028 9649 6016",), "phone"),
    ("029 2018 0017", ("029 2018 0017",), "phone"),
    ("01632 960018", ("01632 960018",), "phone"),
    ("+44 1632 960019", ("+44 1632 960019",), "phone"),
    ("03069 990020", ("03069 990020",), "phone"),
    ("08081 570021", ("08081 570021",), "phone"),
    # --- phone numbers from abroad
    ("my mum's number in Poland is +48 512 345 678", ("+48 512 345 678",), "phone"),
    ("+1 202 555 0143", ("+1 202 555 0143",), "phone"),
    ("00 234 803 123 4567", ("803 123 4567",), "phone"),
    # --- emails (example.com only)
    ("zorbina@example.com", ("zorbina@example.com",), "email"),
    ("email me at zorbina.quillfeather+safe@example.com please", ("zorbina.quillfeather+safe@example.com",), "email"),
    ("Z.Quill_feather@example.co.uk", ("Z.Quill_feather@example.co.uk",), "email"),
    ("his email: brennick.stoat@mail.example.org.", ("brennick.stoat@mail.example.org",), "email"),
    ("ZORBINA99@EXAMPLE.COM", ("ZORBINA99@EXAMPLE.COM",), "email"),
    ("o'quill@example.com", ("o'quill@example.com",), "email"),
    ("zorbina at example dot com", ("zorbina at example",), "email"),
    ("zorbina [at] example [dot] com", ("zorbina [at] example",), "email"),
    ("zorbina(at)example(dot)co(dot)uk", ("zorbina(at)example",), "email"),
    ("my email is 1990zq@example.net", ("1990zq@example.net",), "email"),
    # --- online handles and profile links
    ("my instagram is @zorbina_q", ("zorbina_q",), "username"),
    ("he posted it on facebook.com/brennick.stoat", ("brennick.stoat",), "username"),
    ("https://www.instagram.com/zorbina.quill/", ("zorbina.quill",), "username"),
    # --- postcodes
    ("my postcode is SW1A 1AA", ("SW1A 1AA",), "postcode"),
    ("CF10 1AA", ("CF10 1AA",), "postcode"),
    ("near M1 1AE", ("M1 1AE",), "postcode"),
    ("B33 8TH", ("B33 8TH",), "postcode"),
    ("cr2 6xh", ("cr2 6xh",), "postcode"),
    ("DN55 1PT", ("DN55 1PT",), "postcode"),
    ("EC1A1BB", ("EC1A1BB",), "postcode"),
    ("W1A 0AX", ("W1A 0AX",), "postcode"),
    ("BT1 5GS belfast", ("BT1 5GS",), "postcode"),
    ("EH1 1YZ", ("EH1 1YZ",), "postcode"),
    ("i live in ls1 4ap", ("ls1 4ap",), "postcode"),
    ("NE1 7RU", ("NE1 7RU",), "postcode"),
    ("G2  1DU", ("G2  1DU",), "postcode"),
    # --- street addresses
    ("I live at 12 Acacia Road", ("12 Acacia Road",), "address"),
    ("flat 3, 7 High Street", ("flat 3", "7 High Street"), "address"),
    ("Flat 3b, 27 Acacia Avenue, Cardiff", ("3b", "27 Acacia Avenue"), "address"),
    ("22b Baker Street", ("22b Baker Street",), "address"),
    ("he lives at 4 Zorbin Close", ("4 Zorbin Close",), "address"),
    ("The house is 57 Quillfeather Lane", ("57 Quillfeather Lane",), "address"),
    ("9 Wisteria Gardens", ("9 Wisteria Gardens",), "address"),
    ("101 Larkspur Crescent", ("101 Larkspur Crescent",), "address"),
    ("3 Elm Grove", ("3 Elm Grove",), "address"),
    ("14 Primrose Hill", ("14 Primrose Hill",), "address"),
    ("apartment 12, 40 Canal Street", ("apartment 12", "40 Canal Street"), "address"),
    ("12 acacia rd", ("12 acacia rd",), "address"),
    ("I'm at 7 Larch Way", ("7 Larch Way",), "address"),
    ("88 Zorbin Court", ("88 Zorbin Court",), "address"),
    ("I live on Acacia Road", ("Acacia Road",), "address"),
    ("12-14 Quillfeather Terrace", ("12-14 Quillfeather Terrace",), "address"),
    ("5 St Quill's Mews", ("5 St Quill's Mews",), "address"),
    # --- names given as names
    ("my name is Zorbina", ("Zorbina",), "name"),
    ("My name is Zorbina Quillfeather and I need help", ("Zorbina", "Quillfeather"), "name"),
    ("my name is zorbina quillfeather i need help", ("zorbina", "quillfeather"), "name"),
    ("my name's Zorbina", ("Zorbina",), "name"),
    ("my names zorbina", ("zorbina",), "name"),
    ("I'm called Zorbina", ("Zorbina",), "name"),
    ("im called zorbina", ("zorbina",), "name"),
    ("I am called Zorbina", ("Zorbina",), "name"),
    ("call me Zorbina", ("Zorbina",), "name"),
    ("you can call me Zee", ("Zee",), "name"),
    ("Hi. Call me Zorbina.", ("Zorbina",), "name"),
    ("my husband Tarquinius hits me", ("Tarquinius",), "name"),
    ("my husband, Tarquinius, hits me", ("Tarquinius",), "name"),
    ("my husband tarquinius hits me", ("tarquinius",), "name"),
    ("my son Ali", ("Ali",), "name"),
    ("my daughter Amira is 6", ("Amira",), "name"),
    ("my wife Grace controls the money", ("Grace",), "name"),
    ("my boyfriend jaxon took my passport", ("jaxon",), "name"),
    ("my ex Brennick Stoat follows me", ("Brennick", "Stoat"), "name"),
    ("my mother-in-law Farzaneh keeps my documents", ("Farzaneh",), "name"),
    ("my landlord Brennick Stoat", ("Brennick", "Stoat"), "name"),
    ("my sister Yusra and my brother Tariq", ("Yusra", "Tariq"), "name"),
    ("my boss Mr Quillfeather has my passport", ("Quillfeather",), "name"),
    ("Mrs Quillfeather", ("Quillfeather",), "name"),
    ("Dr Zorbin Vask", ("Zorbin", "Vask"), "name"),
    ("this is Maria", ("Maria",), "name"),
    ("This is Zorbina speaking", ("Zorbina",), "name"),
    ("hi, I'm Zorbina", ("Zorbina",), "name"),
    ("hello im zorbina", ("zorbina",), "name"),
    ("I am Zorbina", ("Zorbina",), "name"),
    ("I'm Zorbina Quillfeather from Leeds", ("Zorbina", "Quillfeather"), "name"),
    ("his name is Brennick", ("Brennick",), "name"),
    ("her name's Yusra", ("Yusra",), "name"),
    ("the abuser's name is Brennick Stoat", ("Brennick", "Stoat"), "name"),
    ("my husband's name is Brennick", ("Brennick",), "name"),
    ("name: Zorbina", ("Zorbina",), "name"),
    ("he is called Brennick", ("Brennick",), "name"),
    ("a man called Brennick keeps calling", ("Brennick",), "name"),
    ("she's named Yusra", ("Yusra",), "name"),
    ("me llamo Zorbina", ("Zorbina",), "name"),
    ("je m'appelle Zorbina", ("Zorbina",), "name"),
    ("my name is Анна", ("Анна",), "name"),
    ("my name is محمد", ("محمد",), "name"),
    ("my name is O'Quillfeather", ("O'Quillfeather",), "name"),
    ("my name is Jean-Zorbin", ("Jean-Zorbin",), "name"),
    ("my name is Zorbina de Souza", ("Zorbina", "Souza"), "name"),
    ("Zorbina Quillfeather hit me", ("Zorbina", "Quillfeather"), "name"),
    ("yesterday Brennick Stoat came to the house", ("Brennick", "Stoat"), "name"),
    # --- dates of birth
    ("born on 3 March 1990", ("3 March 1990",), "date of birth"),
    ("DOB 03/03/1990", ("03/03/1990",), "date of birth"),
    ("dob: 3/3/90", ("3/3/90",), "date of birth"),
    ("D.O.B. 1990-03-03", ("1990-03-03",), "date of birth"),
    ("my date of birth is 03.03.1990", ("03.03.1990",), "date of birth"),
    ("date of birth: 3rd of March 1990", ("3rd of March 1990",), "date of birth"),
    ("I was born 12/05/1988", ("12/05/1988",), "date of birth"),
    ("born on the 12th of May 1988", ("12th of May 1988",), "date of birth"),
    ("my birthday is 3 March", ("3 March",), "date of birth"),
    ("birthday: 03/03", ("03/03",), "date of birth"),
    ("born March 3, 1990", ("March 3, 1990",), "date of birth"),
    ("born in March 1990", ("March 1990",), "date of birth"),
    ("my DOB is 1st Jan 1985", ("1st Jan 1985",), "date of birth"),
    ("03/03/1990", ("03/03/1990",), "date of birth"),
    ("Zorbina, 3 March 1990", ("3 March 1990",), "date of birth"),
    ("12.05.1988", ("12.05.1988",), "date of birth"),
    # --- passport, BRP, National Insurance, Home Office references
    ("passport 123456789", ("123456789",), "id number"),
    ("passport number: 987654321", ("987654321",), "id number"),
    ("my passport no is AB1234567", ("AB1234567",), "id number"),
    ("BRP ZU1234567", ("ZU1234567",), "id number"),
    ("BRP number ZR 1234567", ("1234567",), "id number"),
    ("my brp is rf9876543", ("rf9876543",), "id number"),
    ("NI number QQ 12 34 56 C", ("QQ 12 34 56 C",), "id number"),
    ("QQ123456C", ("QQ123456C",), "id number"),
    ("national insurance number qq123456c", ("qq123456c",), "id number"),
    ("NINO: AB 12 34 56 D", ("AB 12 34 56 D",), "id number"),
    ("HO ref X1234567", ("X1234567",), "id number"),
    ("Home Office reference: B1234567", ("B1234567",), "id number"),
    ("GWF012345678", ("GWF012345678",), "id number"),
    ("my GWF number is GWF 012 345 678", ("012 345 678",), "id number"),
    ("UAN 1234-5678-9012-3456", ("1234-5678-9012-3456",), "id number"),
    ("application number 1234 5678 9012 3456", ("1234 5678 9012 3456",), "id number"),
    ("case ID 7654321", ("7654321",), "id number"),
    ("share code W2X 3YZ 4AB", ("W2X 3YZ 4AB",), "id number"),
    ("crime reference 12/34567/26", ("12/34567/26",), "id number"),
    ("NHS number 943 476 5919", ("943 476 5919",), "id number"),
    ("driving licence QUILL901015ZQ9AB", ("QUILL901015ZQ9AB",), "id number"),
    ("his car is AB12 CDE", ("AB12 CDE",), "id number"),
    ("123456789GBR", ("123456789GBR",), "id number"),
    # --- bank cards, accounts and sort codes
    ("card 4111 1111 1111 1111", ("4111 1111 1111 1111",), "bank details"),
    ("4111-1111-1111-1111", ("4111-1111-1111-1111",), "bank details"),
    ("5500 0000 0000 0004", ("5500 0000 0000 0004",), "bank details"),
    ("my card number is 4111111111111111", ("4111111111111111",), "bank details"),
    ("account number 12345678", ("12345678",), "bank details"),
    ("acc no 87654321", ("87654321",), "bank details"),
    ("sort code 12-34-56", ("12-34-56",), "bank details"),
    ("sort code 123456", ("123456",), "bank details"),
    ("sort code: 12 34 56", ("12 34 56",), "bank details"),
    ("account 12345678 sort code 20-00-00", ("12345678", "20-00-00"), "bank details"),
    ("IBAN GB82 WEST 1234 5698 7654 32", ("1234 5698 7654 32",), "bank details"),
    ("his bank details are 20-00-00 / 12345678", ("20-00-00", "12345678"), "bank details"),
]

MUST_KEEP: list[str] = [
    # places: the answer depends on the nation
    "I live in Cardiff",
    "I'm in Glasgow",
    "I moved to Belfast last year",
    "we live near Swansea",
    "I'm from Leeds",
    "I'm in London and scared",
    "I live in Newport",
    "I'm in Milton Keynes",
    "I live in Merthyr Tydfil",
    "we are in Stoke on Trent",
    "Is help different in Northern Ireland?",
    "I'm in Scotland",
    "I live in Wales",
    # years, durations, ages
    "my visa expired in 2023",
    "I came to the UK in 2019",
    "I have been here since 2015",
    "between 2019 and 2023",
    "from 2019-2023 I was on a spouse visa",
    "I got married in 2018",
    "I was born in 1958 and my son hits me",
    "I've been here 5 years",
    "for 6 months now",
    "10 years ago",
    "I'm 34",
    "I am 19 years old",
    "she is aged 67",
    # recent full dates (a visa expiry, an incident) are kept
    "my visa expires on 14/02/2027",
    "on 3 March 2025 he hit me",
    # visa types and immigration terms
    "I'm on a spouse visa",
    "Tier 2 visa",
    "my Skilled Worker visa depends on him",
    "I have pre-settled status",
    "EUSS",
    "can I get ILR",
    "indefinite leave to remain",
    "Appendix FM",
    "what is the DDVC",
    "MVDAC",
    "NRPF",
    "section 115 of the Immigration and Asylum Act 1999",
    "Article 8",
    "I have 3C leave",
    # money
    "I have £25000 in savings",
    "£1,500 a month",
    "I owe 2000 pounds",
    "he takes £300 a week",
    "£1500000",
    "1500000 pounds",
    "€2500",
    "$1,000,000",
    # the service numbers the bot gives
    "should I call 999",
    "is 101 free",
    "I called 999 and pressed 55",
    "Samaritans 116 123",
    "can I text 0808 2000 247?",
    "0808 80 10 800",
    "0800 027 1234",
    "0808 802 1414",
    "+44 808 2000 247",
    # abuse described without names (the danger detector must still see it)
    "my husband hits me",
    "he strangled me last night",
    "my husband slapped me and took my passport",
    "I'm scared",
    "I'm pregnant",
    "I'm Polish",
    "I'm Nigerian",
    "this is abuse",
    "he calls me names",
    "he calls me stupid",
    "call me back later",
    "please call me now",
    "my son is 5",
    "my daughter is at school",
    "my husband's family",
    "my ex took the kids",
    "my husband is British",
    "my wife is from Poland",
    "my partner said the police will deport me",
    # words near identifiers, without one
    "What is a BRP?",
    "I lost my passport",
    "my passport expired in 2020",
    "do I need my NI number",
    "he has my bank card",
    "my account was closed",
    "the Home Office has my address",
    # other numbers
    "I have 2 kids and 3 dogs",
    "I was hit 3 times",
    "he comes home at 10.30pm",
    "at 7:45",
    "the 24/7 helpline",
    "10/10",
    "I live in flat 3",
    "2 kids in the park",
    "we waited 3 hours in the street",
    "5 minutes down the road",
    "I went to the high street",
    "Covid-19",
    # services and organisations
    "Southall Black Sisters",
    "Karma Nirvana",
    "Rights of Women",
    "Citizens Advice",
    "Victim Support",
    "Women's Aid",
    # other scripts
    "أنا خائفة من زوجي",
    "Boję się męża",
    "我很害怕",
]


def _placeholder_for(kind: str) -> str:
    return PLACEHOLDER[kind]


def test_table_sizes() -> None:
    """The issue asks for at least 150 cases that must be redacted and 75 that must not."""
    assert len(MUST_REDACT) >= 150
    assert len(MUST_KEEP) >= 75


@pytest.mark.parametrize(("text", "values", "kind"), MUST_REDACT, ids=[c[0][:40] for c in MUST_REDACT])
def test_must_redact(text: str, values: tuple[str, ...], kind: str) -> None:
    result = redact(text)
    for value in values:
        assert value not in result.text, f"{value!r} survived: {result.text!r}"
    assert _placeholder_for(kind) in result.text, result.text
    assert kind in result.found


@pytest.mark.parametrize("text", MUST_KEEP)
def test_must_keep(text: str) -> None:
    result = redact(text)
    assert result.text == text
    assert result.found == ()


def test_service_numbers_come_from_the_data() -> None:
    """The numbers the bot gives (data/safety.yml) are the ones it keeps."""
    safety = yaml.safe_load((ROOT / "data" / "safety.yml").read_text(encoding="utf-8"))
    for helpline in safety["helplines"]:
        assert digits_of(helpline["phone"]) in service_numbers()
        assert redact(f"is {helpline['phone']} free?").text == f"is {helpline['phone']} free?"


def test_synthetic_numbers_are_never_service_numbers() -> None:
    """A training example or a typo must never teach the allowlist a person's number."""
    assert not any(d.startswith("07700900") for d in service_numbers())


def _nlu_examples() -> list[str]:
    examples: list[str] = []
    for path in sorted([*(ROOT / "data" / "nlu").glob("*.yml"), *(ROOT / "tests" / "nlu" / "heldout").glob("*.yml")]):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in str(item.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    text = re.sub(r"\[([^\]]+)\]\([^)]+\)|\[([^\]]+)\]\{[^}]+\}", r"\1\2", line.strip()[2:])
                    examples.append(text)
    return examples


def test_training_and_test_examples_are_unchanged() -> None:
    """Every NLU example is synthetic and written as people ask: redaction must not change any."""
    changed = [(t, redact(t).text) for t in _nlu_examples() if redact(t).text != t]
    assert not changed, f"{len(changed)} examples changed, e.g. {changed[:5]}"


def _danger_messages() -> list[str]:
    data = yaml.safe_load((ROOT / "tests" / "danger" / "danger_messages.yml").read_text(encoding="utf-8"))
    return [item["text"] for group in ("danger", "not_danger") for item in data.get(group) or []]


def test_redaction_never_hides_danger() -> None:
    """The danger detector runs on redacted text: redaction must never change its verdict,
    whatever the case the person types in."""
    messages = _danger_messages()
    assert messages
    for text in messages:
        for variant in (text, text.lower(), text.upper()):
            assert detect_danger(redact(variant).text) == detect_danger(variant), variant


def test_danger_with_personal_data_is_still_danger() -> None:
    text = "my husband Tarquinius is strangling me at 12 Acacia Road call 07700 900123"
    result = redact(text)
    assert "Tarquinius" not in result.text and "07700" not in result.text
    assert detect_danger(result.text) == detect_danger(text) is not None


def test_found_lists_every_replacement() -> None:
    result = redact("I'm Zorbina, 07700 900123, zorbina@example.com, CF10 1AA")
    assert sorted(result.found) == ["email", "name", "phone", "postcode"]


# --------------------------------------------------------------------------------------------
# Properties of the formats (hypothesis)
# --------------------------------------------------------------------------------------------

SAFE_WORDS = ["help", "please", "my", "number", "is", "call", "me", "on", "he", "took", "the", "and", "I", "live"]
context = st.lists(st.sampled_from(SAFE_WORDS), max_size=4).map(" ".join)
digit = st.sampled_from(string.digits)


@st.composite
def uk_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """A drama-range number (mobile or landline) in one of the ways people write numbers."""
    national = draw(
        st.sampled_from(
            [
                ("07700", "900" + "{:03d}"),
                ("020", "7946 0" + "{:03d}"),
                ("0113", "496 0" + "{:03d}"),
                ("0161", "496 0" + "{:03d}"),
                ("028", "9649 6" + "{:03d}"),
                ("029", "2018 0" + "{:03d}"),
                ("01632", "960" + "{:03d}"),
                ("0191", "498 0" + "{:03d}"),
            ]
        )
    )
    area, local = national[0], national[1].format(draw(st.integers(0, 999)))
    local_digits = local.replace(" ", "")
    sep = draw(st.sampled_from([" ", "-", "", ".", "  "]))
    split = draw(st.integers(2, len(local_digits) - 2))
    local_text = local_digits[:split] + sep + local_digits[split:] if draw(st.booleans()) else local_digits
    style = draw(st.sampled_from(["national", "brackets", "plus", "plus0", "0044", "0044(0)", "compact+"]))
    rest = area[1:]
    written = {
        "national": f"{area}{sep}{local_text}",
        "brackets": f"({area}){sep or ' '}{local_text}",
        "plus": f"+44{sep}{rest}{sep}{local_text}",
        "plus0": f"+44 (0){rest}{sep}{local_text}",
        "0044": f"0044{sep}{rest}{sep}{local_text}",
        "0044(0)": f"0044 (0) {rest} {local_text}",
        "compact+": f"+44{rest}{local_digits}",
    }[style]
    return written, area + local_digits


@given(number=uk_numbers(), before=context, after=context)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_uk_numbers_always_redacted(number: tuple[str, str], before: str, after: str) -> None:
    written, digits = number
    result = redact(f"{before} {written} {after}")
    assert PLACEHOLDER["phone"] in result.text
    assert written not in result.text
    assert not re.search(r"\d{3}", result.text), result.text


@st.composite
def emails(draw: st.DrawFn) -> str:
    chars = string.ascii_letters + string.digits
    local = draw(st.text(alphabet=chars, min_size=1, max_size=12))
    middle = draw(st.text(alphabet=chars + "._+-", max_size=8))
    end = draw(st.text(alphabet=chars, min_size=1, max_size=4))
    domain = draw(st.sampled_from(["example.com", "example.co.uk", "example.org", "mail.example.net", "EXAMPLE.COM"]))
    return f"{local}{middle}{end}@{domain}"


@given(address=emails(), before=context, after=context)
@settings(max_examples=300, deadline=None)
def test_emails_always_redacted(address: str, before: str, after: str) -> None:
    result = redact(f"{before} {address} {after}")
    assert address not in result.text and "@" not in result.text
    assert PLACEHOLDER["email"] in result.text


LETTERS = "ABCDEFGHIJKLMNOPRSTUWYZ"  # first position of a postcode (no Q, V, X)
INWARD = "ABDEFGHJLNPQRSTUWXYZ"  # last two letters (no C, I, K, M, O, V)


@st.composite
def postcodes(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(LETTERS)) + draw(st.sampled_from(["", *"ABCDEFGHKLMNOPQRSTUVWXY"]))
    district = str(draw(st.integers(1, 99 if len(area) == 2 else 9)))
    if len(district) == 1 and draw(st.booleans()):
        district += draw(st.sampled_from("ABEHMNPRVWXY"))
    inward = str(draw(st.integers(0, 9))) + draw(st.sampled_from(INWARD)) + draw(st.sampled_from(INWARD))
    text = area + district + draw(st.sampled_from([" ", "", "  "])) + inward
    return text.lower() if draw(st.booleans()) else text


@given(code=postcodes(), before=context, after=context)
@settings(max_examples=300, deadline=None)
def test_postcodes_always_redacted(code: str, before: str, after: str) -> None:
    result = redact(f"{before} {code} {after}")
    assert code not in result.text
    assert PLACEHOLDER["postcode"] in result.text


@st.composite
def ni_numbers(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from("ABCEGHJKLMNOPRSTWXYZ")) + draw(st.sampled_from("ABCEGHJKLMNPRSTWXYZ"))
    pairs = [f"{draw(st.integers(0, 99)):02d}" for _ in range(3)]
    suffix = draw(st.sampled_from("ABCD"))
    sep = draw(st.sampled_from(["", " "]))
    text = prefix + sep + sep.join(pairs) + sep + suffix
    return text.lower() if draw(st.booleans()) else text


@given(number=ni_numbers(), before=context, after=context)
@settings(max_examples=300, deadline=None)
def test_ni_numbers_always_redacted(number: str, before: str, after: str) -> None:
    result = redact(f"{before} {number} {after}")
    assert number not in result.text
    assert PLACEHOLDER["id number"] in result.text
    assert not re.search(r"\d{2}", result.text), result.text


def _luhn_complete(body: str) -> str:
    for check in string.digits:
        candidate = body + check
        total = sum(
            (int(c) * 2 - 9 if int(c) * 2 > 9 else int(c) * 2) if i % 2 else int(c)
            for i, c in enumerate(reversed(candidate))
        )
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    length = draw(st.sampled_from([13, 15, 16, 16, 16, 19]))
    first = draw(st.sampled_from(["4", "51", "55", "34", "37", "6011"]))
    body = first + "".join(draw(digit) for _ in range(length - 1 - len(first)))
    number = _luhn_complete(body)
    sep = draw(st.sampled_from(["", " ", "-"]))
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


@given(number=card_numbers(), before=context, after=context)
@settings(max_examples=300, deadline=None)
def test_card_numbers_always_redacted(number: str, before: str, after: str) -> None:
    result = redact(f"{before} {number} {after}")
    assert number not in result.text
    assert PLACEHOLDER["bank details"] in result.text
    assert not re.search(r"\d{3}", result.text), result.text


pii_piece = st.one_of(
    uk_numbers().map(lambda n: n[0]),
    emails(),
    postcodes(),
    ni_numbers(),
    card_numbers(),
    st.sampled_from(["my name is Zorbina", "12 Acacia Road", "DOB 03/03/1990", "my husband Brennick", "Cardiff"]),
    st.sampled_from(SAFE_WORDS),
)


@given(pieces=st.lists(pii_piece, max_size=8))
@settings(max_examples=300, deadline=None)
def test_redaction_is_idempotent(pieces: list[str]) -> None:
    """Redacting redacted text changes nothing and finds nothing (placeholders are safe text)."""
    once = redact(" ".join(pieces)).text
    again = redact(once)
    assert again.text == once
    assert again.found == ()


@given(
    words=st.lists(
        st.sampled_from([*PLACEHOLDER.values(), *SAFE_WORDS, "my name is", "call me", "this is"]), max_size=10
    )
)
def test_placeholder_text_is_left_alone(words: list[str]) -> None:
    text = " ".join(words)
    assert redact(redact(text).text).text == redact(text).text


@given(text=st.text(max_size=300))
@settings(max_examples=500, deadline=None)
def test_never_crashes_on_any_text(text: str) -> None:
    """Any script, emoji, control characters, lone surrogates: a string in, a string out."""
    result = redact(text)
    assert isinstance(result.text, str)
    assert all(kind in PLACEHOLDER for kind in result.found)


@given(
    text=st.text(
        alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd", "Zs", "Po", "So", "Cc", "Mn")),
        max_size=200,
    )
)
@settings(max_examples=300, deadline=None)
def test_never_crashes_on_mixed_scripts(text: str) -> None:
    assert isinstance(redact(text + " 07700 900123 🙂").text, str)


def test_long_message_is_fast_enough() -> None:
    """A maximum-length message (2000 characters) of awkward text still takes milliseconds."""
    import time

    text = ("1 2 3 4 5 6 7 8 9 0 a-b-c " * 100)[:2000]
    start = time.perf_counter()
    redact(text)
    assert time.perf_counter() - start < 0.2


def test_international_number_right_after_another_number_is_redacted() -> None:
    """Found by hypothesis: "0044 ..." straight after a redacted number was left in on the first pass."""
    text = "07700 900000 0044  7700  900000"
    assert redact(text).text == "[phone] [phone]"
