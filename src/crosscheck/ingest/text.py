"""Plain-text articles: find the title, dateline, byline, caption and site chrome.

Text files come from copy-paste and scrapers, so the lines before the body may
hold a title, a standfirst, a dateline, a byline or a photo caption, in any
order, and the lines after it may hold a comment box or a copyright footer.
Each line is recognised by its form, never by its position alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .errors import InputError
from .normalize import clean_text, normalized_for_identity
from .published import date_prefix, dateline, parse_published

# How many leading lines may hold header material (title, standfirst, dateline ...).
HEADER_ZONE = 6

_FIELD = re.compile(
    r"^(?P<key>title|headline|outlet|source|publication|publisher|author|by|byline|"
    r"published|date|url|link|language|lang)\s*:\s*(?P<value>\S.*)$", re.I)
_FIELD_KEYS = {
    "title": "title", "headline": "title",
    "outlet": "outlet", "source": "outlet", "publication": "outlet", "publisher": "outlet",
    "author": "author", "by": "author", "byline": "author",
    "published": "published", "date": "published",
    "url": "url", "link": "url",
    "language": "language", "lang": "language",
}
# Case-insensitive, so a word of a name is any word, and "de", "van" or "and" need no
# alternatives of their own: such alternatives give each word two ways to match, and
# a line that is no byline ("By Xandandand...!") then backtracks exponentially.
_NAME = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*"
_BYLINE = re.compile(rf"^(?:by|written by|words by)\s+(?P<name>{_NAME}(?:\s*[,&]\s*{_NAME})*)"
                     r"(?:\s*[,|·–—-]\s*(?P<rest>.*))?$", re.I)
_CAPTION = re.compile(
    r"^(?:photo|photograph|image|picture|illustration|caption|credit|file photo|video|watch)\b\s*[:|—–-]?"
    r"|\b(?:created|generated|made)\s+(?:by|with|using)\s+(?:an?\s+)?(?:ai|artificial intelligence)\b"
    r"|\bai[- ]generated\b"
    r"|\b(?:getty images|shutterstock|photo credit|image credit|afp via)\b"
    r"|\((?:photo|image|file photo|picture)\b[^)]*\)\s*$",
    re.I)
_BOILERPLATE = re.compile(
    r"^(?:"
    r"no comments(?: yet)?\.?"
    r"|\d+\s+comments?"
    r"|comments?(?:\s*\(\d+\))?"
    r"|be the first to (?:comment|share|reply|respond)\b.*"
    r"|join the (?:discussion|conversation|debate)\b.*"
    r"|(?:sign|log) ?in (?:to|and)\b.*"
    r"|(?:leave|post|add|write) a (?:comment|reply)\b.*"
    r"|share (?:this|on)\b.*"
    r"|(?:subscribe|sign up)\b.*\b(?:newsletter|updates|alerts)\b.*"
    r"|advertisement|sponsored content"
    r"|related (?:articles|stories|coverage|content)\b.*"
    r"|(?:read more|continue reading|more on this story)\b.*"
    r"|follow us on\b.*"
    r"|all rights reserved\.?"
    r")$",
    re.I)
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*(?P<name>[^.|·©]*?)\s*"
    r"(?:[.|·].*|all rights reserved\.?)?$", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘'(]?[A-Z0-9])")
_DERIVED_TITLE_WORDS = 14
_DERIVED_TITLE_CHARS = 200  # the same cut for a first "sentence" of a few huge words (a pasted blob)


@dataclass(frozen=True, slots=True)
class TextFields:
    body: str
    title: str | None = None
    title_derived: bool = False
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    language: str | None = None
    published: datetime | None = None
    published_has_time: bool = False


def parse_plain_text(raw: str, *, known_title: str | None = None) -> TextFields:
    """Split a plain-text article into its fields and its clean body text.

    `known_title` comes from structured input (a JSON row): the text may repeat
    it as its first line, which is then dropped, but no other line becomes a title.
    """
    lines = clean_text(raw).split("\n") if raw.strip() else []
    fields, lines = _header_block(raw, lines)
    if known_title:
        fields["title"] = known_title
        if lines and normalized_for_identity(lines[0]) == normalized_for_identity(known_title):
            lines = lines[1:]
    outlet_from_footer, lines = _strip_trailing_chrome(lines)
    title = fields.get("title")
    author = fields.get("author")
    published: tuple[datetime, bool] | None = None
    if "published" in fields:
        published = parse_published(fields["published"])

    body: list[str] = []
    title_open = title is None  # only the first content line may be the title
    for index, line in enumerate(lines):
        in_zone = index < HEADER_ZONE
        if in_zone and _is_caption(line):
            continue
        if in_zone and published is None:
            found = dateline(line)
            if found:
                published = found
                continue
            prefixed = date_prefix(line)
            if prefixed:
                published, line = prefixed
                title_open = False  # the body has started on this very line
        if in_zone and author is None:
            byline = _BYLINE.match(line)
            if byline and len(line.split()) <= 12:
                author = byline.group("name")
                rest = (byline.group("rest") or "").strip()
                if published is None and rest:
                    published = dateline(rest)
                continue
        if title_open and _is_title_like(line) and index + 1 < len(lines):
            title = line
            title_open = False
            continue
        title_open = False
        if any(ch.isalnum() for ch in line):  # drop "-" and "***" separators
            body.append(line)

    text = "\n".join(body)
    if not text:
        raise InputError("no article text after removing title, dateline and site boilerplate")
    derived = title is None
    return TextFields(
        body=text,
        title=title or derive_title(text),
        title_derived=derived,
        outlet=fields.get("outlet") or outlet_from_footer,
        author=author,
        url=fields.get("url"),
        language=fields.get("language"),
        published=published[0] if published else None,
        published_has_time=published[1] if published else False,
    )


def derive_title(text: str) -> str:
    """The body's first sentence, cut at a word boundary; callers mark it derived."""
    parts = ["", text.split("\n", 1)[0]]
    while len(parts) == 2 and not any(ch.isalnum() for ch in parts[0]):  # past a wordless ". " first
        parts = _SENTENCE_END.split(parts[1], maxsplit=1)
    first = parts[0].strip()
    words = first.split()
    if len(words) <= _DERIVED_TITLE_WORDS and len(first) <= _DERIVED_TITLE_CHARS:
        return first.rstrip(".") or first
    title = " ".join(words[:_DERIVED_TITLE_WORDS])
    if len(title) > _DERIVED_TITLE_CHARS:
        title = title[:_DERIVED_TITLE_CHARS]
        title = title.rsplit(" ", 1)[0] if " " in title else title
    return title.rstrip(",;:") + "…"


