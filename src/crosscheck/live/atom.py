"""Atom feeds (RFC 4287) going out: one of all stories, and one per story of its articles.

Everything an entry says is the sources' own: real titles, outlets, and a
summary that is the first sentence of a real article, linked to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from ..links import safe_url

ATOM = "http://www.w3.org/2005/Atom"
GENERATOR = "crosscheck"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One Atom entry: `link` is the page a reader opens, `source_url` the article behind it."""

    id: str
    title: str
    link: str
    updated: datetime  # aware, or naive UTC
    published: datetime | None = None  # aware only: a feed date needs its offset
    authors: tuple[str, ...] = ()
    summary: str | None = None
    source_url: str | None = None
    related: str | None = None  # e.g. the story's own feed


def render_feed(*, feed_id: str, title: str, self_link: str, alternate: str,
                entries: Sequence[FeedEntry], subtitle: str | None = None) -> str:
    """An Atom document; `updated` is the newest entry's (or now, for an empty feed)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    if subtitle:
        _text(feed, "subtitle", subtitle)
    newest = max((e.updated for e in entries), key=_aware, default=datetime.now(UTC))
    _text(feed, "updated", _stamp(newest))
    _text(feed, "generator", GENERATOR)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=self_link)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=alternate)
    for entry in entries:
        item = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(item, "id", entry.id)
        _text(item, "title", entry.title)
        _text(item, "updated", _stamp(entry.updated))
        if entry.published is not None and entry.published.tzinfo is not None:
            _text(item, "published", _stamp(entry.published))
        ET.SubElement(item, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=entry.link)
        if safe_url(entry.source_url):  # a link a reader may follow; control characters would break the XML
            ET.SubElement(item, f"{{{ATOM}}}link", rel="via", href=entry.source_url)
        if entry.related:
            ET.SubElement(item, f"{{{ATOM}}}link", rel="related", type="application/atom+xml", href=entry.related)
        for name in entry.authors or ("unknown",):  # Atom wants an author on every entry
            author = ET.SubElement(item, f"{{{ATOM}}}author")
            _text(author, "name", name)
        if entry.summary:
            _text(item, "summary", entry.summary)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _text(parent: ET.Element, tag: str, value: str) -> None:
    # XML 1.0 cannot carry most control characters, which scraped text sometimes holds
    clean = "".join(c for c in value if c in "\t\n\r" or 0x20 <= ord(c) <= 0xD7FF
                    or 0xE000 <= ord(c) <= 0xFFFD or ord(c) >= 0x10000)
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = clean


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _stamp(value: datetime) -> str:
    value = _aware(value)
    text = value.isoformat(timespec="seconds")
    return text.replace("+00:00", "Z")
