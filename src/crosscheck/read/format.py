"""How read models are written for people: dates, counts, verdicts, CSV. One way, every face."""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from ..analyze.sentences import split_sentences
from ..records import VERDICTS, ClaimGroup, VerdictCounts, plural


def readable_time(iso: str | None) -> str:
    """"2024-11-11T07:29:00+09:00" -> "10 Nov 2024, 22:29 UTC"; "2024-11-11" -> "11 Nov 2024";
    None -> "undated". A time with an offset is shown in UTC, so times of different outlets
    compare at a glance."""
    if not iso:
        return "undated"
    try:
        value = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if len(iso) <= 10:
        return f"{value.day} {value:%b %Y}"
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
        return f"{value.day} {value:%b %Y, %H:%M} UTC"
    return f"{value.day} {value:%b %Y, %H:%M}"


def readable_span(first: str | None, last: str | None) -> str:
    if not first and not last:
        return "undated"
    if first == last or not last:
        return readable_time(first)
    return f"{readable_time(first)} to {readable_time(last)}"


def readable_lag(minutes: int | None) -> str:
    """How long after: "83 min", "2 h 05 min", "3 d 4 h"; "" when not known."""
    if minutes is None:
        return ""
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60:02d} min"
    return f"{minutes // 1440} d {minutes % 1440 // 60} h"


def contribution_line(c) -> str:
    """One article's contribution as a line: its reuse, additions and flags."""
    flags = [name for name, on in (("derivative", c.derivative), ("unsourced additions", c.unsourced)) if on]
    reused = f"{c.reused} of {c.sentences} sentences reused" if c.sentences else "no sentences of substance"
    if c.reused_from:
        reused += " from " + ", ".join(f"#{source} {outlet} ({n})" for source, outlet, n in c.reused_from)
    figures = sum(len(a.figures) for a in c.additions)
    with_figures = f", with {plural(figures, 'figure')}" if figures else ""
    flagged = "; " + ", ".join(flags).upper() if flags else ""
    return f"{reused}; adds {plural(len(c.additions), 'sentence')} found nowhere else{with_figures}{flagged}"


def text_diff(old: str, new: str) -> list[str]:
    """The sentences one text drops ("- ") and adds ("+ "), in order, without unchanged context."""
    before = [s.text for s in split_sentences(old)]
    after = [s.text for s in split_sentences(new)]
    return [f"{line[0]} {line[1:]}" for line in difflib.unified_diff(before, after, lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def verdict_line(verdicts: VerdictCounts) -> str:
    """"1 conflicting, 2 corroborated, 6 single-source" (kinds with none left out)."""
    parts = [f"{getattr(verdicts, name)} {name.replace('_', '-')}" for name in VERDICTS if getattr(verdicts, name)]
    return ", ".join(parts) or "no checked claims"


CLAIM_COLUMNS = ("story_id", "group_id", "verdict", "kind", "about", "values", "independent_sources", "hedged",
                 "article_id", "outlet", "value_text", "value", "date", "published", "url", "sentence")


def claims_csv(story_id: int, groups: Sequence[ClaimGroup]) -> str:
    """One row per evidence sentence of each group, for a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CLAIM_COLUMNS)
    for g in groups:
        for e in g.evidence:
            writer.writerow([story_id, g.id, g.verdict, g.kind, g.about, "; ".join(g.values), g.independent_sources,
                             g.hedged, e.article_id, e.outlet, e.value_text, "" if e.value is None else e.value,
                             e.date or "", e.published or "", e.url or "", e.sentence])
    return buffer.getvalue()


def rows_csv(columns: Sequence[str], rows: Iterable[dict]) -> Iterable[str]:
    """CSV text of dict rows, a chunk at a time (the header first)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > 1 << 16:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
