"""Files and directories to Article records (or Rejections naming file and line)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..records import Article, Rejection
from ..links import safe_url
from .decode import DEFAULT_MAX_BYTES, decode_text, read_capped
from .errors import InputError
from .html import parse_html
from .jsonrows import iter_json_document, parse_jsonl_line, validate_row
from .normalize import content_hash, guess_language
from .published import parse_published
from .text import TextFields, parse_plain_text

READERS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html",
           ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
           ".opml": "feeds"}  # a list of feeds: the engine fetches them (see feedlists.py)


@dataclass(frozen=True, slots=True)
class ReadOptions:
    outlet: str | None = None  # used where the input names no outlet
    max_bytes: int = DEFAULT_MAX_BYTES  # per file, and per JSONL line


def discover(paths: Iterable[str | Path]) -> Iterator[Path | Rejection]:
    """Expand directories recursively, in a stable order; unsupported files inside
    a directory are skipped, but a path named explicitly must be readable."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if not hidden and child.suffix.lower() in READERS:
                    yield child
        elif path.is_file():
            if path.suffix.lower() in READERS:
                yield path
            else:
                yield Rejection(str(path), f"unsupported file type {path.suffix or '(none)'!r}; "
                                           f"expected one of {', '.join(sorted(READERS))}")
        elif path.exists():
            yield Rejection(str(path), "not a regular file")
        else:
            yield Rejection(str(path), "no such file or directory")


def read_file(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[Article | Rejection]:
    kind = READERS[path.suffix.lower()]
    if kind == "feeds":
        yield Rejection(str(path), "a list of feeds, not an article: ingest it to fetch the feeds it lists")
        return
    if kind == "jsonl":
        yield from _read_jsonl(path, options)
        return
    try:
        data = read_capped(path, options.max_bytes)
        text = decode_text(data, html=kind == "html")
        if kind == "json":
            for index, row in iter_json_document(text):
                source = f"{path}:{index}" if index else str(path)
                yield _from_row(row, source=source, fallback_id=path.name if index is None
                                else f"{path.name}:{index}", options=options)
            return
        fields = parse_plain_text(text) if kind == "text" else parse_html(text)
        yield make_article(fields, source=str(path), external_id=path.name, options=options)
    except InputError as exc:
        yield Rejection(str(path), str(exc))
    except OSError as exc:
        yield Rejection(str(path), f"cannot read file ({exc.strerror or exc})")


def _read_jsonl(path: Path, options: ReadOptions) -> Iterator[Article | Rejection]:
    try:
        if path.stat().st_size == 0:
            yield Rejection(str(path), "empty file")
            return
        handle = path.open("rb")
    except OSError as exc:
        yield Rejection(str(path), f"cannot read file ({exc.strerror or exc})")
        return
    rows = 0
    with handle:
        for number, raw in enumerate(handle, start=1):
            source = f"{path}:{number}"
            if not raw.strip():
                continue
            rows += 1
            if len(raw) > options.max_bytes:
                yield Rejection(source, f"line too large ({len(raw):,} bytes; the limit is {options.max_bytes:,})")
                continue
            try:
                row = parse_jsonl_line(decode_text(raw))
                yield _from_row(row, source=source, fallback_id=f"{path.name}:{number}", options=options)
            except InputError as exc:
                yield Rejection(source, str(exc))
    if rows == 0:
        yield Rejection(str(path), "empty file")


def _from_row(row: Any, *, source: str, fallback_id: str, options: ReadOptions) -> Article | Rejection:
    try:
        row = validate_row(row)
        url = row.get("url") or None
        title = (row.get("title") or "").strip() or None
        if isinstance(row.get("text"), str) and row["text"].strip():
            # Scraped text often still starts with its headline and dateline.
            fields = parse_plain_text(row["text"], known_title=title)
        else:
            fields = parse_html(row["html"], url=url)
        published, has_time = fields.published, fields.published_has_time
        if row.get("published"):
            try:
                published, has_time = parse_published(row["published"])
            except InputError as exc:
                raise InputError(f"field 'published': {exc}") from exc
        fields = TextFields(
            body=fields.body,
            title=title or fields.title,
            title_derived=not title and fields.title_derived,
            outlet=row.get("outlet") or fields.outlet,
            author=row.get("author") or fields.author,
            url=url or fields.url,
            language=row.get("language") or fields.language,
            published=published,
            published_has_time=has_time,
        )
        external_id = str(row["id"]) if row.get("id") is not None else (url or fallback_id)
        return make_article(fields, source=source, external_id=external_id, options=options)
    except InputError as exc:
        return Rejection(source, str(exc))


def make_article(fields: TextFields, *, source: str, external_id: str, options: ReadOptions) -> Article:
    outlet = fields.outlet or options.outlet or _host(fields.url)
    return Article(
        text=fields.body,
        title=fields.title,
        title_derived=fields.title_derived,
        outlet=outlet,
        author=fields.author,
        url=safe_url(fields.url),  # a page's own og:url or canonical link may be anything
        published=fields.published,
        published_has_time=fields.published_has_time,
        language=fields.language or guess_language(fields.body),
        external_id=external_id,
        source=source,
        content_hash=content_hash(fields.body),
    )


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:  # a malformed URL ("http://[::1") names no host
        return None
    return host.removeprefix("www.") if host else None


def is_url(value: str | Path) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def article_from_page(url: str, fetched, options: ReadOptions) -> Article | Rejection:
    """An article page fetched from `url` (see urls.fetch), read like an HTML (or text) file."""
    try:
        text = decode_text(fetched.body, html=fetched.content_type != "text/plain")
        fields = parse_plain_text(text) if fetched.content_type == "text/plain" else parse_html(text, url=fetched.url)
        if not fields.url:
            fields = TextFields(**{**{f: getattr(fields, f) for f in fields.__slots__}, "url": fetched.url})
        return make_article(fields, source=url, external_id=url, options=options)
    except InputError as exc:
        return Rejection(url, str(exc))
