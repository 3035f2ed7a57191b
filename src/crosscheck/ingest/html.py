"""HTML pages: trafilatura extracts the article; we keep the fields it finds.

trafilatura gives the date only to the day, so the full timestamp is read from
the page's own publication-time meta tag when there is one.
"""

from __future__ import annotations

import json
import re
import warnings

from .errors import InputError
from .normalize import clean_text, normalized_for_identity
from .published import parse_published
from .text import TextFields, _BYLINE, derive_title, strip_trailing_boilerplate

# [^<>], not [^>]: from each "<meta" of an unclosed run the search would read on to the
# next ">" however far away, which is quadratic ("<meta " * 30000 took minutes).
_PUBLISHED_META = re.compile(
    r"""<meta[^<>]+(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|datePublished|"""
    r"""pubdate|publishdate|date|dc\.date)["'][^<>]*>""", re.I)
_CONTENT = re.compile(r"""content\s*=\s*["']([^"']+)["']""", re.I)
_SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,40}$")


def parse_html(html: str, *, url: str | None = None) -> TextFields:
    if "<" not in html:
        raise InputError("not HTML: no markup found")
    import trafilatura  # heavy import; only HTML inputs pay for it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            extracted = trafilatura.extract(
                html, url=url, with_metadata=True, output_format="json",
                include_comments=False, include_tables=False, favor_precision=True)
        except Exception as exc:  # trafilatura raises assorted lxml errors on garbage
            raise InputError(f"broken HTML ({type(exc).__name__}: {exc})") from exc
    if not extracted:
        if _too_deep(html):
            raise InputError("broken or empty HTML: no article text found (markup nested deeper than "
                             "the HTML parser's limit of 256 levels)")
        raise InputError("broken or empty HTML: no article text found")
    doc = json.loads(extracted)
    lines = clean_text(doc.get("text") or "").split("\n")
    title = (doc.get("title") or "").strip() or None
    if title:
        title = _SITE_SUFFIX.sub("", title) if doc.get("source-hostname") and title.endswith(doc["source-hostname"]) else title
    # trafilatura keeps the <h1> and byline paragraphs; they are not body text.
    if lines and title and normalized_for_identity(lines[0]) == normalized_for_identity(title):
        lines = lines[1:]
    author = doc.get("author") or None
    if lines and _BYLINE.match(lines[0]) and len(lines[0].split()) <= 12:
        author = author or _BYLINE.match(lines[0]).group("name")
        lines = lines[1:]
    body = strip_trailing_boilerplate("\n".join(lines)).strip()
    if not body:
        raise InputError("broken or empty HTML: no article text found")

    published, has_time = _published(html, doc.get("date"))
    return TextFields(
        body=body,
        title=title or derive_title(body),
        title_derived=title is None,
        outlet=doc.get("source-hostname") or None,
        author=author,
        url=doc.get("source") or url,
        language=doc.get("language") or None,
        published=published,
        published_has_time=has_time,
    )


def _too_deep(html: str) -> bool:
    """Whether libxml2, which trafilatura parses with, gave up on the markup's depth."""
    from lxml import etree

    parser = etree.HTMLParser()
    try:
        etree.fromstring(html, parser)
    except (etree.LxmlError, ValueError):
        return False
    return any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log)


def _published(html: str, fallback: str | None):
    for tag in _PUBLISHED_META.finditer(html[:200_000]):
        content = _CONTENT.search(tag.group(0))
        if content:
            try:
                return parse_published(content.group(1))
            except InputError:
                continue
    if fallback:
        try:
            return parse_published(fallback)
        except InputError:
            pass
    return None, False
