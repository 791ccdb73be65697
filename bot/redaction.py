"""Personal data out, before Rasa sees the text.

Every channel's text passes through `redact()` in bot/gateway.py, so nothing downstream (NLU,
tracker store, action server, logs) can hold what is replaced here: phone numbers, emails,
postcodes, street addresses, names given as names, dates of birth, passport / BRP / National
Insurance / Home Office reference numbers, bank card and account numbers, and online handles.

What the answer needs is kept: towns and cities, years, durations, visa types, amounts of money,
and the service numbers the bot itself gives (read from the files the bot speaks from, so a
person who types "is 0808 2000 247 free?" is understood).

Design choices:
- Rules are tables of regular expressions (`_RULES`) applied in order, most specific first, each
  with an optional "keep" test (money, years, service numbers, recent dates).
- Names are found only where the text says they are names ("my name is", "call me", "my husband
  John", "Mr Khan", two unknown capitalised words in a row). Words the project's own data uses
  (NLU examples, responses, danger patterns, places, languages) are never taken for a name when
  written in lower case, so redaction cannot hide the words the danger detector looks for.
- Everything is compiled once; a message without digits skips the number rules. Typical cost is
  tens of microseconds (`python -m bench.redaction`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
# Files holding what the bot itself says: the numbers in them are services, never a person's.
# (data/nlu is deliberately absent: training examples are what people type, not what we give.)
SERVICE_NUMBER_SOURCES: tuple[str, ...] = (
    "data/safety.yml",
    "data/responses",
    "data/directory",
    "data/directory.yml",
    "data/services.yml",
    "actions/directory",
)
SERVICE_FILE_SUFFIXES = {".yml", ".yaml", ".json", ".csv"}
ADULT_YEARS = 14  # a full date at least this many years ago is most likely a birth date

PLACEHOLDER = {
    "phone": "[phone]",
    "email": "[email]",
    "postcode": "[postcode]",
    "address": "[address]",
    "name": "[name]",
    "date of birth": "[date of birth]",
    "id number": "[id number]",
    "bank details": "[bank details]",
    "username": "[username]",
}


@dataclass(frozen=True)
class Redaction:
    text: str
    found: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# Word lists (data): what is never a name, and the contexts that introduce one.
# ---------------------------------------------------------------------------------------------


def _wordset(words: str) -> frozenset[str]:
    """A set from whitespace-separated words (word lists read better as text than as lists)."""
    return frozenset(words.split())


_FUNCTION_WORDS = _wordset(
    """
    a an the and or but nor so yet if then than that this these those there here where when why how what
    which who whom whose while whilst because since until unless though although as at by for from in
    into of off on onto out over under up down to with without within about above across after against
    along among around before behind below beneath beside besides between beyond during except inside
    near outside past through throughout toward towards upon via per
    i me my mine myself you your yours yourself he him his himself she her hers herself it its itself
    we us our ours ourselves they them their theirs themselves one someone somebody something anyone
    anybody anything everyone everybody everything nobody nothing no none not never always often
    sometimes usually also too very really just still even only again already now soon later today
    tonight tomorrow yesterday ago once twice all any both each every few many more most much other
    some such own same another else
    am is are was were be been being have has had having do does did doing done will would shall
    should can could may might must ought cant cannot couldnt wont wouldnt dont doesnt didnt isnt arent
    wasnt werent hasnt havent hadnt shouldnt im ive id ill youre hes shes its were theyre thats whats
    get gets got getting gotten go goes went going gone come comes came coming make makes made making
    take takes took taking taken give gives gave giving given say says said saying tell tells told
    telling keep keeps kept keeping let lets put puts want wants wanted need needs needed know knows
    knew known think thinks thought feel feels felt see sees saw seen look looks looked find found try
    tries tried call calls called ask asks asked use used work works worked live lives lived living
    leave leaves left stay stays stayed help helps helped hit hits hitting hurt hurts hurting beat
    beats beaten beating kill kills killed push pushes pushed pushing shout shouts shouted shouting
    slap slaps slapped grab grabs grabbed kick kicks kicked punch punches punched choke chokes choked
    strangle strangles strangled threaten threatens threatened scream screams screamed lock locks
    locked follow follows followed control controls controlled stop stops stopped hate hates hated
    love loves loved took steals stole stolen hides hid hidden abuse abuses abused rape raped bite
    bites bit burn burns burned burnt throw throws threw thrown drag drags dragged attack attacks
    attacked insult insults insulted swear swears swore yell yells yelled spit spits spat
    yes yeah yep ok okay please thanks thank sorry hello hi hey
    well back away home again here there too as
    """
)

# Words that follow "I'm" / "this is" without being a name (the data vocabulary covers most).
_NOT_NAMES = _wordset(
    """
    scared afraid frightened terrified worried anxious alone pregnant married divorced separated single
    homeless undocumented illegal legal safe unsafe sure not fine ok okay good bad sad tired confused lost
    stuck trapped desperate hurt injured ill sick new old young here there home back from in at on with
    a an the so very really just still also too desperate ready sorry glad happy unhappy depressed
    suicidal british english welsh scottish irish european african asian arab muslim christian hindu
    sikh jewish catholic buddhist gay lesbian bisexual bi trans transgender nonbinary queer deaf blind
    disabled roma traveller polish nigerian ghanaian indian pakistani bangladeshi afghan iranian iraqi
    syrian eritrean ethiopian somali sudanese kurdish albanian romanian bulgarian lithuanian latvian
    ukrainian russian chinese vietnamese filipino filipina thai brazilian colombian venezuelan mexican
    spanish portuguese italian french german turkish egyptian moroccan algerian jamaican zimbabwean
    kenyan ugandan cameroonian congolese zambian malawian sri lankan nepali nepalese jordanian yemeni
    libyan tunisian palestinian lebanese kuwaiti saudi emirati omani qatari bahraini chinese japanese
    korean malaysian indonesian burmese american canadian australian
    mum mom dad mother father wife husband partner man woman girl boy lady guy mr mrs ms miss
    asylum seeker refugee migrant student worker nurse carer visitor victim survivor
    stupid useless worthless ugly fat crazy mad lazy dirty liar idiot names back now later
    monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december
    """
)

_PARTICLES = _wordset("bin ibn bint al el de da di del della van von der den la le du dos das ben abu")

_RELATIONS = (
    r"(?:ex[- ]?)?(?:husband|wife|partner|boyfriend|girlfriend|fianc[eé]e?|spouse)",
    r"ex",
    r"(?:step[- ]?)?(?:son|daughter|child|kid|baby|brother|sister|mother|mum|mom|father|dad)",
    r"(?:mother|father|brother|sister|son|daughter)[- ]in[- ]law",
    r"in[- ]laws?",
    r"(?:grand(?:mother|ma|father|pa|dad|son|daughter|child))",
    r"(?:uncle|aunt|auntie|aunty|cousin|nephew|niece|twin)",
    r"(?:friend|best friend|neighbou?r|flatmate|housemate|colleague|coworker|co-worker)",
    r"(?:boss|employer|manager|landlord|landlady|sponsor|abuser|attacker|pimp|agent)",
)
_POSSESSIVES = r"(?:my|his|her|their|our|your|the|me)"

# Phrases after which the next word is a name whatever its case (lower case included).
_STRONG_INTROS = (
    r"names?(?:'s|’s|\s+is|\s+was|\s+are|\s*:)",  # my name is, his name's, the abuser's name is, name:
    r"(?:my|his|her|their)\s+names",  # "my names zorbina"
    r"me\s+llamo",
    r"mi\s+nombre\s+es",
    r"je\s+m['’]appelle",
    r"meu\s+nome\s+(?:é|e)",
    r"mam\s+na\s+imi[eę]",
    r"nazywam\s+si[eę]",
    r"numele\s+meu\s+este",
    r"mera\s+naam",
    r"ismim?",
    r"ad[ıi]m",
    r"меня\s+зовут",
    r"мене\s+звати",
)
# After these the next word is a name when it is written like one: capitalised and not a known
# word, or (lower case) not shaped like any word the project knows.
_MEDIUM_INTROS = (
    r"(?:known|goes|go)\s+by",
    r"known\s+as",
    r"(?:mr|mrs|ms|mx|dr|mister)\.?",
    r"(?-i:Miss)",
    r"call\s+me",
    r"je\s+suis",
)
# After these only a capitalised word that is not a known word: "this is Maria", "I'm Zorbina".
_WEAK_INTROS = (
    r"i\s*am",
    r"i'?m",
    r"i’m",
    r"this\s+is",
    r"it'?s",
    r"it’s",
    r"it\s+is",
    r"called",
    r"named",
    r"nicknamed",
)
# "called" / "named" after one of these is strong: "I'm called zorbina", "he is named Brennick".
_BE_WORDS = _wordset("am im i'm i’m m is s was are re were be been being get gets got")
_GREETING = r"(?:hi|hello|hey|hiya|salam|salaam|assalamu\s+alaikum|good\s+(?:morning|afternoon|evening)|dear\s+sir)"


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """Lower-case words the project's own data uses: never taken for a name in lower case.

    From data/**/*.yml (NLU examples, responses, danger patterns, languages...), except
    data/places.yml, where only the place names count (its `ambiguous` list holds first names).
    """
    words: set[str] = set(_FUNCTION_WORDS) | _NOT_NAMES
    for path in sorted(DATA_DIR.rglob("*.yml")):
        if path.name == "places.yml":
            continue
        words |= _words(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(words | _place_words())


def _place_words() -> set[str]:
    path = DATA_DIR / "places.yml"
    if not path.exists():
        return set()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError:  # a broken data file must not stop messages getting through
        return set()
    names: list[str] = []
    for group in ("nations", "places"):
        for values in (data.get(group) or {}).values():
            names += [str(v) for v in values or []]
    return _words(" ".join(names))


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _words(text: str) -> set[str]:
    return {w.group(0).lower().replace("’", "'") for w in _WORD.finditer(text)}


# ---------------------------------------------------------------------------------------------
# Service numbers (data): the numbers the bot gives are kept when a person types them.
# ---------------------------------------------------------------------------------------------

_ANY_NUMBER = re.compile(r"(?:\+|\b)\d[\d\s().-]{4,20}\d\b")


def digits_of(number: str) -> str:
    """The digits of a phone number in national form (+44 / 0044 / (0) -> 0)."""
    digits = re.sub(r"\D", "", number)
    for prefix in ("0044", "44"):
        if digits.startswith(prefix) and len(digits) >= len(prefix) + 9:
            rest = digits[len(prefix) :]
            return rest if rest.startswith("0") else "0" + rest
    return digits


def _service_files(root: Path) -> Iterable[Path]:
    for name in SERVICE_NUMBER_SOURCES:
        path = root / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from (p for p in sorted(path.rglob("*")) if p.suffix in SERVICE_FILE_SUFFIXES)


@lru_cache(maxsize=1)
def service_numbers(root: Path = ROOT) -> frozenset[str]:
    """Digits of every number in the files the bot speaks from (helplines, 999, 116 123...)."""
    found: set[str] = set()
    for path in _service_files(root):
        text = path.read_text(encoding="utf-8", errors="replace")
        found |= {digits_of(m.group(0)) for m in _ANY_NUMBER.finditer(text)}
    return frozenset(d for d in found if len(d) >= 6)


# ---------------------------------------------------------------------------------------------
# Rules: (kind, pattern, keep test). Applied in order; a rule never sees what an earlier one
# replaced. The part replaced is the group `pii` when the pattern has one, else the whole match.
# ---------------------------------------------------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MON = r"(?:0?[1-9]|1[0-2])"
_DAY_MONTH = rf"(?:{_DAY}[/.\-]{_MON}|{_MON}[/.\-]{_DAY})"
_NUM_DATE = rf"(?<![\d/.\-]){_DAY_MONTH}[/.\-](?:\d{{4}}|\d{{2}})(?![\d/.\-]\d)"
_ISO_DATE = rf"(?<![\d/.\-])(?:19|20)\d{{2}}[/.\-]{_MON}[/.\-]{_DAY}(?![\d/.\-]\d)"
_WRITTEN_DATE = (
    rf"\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MONTH},?\s+(?:\d{{4}}|'\d{{2}})"
    rf"|{_MONTH}\s+(?:the\s+)?\d{{1,2}}{_ORD},?\s+\d{{4}}"
)
_PARTIAL_DATE = (
    rf"\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{2,4}})?"
    rf"|{_MONTH}\s+(?:the\s+)?\d{{1,2}}{_ORD}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH}\s+(?:of\s+)?\d{{4}}"
    rf"|{_DAY_MONTH}(?:[/.\-](?:\d{{4}}|\d{{2}}))?(?![\d/.\-]\d)"
)
_DOB_CONTEXT = (
    r"\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|birthdate|born(?:\s+on|\s+in)?|"
    r"birthday(?:\s+is|\s+was)?|b[-.]?day(?:\s+is)?)"
    r"\s*(?:is|was|:|-|=)?\s*(?:on\s+)?(?:the\s+)?"
)
_ID_NOUNS = (
    r"passport|brp|residence\s+(?:permit|card)|biometric\s+(?:residence\s+)?(?:permit|card)|"
    r"national\s+insurance|nino|ni|home\s+office|ho|case|reference|ref|uan|application|"
    r"share\s+code|visa|e-?visa|customer|licen[cs]e|nhs|id|identity|permit|reg(?:istration)?|policy|"
    r"crime|incident|cad|urn|pnc|port"
)
_BANK_NOUNS = r"account|acc|a/c|sort\s+code|card|debit\s+card|credit\s+card|bank|iban"
_NUMBER_WORDS = r"(?:\s+(?:card|number|no\.?|num|nr|#|ref(?:erence)?|code|id|details))*\s*(?:is|was|:|-|=|\#)?\s*"
_ID_CONTEXT = rf"\b(?:{_ID_NOUNS})\b{_NUMBER_WORDS}"
_BANK_CONTEXT = rf"\b(?:{_BANK_NOUNS})\b{_NUMBER_WORDS}"
_ID_VALUE = r"(?P<pii>[A-Za-z]{0,4}\d[A-Za-z\d]*(?:[ \-/][A-Za-z]{0,3}\d[A-Za-z\d]*)*)"
_STREET_STRONG = (
    r"road|rd|street|st|avenue|ave|av|lane|ln|close|drive|dr|crescent|cres|gardens|gdns|grove|terrace|"
    r"mews|boulevard|blvd"
)
_STREET_WEAK = (
    r"way|court|ct|place|pl|hill|park|square|sq|row|walk|view|rise|parade|green|estate|towers|house|"
    r"yard|vale|gate|fields|meadows?|heights|quay|wharf|circus|wynd|brae|croft|end|drove|path|hall"
)
_FLAT = r"(?:(?:flat|apartment|apt|unit|room|floor|house|block)\s*(?:no\.?\s*)?\d+[a-z]?\s*,?\s*)"
_HOUSE_NO = r"\d{1,4}[a-zA-Z]?(?:\s*[-–]\s*\d{1,4}[a-zA-Z]?)?,?"
_NAME_WORD = r"[^\W\d_][\w'’-]*"
_CAP_WORD = r"[A-Z][\w'’-]*"
_STOP_STREET = (
    r"(?!(?:the|a|an|in|on|at|to|of|and|or|my|his|her|their|our|for|with|from|down|up|near|by|times?|"
    r"days?|weeks?|months?|years?|hours?|minutes?|kids?|children|people|men|women|miles?|km|am|pm)\b)"
)
_ADDRESS_NUMBERED = (
    rf"(?<![\w£$€.,/])(?i:{_FLAT})?{_HOUSE_NO}\s+"
    rf"(?:(?:(?i:{_STOP_STREET}){_NAME_WORD}\s+){{1,3}}(?i:{_STREET_STRONG})"
    rf"|(?:{_CAP_WORD}\s+){{1,3}}(?i:{_STREET_WEAK}))\b\.?"
)
_STREET_NAMED = r"Road|Street|Avenue|Lane|Close|Drive|Crescent|Gardens|Grove|Terrace|Mews"
_ADDRESS_NAMED = rf"\b(?:{_CAP_WORD}\s+){{1,3}}(?:{_STREET_NAMED})\b"
_FLAT_ALONE = r"\b(?:flat|apartment|apt)\s*(?:no\.?\s*)?\d+[a-z]?\s*,\s*(?=\[address\])"


# A phone number is never glued to other digits by dots or dashes, and a 00 prefix right after a
# digit group belongs to that group ("6011 0010 ..."). Cards are removed before phones, and what a
# phone rule leaves of a longer run (7+ digits) is caught by the id-number rule after it.
_NOT_IN_DIGITS = r"(?<![\w+])(?<!\d[.\-])"
_NO_MORE_DIGITS = r"(?!\w)(?![.\-]\d)"
# Letters and digits mixed: GWF012345678, X1234567, 123456789GBR, driving licence numbers.
_ALNUM_ID = r"\b(?:[A-Z]{1,4}\d{5,}[A-Z\d]*|\d{5,}[A-Z]{1,3}|(?=[A-Z\d]*\d{3})(?=[A-Z\d]*[A-Z]{2})[A-Z\d]{9,})\b"
_IBAN = r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b"


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _before(m: re.Match[str], n: int = 3) -> str:
    return m.string[max(0, m.start() - n) : m.start()]


def _after(m: re.Match[str], n: int = 12) -> str:
    return m.string[m.end() : m.end() + n].lower()


_MONEY_AFTER = re.compile(r"\s*(?:pounds?|quid|gbp|euros?|eur|dollars?|usd|k\b|m\b|p\b|pence|million|bn)")


def _is_money(m: re.Match[str]) -> bool:
    return bool(re.search(r"[£$€]\s?$", _before(m)) or _MONEY_AFTER.match(_after(m)))


def _all_years(text: str) -> bool:
    groups = re.findall(r"\d+", text)
    return all(len(g) == 4 and g[:2] in ("19", "20") for g in groups)


def _is_service(m: re.Match[str]) -> bool:
    return digits_of(m.group(0)) in service_numbers()


def _keep_number(m: re.Match[str]) -> bool:
    """Money, lists of years and the bot's own service numbers are not personal data."""
    return _is_money(m) or _all_years(m.group(0)) or _is_service(m)


