"""What a figure or a date is about, beyond its value.

Two outlets disagree only when they state the same attribute of the same thing
at the same time. A unit or a counted noun is not enough to say so: "people"
killed are not people injured, a quake's depth is not its distance from a town,
"eight of the jurors" are part of the jury, and last year's figure is not this
year's. This module reads, from the words around a value in its sentence:

- role: what happened to the people or things counted (killed, injured, missing,
  rescued, arrested, displaced, shot), from the nearest such word in its clause;
- measure: for a length, whether it is a depth, a distance (and from where), a
  height or a length;
- scope: "part" of a stated total ("N of the M", "including N"), a "running" total
  ("so far", "in all", "bringing the toll to"), "background" (another time: "last
  year", "in 2005", "the previous quake"), or "future" ("will be 29 in April");
  None for a plain statement about the story's event.

Each reading is a plain function of the sentence text and the value's span, so
it can be tested on its own; `align` uses them to keep apart what is not the same
claim, and to require them before it calls two values a conflict.
"""

from __future__ import annotations

import re
from datetime import date

# --- roles -------------------------------------------------------------------------

_ROLE_WORDS = {
    "killed": r"kill(?:ed|ing|s)?|dead|died|dies|dying|deaths?|death\s+toll|toll|fatalit(?:y|ies)|lives|"
              r"perish(?:ed)?|bodies|murder(?:ed|ing|s)?|slain|drown(?:ed|ing)?",
    "injured": r"injur(?:ed|ing|ies|y)|wound(?:ed|ing|s)?|hurt|hospitali[sz]ed|treated|casualties",
    "missing": r"missing|unaccounted",
    "trapped": r"trapped|buried|stranded",
    "rescued": r"rescu(?:ed|ing|e)|survivors?|survived|saved|pulled\s+(?:alive|out)",
    "arrested": r"arrest(?:ed|s)?|detain(?:ed|ing)?|detentions?|custody|charged|held|jailed|seized",
    "displaced": r"evacuat(?:ed|ion|e)|displaced|homeless|shelters?|sheltering|fled|refugees",
    "shot": r"shot|shooting|gunned",
    "population": r"population|inhabitants|home\s+to|(?:a\s+)?(?:city|town)\s+of",
}
_ROLE = re.compile(r"\b(?:" + "|".join(f"(?P<{name}>{words})" for name, words in _ROLE_WORDS.items()) + r")\b",
                   re.I)
_CLAUSE_BREAK = re.compile(r"[;:()]|,\s+(?:and|but|while|whereas|which|who|with)\b|,\s+(?=[a-z]+ing\b)|\s+-\s+|"
                           r"\s+–\s+|\bwhile\b")
_ROLE_REACH = 100  # characters: a role word further off usually belongs to another figure
_ROLE_RIGHT_AFTER = 12  # "20 were wounded", "41 people dead"
_PREDICATE = re.compile(r"\s*(?:(?!and\b|or\b|but\b)[a-z]+\s+)?(?:(?:were|was|are|is|been|have|has|had|got)\s+)*",
                        re.I)


def role(sentence: str, start: int, end: int) -> str | None:
    """What happened to what a figure counts: the role word nearest the value in its clause.
    `start`/`end` are the value's offsets in `sentence`."""
    lo, hi = _clause(sentence, start, end)
    inside = _ROLE.search(sentence, start, end)
    if inside:
        return inside.lastgroup  # "23 dead"
    # a role told of the figure right after it is its own ("12 people were killed and 20 were
    # wounded", "41 dead"), but not one that starts the next clause ("killing three and injuring
    # dozens")
    after = _ROLE.search(sentence, end, min(hi, end + _ROLE_RIGHT_AFTER + 12))
    if after and after.start() - end <= _ROLE_RIGHT_AFTER and _PREDICATE.fullmatch(sentence, end, after.start()):
        return after.lastgroup
    best: tuple[int, str] | None = None
    for match in _ROLE.finditer(sentence, max(lo, start - _ROLE_REACH), min(hi, end + _ROLE_REACH)):
        if start <= match.start() < end:
            continue
        distance = start - match.end() if match.end() <= start else match.start() - end
        if best is None or distance < best[0]:
            best = (distance, match.lastgroup)
    return best[1] if best else None


def _clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    lo, hi = 0, len(sentence)
    for match in _CLAUSE_BREAK.finditer(sentence):
        if match.end() <= start:
            lo = match.end()
        elif match.start() >= end:
            hi = match.start()
            break
    return lo, hi


