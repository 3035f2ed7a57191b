"""Which URLs crosscheck stores and shows as links: absolute http(s) URLs with a host and no
whitespace or control characters. Anything else ("javascript:…", "data:…", a relative path,
a URL with a CR/LF in it) is refused at ingest and never rendered as a link, even if an
older store holds one."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

UNSAFE_CHARACTERS = re.compile(r"[\x00-\x20\x7f]")  # whitespace and control characters: never part of a URL


def safe_url(url: str | None) -> str | None:
    """`url` when a reader may follow it, else None."""
    if not url or UNSAFE_CHARACTERS.search(url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  a port that is no number ("host:99999", "host:port") raises here
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url
