"""Date mentions: calendar dates, and relative ones resolved against the article's date.

Regex first, and no date parser per sentence: the analysis stage has well under 2 ms
per article. Three cheap scans over the whole text find triggers (a capitalised month
or weekday name, a run of digits, a relative keyword such as "week" or "ago"); only
around a trigger do small anchored patterns read the neighbouring words, and never
beyond the trigger's sentence. The trigger patterns are plain alternations of
literals on purpose: the regex engine can then skip to candidate first characters
instead of trying every position, which is what keeps a scan near 15 µs per article.

A span covers the date and the words that change what it means ("early November
2024", "last Tuesday", "June this year", "beginning of November", "Monday, November
11") but not the preposition that merely introduces it ("in", "on", "since"), so
"on June 19, 2024" is reported as "June 19, 2024".

Anchoring rules, chosen to be simple and predictable rather than clever:
- a day and month without a year ("November 11") take the year that puts the date
  nearest the anchor; a month without a year ("in June") likewise, by whole months.
  A tie goes to the past, since news reports more than it announces.
- a bare weekday ("on Monday", "Monday's vote") is the most recent such day on or
  before the anchor, unless the future tense comes before it in the sentence ("will
  meet on Friday", "is to be voted on Thursday": the anchor's day or the next). "next Friday" is the
  first Friday after the anchor, "last Friday" the last one before it, "this Friday"
  the Friday of the anchor's Monday-to-Sunday week.
- weeks start on Monday; a week, month or year is reported as its first day.
Without an anchor every mention that needs one has value None, so the caller can
extract again once a story date has been inferred (and pass inferred=True).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..records import DateMention, Sentence

__all__ = ["extract_dates", "period_of"]

_MONTH_NUMBERS = {
    "January": 1, "February": 2, "March": 3, "April": 4, "May": 5, "June": 6, "July": 7,
    "August": 8, "September": 9, "October": 10, "November": 11, "December": 12,
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9,
    "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}
_FULL_MONTH_NAMES = frozenset(list(_MONTH_NUMBERS)[:12])
_WEEKDAY_NUMBERS = {
    "Monday": 0, "Tuesday": 1, "Wednesday": 2, "Thursday": 3, "Friday": 4, "Saturday": 5, "Sunday": 6,
}
# Also ordinary English ("may have", "the March on Washington") or a name (Theresa
# May): alone, these need stronger evidence than other months.
_AMBIGUOUS_MONTHS = frozenset({"May", "March"})
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100,
}
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_COUNT = (rf"\d{{1,3}}|(?:{_TENS})(?:[-\s](?:{_UNITS}))?|{_UNITS}|ten|eleven|twelve|thirteen|fourteen"
          r"|fifteen|sixteen|seventeen|eighteen|nineteen|hundred|an|a")

# Case-sensitive on purpose: the capital is what separates "May" from "may".
_MONTH_NAME = (r"(?:January|February|March|April|May|June|July|August|September|October|November"
               r"|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)")
_WEEKDAY_NAME = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:1[89]\d\d|20\d\d|2100)"

# --- triggers (whole text) ----------------------------------------------------------
_NAME_TRIGGER = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?![A-Za-z])")
# One branch each for ISO, m/d/yyyy and a year; the trailing guards keep times
# ("07:29"), decimals, thousands groups ("10,000") and percentages out.
_DIGIT_TRIGGER = re.compile(
    r"[0-9](?:(?P<iso>[0-9]{3}-[0-9]{2}-[0-9]{2})(?!(?!T[0-9])[\w/]|[.,:-][0-9])"
    r"|(?P<slash>[0-9]?/[0-9]{1,2}/[0-9]{4})(?![\w/]|[.,:-][0-9])"
    r"|[0-9]{3}(?![\w%]|[.,:/][0-9]))")
# str.find is faster than any regex over these; each is the end of a relative phrase.
# ("oday" and friends so that a sentence-initial "Today" is found too.)
_RELATIVE_KEYWORDS = ("week", "month", "year", "ago", "night", "oday", "esterday", "omorrow",
                      "morning", "afternoon", "evening")

# --- context, read around a trigger ---------------------------------------------------
_DAY_AFTER_MONTH = re.compile(
    r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{1,2}(?:st|nd|rd|th)?)?(?![\w:]|[.,]\d)")
_DAY_BEFORE_MONTH = re.compile(r"(?<![\d,.:/])\b(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+\Z")
_YEAR_AFTER = re.compile(
    rf",?\s+(?:of\s+)?(?:(?P<year>{_YEAR})(?![\w:%]|[.,]\d)|(?P<shift>this|last|next)\s+year\b)")
_WEEKDAY_BEFORE_DATE = re.compile(rf"\b{_WEEKDAY_NAME},?\s+(?:the\s+)?\Z")
_PERIOD_MODIFIER = (r"\b(?:[Ee]arly|[Ll]ate|[Mm]id)(?:\s+|-)"
                    r"|\b(?:[Bb]eginning|[Ss]tart|[Ee]nd|[Mm]iddle)\s+of\s+")
_MODIFIER_BEFORE = re.compile(rf"(?:{_PERIOD_MODIFIER})\Z")
_DEICTIC_BEFORE_MONTH = re.compile(r"\b(?P<which>[Tt]his|[Ll]ast|[Nn]ext)\s+\Z")
_STRONG_MONTH_CONTEXT = re.compile(
    r"\b(?:[Ii]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Dd]uring|[Bb]efore|[Aa]fter|[Tt]hrough(?:out)?|[Bb]etween)\s+\Z")
# "by May", "from May", "for May" are as likely to be about Theresa May, so these only
# count for the unambiguous months.
_WEAK_MONTH_CONTEXT = re.compile(
    rf"(?:\b(?:[Bb]y|[Ff]rom|[Ff]or|of|to)\s+"
    rf"|{_MONTH_NAME}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?,?\s*(?:and|or|to|through|until|[-–—])\s*)\Z")
_YEAR_CONTEXT = re.compile(
    rf"(?:(?P<modifier>{_PERIOD_MODIFIER})"
    r"|\b(?:[Ii]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]efore|[Aa]fter|[Dd]uring|[Tt]hrough(?:out)?|year)\s+"
    rf"|(?P<countable>\b(?:[Bb]y|[Ff]rom|of|[Bb]etween|[Ff]or)\s+|{_YEAR}\s*(?:[-–—]|and|or|to|through|until)\s*))\Z")
# After "of", "by", "from" a four-digit number is as often a count ("a force of 2000
# troops"): there a lowercase word after it must be one that can follow a year.
_NEXT_WORD = re.compile(r"\s+([a-z]+)")
_WORDS_AFTER_A_YEAR = frozenset(
    "and or to the a an when after before as that which while with was were is are has had have in on "
    "at for but until through compared amid despite from of onwards onward so if than because it they "
    "he she we there this its their his her where following during under over by alone".split())
_HOLIDAY_BEFORE_WEEKDAY = re.compile(
    r"\b(?:Good|Black|Cyber|Ash|Super|Bloody|Palm|Easter|Holy|Maundy|Shrove|Fat|Whit|Giving)\s+\Z")
_WEEKDAY_MODIFIER = re.compile(
    r"\b(?P<which>[Ll]ast|[Nn]ext|[Tt]his\s+(?:past|coming)|[Tt]his|[Pp]ast|[Cc]oming)\s+\Z")
_RELATIVE_PHRASE = re.compile(
    r"\b(?:(?P<shift>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|today|tonight"
    r"|yesterday|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening))"
    r"|(?P<which>(?:earlier|later|early|late)\s+(?:this|last|next)|(?:earlier|later)\s+in\s+the"
    r"|this|last|next)\s+(?P<unit>week|month|year)"
    rf"|(?<![\d,.])(?P<count>{_COUNT})\s+(?P<ago_unit>day|week|month|year|decade)s?\s+ago)\Z",
    re.IGNORECASE)
_THE_BEFORE = re.compile(r"\b[Tt]he\s+\Z")  # "over the last week" is a duration, not last week
_CAPITALISED_WORD_BEFORE = re.compile(r"\b[A-Z][\w.]*\s+\Z")  # "USA Today", "Russia Today"

# Characters to look back from a trigger; the longest lead-in ("the day before ",
# "twenty-five years ", "Wednesday, the ") is well inside it.
_LOOKBACK = 40
# A weekday told in the future tense ("is to be voted on Thursday", "will meet on
# Friday") or as a fixture ("plays at Seattle on Saturday") is the coming one, not the
# last one.
_FUTURE_BEFORE = re.compile(
    r"\b(?:will|shall|(?:is|are)\s+(?:to|due|set|scheduled|expected|planned|slated)|to\s+be|"
    r"plans?\s+to|scheduled|upcoming|looming)\b[^.;:]*\Z"
    # a fixture told in the present tense, in the same clause: "New Orleans plays at Seattle
    # on Saturday", "the trial begins Monday"
    r"|\b(?:plays|begins|opens|faces|hosts|visits|starts|resumes|kicks\s+off)\b[^.;:,]{0,40}\Z", re.I)


@dataclass(slots=True)
class _Found:
    start: int
    end: int
    granularity: str
    relative: bool
    value: date | None  # when the text alone fixes the date
    resolve: Callable[[date], date | None] | None  # when the anchor is needed


def extract_dates(text: str, sentences: Sequence[Sentence], anchor: date | None, *,
                  inferred: bool = False) -> list[DateMention]:
    """Every date `text` mentions, in text order, each inside one of `sentences`.

    `anchor` is the article's date; `inferred=True` says it was inferred from the
    story, and marks every mention that needed it.
    """
    if not sentences:
        return []
    if isinstance(anchor, datetime):
        anchor = anchor.date()  # a datetime anchor would make every value a datetime
    locate = _SentenceLocator(sentences)
    found: list[_Found] = []
    _scan_names(text, locate, found)
    _scan_digits(text, locate, found)
    _scan_relative(text, locate, found)

    mentions = []
    for item in _without_overlaps(found):
        if item.resolve is None:
            value, used = item.value, None
        elif anchor is None:
            value, used = None, None
        else:
            try:
                value, used = item.resolve(anchor), anchor
            except (ValueError, OverflowError):  # beyond year 1 or 9999: "tomorrow" of 9999-12-31
                value = None
            if value is None:
                continue  # "February 29" with no leap year near the anchor
        mentions.append(DateMention(
            sentence=locate.index_of(item.start), start=item.start, end=item.end,
            text=text[item.start:item.end], value=value, granularity=item.granularity, relative=item.relative, anchor=used,
            inferred=inferred and used is not None))
    return mentions


class _SentenceLocator:
    def __init__(self, sentences: Sequence[Sentence]):
        self._sentences = sentences
        self._starts = [s.start for s in sentences]

    def bounds(self, position: int) -> tuple[int, int] | None:
        i = bisect_right(self._starts, position) - 1
        if i < 0:
            return None
        sentence = self._sentences[i]
        return (sentence.start, sentence.end) if position < sentence.end else None

    def index_of(self, position: int) -> int:
        # every scan reads only inside the sentence of its trigger, so a start is enough
        return self._sentences[bisect_right(self._starts, position) - 1].index


def _without_overlaps(found: list[_Found]) -> list[_Found]:
    # The longest reading wins: "June 19, 2024" over "June 19" and "2024". Marking the
    # characters taken keeps this linear; comparing each reading with every kept one is
    # quadratic, minutes for a long text full of dates.
    taken = bytearray(max((f.end for f in found), default=0))
    kept: list[_Found] = []
    for item in sorted(found, key=lambda f: (f.start - f.end, f.start)):
        if taken.find(1, item.start, item.end) < 0:
            taken[item.start:item.end] = b"\x01" * (item.end - item.start)
            kept.append(item)
    kept.sort(key=lambda f: f.start)
    return kept


# --- month and weekday names ------------------------------------------------------------


def _scan_names(text: str, locate: _SentenceLocator, found: list[_Found]) -> None:
    for match in _NAME_TRIGGER.finditer(text):
        start = match.start()
        if start and text[start - 1].isalpha():
            continue  # the tail of a longer word ("LiveMay")
        bounds = locate.bounds(start)
        if bounds is None:
            continue
        name = match.group()
        weekday = _WEEKDAY_NUMBERS.get(name)
        if weekday is None:
            _month_at(text, match.start(), match.end(), name, bounds, found)
        else:
            _weekday_at(text, match.start(), match.end(), weekday, bounds, found)


def _month_at(text: str, start: int, end: int, name: str, bounds: tuple[int, int],
              found: list[_Found]) -> None:
    lo, hi = bounds
    month = _MONTH_NUMBERS[name]
    window = max(lo, start - _LOOKBACK)

    if name not in _FULL_MONTH_NAMES and text.startswith(".", end):
        end += 1  # "Nov. 11", "11 Nov. 2024"
    day_match = _DAY_BEFORE_MONTH.search(text, window, start)
    if day_match:
        day = int(day_match.group("day"))
        start = day_match.start()
    else:
        day_match = _DAY_AFTER_MONTH.match(text, end, hi)
        day = int(day_match.group("day")) if day_match else None
        if day_match:
            end = day_match.end()
    if day is not None and not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        return
    year_match = _YEAR_AFTER.match(text, end, hi)
    year = year_shift = None
    if year_match:
        end = year_match.end()
        if year_match.group("year"):
            year = int(year_match.group("year"))
        else:
            year_shift = _YEAR_SHIFT[year_match.group("shift")]

    if day is not None:
        weekday = _WEEKDAY_BEFORE_DATE.search(text, window, start)
        if weekday:
            start = weekday.start()
        day_found = _day_of_month(start, end, month, day, year, year_shift)
        if day_found is not None:
            found.append(day_found)
        return

    bare = year is None and year_shift is None
    modifier = _MODIFIER_BEFORE.search(text, window, start)
    deictic = _DEICTIC_BEFORE_MONTH.search(text, window, start) if bare and not modifier else None
    if bare and not (modifier or deictic):
        # "Jan" and "Mar" alone are a name and a verb far more often than a month
        if name not in _FULL_MONTH_NAMES or not _month_context(text, window, start, end, name):
            return
    if modifier:
        start = modifier.start()
    elif deictic:
        start = deictic.start()
    found.append(_month_found(start, end, month, year, year_shift,
                              deictic.group("which").lower() if deictic else None))


def _month_context(text: str, window: int, start: int, end: int, name: str) -> bool:
    if _STRONG_MONTH_CONTEXT.search(text, window, start):
        # "in May's cabinet" is about Theresa May; "in May" alone is the month
        return not (name in _AMBIGUOUS_MONTHS and text.startswith("'s", end))
    return name not in _AMBIGUOUS_MONTHS and _WEAK_MONTH_CONTEXT.search(text, window, start) is not None


def _day_of_month(start: int, end: int, month: int, day: int, year: int | None,
                  year_shift: int | None) -> _Found | None:
    if year is not None:
        value = _safe_date(year, month, day)
        return _Found(start, end, "day", False, value, None) if value else None
    if year_shift is not None:
        return _Found(start, end, "day", True, None,
                      lambda anchor: _safe_date(anchor.year + year_shift, month, day))
    return _Found(start, end, "day", False, None, lambda anchor: _nearest_day(month, day, anchor))


def _month_found(start: int, end: int, month: int, year: int | None, year_shift: int | None,
                 which: str | None) -> _Found:
    if year is not None:
        return _Found(start, end, "month", False, date(year, month, 1), None)
    if year_shift is not None:
        return _Found(start, end, "month", True, None,
                      lambda anchor: date(anchor.year + year_shift, month, 1))
    if which is not None:
        return _Found(start, end, "month", True, None, lambda anchor: _named_month(month, which, anchor))
    return _Found(start, end, "month", False, None, lambda anchor: _nearest_month(month, anchor))


def _weekday_at(text: str, start: int, end: int, weekday: int, bounds: tuple[int, int],
                found: list[_Found]) -> None:
    window = max(bounds[0], start - _LOOKBACK)
    if _HOLIDAY_BEFORE_WEEKDAY.search(text, window, start):
        return
    direction = "on or before"
    modifier = _WEEKDAY_MODIFIER.search(text, window, start)
    if modifier:
        start = modifier.start()
        words = modifier.group("which").lower().split()
        if words[0] == "last" or words[-1] == "past":
            direction = "before"
        elif words[0] == "next" or words[-1] == "coming":
            direction = "after"
        else:
            direction = "same week"
    elif _FUTURE_BEFORE.search(text, max(bounds[0], start - 2 * _LOOKBACK), start):
        direction = "on or after"
    found.append(_Found(start, end, "day", True, None, lambda anchor: _weekday(weekday, direction, anchor)))


# --- digits: ISO, m/d/yyyy, years -------------------------------------------------------


def _scan_digits(text: str, locate: _SentenceLocator, found: list[_Found]) -> None:
    for match in _DIGIT_TRIGGER.finditer(text):
        start, end = match.span()
        bounds = locate.bounds(start)
        if bounds is None:
            continue
        if match.group("iso") or match.group("slash"):
            if start and (text[start - 1].isalnum() or text[start - 1] in "_/.,:-"):
                continue  # part of a serial number, a longer number or a path
            value = _numeric_date(match.group(), bool(match.group("iso")))
            if value is not None:
                found.append(_Found(start, end, "day", False, value, None))
            continue
        year = int(match.group())
        if 1800 <= year <= 2100:
            year_found = _year_at(text, start, end, year, bounds)
            if year_found is not None:
                found.append(year_found)


def _numeric_date(token: str, iso: bool) -> date | None:
    if iso:
        year, month, day = map(int, token.split("-"))
    else:
        first, second, year = map(int, token.split("/"))
        if first <= 12 < second or first == second:
            month, day = first, second
        elif second <= 12 < first:
            month, day = second, first
        else:
            return None  # 3/4/2024: March 4 in New York, 3 April in London
    if not 1800 <= year <= 2100:
        return None
    return _safe_date(year, month, day)


def _year_at(text: str, start: int, end: int, year: int, bounds: tuple[int, int]) -> _Found | None:
    # A bare number is a year only after words that introduce one ("in 2024", "since
    # 2022", "mid-2023"): "Section 2024" and "2024 soldiers" are not years.
    context = _YEAR_CONTEXT.search(text, max(bounds[0], start - _LOOKBACK), start)
    if context is None:
        return None
    if context.group("countable"):
        following = _NEXT_WORD.match(text, end, bounds[1])
        if following and following.group(1) not in _WORDS_AFTER_A_YEAR:
            return None
    if context.group("modifier"):
        start = context.start()
    return _Found(start, end, "year", False, date(year, 1, 1), None)


# --- relative phrases -------------------------------------------------------------------


def _scan_relative(text: str, locate: _SentenceLocator, found: list[_Found]) -> None:
    length = len(text)
    for keyword in _RELATIVE_KEYWORDS:
        position = text.find(keyword)
        while position >= 0:
            end = position + len(keyword)
            if end == length or not text[end].isalpha():  # "weekend", "yearly", "agony"
                relative = _relative_ending_at(text, end, locate)
                if relative is not None:
                    found.append(relative)
            position = text.find(keyword, end)


def _relative_ending_at(text: str, end: int, locate: _SentenceLocator) -> _Found | None:
    bounds = locate.bounds(end - 1)
    if bounds is None:
        return None
    window = max(bounds[0], end - _LOOKBACK)
    match = _RELATIVE_PHRASE.search(text, window, end)
    if match is None:
        return None
    start = match.start()
    shift = match.group("shift")
    if shift is not None:
        if shift in ("Today", "Tonight") and _CAPITALISED_WORD_BEFORE.search(text, window, start):
            return None  # "USA Today", "Russia Today": a title, not a day
        days = _DAY_SHIFTS[" ".join(shift.lower().split())]
        return _Found(start, end, "day", True, None, lambda anchor: anchor + timedelta(days=days))
    if match.group("unit") is not None:
        which = " ".join(match.group("which").lower().split())
        if which in ("this", "last", "next") and _THE_BEFORE.search(text, window, start):
            return None
        unit = match.group("unit").lower()
        step = -1 if which.endswith("last") else 1 if which.endswith("next") else 0
        return _Found(start, end, unit, True, None, lambda anchor: _shift_period(anchor, unit, step))
    count = _count(match.group("count"))
    unit = match.group("ago_unit").lower()
    if unit == "decade":
        unit, count = "year", count * 10
    return _Found(start, end, unit, True, None, lambda anchor: _shift_period(anchor, unit, -count))


# --- arithmetic -------------------------------------------------------------------------

_YEAR_SHIFT = {"this": 0, "last": -1, "next": 1}
_DAY_SHIFTS = {
    "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
    "yesterday": -1, "last night": -1, "tomorrow": 1,
    "the day before yesterday": -2, "the day after tomorrow": 2,
}
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February as in a leap year


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _count(word: str) -> int:
    if word[0].isdigit():
        return int(word)
    return sum(_NUMBER_WORDS[part] for part in re.split(r"[-\s]+", word.lower()))


def _nearest_day(month: int, day: int, anchor: date) -> date | None:
    best: date | None = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        candidate = _safe_date(year, month, day)
        # strictly nearer only, so a tie keeps the earlier (past) candidate
        if candidate and (best is None or abs((candidate - anchor).days) < abs((best - anchor).days)):
            best = candidate
    return best


def _nearest_month(month: int, anchor: date) -> date:
    offset = month - anchor.month
    if offset >= 6:  # six months ahead ties with six months back; the past wins
        return date(anchor.year - 1, month, 1)
    if offset < -6:
        return date(anchor.year + 1, month, 1)
    return date(anchor.year, month, 1)


def _named_month(month: int, which: str, anchor: date) -> date:
    if which == "last":
        return date(anchor.year if month < anchor.month else anchor.year - 1, month, 1)
    if which == "next":
        return date(anchor.year if month > anchor.month else anchor.year + 1, month, 1)
    return date(anchor.year, month, 1)


def _weekday(weekday: int, direction: str, anchor: date) -> date:
    if direction == "same week":
        return anchor + timedelta(days=weekday - anchor.weekday())
    if direction == "after":
        return anchor + timedelta(days=(weekday - anchor.weekday()) % 7 or 7)
    if direction == "on or after":
        return anchor + timedelta(days=(weekday - anchor.weekday()) % 7)
    back = (anchor.weekday() - weekday) % 7
    if direction == "before" and back == 0:
        back = 7
    return anchor - timedelta(days=back)


def _shift_period(anchor: date, unit: str, steps: int) -> date | None:
    try:
        return _shifted(anchor, unit, steps)
    except (ValueError, OverflowError):
        return None  # "900 decades ago" is before year 1


def _shifted(anchor: date, unit: str, steps: int) -> date:
    if unit == "day":
        return anchor + timedelta(days=steps)
    if unit == "week":
        monday = anchor - timedelta(days=anchor.weekday())
        return monday + timedelta(weeks=steps)
    if unit == "month":
        months = anchor.year * 12 + anchor.month - 1 + steps
        return date(months // 12, months % 12 + 1, 1)
    return date(anchor.year + steps, 1, 1)


def period_of(first: date, granularity: str) -> tuple[date, date]:
    """The first and last day a date mention covers: a week, month or year is reported as its
    first day, and spans to its last."""
    if granularity == "year":
        return first, date(first.year, 12, 31)
    if granularity == "month":
        following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        return first, following - timedelta(days=1)
    if granularity == "week":
        return first, first + timedelta(days=6)
    return first, first


def dateline_day(sentences: Sequence[Sentence], mentions: Sequence[DateMention]) -> date | None:
    """The day an article dates itself by in its first lines ("May 03, 2013" on a line of its
    own, "4 October 2013, 18:07"), for articles that come without a publication date: the
    article's own anchor, unlike a date inferred from its story."""
    heads = {s.index: s for s in sentences[:3]}
    for mention in mentions:
        sentence = heads.get(mention.sentence)
        if sentence is not None and is_dateline(sentence, mention):
            return mention.value
    return None


def is_dateline(sentence: Sentence, mention: DateMention) -> bool:
    """Whether a line is only a stated day (perhaps with a time or a place): "May 03, 2013"."""
    if mention.relative or mention.value is None or mention.granularity != "day" or sentence.index > 2:
        return False
    rest = sentence.text[: mention.start - sentence.start] + sentence.text[mention.end - sentence.start:]
    return len(_WORDS_OF.findall(rest)) <= 3


_WORDS_OF = re.compile(r"[A-Za-z]{2,}")
