"""A Briefing as Markdown, JSON or one self-contained HTML file (inline CSS and SVG, no network)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from html import escape

from ..links import safe_url
from ..records import BriefSentence, Briefing, TimelineEvent, plain, plural

JSON_SCHEMA_VERSION = 2  # 2: coverage.dependent (was derivative), first report, pickup, contributions


def to_json(briefing: Briefing) -> str:
    def default(value):
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        raise TypeError(type(value))

    return json.dumps({"schema": JSON_SCHEMA_VERSION, **plain(briefing)}, default=default,
                      ensure_ascii=False, indent=2)


def _source(s: BriefSentence) -> str:
    return s.outlet or f"#{s.article_id}"


def _when(event: TimelineEvent) -> str:
    return {"year": event.date.strftime("%Y"), "month": event.date.strftime("%Y-%m")}.get(
        event.granularity, event.date.isoformat())


# -- Markdown ---------------------------------------------------------------------

def _md(text: str | None) -> str:
    """Article words in Markdown: raw HTML in a title or a sentence stays text, never markup."""
    return escape(text or "", quote=False)


def _md_link(s: BriefSentence) -> str:
    name = _md(_source(s))
    target = safe_url(s.url) or f"#article-{s.article_id}"
    also = f" (also {_md(', '.join(s.also))})" if s.also else ""
    return f"[{name}](<{target}>){also}"


def to_markdown(b: Briefing) -> str:
    lines = [f"# {_md(b.headline)}", "",
             f"*Story {b.story_id}: {b.articles} articles from {len(b.coverage.outlets)} outlets. "
             f"Every sentence below is quoted from the article it links to.*", "", "## Key points", ""]
    for point in b.key_points:
        label = f" **[{_md(point.label)}]**" if point.label else ""
        lines.append(f"- {_md(point.text)}{label} — {_md_link(point)}")
    lines += ["", "## Summary", ""]
    lines += [f"{_md(s.text)}{' **[' + _md(s.label) + ']**' if s.label else ''} — {_md_link(s)}  " for s in b.summary]
    if b.disagreements:
        lines += ["", "## Disagreements", ""]
        for d in b.disagreements:
            joint = " then " if d.verdict == "updated" else " vs "
            sides = joint.join(f"{_md(value)} ({_md(', '.join(outlets))})" for value, outlets, _ in d.sides)
            lines.append(f"- **{_md(d.about)}**{' (updated)' if d.verdict == 'updated' else ''}: {sides}")
    if b.timeline:
        lines += ["", "## Timeline", ""]
        for event in b.timeline:
            outlets = _md(", ".join(event.outlets))
            also = f" (also given: {_md(', '.join(event.alternatives))})" if event.alternatives else ""
            inferred = " (date inferred)" if event.inferred else ""
            lines.append(f"- **{_when(event)}**{inferred} {_md(event.label)} — {event.verdict.replace('_', ' ')}; "
                         f"{outlets}{also}: “{_md(event.evidence[0].sentence)}”")
    if b.background:
        lines += ["", "## Background", ""]
        lines += [f"- {_md(s.label)}: {_md(s.text)} — {_md_link(s)}" for s in b.background]
    c = b.coverage
    lines += ["", "## Coverage", "", "| outlet | articles | first | last |", "|---|---|---|---|"]
    lines += [f"| {_md(o.outlet)} | {o.articles} | {o.first or '—'} | {o.last or '—'} |" for o in c.outlets]
    lines += ["", f"{len(c.independent)} independent and {len(c.dependent)} dependent articles "
              "(rewriting or crediting another here)."]
    if c.rewrites:
        lines += ["", "Reuse:"]
        lines += [f"- #{r.article_id} {_md(r.outlet)} reuses {plural(r.sentences, 'sentence')} of #{r.source_id} "
                  f"{_md(r.source_outlet)} ({r.verbatim} verbatim)" for r in c.rewrites]
    if c.most_cited:
        lines += ["", "Most cited: " + ", ".join(f"{_md(name)} ({n})" for name, n in c.most_cited)]
    lines += ["", "### Articles", ""]
    lines += [f"- <a id=\"article-{a['id']}\"></a>#{a['id']} {_md(a['outlet'])}, {a['published'] or 'undated'}: "
              + (f"[{_md(a['title'])}](<{safe_url(a['url'])}>)" if safe_url(a["url"]) else _md(a["title"]))
              for a in c.articles]
    return "\n".join(lines) + "\n"


# -- HTML -------------------------------------------------------------------------

_CSS = """
body{font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1d2430;background:#fff}h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2rem;
border-bottom:1px solid #dde2ea;padding-bottom:.2rem;font-size:1.2rem}.meta{color:#5b6677}
.badge{display:inline-block;font-size:.75rem;padding:0 .45rem;border-radius:.6rem;margin-left:.3rem;
background:#eef1f5;color:#334}.corroborated{background:#dff5e3;color:#145a26}.single_source{background:#fff3cd;
color:#6b5200}.conflicting{background:#fde2e1;color:#8a1c17}a{color:#1a56a6}li{margin:.35rem 0}
.src{color:#5b6677;font-size:.9rem}table{border-collapse:collapse}td,th{padding:.2rem .6rem;
border-bottom:1px solid #eef1f5;text-align:left}svg text{font:11px system-ui,sans-serif;fill:#334}
"""


def _a(s: BriefSentence) -> str:
    href = escape(safe_url(s.url) or f"#article-{s.article_id}", quote=True)
    also = f" <span class=src>(also {escape(', '.join(s.also))})</span>" if s.also else ""
    return f"<a class=src href=\"{href}\">{escape(_source(s))}</a>{also}"


def _badge(text: str | None, css: str = "") -> str:
    return f"<span class=\"badge {css}\">{escape(text)}</span>" if text else ""


def coverage_chart(b: Briefing) -> str:
    """Articles per outlet by date: one row per outlet, one dot per article."""
    dated = [(a["outlet"], a["published"][:10]) for a in b.coverage.articles
             if a["published"]]
    if not dated:
        return "<p class=meta>No article in this story carries a publication date.</p>"
    days = sorted({d for _, d in dated})
    outlets = list(dict.fromkeys(o.outlet for o in b.coverage.outlets))
    left, width, row = 170, 560, 22
    height = row * len(outlets) + 40
    first = date.fromisoformat(days[0]).toordinal()
    span = max(1, date.fromisoformat(days[-1]).toordinal() - first)

    def x(day: str) -> float:
        return left + 10 + (date.fromisoformat(day).toordinal() - first) / span * (width - 20)

    parts = [f"<svg role=img aria-label=\"Articles per outlet by date\" class=chart id=coverage-chart "
             f"viewBox=\"0 0 {left + width} {height}\" width=\"100%\">"]
    for i, outlet in enumerate(outlets):
        y = 20 + i * row
        parts.append(f"<text x=\"{left - 8}\" y=\"{y + 4}\" text-anchor=end>{escape(outlet[:26])}</text>"
                     f"<line x1=\"{left}\" x2=\"{left + width}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#eef1f5\"/>")
    counts: dict[tuple[str, str], int] = {}
    for outlet, day in dated:
        counts[(outlet, day)] = counts.get((outlet, day), 0) + 1
    for (outlet, day), n in counts.items():
        if outlet in outlets:
            y = 20 + outlets.index(outlet) * row
            parts.append(f"<circle cx=\"{x(day):.1f}\" cy=\"{y}\" r=\"{4 + 2 * (n - 1)}\" fill=\"#1a56a6\">"
                         f"<title>{escape(outlet)}: {n} article(s) on {day}</title></circle>")
    axis = height - 12
    parts.append(f"<text x=\"{x(days[0]):.1f}\" y=\"{axis}\" text-anchor=middle>{days[0]}</text>")
    if len(days) > 1:  # right-aligned at the plot's edge, so the date is not cut off there
        parts.append(f"<text x=\"{left + width}\" y=\"{axis}\" text-anchor=end>{days[-1]}</text>")
    parts.append("</svg>")
    return "".join(parts)


_VERDICT_COLOURS = {"corroborated": "#2f8f46", "single_source": "#b58900", "conflicting": "#c0392b",
                    "updated": "#1c5fb8"}
OWN_SPAN_BEFORE = timedelta(days=45)  # a story's events may come a few weeks before its first report
OWN_SPAN_AFTER = timedelta(days=30)


def timeline_chart(b: Briefing) -> str:
    """The story's own events on an axis over their span, the events of other times (an
    earlier quake, a treaty signed years before) set apart at the edges, and a legend."""
    if not b.timeline:
        return ""
    events = list(b.timeline)
    reported = sorted(a["published"][:10] for a in b.coverage.articles if a["published"])
    if reported:
        lo = date.fromisoformat(reported[0]) - OWN_SPAN_BEFORE
        hi = date.fromisoformat(reported[-1]) + OWN_SPAN_AFTER
    else:  # no article says when it was published: the latest events are the story's own
        hi = max(e.date for e in events)
        lo = hi - OWN_SPAN_BEFORE - OWN_SPAN_AFTER
    own = [e for e in events if lo <= e.date <= hi] or events
    earlier = [e for e in events if e.date < own[0].date]
    later = [e for e in events if e.date > own[-1].date]
    width, height = 730, 84
    left = 10 + (110 if earlier else 0)
    right = width - 10 - (110 if later else 0)
    first, last = own[0].date.toordinal(), own[-1].date.toordinal()
    span = max(1, last - first)
    parts = [f"<svg role=img aria-label=\"Timeline\" id=timeline-chart viewBox=\"0 0 {width} {height}\" "
             f"width=\"100%\"><line x1={left} x2=\"{right}\" y1=30 y2=30 stroke=\"#99a3b3\"/>"]

    def dot(event: TimelineEvent, cx: float) -> str:
        return (f"<circle cx=\"{cx:.1f}\" cy=30 r=6 fill=\"{_VERDICT_COLOURS.get(event.verdict, '#667')}\">"
                f"<title>{escape(_when(event))}: {escape(event.label)}</title></circle>")

    def x_of(event: TimelineEvent) -> float:  # one day alone sits in the middle of its axis
        return (left + right) / 2 if last == first else left + (event.date.toordinal() - first) / span * (right - left)

    for event in own:
        parts.append(dot(event, x_of(event)))
    for side, items, x, anchor in (("earlier", earlier, 10, "start"), ("later", later, width - 10, "end")):
        if items:
            edge = left if side == "earlier" else right
            parts.append(f"<line x1={x + (6 if side == 'earlier' else -6)} x2={edge} y1=30 y2=30 stroke=\"#c5ccd8\" "
                         f"stroke-dasharray=\"3 3\"/>")
            gap = min(12.0, 90.0 / len(items))  # every event keeps its dot, however many
            for index, event in enumerate(items if side == "earlier" else reversed(items)):
                parts.append(dot(event, x + (6 + gap * index if side == "earlier" else -6 - gap * index)))
            span_text = _when(items[0]) if len(items) == 1 else f"{_when(items[0])}–{_when(items[-1])}"
            # above the line: below it the axis's own first and last dates stand
            parts.append(f"<text x={x} y=14 text-anchor={anchor}>{escape(side)}: {escape(span_text)}</text>")
    if last == first:
        parts.append(f"<text x=\"{x_of(own[0]):.1f}\" y=55 text-anchor=middle>{escape(_when(own[0]))}</text>")
    else:
        parts.append(f"<text x={left} y=55>{escape(_when(own[0]))}</text>"
                     f"<text x=\"{right}\" y=55 text-anchor=end>{escape(_when(own[-1]))}</text>")
    x = 10
    for verdict in [v for v in _VERDICT_COLOURS if any(e.verdict == v for e in events)]:
        words = verdict.replace("_", "-")
        parts.append(f"<rect x={x} y=69 width=10 height=10 rx=5 fill=\"{_VERDICT_COLOURS[verdict]}\"/>"
                     f"<text x={x + 14} y=78>{escape(words)}</text>")
        x += 24 + 7 * len(words)
    parts.append("</svg>")
    return "".join(parts)


def to_html(b: Briefing) -> str:
    c = b.coverage
    out = ["<!doctype html><html lang=en><head><meta charset=utf-8>",
           "<meta name=viewport content=\"width=device-width,initial-scale=1\">",
           f"<title>{escape(b.headline)}</title><style>{_CSS}</style></head><body>",
           f"<header><h1>{escape(b.headline)}</h1><p class=meta>Story {b.story_id}: {b.articles} articles from "
           f"{len(c.outlets)} outlets. Every sentence below is quoted from the article it links to.</p></header>",
           "<section id=key-points><h2>Key points</h2><ul>"]
    for point in b.key_points:
        css = "corroborated" if point.label and point.label.startswith("corroborated") else "single_source"
        out.append(f"<li>{escape(point.text)} {_badge(point.label, css)} {_a(point)}</li>")
    out.append("</ul></section><section id=summary><h2>Summary</h2><p>")
    out += [f"{escape(s.text)} {_badge(s.label, 'conflicting')} {_a(s)} " for s in b.summary]
    out.append("</p></section>")
    out.append("<section id=disagreements><h2>Disagreements</h2>")
    if b.disagreements:
        out.append("<ul>")
        for d in b.disagreements:
            joint = " then " if d.verdict == "updated" else " vs "
            sides = joint.join(f"<b>{escape(v)}</b> ({escape(', '.join(o))})" for v, o, _ in d.sides)
            out.append(f"<li>{_badge(d.verdict, d.verdict)} {escape(d.about)}: {sides}</li>")
        out.append("</ul>")
    else:
        out.append("<p class=meta>The outlets do not contradict each other on any figure or date.</p>")
    out.append("</section><section id=timeline><h2>Timeline</h2>" + timeline_chart(b) + "<ul>")
    for event in b.timeline:
        also = f" (also given: {escape(', '.join(event.alternatives))})" if event.alternatives else ""
        inferred = " <span class=meta>(date inferred)</span>" if event.inferred else ""
        out.append(f"<li><b>{escape(_when(event))}</b>{inferred} {escape(event.label)} "
                   f"{_badge(event.verdict.replace('_', ' '), event.verdict)}{also}<br>"
                   f"<span class=src>{escape(', '.join(event.outlets))}: “{escape(event.evidence[0].sentence)}”"
                   f"</span></li>")
    out.append("</ul></section><section id=background><h2>Background</h2><ul>")
    out += [f"<li><b>{escape(s.label or '')}</b> {escape(s.text)} {_a(s)}</li>" for s in b.background]
    out.append("</ul></section><section id=coverage><h2>Coverage</h2>" + coverage_chart(b))
    out.append("<table><tr><th>outlet</th><th>articles</th><th>first</th><th>last</th></tr>")
    out += [f"<tr><td>{escape(o.outlet)}</td><td>{o.articles}</td><td>{escape(o.first or '—')}</td>"
            f"<td>{escape(o.last or '—')}</td></tr>" for o in c.outlets]
    out.append(f"</table><p>{len(c.independent)} independent and {len(c.dependent)} dependent articles "
               "(rewriting or crediting another here).</p>")
    if c.rewrites:
        out.append("<ul>" + "".join(
            f"<li>#{r.article_id} {escape(r.outlet or '')} reuses {plural(r.sentences, 'sentence')} of #{r.source_id} "
            f"{escape(r.source_outlet or '')} ({r.verbatim} verbatim)</li>" for r in c.rewrites) + "</ul>")
    if c.most_cited:
        out.append("<p>Most cited: " + ", ".join(f"{escape(n)} ({k})" for n, k in c.most_cited) + "</p>")
    out.append("<h3>Articles</h3><ul id=articles>")
    for a in c.articles:
        title = escape(a["title"] or "")
        link = f"<a href=\"{escape(safe_url(a['url']), quote=True)}\">{title}</a>" if safe_url(a["url"]) else title
        out.append(f"<li id=\"article-{a['id']}\">#{a['id']} {escape(a['outlet'] or '?')}, "
                   f"{escape(a['published'] or 'undated')}: {link}</li>")
    out.append("</ul></section></body></html>")
    return "\n".join(out)
