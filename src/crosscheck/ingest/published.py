"""Publication dates as sources write them: ISO stamps, datelines, header fields.

A dateline is recognised by its form (a line that is a date and nothing else),
not by its position, because outlets put it before or after the standfirst.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from .errors import InputError

_MONTHS = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?")
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_CLOCK = r"\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?\s?m\.?)?"
_ZONE = r"(?:\s*(?:utc|gmt|[A-Z]{2,4}|[+-]\d{2}:?\d{2}))?"
_TIME = rf"(?:,?\s*(?:at|@)?\s*{_CLOCK}{_ZONE})?"
_TIME_FIRST = rf"(?:{_CLOCK}{_ZONE}\s*,?\s*(?:on\s+)?)?"  # "7:15 a.m. Dec. 7, 2009"
_DATE_FORMS = (
    rf"{_WEEKDAY}\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}}{_TIME}",  # 12 November 2024 07:29
    rf"{_WEEKDAY}{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}{_TIME}",  # November 12, 2024
    rf"\d{{4}}-\d{{2}}-\d{{2}}(?:[T ]\d{{2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?",
    rf"\d{{1,2}}\s?[./]\s?\d{{1,2}}\s?[./]\s?(?:\d{{4}}|\d{{2}}){_TIME}",  # 11/30/2009, 11 / 30 / 09
)
_DATE = f"(?:{_TIME_FIRST}(?:" + "|".join(_DATE_FORMS) + "))"
_LABEL = r"(?:published|updated|posted|date|dated|last\s+updated|first\s+published)"
DATELINE = re.compile(rf"^\s*(?:{_LABEL}\s*(?:on\s*)?:?\s*)?(?P<date>{_DATE})\s*$", re.I)
# " date 2024-11-12 On November 11, ..." : a labelled date glued to the body's first sentence.
DATE_PREFIX = re.compile(rf"^\s*{_LABEL}\s*:?\s*(?P<date>{_DATE})\s+(?P<rest>\S.*)$", re.I | re.S)
_HAS_TIME = re.compile(r"\d{1,2}[:.]\d{2}")


def parse_published(value: str) -> tuple[datetime, bool]:
    """Parse a publication date; return (datetime, whether it has a time of day).

    Raises InputError naming the value when it is not a date.
    """
    value = value.strip()
    if not value:
        raise InputError("empty date")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed, "T" in value or " " in value.strip()
    except ValueError:
        pass
    parsed = _dateparser_parse(_PARSER_FRIENDLY.sub(_tidy, value))
    if parsed is None:
        raise InputError(f"cannot parse date {value[:60]!r}")
    return parsed, bool(_HAS_TIME.search(value))


def dateline(line: str) -> tuple[datetime, bool] | None:
    """The date if this line is a dateline and nothing else, else None."""
    if len(line) > 80 or not any(ch.isdigit() for ch in line):
        return None
    match = DATELINE.match(line)
    if not match:
        return None
    try:
        return parse_published(match.group("date"))
    except InputError:
        return None


def date_prefix(line: str) -> tuple[tuple[datetime, bool], str] | None:
    """((date, has_time), rest of line) for a labelled date that starts a body line."""
    match = DATE_PREFIX.match(line)
    if not match:
        return None
    try:
        return parse_published(match.group("date")), match.group("rest")
    except InputError:
        return None


# Scraped datelines write "a. m." and "11 / 30 / 09"; dateparser wants "am" and "11/30/09".
_PARSER_FRIENDLY = re.compile(r"\b([ap])\.\s?m\.|\s*([./])\s*(?=\d)|@", re.I)


def _tidy(match: re.Match) -> str:
    if match.group(1):
        return match.group(1).lower() + "m"
    if match.group(2):
        return match.group(2)
    return " "


@lru_cache(maxsize=4096)
def _dateparser_parse(value: str) -> datetime | None:
    import dateparser  # slow to import; only needed for free-form dates

    return dateparser.parse(
        value,
        languages=["en"],
        settings={"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False,
                  "PARSERS": ["custom-formats", "absolute-time"]},
    )