def _year_of(text: str) -> int | None:
    years = [g for g in re.findall(r"\d+", text) if len(g) in (2, 4)]
    if not years:
        return None
    year = max(years, key=len) if any(len(y) == 4 for y in years) else years[-1]
    if len(year) == 2:
        value = int(year)
        return 2000 + value if 2000 + value <= date.today().year else 1900 + value
    return int(year)


def _recent_date(m: re.Match[str]) -> bool:
    """A full date less than ADULT_YEARS ago (a visa expiry, an incident) is kept."""
    year = _year_of(m.group(0))
    return year is None or year > date.today().year - ADULT_YEARS


def _too_short(m: re.Match[str]) -> bool:
    """After "visa", "case", "card"...: fewer than five characters is a count or a year, not an id."""
    value = m.group("pii")
    return len(re.sub(r"\W", "", value)) < 5 or _all_years(value) or _is_money(m)


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]
    keep: Callable[[re.Match[str]], bool] | None = None
    needs_digit: bool = True
    gate: tuple[str, ...] = ()  # skip the rule unless the lower-case text holds one of these

    def applies(self, lowered: str, has_digit: bool) -> bool:
        if self.needs_digit and not has_digit:
            return False
        return not self.gate or any(g in lowered for g in self.gate)


def _rule(  # type: ignore[no-untyped-def]
    kind: str, pattern: str, keep=None, flags: int = re.I, needs_digit: bool = True, gate: tuple[str, ...] = ()
) -> Rule:
    return Rule(kind, re.compile(pattern, flags), keep, needs_digit, gate)


