"""RSS and Atom feeds: the article links they list (feedparser).

A feed is only a list of pointers; each article page is then fetched through
the same guarded URL path as any other URL.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import urljoin

from .errors import InputError

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml",
              "application/feed+json", "application/rdf+xml")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    link: str
    title: str | None
    published: str | None


def parse_feed(body: bytes, url: str) -> list[FeedEntry]:
    """The entries of an RSS or Atom document, in feed order; InputError if it is not a feed."""
    import feedparser

    # As a file object: given bytes, feedparser first tries them as a local file name,
    # so a body such as b"/etc/passwd" or b"/dev/zero" would be read from this machine.
    try:
        parsed = feedparser.parse(io.BytesIO(body))
    except Exception as exc:  # it reads almost anything, yet raises on a few odd documents
        raise InputError(f"not a readable feed ({type(exc).__name__}) at {url}") from exc
    entries = []
    for entry in parsed.entries:
        link = entry.get("link")
        if link:
            try:
                link = urljoin(url, link)  # feeds may give links relative to themselves
            except ValueError:  # "http://[::1": a malformed link, not a page to fetch
                continue
            entries.append(FeedEntry(link=link, title=entry.get("title"),
                                     published=entry.get("published") or entry.get("updated")))
    if parsed.bozo and not entries:
        # feedparser reads almost anything; broken markup that yields no link is no feed
        raise InputError(f"not a readable feed ({type(parsed.bozo_exception).__name__}) at {url}")
    return entries