# --- subjects ----------------------------------------------------------------------

_SUBJECT_REACH = 40
_SUBJECT_AFTER = 20
_SPEAKS = re.compile(r",?\s+(?:\w+\s+)?(?:said|says|say|told|tells|added|adds|noted|reported|stated|confirmed|"
                     r"explained|announced|according)\b", re.I)


def age_owner(sentence: str, start: int, end: int, names: list[tuple[int, int, str]]) -> str | None:
    """Whose age: the name the age is set against ("Lohan, 26,", "32-year-old Robert Buckley");
    otherwise unclear, since a sentence can give several people's ages."""
    for name_start, name_end, canonical in names:
        if start <= name_start <= end + 3 or (name_end <= start and re.fullmatch(r",?\s*\(?",
                                                                                   sentence[name_end:start])):
            return canonical  # "32-year-old Robert Buckley" (the name may be read into the figure's words)
    return UNCLEAR


def located(sentence: str, start: int, places: list[tuple[int, int, str]]) -> str | None:
    """What a distance is measured to: the place set in apposition right before it ("the town
    of Gadera, 17 miles from Tel Aviv"); None when the sentence does not say."""
    for name_start, name_end, canonical in places:
        if name_end <= start and re.fullmatch(r",\s*", sentence[name_end:start]):
            return canonical
    return None


def subject(sentence: str, start: int, end: int, names: list[tuple[int, int, str]]) -> str | None:
    """Whose figure it is: the person named nearest before the value in its clause, within
    reach ("Hansbrough scored 20 points", "Reid, 33,"), else one named right after it ("a
    32-year-old Englishman, Robert Buckley"). Only people: the nearest organisation or
    place is as often the figure's setting as its owner ("ratified the treaty with Kesh by
    212 votes"). `names` are (start, end, canonical) of the sentence's people, in sentence
    offsets."""
    lo, hi = _clause(sentence, start, end)
    before: tuple[int, str] | None = None
    after: tuple[int, str] | None = None
    for name_start, name_end, canonical in names:
        if _SPEAKS.match(sentence, name_end):
            continue  # "Manrosan said the 7.7 quake...": who tells it, not whose figure it is
        if name_start < lo or name_end > hi:
            continue
        if name_end <= start:
            distance = start - name_end
            if distance <= _SUBJECT_REACH and (before is None or distance < before[0]):
                before = (distance, canonical)
        else:
            distance = max(0, name_start - end)
            if distance <= _SUBJECT_AFTER and (after is None or distance < after[0]):
                after = (distance, canonical)
    found = before or after
    if found:
        return found[1]
    # a sentence that names people, none of them near the figure, or that gives the figure
    # to "he" or "she", leaves its owner open
    if any(not _SPEAKS.match(sentence, name_end) for _, name_end, _ in names) or \
            _PRONOUN.search(sentence, lo, start):
        return UNCLEAR
    return None


_PRONOUN = re.compile(r"\b(?:he|she|his|her|him)\b", re.I)


UNCLEAR = "?"  # a figure whose sentence names people but not whose figure it is


def same_person(a: str | None, b: str | None) -> bool:
    """Two names of one person as outlets spell them: "Duncan Rait" and "Duncan Raite",
    "Kimani Gray" and "Kimani Kiki Gray"; an unclear owner is no one's."""
    if not a or not b or UNCLEAR in (a, b):
        return False
    if a == b:
        return True
    tokens_a = re.findall(r"[a-z]{2,}", a.casefold())
    tokens_b = re.findall(r"[a-z]{2,}", b.casefold())
    if not tokens_a or not tokens_b:
        return False
    shorter, longer = sorted((set(tokens_a), set(tokens_b)), key=len)
    if len(shorter) >= 2 and shorter <= longer:
        return True  # "Kimani Gray" and "Kimani Kiki Gray"; a lone "Gray" could be any Gray
    # "Duncan Rait" and "Duncan Raite": the same names, one letter apart; not "Mahnefah Gray"
    # and "Kimani Gray", who are two people of one family
    if len(tokens_a) == len(tokens_b) and all(_one_edit(x, y) for x, y in zip(tokens_a, tokens_b)):
        return True
    # "Mo Cheeks" and "Maurice Cheeks", "Alexis" and "Alexandros Grigoropoulos": a short form of
    # the same first name (its initial) with the same family name
    return len(tokens_a) == len(tokens_b) == 2 and tokens_a[1] == tokens_b[1] and tokens_a[0][0] == tokens_b[0][0]