_RULES: tuple[Rule, ...] = (
    _rule("email", r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", needs_digit=False, gate=("@",)),
    _rule(
        "email",
        r"\b[\w.+-]+\s*(?:\[at\]|\(at\)|\bat\b)\s*[\w-]+\s*(?:(?:\[dot\]|\(dot\)|\bdot\b)\s*[\w-]+\s*)*"
        r"(?:\[dot\]|\(dot\)|\bdot\b)\s*(?:com|org|net|co|uk|ac|gov|info|io|me|fr|de|pl|ro)\b",
        needs_digit=False,
        gate=("dot",),
    ),
    _rule(
        "username",
        r"(?:https?://)?(?:www\.|m\.)?(?:facebook|fb|instagram|twitter|x|tiktok|linkedin|snapchat|youtube|"
        r"onlyfans|telegram|t)\.(?:com|me)/[^\s]+",
        needs_digit=False,
        gate=("/",),
    ),
    _rule("username", r"(?<![\w@.])@[A-Za-z0-9_][A-Za-z0-9_.]{1,29}\b", needs_digit=False, gate=("@",)),
    _rule("date of birth", _DOB_CONTEXT + rf"(?P<pii>{_WRITTEN_DATE}|{_NUM_DATE}|{_ISO_DATE}|{_PARTIAL_DATE})\b"),
    _rule("bank details", _IBAN, lambda m: len(re.sub(r"\D", "", m.group(0))) < 8),
    # Before phones: a card never starts with 0, so "0..." runs are left to the phone rules.
    _rule("card", r"(?<![\d£$€+])(?<!\d[ \-])[1-9](?:[ \-]?\d){12,18}(?![\d])", _keep_number),
    _rule(
        "phone",
        _NOT_IN_DIGITS
        + r"(?:(?:\+|(?<!\d)00)\s?44\s?(?:\(\s?0\s?\)|0)?[\s.\-]?|\(?0[\s.\-]?)\(?[1-9](?:[\s.\-()]{0,3}\d){8,9}"
        + _NO_MORE_DIGITS,
        _is_service,
    ),
    _rule(
        "phone",
        _NOT_IN_DIGITS
        + r"(?:\+|(?<!\d)00)\s?(?!44)[1-9]\d{0,2}[\s.\-]?\(?\d{1,4}\)?(?:[\s.\-]?\d){5,12}"
        + _NO_MORE_DIGITS,
    ),
    _rule("date of birth", rf"\b(?:{_NUM_DATE}|{_ISO_DATE}|{_WRITTEN_DATE})\b", _recent_date),
    _rule(
        "national insurance",
        r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b|(?-i:\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\b)",
    ),
    _rule("bank details", r"\bsort\s*code\s*(?:is|:|-)?\s*(?P<pii>\d{2}[\s\-]?\d{2}[\s\-]?\d{2})\b"),
    _rule("bank details", _BANK_CONTEXT + _ID_VALUE, _too_short),
    _rule("id number", _ID_CONTEXT + _ID_VALUE, _too_short),
    _rule("bank details", r"(?<![\d\-])\d{2}-\d{2}-\d{2}(?![\d\-])"),
    _rule("id number", r"(?-i:\b[A-Z]{1,3}[ \-]?\d{6,}[A-Z]?\b)"),
    _rule("id number", _ALNUM_ID),
    _rule("id number", r"(?<![\w£$€.,])\d(?:[ \-.]?\d){6,}(?![\w])", _keep_number),
    _rule("id number", r"(?-i:\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b)"),
    _rule(
        "postcode",
        r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s*\d[ABD-HJLNP-UW-Z]{2}\b",
    ),
    _rule("address", _ADDRESS_NUMBERED, flags=0),
    _rule(
        "address",
        _ADDRESS_NAMED,
        lambda m: _known_words(m.group(0)),
        flags=0,
        needs_digit=False,
        gate=("road", "street", "avenue", "lane", "close", "drive", "crescent", "gardens", "grove", "terrace", "mews"),
    ),
    _rule("address", _FLAT_ALONE),
)
_KIND_ALIASES = {"national insurance": "id number", "card": "bank details"}


def _kind_of(rule: Rule, m: re.Match[str]) -> str:
    if rule.kind == "card":
        return "bank details" if _luhn(re.sub(r"\D", "", m.group(0))) else "id number"
    return _KIND_ALIASES.get(rule.kind, rule.kind)


def _known_words(text: str) -> bool:
    """True when every word (bar the street type) is an ordinary word: "the High Street"."""
    words = [w.lower() for w in _WORD.findall(text)][:-1]
    return all(w in vocabulary() for w in words)


def _apply(rule: Rule, text: str, found: list[str]) -> str:
    def replace(m: re.Match[str]) -> str:
        if rule.keep is not None and rule.keep(m):
            return m.group(0)
        kind = _kind_of(rule, m)
        found.append(kind)
        if "pii" in m.re.groupindex and m.group("pii") is not None:
            start, end = m.start("pii") - m.start(), m.end("pii") - m.start()
            return m.group(0)[:start] + PLACEHOLDER[kind] + m.group(0)[end:]
        return PLACEHOLDER[kind]

    return rule.pattern.sub(replace, text)


# ---------------------------------------------------------------------------------------------
# Names: only where the text says something is a name.
# ---------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_GAP = re.compile(r"[ \t]*,?[ \t]*|[ \t]+")
_INTRO = re.compile(
    r"\b(?:"
    + rf"(?P<greeted>{_GREETING}\b[\s,!.]*(?:i\s*am|i'?m|i’m|im|its|it'?s|this\s+is|me))"
    + r"|(?P<strong>"
    + "|".join(_STRONG_INTROS)
    + ")"
    + r"|(?P<medium>"
    + "|".join(_MEDIUM_INTROS)
    + ")"
    + rf"|(?P<relation>{_POSSESSIVES}\s+(?:{'|'.join(_RELATIONS)})(?![\w\-])(?:['’]s)?"
    + r"(?:[ \t]*,?[ \t]*(?:is\s+)?(?:called|named)(?=\s))?)"
    + r"|(?P<weak>"
    + "|".join(_WEAK_INTROS)
    + ")"
    + r")(?!\w)[ \t]*[:,]?[ \t]*",
    re.I,
)
_CALL_ME_OK_BEFORE = re.compile(
    r"(?:^|[.!?,;:\n]|\b(?:you|u)\s+can|\bplease|\bpls|\bjust|\bthey|\bpeople|\beveryone|\bfriends)\s*$", re.I
)
_WORD_BEFORE = re.compile(r"([^\W\d_]+(?:['’][^\W\d_]+)?)\s*$")
_CAPITAL_PAIR = re.compile(r"\b[A-Z][a-z'’\-]+(?:[ \t]+[A-Z][a-z'’\-]+)+\b")
_POSSESSIVE_END = re.compile(r"['’]s$")


def _bare(word: str) -> str:
    return _POSSESSIVE_END.sub("", word).lower().replace("’", "'")


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not word.isupper() or (len(word) > 1 and word.isupper() and len(word) <= 3)


_SUFFIXES = ("ing", "ies", "ied", "es", "ed", "er", "ly", "s", "e", "y")


def _stems(word: str) -> set[str]:
    """`word` without its common English endings ("stalks", "stalking" -> "stalk")."""
    stems = {word}
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stems.add(word[: -len(suffix)])
    return stems


@lru_cache(maxsize=1)
def _vocabulary_stems() -> frozenset[str]:
    return frozenset(stem for word in vocabulary() for stem in _stems(word))


def _looks_like_word(word: str) -> bool:
    """A lower-case word we know (in any of its forms), or one shaped like a verb or adverb."""
    bare = _bare(word)
    if bare in vocabulary() or bare.endswith(("ed", "ing", "ly", "n't")):
        return True
    return not _stems(bare).isdisjoint(_vocabulary_stems())


def _name_word_ok(word: str, strength: str, first: bool) -> bool:
    """Whether `word` (after an intro of this strength) is taken as part of a name."""
    bare = _bare(word)
    if word.startswith("[") or bare in _FUNCTION_WORDS:
        return False
    if strength == "strong" and first:
        return bare not in _NOT_NAMES
    if _capitalised(word):
        if strength == "relation":
            return bare not in _NOT_NAMES and bare not in _danger_words()
        return bare not in vocabulary()
    if strength in ("strong", "greeted") or (strength == "relation" and first):
        return not _looks_like_word(word)
    return False


def _name_end(text: str, pos: int, strength: str) -> int:
    """Where the name starting at `pos` ends (== pos when there is none). Up to four words."""
    end, count = pos, 0
    while count < 4:
        gap = _GAP.match(text, end) if count else None
        start = gap.end() if gap else end
        if count and gap and "," in gap.group(0):
            break
        token = _TOKEN.match(text, start)
        if not token:
            break
        word = token.group(0)
        if count and word.lower() in _PARTICLES and _next_is_capitalised(text, token.end()):
            end, count = token.end(), count + 1
            continue
        if not _name_word_ok(word, strength, first=count == 0):
            break
        if not (strength == "strong" and count == 0) and _object_follows(text, token.end()):
            break  # "my husband stalks me": a verb, not a name
        end, count = token.end(), count + 1
        if _POSSESSIVE_END.search(word):
            end -= 2
            break
    return end


_OBJECT = re.compile(r"[ \t]+(?:me|us|him|her|them|my|our|you|it)\b", re.I)


def _object_follows(text: str, pos: int) -> bool:
    return _OBJECT.match(text, pos) is not None


def _next_is_capitalised(text: str, pos: int) -> bool:
    token = _TOKEN.match(text, pos + 1) if pos < len(text) and text[pos] in " \t" else None
    return bool(token and token.group(0)[:1].isupper())


@lru_cache(maxsize=1)
def _danger_words() -> frozenset[str]:
    path = DATA_DIR / "danger.yml"
    if not path.exists():
        return frozenset()
    return frozenset(_words(path.read_text(encoding="utf-8", errors="replace")))


def _intro_strength(m: re.Match[str]) -> str | None:
    """How strongly this intro says a name follows, in its context (None: it does not)."""
    kind = m.lastgroup or "weak"
    intro = m.group(kind).lower()
    before = m.string[: m.start()]
    if kind == "medium" and intro.startswith("call"):
        return "greeted" if _CALL_ME_OK_BEFORE.search(before) else None
    if kind == "weak" and intro.startswith(("called", "named")):
        word = _WORD_BEFORE.search(before[-12:])
        return "strong" if word and word.group(1).lower() in _BE_WORDS else "weak"
    return {"medium": "greeted"}.get(kind, kind)


# The first word of every intro above: the intro pattern is only tried where one of them starts.
_TRIGGERS = _wordset(
    """hi hello hey hiya salam salaam assalamu good dear name names my his her their our your the me mi je meu
    mam nazywam numele mera ismi ismim adım adim меня мене known goes go mr mrs ms mx dr mister miss call i im
    this it its called named nicknamed"""
)


def _name_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    done = 0
    for token in _TOKEN.finditer(text):
        key = token.group(0).lower().partition("'")[0].partition("’")[0]
        if key not in _TRIGGERS or token.start() < done:
            continue
        m = _INTRO.match(text, token.start())
        if m is None:
            continue
        done = m.end()
        strength = _intro_strength(m)
        end = _name_end(text, m.end(), strength) if strength else m.end()
        if end > m.end():
            spans.append((m.end(), end))
    for m in _CAPITAL_PAIR.finditer(text):
        words = _TOKEN.findall(m.group(0))
        if sum(_bare(w) not in vocabulary() for w in words) >= 2 and not _at_sentence_start_pair(text, m):
            spans.append(m.span())
    return _merge(spans)


def _at_sentence_start_pair(text: str, m: re.Match[str]) -> bool:
    """Two capitalised words where the first only has a capital because it starts a sentence."""
    first = _TOKEN.match(m.group(0))
    starts = m.start() == 0 or re.search(r"[.!?]\s*$", text[: m.start()]) is not None
    return bool(starts and first and _bare(first.group(0)) in vocabulary())


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _redact_names(text: str, found: list[str]) -> str:
    spans = _name_spans(text)
    for start, end in reversed(spans):
        text = text[:start] + PLACEHOLDER["name"] + text[end:]
    found.extend(["name"] * len(spans))
    return text


# ---------------------------------------------------------------------------------------------

_DIGIT = re.compile(r"\d")


def redact(text: str) -> Redaction:
    """`text` with personal data replaced by placeholders, and the kinds found (in rule order)."""
    found: list[str] = []
    has_digit = _DIGIT.search(text) is not None
    lowered = text.lower()
    for rule in _RULES:
        if rule.applies(lowered, has_digit):
            text = _apply(rule, text, found)
    text = _redact_names(text, found)
    return Redaction(text, tuple(found))


def warm_up() -> None:
    """Load the word lists and service numbers now rather than on the first message."""
    vocabulary()
    _vocabulary_stems()
    service_numbers()
    _danger_words()