def strip_trailing_boilerplate(text: str) -> str:
    """Remove comment boxes and similar site chrome from the end of a body."""
    _, lines = _strip_trailing_chrome(text.split("\n"))
    return "\n".join(lines)


def _header_block(raw: str, lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """Leading `Key: value` lines (Title:, Outlet:, Published: ...), as plain-text exports write them."""
    fields: dict[str, str] = {}
    consumed = 0
    for line in lines:
        match = _FIELD.match(line)
        if not match or len(line) > 300:
            break
        fields.setdefault(_FIELD_KEYS[match.group("key").lower()], match.group("value").strip())
        consumed += 1
    # One "Source: ..." line alone is more likely a body sentence than a header.
    if consumed < 2 and not raw.lstrip().split("\n", 1)[0].lower().startswith(("title:", "headline:")):
        return {}, lines
    return fields, lines[consumed:]


def _strip_trailing_chrome(lines: list[str]) -> tuple[str | None, list[str]]:
    outlet = None
    end = len(lines)
    while end > 0:
        line = lines[end - 1].strip()
        copyright_line = _COPYRIGHT.match(line) if len(line) < 120 else None
        if copyright_line:
            outlet = outlet or (copyright_line.group("name").strip(" ,") or None)
        elif not (_BOILERPLATE.match(line) or not any(ch.isalnum() for ch in line)):
            break
        end -= 1
    return outlet, lines[:end]


def _is_caption(line: str) -> bool:
    return len(line.split()) <= 25 and bool(_CAPTION.search(line))


def _is_title_like(line: str) -> bool:
    words = line.split()
    if not words or len(words) > 30 or len(line) > 220:
        return False
    if line.rstrip("\"'”’)").endswith((".", ",", ";", ":")):
        return False
    return line[0].isupper() or line[0].isdigit() or line[0] in "\"“‘'"