def _one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 4:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[i + 1:] == b[i + 1:] or a[i:] == b[i + 1:] or a[i + 1:] == b[i:]


# --- measures ----------------------------------------------------------------------

_LENGTH_UNITS = frozenset({"km", "m", "miles", "mi", "feet", "ft", "metres", "meters", "kilometres",
                           "kilometers", "yards", "cm", "inches", "nautical miles"})
_FALL = re.compile(r"\b(?:fell|fall(?:ing|s|en)?|plunged?|plunging|tumbled?|tumbling|dropped|plummet(?:ed|ing)?)\b",
                   re.I)
_DEPTH = re.compile(r"\b(?:deep|depth|below|beneath|underground|under\s+the|down)\b", re.I)
_DISTANCE = re.compile(r"\b(?:from|away|off|outside|north|south|east|west|northeast|northwest|southeast|"
                       r"southwest|north-east|north-west|south-east|south-west|of)\b", re.I)
_HEIGHT = re.compile(r"\b(?:high|tall|height|altitude|above)\b", re.I)
_LENGTH = re.compile(r"\b(?:long|length|stretch(?:ed|es|ing)?|wide|width|across)\b", re.I)
_PLACE_AFTER = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:(?:north|south|east|west|northeast|northwest|southeast|"
                          r"southwest|north-east|north-west|south-east|south-west)(?:ern)?\s+)?"
                          r"(?:of|from)\s+(?:the\s+)?(?:[\w-]+\s+){0,4}?(?P<place>[A-Z][\w'-]+)")


def measure(sentence: str, start: int, end: int, unit: str | None) -> str | None:
    """For a length: "fall", "depth", "distance:<place>" (or "distance"), "height" or "length"."""
    if not unit or unit.lower() not in _LENGTH_UNITS:
        return None
    lo, hi = _clause(sentence, start, end)
    after = sentence[end:min(hi, end + 40)]
    before = sentence[max(lo, start - 30):start]
    if _FALL.search(before) or _FALL.search(after[:20]):
        return "fall"
    if _DEPTH.search(after) or _DEPTH.search(before):
        return "depth"
    if _DISTANCE.match(after.strip()) or _DISTANCE.search(after[:25]):
        place = _PLACE_AFTER.match(sentence, end, min(len(sentence), end + 80))
        return f"distance:{place.group('place').casefold()}" if place else "distance"
    if _HEIGHT.search(after[:20]):
        return "height"
    if _LENGTH.search(after[:20]) or _LENGTH.search(before):
        return "length"
    return None


# --- scope -------------------------------------------------------------------------

_PART_AFTER = re.compile(r"\s*(?:of\s+(?:the|them|whom|those|these|its|their|his|her)\b|of\s+\d|out\s+of\b)",
                         re.I)
_PART_BEFORE = re.compile(r"\b(?:including|includ(?:es|ed)|among\s+(?:them|whom|those|the)|of\s+whom|"
                          r"of\s+them|of\s+which|plus|besides)\s+(?:[\w-]+\s+){0,2}\Z", re.I)
# a run cut from a longer series, or added to one: "the first 17 points", "one final chance",
# "another 12 people", "the remaining three"
_SUBSET_WORDS = r"(?:first|last|final|opening|closing|remaining|other|another|additional|further|extra)"
_SUBSET_BEFORE = re.compile(rf"\b{_SUBSET_WORDS}\s+\Z", re.I)
_SUBSET_INSIDE = re.compile(rf"\s{_SUBSET_WORDS}\s", re.I)  # "one final chance", "10 more minutes"
_SMALL_NUMBER = r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
# the total of a part: "28 of 41 passes", "five of Creighton's first eight points"
_TOTAL_BEFORE = re.compile(rf"\b{_SMALL_NUMBER}\s+(?:out\s+)?of\s+(?:[\w’'-]+\s+){{0,3}}\Z", re.I)
# "23 of 25 drones", "three of the four soldiers"
_PART_OF_TOTAL = re.compile(rf"\b{_SMALL_NUMBER}\s+(?:out\s+)?of\s+(?:the\s+)?{_SMALL_NUMBER}\b", re.I)
_RUNNING = re.compile(r"\b(?:so\s+far|to\s+date|in\s+total|in\s+all|all\s+told|altogether|overall|"
                      r"a\s+total\s+of|total(?:ling|ing)?|cumulative|bringing\s+(?:the\s+\w+\s+)?(?:to|up)|"
                      r"brings?\s+(?:the\s+\w+\s+)?to|since\s+the\s+(?:start|beginning|outbreak)|"
                      r"since\s+(?:it|the\s+\w+)\s+began|since\s+the\s+[a-z]+)\b", re.I)
