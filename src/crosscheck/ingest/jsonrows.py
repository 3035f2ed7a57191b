"""JSON and JSONL inputs: one article per object, with `text` or `html`.

A JSONL file is read line by line so that one bad line rejects that line only,
and a large file never has to fit in memory at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..links import safe_url
from .errors import InputError

OPTIONAL_FIELDS = ("id", "url", "title", "published", "outlet", "author", "language")
# JSON escapes can spell what no text holds: "\u0000" (PostgreSQL refuses it) and a lone
# surrogate (half an emoji a scraper cut in two), which not even UTF-8 can encode.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise InputError("invalid JSON (nested too deeply)") from exc
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # int() refuses a number of more than 4,300 digits
        raise InputError("invalid JSON (a number too long to read)") from exc


def iter_json_document(text: str) -> Iterator[tuple[int | None, dict[str, Any]]]:
    """Rows of a .json file: one object, a list of objects, or {"articles": [...]}."""
    try:
        data = _loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, dict):
        yield None, data
    elif isinstance(data, list):
        if not data:  # else the file would vanish without a word
            raise InputError("no articles: the JSON list is empty")
        for index, row in enumerate(data, start=1):
            yield index, row
    else:
        raise InputError("JSON must be an object or a list of objects")


def parse_jsonl_line(line: str) -> dict[str, Any]:
    try:
        row = _loads(line.strip())
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON (column {exc.colno}: {exc.msg})") from exc
    return row


def validate_row(row: Any) -> dict[str, Any]:
    """Check a row's shape; the error names the field a user must fix."""
    if not isinstance(row, dict):
        raise InputError(f"expected a JSON object, got {type(row).__name__}")
    row = {key: _LONE_SURROGATE.sub("\ufffd", value).replace("\x00", "") if isinstance(value, str) else value
           for key, value in row.items()}
    has_text = isinstance(row.get("text"), str) and row["text"].strip()
    has_html = isinstance(row.get("html"), str) and row["html"].strip()
    if not (has_text or has_html):
        if "text" in row or "html" in row:
            raise InputError("field 'text'/'html' is empty or not a string")
        raise InputError("missing field 'text' or 'html'")
    for name in OPTIONAL_FIELDS:
        value = row.get(name)
        if value is None:
            continue
        allowed = (str, int) if name == "id" else (str,)
        if not isinstance(value, allowed) or isinstance(value, bool):
            raise InputError(f"field {name!r} must be a string, got {type(value).__name__}")
    if isinstance(row.get("url"), str) and row["url"].strip() and safe_url(row["url"].strip()) is None:
        raise InputError(f"field 'url' must be an absolute http(s) URL, got {row['url'][:80]!r}")
    return row
