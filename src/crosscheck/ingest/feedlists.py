"""Files that list feeds (or pages) to read: OPML, or plain text with one URL a line.

A `.opml` file is always a list. A `.txt` file is a list when every line that is
not blank or a `#` comment is an http(s) URL, which no article is.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from .decode import decode_text, read_capped
from .errors import InputError
from .files import is_url

MAX_LIST_BYTES = 4 * 1024 * 1024


def url_list(text: str) -> list[str] | None:
    """The URLs of a plain-text list, in order, or None when the text is not one."""
    lines = [line.strip() for line in text.splitlines()]
    entries = [line for line in lines if line and not line.startswith("#")]
    if not entries or not all(is_url(line) and not any(c.isspace() for c in line) for line in entries):
        return None
    return list(dict.fromkeys(entries))


def opml_urls(text: str) -> list[str]:
    """The feed URLs (xmlUrl) of an OPML document, in document order."""
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        # an OPML file never needs a DTD; refusing them rules out entity expansion bombs
        raise InputError("OPML with a DOCTYPE or entities is not accepted")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise InputError(f"not well-formed OPML ({exc})") from exc
    if root.tag.lower() != "opml":
        raise InputError(f"not an OPML document (root element <{root.tag}>)")
    urls = [outline.get("xmlUrl") or outline.get("xmlurl") for outline in root.iter("outline")]
    found = [u.strip() for u in urls if u and is_url(u.strip())]
    if not found:
        raise InputError("OPML lists no http(s) feed (no outline with an xmlUrl)")
    return list(dict.fromkeys(found))


def read_feed_list(path: Path) -> list[str] | None:
    """The URLs a file lists, or None when it is not a list (an article, say).
    InputError for an unreadable file or a broken OPML document."""
    suffix = path.suffix.lower()
    if suffix not in (".opml", ".txt"):
        return None
    try:
        if suffix == ".txt":
            # Every .txt article passes here: look at its start only, so an article is read
            # once (by its reader, under its own size cap), not twice.
            with path.open("rb") as handle:
                head = handle.read(4096).lstrip()
            if not head[:8].lower().startswith((b"http://", b"https:/", b"#")):
                return None
        data = read_capped(path, MAX_LIST_BYTES)
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})") from exc
    text = decode_text(data)
    return opml_urls(text) if suffix == ".opml" else url_list(text)