_BACKGROUND = re.compile(
    r"\b(?:last|previous|past|preceding|prior)\s+(?:year|month|decade|season|week|time|quake|earthquake|"
    r"attack|election|one|record)s?\b|\b(?:a|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+"
    r"(?:weeks?|months?|years?|decades?|centur(?:y|ies))\s+(?:ago|earlier|before)\b|\bpreviously\b|\bformer(?:ly)?\b|"
    r"\bprevious\b|\bearlier\s+(?:quake|earthquake|tremor|attack|incident|disaster|one|case)\b|"
    r"\bin\s+the\s+past\b|\bon\s+average\b|\baverages?\b|"
    r"\bsince\s+(?:1[89]|20)\d\d\b|\bin\s+(?:1[89]|20)\d\ds\b|\brecord\s+(?:of|for|set)\b|"
    r"\b(?:old|standing|previous|former)\s+record\b",
    re.I)
_FUTURE = re.compile(r"\b(?:will|would|shall|(?:is|are)\s+(?:expected|due|set|projected|forecast|likely)\s+to|"
                     r"(?:is|are)\s+to|turns?|turning|to\s+turn|plans?\s+to|could\s+reach)\b[^.;]*\Z", re.I)


def scope(sentence: str, start: int, end: int, value_text: str, other_dates: list[tuple[date, str]],
          own: date | None, home_year: int | None) -> str | None:
    """"part", "total", "running", "background", "future" or None (a plain figure of the story's
    event). "part" and "total" mark the two sides of "28 of 41 passes".

    `other_dates` are the (first day, granularity) of the sentence's other dates (not
    the claim's own); `own` is the article's own day (dateline or publication) and
    `home_year` the year it reports from (its own day's, else the latest year it names),
    so that "in 2005" or "in January" mark a figure of another time.
    """
    lo, hi = _clause(sentence, start, end)
    after = sentence[end:hi]
    before = sentence[lo:start]
    if _PART_OF_TOTAL.search(value_text) or _PART_AFTER.match(after) or _PART_BEFORE.search(before):
        return "part"
    if _TOTAL_BEFORE.search(before):
        return "total"  # the 41 of "28 of 41 passes": attempts, not completions
    if _SUBSET_BEFORE.search(before) or _SUBSET_INSIDE.search(value_text):
        return "part"
    if _FUTURE.search(sentence[max(lo, start - 60):start]):
        return "future"
    if _BACKGROUND.search(sentence, lo, hi):  # its own clause: a sentence may recall the past and report now
        return "background"
    for day, granularity in other_dates:
        if own is not None and granularity != "year":
            if abs((day - own).days) > 45:
                return "background"
        elif home_year is not None and day.year != home_year:
            return "background"  # "in December 2004" in a story from 2012
    if _RUNNING.search(sentence[max(0, start - 60):min(len(sentence), end + 60)]):
        return "running"
    return None


# --- part of the day ---------------------------------------------------------------

_LATE = re.compile(r"\b(?:late|tonight)\s+(?:on\s+)?\Z|\Alate\b", re.I)
_LATE_AFTER = re.compile(r"\A\s*(?:night|evening)\b", re.I)
_EARLY = re.compile(r"\b(?:early|before\s+dawn)\s+(?:on\s+)?\Z|\Aearly\b", re.I)
_EARLY_AFTER = re.compile(r"\A\s*(?:morning|\W*(?:around|about|at)?\s*\d{1,2}(?::\d\d)?\s*a\.?\s?m\b)", re.I)


def part_of_day(sentence: str, start: int, end: int, value_text: str) -> str | None:
    """"late" for "late Thursday" or "Thursday night", "early" for "early Friday" or "Friday
    morning, around 1:30 a.m."; None otherwise."""
    before, after = sentence[max(0, start - 12):start], sentence[end:end + 30]
    if _LATE.search(before) or _LATE.search(value_text) or _LATE_AFTER.match(after) or "night" in value_text.lower():
        return "late"
    if _EARLY.search(before) or _EARLY.search(value_text) or _EARLY_AFTER.match(after) or \
            "morning" in value_text.lower():
        return "early"
    return None
