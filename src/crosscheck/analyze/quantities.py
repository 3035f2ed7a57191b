"""Quantities: the numbers an article states, what they count and how they are hedged.

    extract_quantities(text, sentences) -> list[Quantity]   (in text order)

Spans are offsets into `text` and cover the whole phrase a reader would quote:
qualifier, currency sign, number(s), unit and counted noun ("approximately
11,000 North Korean troops", "between 40 and 50 people", "$310 million").
Spans never overlap except for a part of a stated total: "23 of 25 drones"
yields both "23 of 25 drones" (noun "drones") and "25 drones".
Extraction is regex-first: every pattern is compiled once, and each sentence is
scanned for number-like tokens, whose surroundings are then read with anchored
`match`/`search` calls on the original string; no NLP model is involved.

Qualifier vocabulary -- `Quantity.qualifier` is None or one of:
    "approximately"  about, around, roughly, some, approximately, approx., an
                     estimated, estimated, est., circa, ~, and "... or so"
    "more than"      more than, over, upwards of, in excess of, above, exceeding,
                     greater than, well over, well above, just over, and "10,000-plus",
                     "10,000+"
    "at least"       at least, no fewer than, no less than, not less than,
                     a minimum of, and "... or more"
    "up to"          up to, as many as, as much as, as high as
    "less than"      less than, fewer than, under, below
    "nearly"         nearly, almost, close to, just under, just below, just shy of
    "at most"        at most, no more than, not more than, a maximum of
    "exactly"        exactly, precisely
  Vague multiples, with `value` the multiple itself and no digits in the text:
    "dozens of" (12), "scores of" (20), "hundreds of" (100), "thousands of" (1e3),
    "tens of thousands of" (1e4), "hundreds of thousands of" (1e5),
    "millions of" (1e6), "tens of millions of" (1e7), "hundreds of millions of"
    (1e8), "billions of" (1e9), "several" ("several thousand" -> 1e3).
  "over" before a duration ("over 3 days") is left unqualified: it usually
  means "during", not "more than".

Kinds and units:
    "percent"  unit "%" ("5%", "43 percent", "43 per cent"); "percentage points"
    "money"    unit an ISO code: "$310 million" -> 310e6 USD; "£5bn", "€2.5
               billion", "310 million dollars", "5 million euros". A bare "$" is
               taken as USD and "¥" as JPY.
    "measure"  unit normalized: "km", "m", "km/h", "mph", "m3" ("billion cubic
               metres", "bcm"), "tons", "tonnes", "kg", "°C", "magnitude"
               ("magnitude 6.1", "a 6.1-magnitude earthquake"), and durations
               ("days", "years", ...). "10-12 days" is a measure in "days".
    "count"    everything else; `noun` is the counted head noun, lower-cased:
               "11,000 North Korean troops" -> "troops".
  Measures may have a noun too: "tons of rice" -> unit "tons", noun "rice".

Decisions:
  * Ranges need the second number to be larger: "50,000 to 100,000", "between
    40 and 50", "10-12", "5-10%", "$5-10 million" (the scale and unit of the
    second number apply to the first). "X to Y" with Y <= X is not a range but
    two separate figures -- a vote tally ("voted 212 to 38"), a score ("won
    3-1"), or a change ("fell from 50 to 30"); so is "rose from 30 to 50", after
    a verb of change. In a sentence about a vote, a tally's bare numbers get the
    noun "votes", so "212 to 38" yields Quantity(212, noun="votes") and
    Quantity(38, noun="votes"), each spanning its own number.
  * Not quantities: years ("in 2024", "since 2022", "the 2024 elections"),
    dates ("11 November", "June 19", "2024-11-12", "12/11/2024"), times
    ("07:29", "7 p.m."), ordinals ("11th"; "first" is never read), decades
    ("1990s"), phone numbers, fractions ("1/3", "one-third"), numbers inside
    names or codes ("G7", "COVID-19", "F-16", "5G", "Boeing 737", "Section 8",
    "No. 10"), and a spelled-out "one" that counts nothing ("one of the key
    elements", "no one", "one another").
  * Spelled-out numbers below 100 count only when they count something
    ("three passengers", "two nations"): a bare "two" is usually a pronoun.
  * A four-digit number from 1000 to 2100 is a year unless something marks it
    as an amount: currency, percent, scale, unit, or a counted noun that does
    not follow "in", "since", "the" ...: "sent 1500 soldiers" is a count.
  * "3m" is 3 million after a currency sign or before a plural noun or a unit
    ("3m people", "$3m", "3m tonnes"), otherwise 3 metres ("a 3m wall").
  * "pounds" is GBP unless followed by "of" ("200 pounds of explosives" -> lb).

Known limitations:
  * The counted noun is the first plural-looking word after the number (or the
    last word of an "of" phrase), found by spelling, not by parsing: a
    following verb in -s can be taken for it ("the 500 figure includes").
  * Numbers written with spaces for thousands are read ("10 000"), so a day
    number directly followed by a three-digit count ("June 19 200 people")
    reads as one number, which the date then hides; "1.500.000" (dots for
    thousands) is skipped.
  * A range of years ("1990-2000 troops") is dropped as a year range.
  * Fractions, negative numbers, Roman numerals and ratios are not read.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Quantity, Sentence

__all__ = ["extract_quantities", "QUALIFIERS"]

# --- vocabulary -----------------------------------------------------------------

_QUALIFIER_PHRASES: dict[str, tuple[str, ...]] = {
    "approximately": ("approximately", "approx.", "approx", "about", "around", "roughly", "some",
                      "an estimated", "estimated", "est.", "circa", "~"),
    "more than": ("more than", "over", "upwards of", "upward of", "in excess of", "above", "exceeding",
                  "greater than", "well over", "just over", "well above"),
    "at least": ("at least", "no fewer than", "no less than", "not less than", "a minimum of"),
    "up to": ("up to", "as many as", "as much as", "as high as"),
    "less than": ("less than", "fewer than", "under", "below"),
    "nearly": ("nearly", "almost", "close to", "just under", "just below", "just shy of"),
    "at most": ("at most", "no more than", "not more than", "a maximum of"),
    "exactly": ("exactly", "precisely"),
}
_QUALIFIER_OF = {phrase: label for label, phrases in _QUALIFIER_PHRASES.items() for phrase in phrases}

# value of each vague multiple; the key is also the qualifier it is reported with
_VAGUE_MULTIPLES = {
    "dozens of": 12.0, "scores of": 20.0, "hundreds of": 1e2, "thousands of": 1e3,
    "tens of thousands of": 1e4, "hundreds of thousands of": 1e5, "millions of": 1e6,
    "tens of millions of": 1e7, "hundreds of millions of": 1e8, "billions of": 1e9,
}
QUALIFIERS: frozenset[str] = frozenset(_QUALIFIER_PHRASES) | frozenset(_VAGUE_MULTIPLES) | {"several"}

_SMALL_NUMBERS = {
    word: value for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split())
} | {word: 10 * tens for tens, word in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_SCALE_WORDS = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SCALES_AFTER_DIGITS = _SCALE_WORDS | {"dozen": 12.0}  # "2 dozen"; spelled numbers read "dozen" themselves
_SCALE_ABBREVIATIONS = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "tn": 1e12}

_CURRENCY_SIGNS = {
    "$": "USD", "US$": "USD", "A$": "AUD", "C$": "CAD", "NZ$": "NZD", "HK$": "HKD", "£": "GBP",
    "AU$": "AUD", "CA$": "CAD", "NT$": "TWD", "S$": "SGD", "SG$": "SGD", "R$": "BRL", "MX$": "MXN",
    "$US": "USD", "$A": "AUD", "$AU": "AUD", "$NZ": "NZD", "$C": "CAD",
    "€": "EUR", "¥": "JPY", "₹": "INR", "₽": "RUB", "₩": "KRW", "Rs": "INR", "Rs.": "INR",
}
_CURRENCY_CODES = ("USD", "EUR", "GBP", "JPY", "CNY", "INR", "RUB", "UAH", "KRW", "CHF", "AUD", "CAD")

# written unit -> (normalized unit, kind, multiplier); spaces stand for any whitespace
_UNITS: dict[str, tuple[str, str, float]] = {}


def _add_units(unit: str, kind: str, *spellings: str, multiplier: float = 1.0) -> None:
    for spelling in spellings:
        _UNITS[spelling] = (unit, kind, multiplier)


for _metre in ("metre", "meter"):
    _add_units("km", "measure", f"kilo{_metre}", f"kilo{_metre}s")
    _add_units("m", "measure", _metre, f"{_metre}s")
    _add_units("cm", "measure", f"centi{_metre}", f"centi{_metre}s")
    _add_units("mm", "measure", f"milli{_metre}", f"milli{_metre}s")
    _add_units("km/h", "measure", f"kilo{_metre}s per hour", f"kilo{_metre}s an hour")
    _add_units("km2", "measure", f"square kilo{_metre}", f"square kilo{_metre}s")
    _add_units("m2", "measure", f"square {_metre}", f"square {_metre}s")
    _add_units("m3", "measure", f"cubic {_metre}", f"cubic {_metre}s")
    _add_units("m3", "measure", f"billion cubic {_metre}s", multiplier=1e9)
_add_units("km", "measure", "km", "kms")
_add_units("cm", "measure", "cm")
_add_units("mm", "measure", "mm")
_add_units("miles", "measure", "mile", "miles")
_add_units("nmi", "measure", "nautical mile", "nautical miles")
_add_units("ft", "measure", "foot", "feet", "ft")
_add_units("inches", "measure", "inch", "inches")
_add_units("km/h", "measure", "km/h", "km/hr", "kmh", "kph", "km per hour")
_add_units("mph", "measure", "mph", "miles per hour", "miles an hour")
_add_units("knots", "measure", "knot", "knots")
_add_units("m/s", "measure", "m/s")
_add_units("km2", "measure", "km2", "km²", "sq km", "sq. km")
_add_units("sq mi", "measure", "sq mi", "square mile", "square miles")
_add_units("m2", "measure", "m2", "m²", "sq m")
_add_units("sq ft", "measure", "sq ft", "square foot", "square feet")
_add_units("ha", "measure", "ha", "hectare", "hectares")
_add_units("acres", "measure", "acre", "acres")
_add_units("m3", "measure", "m3", "m³")
_add_units("m3", "measure", "bcm", multiplier=1e9)
_add_units("cu ft", "measure", "cubic foot", "cubic feet")
_add_units("l", "measure", "litre", "litres", "liter", "liters")
_add_units("gallons", "measure", "gallon", "gallons")
_add_units("barrels/day", "measure", "barrels per day", "barrels a day", "bpd")
_add_units("barrels", "measure", "barrel", "barrels")
_add_units("tonnes", "measure", "tonne", "tonnes", "metric ton", "metric tons", "metric tonnes")
_add_units("tons", "measure", "ton", "tons")
_add_units("kg", "measure", "kg", "kilogram", "kilograms", "kilo", "kilos")
_add_units("g", "measure", "gram", "grams")
_add_units("lb", "measure", "lb", "lbs", "pounds of")
_add_units("oz", "measure", "ounce", "ounces", "oz")
_add_units("°C", "measure", "°c", "° c", "degrees celsius", "degree celsius", "degrees c", "celsius")
_add_units("°F", "measure", "°f", "° f", "degrees fahrenheit", "degree fahrenheit", "degrees f", "fahrenheit")
_add_units("degrees", "measure", "degree", "degrees", "°")
for _power in ("kW", "MW", "GW"):
    _add_units(_power, "measure", _power.lower())
    _add_units(_power + "h", "measure", _power.lower() + "h")
_add_units("kW", "measure", "kilowatt", "kilowatts")
_add_units("MW", "measure", "megawatt", "megawatts")
_add_units("GW", "measure", "gigawatt", "gigawatts")
_add_units("TWh", "measure", "twh")
_add_units("magnitude", "measure", "magnitude")
for _period in ("second", "minute", "hour", "day", "week", "month", "year", "decade"):
    _add_units(_period + "s", "measure", _period, _period + "s")
_add_units("centuries", "measure", "century", "centuries")
_add_units("years", "measure", "year-old", "years old", "year old")
_add_units("USD", "money", "dollar", "dollars", "us dollars", "u.s. dollars", "usd")
_add_units("EUR", "money", "euro", "euros", "eur")
_add_units("GBP", "money", "pound", "pounds", "pounds sterling", "sterling", "gbp")
_add_units("JPY", "money", "yen", "jpy")
_add_units("CNY", "money", "yuan", "renminbi", "cny")
_add_units("INR", "money", "rupee", "rupees", "inr")
_add_units("RUB", "money", "rouble", "roubles", "ruble", "rubles", "rub")
_add_units("UAH", "money", "hryvnia", "hryvnias", "hryvnas", "uah")
_add_units("KRW", "money", "won", "krw")
_add_units("CHF", "money", "swiss franc", "swiss francs", "chf")

_DURATIONS = frozenset({"seconds", "minutes", "hours", "days", "weeks", "months", "years", "decades",
                        "centuries"})

# Words that end a counted-noun phrase: a number's noun comes before any of these.
_STOP_WORDS = frozenset("""
a an the this that these those its it it's his her their our your my
of to in on at by for from with without into onto over under about after before during since until
than as per via within across against among between through toward towards upon near along around
beyond behind like off out up down
or but nor so yet if because while whereas although though
is are was were be been being has have had do does did will would shall should can could may might must
who whom whose which what where when why how
i you he she we they them us him me
not no only also already still just even now then there here very too
more most less least some any all each every both either neither other another such same
said says say told according reportedly reported
percent per cent
dozens scores hundreds thousands millions billions tens
""".split())

_PLURAL_NOUNS_WITHOUT_S = frozenset("""
people children men women police personnel staff crew cattle livestock sheep fish deer aircraft
infantry militia youth clergy offspring poultry feet teeth geese mice data media
""".split())
_WORDS_ENDING_IN_S_THAT_COUNT_NOTHING = frozenset("""
news overseas always perhaps afterwards sometimes besides nevertheless thus plus minus various
numerous alias yes whereas series species
includes means seems appears shows suggests indicates represents comes goes makes takes gives gets
becomes stands lies brings holds contains involves requires remains exceeds accounts amounts equals
""".split())
_DETERMINERS = frozenset("the its their his her our your this that these those all an a".split())

# A number right after one of these is its label: "section 8", "No. 10", "flight 17"
_LABEL_WORDS = frozenset("""
no nos number section article chapter page pages paragraph clause flight route highway level category
phase stage round grade type version model gate room platform unit resolution act item episode
season vol volume issue edition tier division squad code channel
""".split())
# A year-like number after these is a year: "in 2024", "since 2022"
_YEAR_LEADS = frozenset("in since by from until till to of early late mid during before after through "
                        "around between spring summer autumn fall winter".split())
_RECENT_YEAR_LEADS = frozenset("the this that last next".split())
# "an 86-yard run" is as long as "86 yards": a compound of a measure word states the measure
# itself, whereas "a 200-student school" states a size, not how many students were there
_MEASURE_COMPOUNDS = frozenset("""
yard mile kilometre kilometer km metre meter foot feet inch acre hectare ton tonne pound kilogram kg
second minute hour day week month year decade century point game run goal lap storey story floor percent
""".split())
_YEAR_COMPOUNDS = frozenset("era style vintage model level levels election elections season".split())
# Sentence-initial capitalised words that are not names: "Yesterday 300 people ..."
_PLAIN_OPENERS = frozenset("today yesterday tonight overall altogether nationwide worldwide meanwhile "
                           "now so then also finally".split())


# --- patterns -------------------------------------------------------------------


def _alternation(phrases) -> str:
    # longest first, so "no more than" wins over "more than" at the same place
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?")
_ORDINAL_SUFFIX = r"(?:st|nd|rd|th)?"
_DAY_JOIN = r"(?:[-–&]|and|to|or)"  # "10-12 June", "June 10 and 11"

# Spans whose digits are dates, times, labels or codes; numbers inside them are skipped.
# The lookahead lets the scan skip most positions without trying every alternative.
_NOT_A_QUANTITY = re.compile(r"(?=[\d+('’JFMASOND])(?:" + "|".join((
    rf"\b(?:\d{{1,2}}{_ORDINAL_SUFFIX}\s*{_DAY_JOIN}\s*)?\d{{1,2}}{_ORDINAL_SUFFIX}(?:\s+of)?\s+{_MONTH}"
    rf"(?:,?\s+\d{{4}}\b)?",
    rf"\b{_MONTH}\s+\d{{1,2}}{_ORDINAL_SUFFIX}\b(?![,.]\d)(?:\s*{_DAY_JOIN}\s*\d{{1,2}}{_ORDINAL_SUFFIX}\b)?"
    rf"(?:,?\s+\d{{4}}\b)?",
    rf"\b{_MONTH}\s+\d{{4}}\b",
    r"\b\d{4}-\d{1,2}-\d{1,2}(?!\d)",
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b",
    r"\b\d{1,4}/\d{1,4}\b",
    r"\b(?:19|20)\d{2}\s?[-–/]\s?(?:(?:19|20)\d{2}|\d{2})\b(?!-)",
    r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?i:[ap]\.?\s?m)(?:\.|\b))?",
    r"\b\d{1,2}(?:\.\d{2})?\s*(?i:[ap]\.?\s?m)(?:\.|\b)",
    r"\b\d{1,2}\s+o['’]clock\b",
    r"\b\d{4}\s*(?:GMT|UTC|hrs)\b",
    r"(?i:\b\d+(?:st|nd|rd|th)\b)",
    r"(?<!\w)['’]?\d{2,4}['’]?s\b",
    r"(?<![\w,.])(?:\+\d{1,3}[\s.-]?)?\(?\d{2,4}\)?[\s.-]\d{3,4}[\s.-]\d{4}(?![\w,])",
    r"\+\d{1,3}(?:[\s.-]?\d{2,4}){2,}",
)) + ")")

# "G7", "COVID-19", "F-16" are codes: a number glued to letters is not read, unless the
# letters name a currency ("$US1 million").
_DIGITS = (r"(?:(?<=\$US)|(?<=\$AU)|(?<=\$NZ)|(?<=\$A)|(?<=\$C)|(?<![\w.,#/]))(?<![A-Za-z]-)"
           r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3}(?!\d))+(?:\.\d+)?|\d+(?:\.\d+)?)"
           r"(?!\d|[,.]\d)")
_DIGIT_NUMBER = re.compile(_DIGITS)
_SPELLED_START = (_alternation(_SMALL_NUMBERS)
                  + r"|a(?=\s+(?:hundred|thousand|million|billion|trillion|dozen)\b)")


def _either_case(phrases) -> str:
    # explicit capitals instead of re.IGNORECASE, which makes a full-text scan several times slower
    return _alternation([*phrases, *(p[0].upper() + p[1:] for p in phrases)])


_CANDIDATE = re.compile(
    r"(?=[\dzotfsenadhmbZOTFSENADHMB])"  # first characters of the alternatives, to skip the rest fast
    rf"(?:(?P<digits>{_DIGITS})"
    rf"|\b(?:(?P<vague>{_either_case(_VAGUE_MULTIPLES)})"
    r"|(?P<several>[Ss]everal)\s+(?P<several_scale>hundred|thousand|million|billion|dozen)"
    r"|(?P<half>[Hh]alf\s+a\s+(?:million|billion|dozen))"
    rf"|(?P<spelled>{_either_case(_SMALL_NUMBERS)}"
    r"|[Aa](?=\s+(?:hundred|thousand|million|billion|trillion|dozen)\b)))\b)")
_SPELLED_NUMBER = re.compile(rf"\b(?:{_SPELLED_START})\b", re.I)
_SPELLED_TOKEN = re.compile(r"(?:\s+|-)([a-z]+)\b", re.I)

_SCALE_AFTER = re.compile(
    r"\s+(?P<word>hundred|thousand|million|billion|trillion|dozen)\b(?:\s+(?P<word2>thousand|million|billion)\b)?"
    r"|\s?(?P<abbreviation>bn|mn|tn)\b"
    r"|(?P<glued>k|m)(?![\w/²³°])",
    re.I)
_METRES_CONTEXT = re.compile(
    r"(?:\s+|-)(?:high|long|wide|deep|tall|thick|away|above|below|from|down|under|metres?|meters?)\b"
    r"|\s*(?:[.,;:)!?]|\Z)", re.I)
_PERCENT_AFTER = re.compile(r"\s+(?P<points>percentage\s+points?)\b|\s?%|\s*(?:per\s?cent|pct)\b", re.I)
_UNIT_AFTER = re.compile(
    rf"(?P<joint>\s*|-)(?P<unit>{_alternation(_UNITS)})(?![A-Za-z0-9])", re.I)
_COMPOUND_WORD_AFTER = re.compile(r"-(?!plus\b)(?P<word>[a-z]+)\b(?!-)", re.I)
_RICHTER_AFTER = re.compile(r"\s+on\s+the\s+richter\s+scale\b", re.I)
_FRACTION_AFTER = re.compile(
    r"[\s-](?:half|halves|thirds?|quarters?|fourths?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?)\b",
    re.I)
_POSTFIX_QUALIFIER = re.compile(r"\s+or\s+(?P<or>more|so)\b|(?P<plus>\+|-plus\b)", re.I)
_RANGE_JOIN = re.compile(r"\s*(?P<dash>[-–—])\s*|\s+(?P<word>to|and|or|through)\s+", re.I)
# Dollars of other countries: "NT$24.05" and "NT $24.05" (Taiwan), "$US1 million", "S$3" are
# never US dollars, so they must not be compared with "$".
_DOLLAR_PREFIXES = ("US", "AU", "CA", "NZ", "HK", "NT", "SG", "MX", "A", "C", "S", "R")
_DOLLAR_SUFFIXES = ("US", "AU", "NZ", "A", "C")
_CURRENCY_SIGN = (rf"(?:{'|'.join(p for p in _DOLLAR_PREFIXES if len(p) > 1)})\s?\$"
                  rf"|(?:{'|'.join(p for p in _DOLLAR_PREFIXES if len(p) == 1)})\$"
                  rf"|\$(?:{'|'.join(_DOLLAR_SUFFIXES)})(?=\d|\Z)"  # \Z: where the search ends at the digit
                  rf"|\$|£|€|¥|₹|₽|₩|Rs\.?|{'|'.join(_CURRENCY_CODES)}")
_CURRENCY_AT = re.compile(rf"(?P<cur>{_CURRENCY_SIGN})\s?")
_CURRENCY_BEFORE = re.compile(rf"(?<![A-Za-z])(?P<cur>{_CURRENCY_SIGN})\s?\Z")
_QUALIFIER_BEFORE = re.compile(rf"(?<![\w~])(?P<q>{_alternation(_QUALIFIER_OF)})\s*\Z", re.I)
_MAGNITUDE_BEFORE = re.compile(r"(?<!\w)magnitude(?:\s+of)?(?:\s+|-)\Z", re.I)
_BETWEEN_BEFORE = re.compile(r"(?<!\w)between\s+\Z", re.I)
_CHANGE_FROM_BEFORE = re.compile(
    r"(?<!\w)(?:r[io]s\w*|increas\w*|decreas\w*|gr[eo]w\w*|jump\w*|climb\w*|f[ae]ll\w*|drop\w*|declin\w*"
    r"|soar\w*|surg\w*|plung\w*|slump\w*|rais\w*|cut|cuts|reduc\w*|revis\w*|lower\w*|doubl\w*|tripl\w*"
    r"|went|gone|chang\w*|mov\w*|shrank|shrunk|shrink\w*|swell\w*|swollen|upped)"
    r"(?:\s+[\w'’]+){0,3}\s+from\s+\Z", re.I)
_WORD_BEFORE = re.compile(r"(?<![\w'’])(?P<word>[A-Za-z][A-Za-z.'’]*)\s+\Z")
_LABEL_SIGN_BEFORE = re.compile(r"#\s*\Z")
_NEXT_WORD = re.compile(r"\s+(?P<word>[A-Za-z][A-Za-z'’-]*)")
# "41 of the passengers", "23 of 25 drones": the noun belongs to the first number too
_PARTITIVE = re.compile(r"\s+of\s+(?:the|those|these|its|their|his|her|our|\d[\d,]*)(?=\s)", re.I)
_OF_A_NUMBER = re.compile(r"\s+of\s+(?=\d)", re.I)
_OF = re.compile(r"\s+of(?=\s)", re.I)
_MONEY_OF = re.compile(r"\s+(?:in|of|worth\s+of)(?=\s)", re.I)
# a tally in a sentence about a vote counts votes: "the Assembly ratified it by 212 to 38"
_VOTE_WORDS = re.compile(
    r"\b(?:vot(?:e|es|ed|ing)|ballots?|ratif\w*|referendum|lawmakers|legislat\w*|parliament\w*|assembly|senate"
    r"|congress|deputies|MPs|senators|motion|bill|passed|passing|approved|adopted|rejected)\b", re.I)
_TALLY_BEFORE = re.compile(r"(?:\d|votes?)\s*(?:[-–—]|to|against)\s*\Z", re.I)

_ONE_THAT_COUNTS_NOTHING = re.compile(
    r"\s+(?:another|day|time|point|way|side|hand|thing|such|more|less|last|after|by)\b", re.I)


# --- reading --------------------------------------------------------------------


@dataclass(slots=True)
class _Amount:
    """A number with whatever directly follows it: scale, percent or unit."""

    value: float
    end: int
    spelled: bool
    year_like: bool = False
    scaled: bool = False
    unit: str | None = None
    kind: str = "count"
    adjectival: bool = False  # "a 6.1-magnitude earthquake": the next word is what is measured
    compound_word: str | None = None  # "a 3-member panel": not a known unit


@dataclass(slots=True)
class _Draft:
    start: int
    end: int
    value: float
    value_max: float | None = None
    unit: str | None = None
    noun: str | None = None
    qualifier: str | None = None
    kind: str = "count"


class _NotQuantities:
    """Dates, times, phone numbers and codes in one sentence, looked for only once a digit needs it."""

    __slots__ = ("_text", "_lo", "_hi", "_starts", "_ends")

    def __init__(self, text: str, lo: int, hi: int) -> None:
        self._text, self._lo, self._hi = text, lo, hi
        self._starts: list[int] | None = None
        self._ends: list[int] = []

    def cover(self, start: int, end: int) -> bool:
        if self._starts is None:
            spans = [m.span() for m in _NOT_A_QUANTITY.finditer(self._text, self._lo, self._hi)]
            self._starts, self._ends = [s for s, _ in spans], [e for _, e in spans]
        # The spans do not overlap, so ends are sorted like starts: a binary search finds the
        # first span ending after `start` (a scan of all is quadratic in a long sentence).
        i = bisect_right(self._ends, start)
        return i < len(self._starts) and self._starts[i] < end


def extract_quantities(text: str, sentences: Sequence[Sentence]) -> list[Quantity]:
    """Every quantity the text states, sentence by sentence, in text order."""
    quantities: list[Quantity] = []
    for sentence in sentences:
        for draft in _quantities_in(text, sentence.start, sentence.end):
            quantities.append(Quantity(
                sentence=sentence.index, start=draft.start, end=draft.end, text=text[draft.start:draft.end],
                value=draft.value, value_max=draft.value_max, unit=draft.unit, noun=draft.noun,
                qualifier=draft.qualifier, kind=draft.kind))
    return quantities


def _quantities_in(text: str, lo: int, hi: int) -> list[_Draft]:
    not_quantities = _NotQuantities(text, lo, hi)
    about_a_vote: bool | None = None  # decided only when a tally turns up
    drafts: list[_Draft] = []
    resume = lo
    for match in _CANDIDATE.finditer(text, lo, hi):
        if match.start() < resume:
            continue
        if match.group("digits") and not_quantities.cover(match.start(), match.end()):
            continue
        if match.group("vague") or match.group("several"):
            draft = _read_vague(text, match, lo, hi)
            drafts.append(draft)
            resume = draft.end
            continue
        draft, resume, tally = _read_number(text, match, lo, hi, not_quantities)
        if draft is None or not all(math.isfinite(v) for v in (draft.value, draft.value_max or 0.0)):
            continue  # 400 digits, or 10**300 trillion: beyond what a float holds
        if _PRODUCT_NAME.fullmatch(text, draft.start, draft.end):
            continue  # "the 11-inch Air", "a 9.7-inch iPad": a model's name, not a figure
        if draft.noun is None and draft.kind == "count" and draft.unit is None and (
                tally or _TALLY_BEFORE.search(text, max(lo, draft.start - 12), draft.start)):
            if about_a_vote is None:
                about_a_vote = bool(_VOTE_WORDS.search(text, lo, hi))
            if about_a_vote:
                draft.noun = "votes"
        drafts.append(draft)
    return drafts


# A screen size written as one adjective before a capitalised name ("the 13-inch MacBook Pro",
# "the 11-inch Air", "a 9.7-inch iPad") names a product model; "a 9-acre Mat Maid complex" or
# "a 15-year NBA career" still states a figure.
_PRODUCT_NAME = re.compile(r"\d[\d.]*-inch\s+(?:[A-Z]|i[A-Z])[\w-]*")


def _read_vague(text: str, match: re.Match, lo: int, hi: int) -> _Draft:
    if match.group("vague"):
        qualifier = " ".join(match.group("vague").lower().split())
        value = _VAGUE_MULTIPLES[qualifier]
    else:
        qualifier = "several"
        value = _SCALES_AFTER_DIGITS[match.group("several_scale").lower()]
    pos = match.end()
    draft = _Draft(start=match.start(), end=pos, value=value, qualifier=qualifier)
    unit = _UNIT_AFTER.match(text, pos, hi)
    if unit and unit.group("joint") and not unit.group("joint").startswith("-"):
        draft.unit, draft.kind, multiplier = _UNITS[_unit_key(unit.group("unit"))]
        draft.value *= multiplier
        pos = draft.end = unit.end()
    if draft.kind == "count":
        found = _counted_noun(text, pos, hi, singular=False)
    else:
        found = _noun_after_of(text, pos, hi, _MONEY_OF if draft.kind == "money" else _OF)
    if found:
        draft.noun, draft.end = found
    return draft


def _read_number(text: str, match: re.Match, lo: int, hi: int,
                 not_quantities: _NotQuantities) -> tuple[_Draft | None, int, bool]:
    """The quantity starting at this number, where to resume scanning, and whether it is a tally."""
    number_start = match.start()
    if match.group("half"):
        words = match.group("half").lower().split()
        first = _Amount(value=0.5 * (12.0 if words[-1] == "dozen" else _SCALE_WORDS[words[-1]]),
                        end=match.end(), spelled=True, scaled=True)
    else:
        first = _read_amount(text, number_start, hi, currency=None)
        if first is None:
            return None, match.end(), False

    # what stands before the number: currency sign, "magnitude", qualifier, "between"
    start = number_start
    currency = _CURRENCY_BEFORE.search(text, max(lo, start - 5), start)
    if currency:
        start = currency.start()
        code = _currency_code(currency.group("cur"))
        first = _read_amount(text, number_start, hi, currency=code) or first  # "$3m" is money, not metres
        if first.kind == "count":
            first.unit, first.kind = code, "money"
        first.year_like = False
    magnitude = None if currency else _MAGNITUDE_BEFORE.search(text, max(lo, start - 16), start)
    if magnitude:
        start = magnitude.start()
        first.unit, first.kind, first.adjectival = "magnitude", "measure", True
    qualifier_match = _QUALIFIER_BEFORE.search(text, max(lo, start - 20), start)
    qualifier = None
    if qualifier_match:
        qualifier = _QUALIFIER_OF[" ".join(qualifier_match.group("q").lower().split())]
        start = qualifier_match.start()
    between = _BETWEEN_BEFORE.search(text, max(lo, start - 9), start)
    word_before_match = _WORD_BEFORE.search(text, max(lo, start - 30), start)
    word_before = word_before_match.group("word").lower().rstrip(".") if word_before_match else ""

    if _is_label(text, match, first, word_before_match, lo, start, hi):
        return None, first.end, False
    if first.spelled and first.value == 1 and _ONE_THAT_COUNTS_NOTHING.match(text, first.end, hi):
        return None, first.end, False

    draft = _Draft(start=start, end=first.end, value=first.value, unit=first.unit, kind=first.kind,
                   qualifier=qualifier)
    pos = first.end
    tally = False
    postfix = _POSTFIX_QUALIFIER.match(text, pos, hi)
    if postfix:
        pos = _apply_postfix(draft, postfix)
    else:
        second = _join_range(text, first, pos, hi, between is not None, lo, start, not_quantities)
        if second == "tally":
            tally = True
        elif second is not None:
            draft.value, draft.value_max = first.value, second.value  # first may have taken the second's scale
            if draft.unit is None and second.unit is not None:
                draft.unit, draft.kind = second.unit, second.kind
                first.adjectival, first.compound_word = second.adjectival, second.compound_word
            draft.end = pos = second.end
            first.spelled = first.spelled and second.spelled
            first.year_like = first.year_like and second.year_like
            if between:
                draft.start = between.start()

    richter = _RICHTER_AFTER.match(text, pos, hi)
    if richter and draft.kind == "count":
        draft.unit, draft.kind = "magnitude", "measure"
        draft.end = pos = richter.end()

    noun = _find_noun(text, draft, first, pos, hi)
    of_a_number = _OF_A_NUMBER.match(text, pos, hi)
    resume = of_a_number.end() if of_a_number else None  # "23 of 25 drones" states 25 drones too
    if noun:
        draft.noun, draft.end = noun
        pos = draft.end
    if draft.qualifier is None:
        postfix = _POSTFIX_QUALIFIER.match(text, pos, hi)
        if postfix:
            pos = _apply_postfix(draft, postfix)
    if (qualifier_match and draft.unit in _DURATIONS and word_before != "for"
            and qualifier_match.group("q").lower() == "over"):
        draft.qualifier = None  # "over 3 days" is when, not how long
        draft.start = qualifier_match.end()

    if first.year_like and not _still_an_amount(draft, first, word_before):
        return None, max(pos, first.end), False
    if first.spelled and draft.value < 100 and draft.noun is None and draft.unit is None:
        return None, draft.end, False
    return draft, resume or draft.end, tally


def _read_amount(text: str, pos: int, hi: int, currency: str | None) -> _Amount | None:
    """The number at `pos` with its scale, percent sign or unit."""
    digits = _DIGIT_NUMBER.match(text, pos, hi)
    if digits:
        raw = digits.group()
        amount = _Amount(value=_digit_value(raw), end=digits.end(), spelled=False,
                         year_like=len(raw) == 4 and raw.isdigit() and 1000 <= int(raw) <= 2100)
    else:
        spelled = _spelled_number(text, pos, hi) if _SPELLED_NUMBER.match(text, pos, hi) else None
        if spelled is None:
            return None
        amount = _Amount(value=spelled[0], end=spelled[1], spelled=True,
                         scaled=spelled[0] >= 1000 and spelled[0] % 1000 == 0)
    if _FRACTION_AFTER.match(text, amount.end, hi):
        return None

    if not amount.spelled:
        scale = _SCALE_AFTER.match(text, amount.end, hi)
        if scale and _apply_scale(text, amount, scale, currency, hi) == "metres":
            return amount
    percent = _PERCENT_AFTER.match(text, amount.end, hi)
    if percent:
        amount.unit = "percentage points" if percent.group("points") else "%"
        amount.kind, amount.end = "percent", percent.end()
        return amount
    unit = _UNIT_AFTER.match(text, amount.end, hi)
    if unit:
        key = _unit_key(unit.group("unit"))
        name, kind, multiplier = _UNITS[key]
        if kind == "money" and key.startswith("pound") and _OF.match(text, unit.end(), hi):
            name, kind = "lb", "measure"
        amount.value *= multiplier
        amount.unit, amount.kind, amount.end = name, kind, unit.end()
        amount.adjectival = unit.group("joint") == "-"
        amount.year_like = False
        return amount
    if not amount.spelled and amount.end < hi and text[amount.end].isalpha():
        return None  # "5G", "737MAX": a code, not a number
    compound = _COMPOUND_WORD_AFTER.match(text, amount.end, hi)
    if compound:
        amount.compound_word = compound.group("word").lower()
        amount.end = compound.end()
    return amount


def _currency_code(sign: str) -> str:
    return _CURRENCY_SIGNS.get(re.sub(r"\s", "", sign), sign)


def _digit_value(raw: str) -> float:
    return float(raw.replace(",", "").replace(" ", "").replace("\u00a0", "").replace("\u202f", ""))


def _apply_scale(text: str, amount: _Amount, scale: re.Match, currency: str | None, hi: int) -> str:
    if scale.group("word"):
        multiplier = _SCALES_AFTER_DIGITS[scale.group("word").lower()]
        if scale.group("word2"):
            multiplier *= _SCALE_WORDS[scale.group("word2").lower()]
    elif scale.group("abbreviation"):
        multiplier = _SCALE_ABBREVIATIONS[scale.group("abbreviation").lower()]
    else:
        glued = scale.group("glued").lower()
        if glued == "m" and currency is None and not _means_million(text, scale.end(), hi):
            amount.unit, amount.kind, amount.end, amount.year_like = "m", "measure", scale.end(), False
            return "metres"
        multiplier = _SCALE_ABBREVIATIONS[glued]
    amount.value *= multiplier
    amount.scaled, amount.year_like, amount.end = True, False, scale.end()
    return "scale"


def _means_million(text: str, pos: int, hi: int) -> bool:
    """After a glued "m": million before a unit or a plural noun, metres before "high", "long" ..."""
    if _METRES_CONTEXT.match(text, pos, hi):
        return False
    unit = _UNIT_AFTER.match(text, pos, hi)
    if unit and unit.group("joint") not in ("", "-"):
        return True
    return _counted_noun(text, pos, hi, singular=False) is not None


def _spelled_number(text: str, pos: int, hi: int) -> tuple[float, int] | None:
    """Value and end of "three", "twenty-five", "two hundred and fifty thousand", "a dozen"."""
    total = current = 0.0
    largest_scale = float("inf")
    first = _SPELLED_NUMBER.match(text, pos, hi)
    end = cursor = first.end()
    word = first.group().lower()
    if word == "a":
        previous = "a"  # kind of the last word read
    else:
        current = _SMALL_NUMBERS[word]
        previous = "tens" if current >= 20 else "small"
    while token := _SPELLED_TOKEN.match(text, cursor, hi):
        word = token.group(1).lower()
        joint = text[token.start():token.start(1)]
        if word in _SMALL_NUMBERS:
            value = _SMALL_NUMBERS[word]
            if previous in ("hundred", "scale", "and") and joint.strip() == "":
                current += value
                previous = "tens" if value >= 20 else "small"
            elif previous == "tens" and 0 < value < 10:
                current += value
                previous = "small"
            else:
                break
        elif word == "hundred" and previous in ("small", "tens", "a") and joint.strip() == "":
            current = (current or 1) * 100
            previous = "hundred"
        elif (word in _SCALE_WORDS and previous in ("small", "tens", "a", "hundred", "dozen")
              and _SCALE_WORDS[word] < largest_scale and joint.strip() == ""):
            largest_scale = _SCALE_WORDS[word]
            total += (current or 1) * largest_scale
            current = 0
            previous = "scale"
        elif word == "dozen" and previous in ("small", "tens", "a") and joint.strip() == "":
            current = (current or 1) * 12
            previous = "dozen"
        elif word == "and" and previous in ("hundred", "scale") and joint.strip() == "":
            following = _SPELLED_TOKEN.match(text, token.end(), hi)
            if not (following and following.group(1).lower() in _SMALL_NUMBERS):
                break
            previous = "and"
            cursor = token.end()
            continue
        else:
            break
        cursor = end = token.end()
    if previous == "a":
        return None
    return total + current, end


def _join_range(text: str, first: _Amount, pos: int, hi: int, after_between: bool, lo: int, start: int,
                not_quantities: _NotQuantities) -> _Amount | str | None:
    """The second figure of a range, "tally" for two figures side by side ("212 to 38"), or None."""
    join = _RANGE_JOIN.match(text, pos, hi)
    if not join:
        return None
    word = (join.group("word") or "").lower()
    if word == "and" and not after_between:
        return None
    currency = _CURRENCY_AT.match(text, join.end(), hi)
    number_start = currency.end() if currency else join.end()
    if not_quantities.cover(number_start, number_start + 1):
        return None  # "from 10 to 11 November"
    code = (_currency_code(currency.group("cur")) if currency
            else first.unit if first.kind == "money" else None)
    second = _read_amount(text, number_start, hi, currency=code)
    if second is None:
        return None
    if currency and second.kind == "count":
        second.unit, second.kind = code, "money"
    if first.unit is not None and second.unit is not None and first.unit != second.unit:
        return None
    first_value = first.value
    if second.scaled and not first.scaled and not second.spelled:
        written = _digit_value(_DIGIT_NUMBER.match(text, number_start, hi).group())
        if first.value < written:
            first_value = first.value * (second.value / written)  # "$5-10 million": 5 million
    tally = "tally" if word == "to" or join.group("dash") else None
    if second.value <= first_value:
        return tally
    if word == "to" and _CHANGE_FROM_BEFORE.search(text, max(lo, start - 60), start):
        return tally  # "rose from 30 to 50" is two figures, not a range
    first.value = first_value
    return second


def _apply_postfix(draft: _Draft, postfix: re.Match) -> int:
    if draft.qualifier is None:
        tail = (postfix.group("or") or "").lower()
        draft.qualifier = "at least" if tail == "more" else "approximately" if tail == "so" else "more than"
    draft.end = postfix.end()
    return postfix.end()


def _find_noun(text: str, draft: _Draft, amount: _Amount, pos: int, hi: int) -> tuple[str, int] | None:
    if amount.compound_word:
        if amount.compound_word == "strong":  # "a 10,000-strong force"
            return _next_plain_word(text, pos, hi)
        if amount.compound_word not in _MEASURE_COMPOUNDS:
            # "a 200-student schoolhouse" is the school's size, not students present: the
            # figure belongs to the noun it describes
            head = _next_plain_word(text, pos, hi)
            if head is not None:
                return head
        return amount.compound_word, pos
    if amount.adjectival:
        return _next_plain_word(text, pos, hi)
    if draft.kind == "money":
        return _noun_after_of(text, pos, hi, _MONEY_OF)
    if draft.kind in ("percent", "measure"):
        # a measure's own noun must follow at once ("110 km/h winds"), or "tore roofs" would be read
        return _noun_after_of(text, pos, hi, _OF) or (
            _counted_noun(text, pos, hi, singular=False, reach=1) if draft.kind == "measure" else None)
    if _PARTITIVE.match(text, pos, hi):
        if draft.value == 1:
            return None
        partitive = _PARTITIVE.match(text, pos, hi)
        return _counted_noun(text, partitive.end(), hi, singular=False)
    return _counted_noun(text, pos, hi, singular=draft.value == 1)


def _counted_noun(text: str, pos: int, hi: int, singular: bool, reach: int = 5) -> tuple[str, int] | None:
    """The head noun of "North Korean troops": the first plural-looking word before a stop word."""
    capitalised_plural = None
    singular_candidate = None
    after_name = False
    for _ in range(reach):
        match = _NEXT_WORD.match(text, pos, hi)
        if not match:
            break
        word = match.group("word").rstrip("'’-")
        lower = word.lower()
        if lower in _STOP_WORDS or lower.endswith(("'s", "’s")) or (lower == "and" and not after_name):
            break  # "and" may only join names: "Russian and North Korean troops"
        after_name = word[0].isupper()
        pos = match.end()
        acronym_plural = len(word) > 2 and word[-1] == "s" and word[:-1].isupper()  # "MPs"
        if _looks_plural(lower) or acronym_plural:
            if word[0].islower() or lower in _PLURAL_NOUNS_WITHOUT_S or acronym_plural:
                return lower, match.start("word") + len(word)
            if capitalised_plural is None and lower.endswith("ans"):  # "Ukrainians", not "United States"
                capitalised_plural = (lower, match.start("word") + len(word))
        elif singular and word[0].islower() and not lower.endswith(("ly", "ed", "ing")):
            singular_candidate = (lower, match.start("word") + len(word))
    return capitalised_plural or singular_candidate


def _noun_after_of(text: str, pos: int, hi: int, lead: re.Pattern) -> tuple[str, int] | None:
    """The head of "of natural gas", "in military aid": its first plural, else its last word."""
    start = lead.match(text, pos, hi)
    if not start:
        return None
    pos = start.end()
    words: list[tuple[str, int]] = []
    for _ in range(5):
        match = _NEXT_WORD.match(text, pos, hi)
        if not match:
            break
        word = match.group("word").rstrip("'’-")
        lower = word.lower()
        if not words and lower in _DETERMINERS:
            pos = match.end()
            continue
        if lower in _STOP_WORDS or lower == "and" or (words and lower.endswith("ed")):
            break
        pos = match.end()
        words.append((lower, match.start("word") + len(word)))
        if lower.endswith(("'s", "’s")):
            break
    for lower, end in words:
        if _looks_plural(lower):
            return lower, end
    return words[-1] if words else None


def _next_plain_word(text: str, pos: int, hi: int) -> tuple[str, int] | None:
    match = _NEXT_WORD.match(text, pos, hi)
    if not match:
        return None
    lower = match.group("word").rstrip("'’-").lower()
    if lower in _STOP_WORDS:
        return None
    return lower, match.start("word") + len(lower)


def _looks_plural(lower: str) -> bool:
    if lower in _PLURAL_NOUNS_WITHOUT_S or (lower.endswith("men") and len(lower) > 4):
        return True
    return (len(lower) > 3 and lower.endswith("s") and not lower.endswith(("ss", "us", "is"))
            and lower not in _WORDS_ENDING_IN_S_THAT_COUNT_NOTHING)


def _is_label(text: str, match: re.Match, amount: _Amount, word_before: re.Match | None,
              lo: int, start: int, hi: int) -> bool:
    """"Boeing 737", "Section 8", "No. 10": a number that names rather than counts."""
    if amount.spelled or amount.scaled or amount.kind in ("money", "percent"):
        return False
    raw = match.group("digits") or ""
    if not raw or not raw.replace(".", "").isdigit():
        return False  # a thousands separator is never in a label
    if _LABEL_SIGN_BEFORE.search(text, max(lo, start - 2), start):
        return True
    if word_before is None:
        return False
    word = word_before.group("word")
    lower = word.lower().rstrip(".")
    if lower in _LABEL_WORDS:
        return True
    if not word[0].isupper() or lower in _QUALIFIER_OF or lower.endswith(("'s", "’s")):
        return False
    before = text[lo:word_before.start()]
    sentence_initial = before.strip(" \t\n\"“‘'([") == ""
    if lower in _STOP_WORDS:
        # a capitalised small word that carries on a name inside a sentence is part of it ("the
        # Sea Me We 3 cable"), unless the whole line is in title case ("Berth With 31-24 Victory")
        previous = _WORD_BEFORE.search(before)
        return (not sentence_initial and lower != "i" and previous is not None
                and previous.group("word")[0].isupper() and not _title_case(text[lo:hi]))
    return not (sentence_initial and (lower in _PLAIN_OPENERS or lower.endswith(("ing", "ed", "ly"))))


def _title_case(sentence: str) -> bool:
    """Whether a sentence capitalises its words, as headlines do."""
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’]+", sentence) if len(w) > 3]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _still_an_amount(draft: _Draft, amount: _Amount, word_before: str) -> bool:
    """Whether a year-like number ("1500", "2024") is an amount after all."""
    if draft.kind != "count" or amount.scaled or draft.unit is not None:
        return True
    if amount.compound_word:
        return amount.compound_word not in _YEAR_COMPOUNDS  # "a 1500-strong force", not "2020-era"
    if draft.noun is None or not _looks_plural(draft.noun):
        return False
    if word_before in _YEAR_LEADS or word_before.endswith(("'s", "’s")):
        return False
    return not (word_before in _RECENT_YEAR_LEADS and 1900 <= draft.value <= 2100)


def _unit_key(written: str) -> str:
    return " ".join(written.lower().split())
