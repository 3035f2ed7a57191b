"""The `crosscheck` command line: a thin face over Engine.

Exit codes: 0 success, 1 a failed operation (one-line reason), 2 a usage error.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .analyze.outlets import source_label
from .brief.render import to_html, to_json, to_markdown
from .engine import Engine, sample_corpus_path
from .errors import CrosscheckError, exit_code
from .ingest import InputError
from .ingest.decode import DEFAULT_MAX_BYTES
from .read.claimreview import claim_reviews
from .read.models import behaviour_json
from .read.format import (claims_csv, contribution_line, plural, readable_lag, readable_span, readable_time, rows_csv,
                          verdict_line)
from .read.models import shown_groups
from .records import IngestReport

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Follow one news story across many outlets.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[Optional[str], typer.Option(
    "--db", envvar="CROSSCHECK_DB", show_envvar=True,
    help="SQLite file or sqlite:///… / postgresql://… URL [default: ./crosscheck.db]")]


AllowPrivate = Annotated[bool, typer.Option(
    "--allow-private", help="Allow URLs that resolve to loopback, private or link-local addresses")]
RespectRobots = Annotated[bool, typer.Option(
    "--respect-robots", help="Ask each site's robots.txt first and skip what it disallows")]


def _open(db: str | None, *, create: bool = False) -> Engine:
    """The store at --db. Commands that only read or correct refuse a store that does not
    exist (a mistyped path); ingest and demo create it."""
    try:
        return Engine(db, create=create)
    except CrosscheckError as exc:
        _fail(str(exc))


def _emit(text: str, output: Path | None) -> None:
    """A document to a file (saying so on stderr) or to stdout."""
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}", highlight=False)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _fail(message: str, error: BaseException | None = None) -> None:
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False, markup=True)
    raise typer.Exit(exit_code(error) if error is not None else 1)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files or directories (.txt, .html, .json, .jsonl)")],
    db: DbOption = None,
    outlet: Annotated[Optional[str], typer.Option(help="Outlet for inputs that name none")] = None,
    max_bytes: Annotated[int, typer.Option(help="Reject files (and JSONL lines) larger than this")] = DEFAULT_MAX_BYTES,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")] = False,
    allow_private: AllowPrivate = False,
    respect_robots: RespectRobots = False,
    dask: Annotated[Optional[str], typer.Option(
        "--dask", help="Read and analyse on Dask workers: 'local' (a local cluster) or a scheduler "
                       "address such as tcp://scheduler:8786")] = None,
    dask_workers: Annotated[Optional[int], typer.Option(
        min=1, help="Workers of a --dask local cluster [default: one per core]")] = None,
    analyze: Annotated[bool, typer.Option(
        "--analyze/--no-analyze", help="Analyse and place what was stored now, or leave it to "
                                       "`crosscheck worker` (--no-analyze returns as soon as it is stored)")] = True,
) -> None:
    """Read articles (files, directories, http(s) URLs of pages or RSS/Atom feeds, OPML or text
    files listing feeds) into the store; already stored ones are reported."""
    client = None
    if dask:
        from .scale import connect

        try:
            client = connect(dask, workers=dask_workers)
        except (OSError, ValueError, TimeoutError) as exc:
            _fail(f"cannot reach the Dask scheduler {dask} ({exc})")
    try:
        with _open(db, create=True) as engine:
            report = _ingest_with_progress(engine, paths, outlet=outlet, max_bytes=max_bytes, quiet=quiet,
                                           allow_private=allow_private, respect_robots=respect_robots,
                                           dask=client, analyze=analyze)
            _print_report(report)
            if engine.live.deliveries(pending_only=True):
                _print_delivery(engine.deliver_alerts())
    finally:
        if client is not None:
            from .scale import close

            close(client)
    if report.rejected:
        raise typer.Exit(1)


def _print_delivery(result) -> None:
    for delivery_id, error in result.failed:
        err.print(f"alert {delivery_id} not delivered: {error} (kept; retried later)", highlight=False, markup=False)
    out.print(f"alerts delivered {len(result.delivered)}, pending {result.pending}", highlight=False)


def _ingest_with_progress(engine: Engine, paths, *, quiet: bool, **options) -> IngestReport:
    if quiet or not err.is_terminal:
        return engine.ingest(paths, **options)
    columns = (TextColumn("[bold]{task.fields[phase]:<8}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}", style="dim"))
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, int] = {}

        def advance(phase: str, done: int, total: int, label: str) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task("", total=None, phase=phase)
            label = Path(label).name if phase == "read" else label
            bar.update(tasks[phase], completed=done, total=total, description=label[:40])

        return engine.ingest(paths, progress=advance, **options)


def _print_report(report: IngestReport) -> None:
    for rejection in report.rejected:
        err.print(f"rejected {rejection}", highlight=False, markup=False)
    for url in report.unchanged_feeds:
        out.print(f"feed unchanged: {url}", highlight=False, markup=False)
    for outcome in report.already_stored:
        out.print(f"already stored: {outcome.input_source} is article {outcome.article.id} "
                  f"(same {outcome.matched_on})", highlight=False, markup=False)
    for outcome in report.revised:
        out.print(f"revised: {outcome.input_source} changed; article {outcome.article.id} has a new revision "
                  f"(`crosscheck revisions {outcome.article.id}`)", highlight=False, markup=False)
    revised = f"revised {len(report.revised)}, " if report.revised else ""
    out.print(f"stored {len(report.stored)}, already stored {len(report.already_stored)}, {revised}"
              f"rejected {len(report.rejected)}, analysed {report.analysed}", highlight=False, markup=False)


@app.command()
def articles(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table")] = False,
    limit: Annotated[Optional[int], typer.Option(min=1)] = None,
    offset: Annotated[int, typer.Option(min=0)] = 0,
) -> None:
    """List stored articles."""
    with _open(db) as engine:
        rows = engine.articles(limit=limit, offset=offset)
    if as_json:
        payload = [{
            "id": a.id, "external_id": a.external_id, "outlet": source_label(a), "url": a.url, "title": a.title,
            "title_derived": a.title_derived, "author": a.author, "published": a.published_iso(),
            "language": a.language, "words": len(a.text.split()), "source": a.source,
        } for a in rows]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("id", "published", "outlet", "title", "words", box=None, header_style="bold")
    for a in rows:
        title = (a.title or "") + (" (derived)" if a.title_derived else "")
        table.add_row(str(a.id), a.published_iso() or "—", source_label(a), title, str(len(a.text.split())))
    out.print(table)


@app.command()
def stories(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table")] = False,
    limit: Annotated[int, typer.Option(min=1, help="Stories per page")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many")] = 0,
    latest: Annotated[bool, typer.Option("--latest", help="The latest first, not the biggest")] = False,
    since: Annotated[Optional[str], typer.Option(help="Only stories with an article on or after YYYY-MM-DD")] = None,
    until: Annotated[Optional[str], typer.Option(help="Only stories that began on or before YYYY-MM-DD")] = None,
    outlet: Annotated[Optional[str], typer.Option(help="Only stories this outlet covered")] = None,
    conflicts: Annotated[bool, typer.Option("--conflicts", help="Only stories with conflicting claims")] = False,
    search: Annotated[Optional[str], typer.Option(help="Only stories whose title has these words")] = None,
) -> None:
    """List stories, the biggest first: id, title, articles, outlets, verdict counts, dates."""
    with _open(db) as engine:
        page = engine.story_list(limit=limit, offset=offset, order="latest" if latest else "biggest",
                                 since=since, until=until, outlet=outlet, conflicts=conflicts, query=search)
    if as_json:
        payload = {"items": [c.to_json() for c in page.items], "total": page.total, "limit": page.limit,
                   "offset": page.offset}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("id", "title", "articles", "outlets", "conflicting", "updated", "corroborated", "single",
                  "first", "last", box=None, header_style="bold")
    for card in page.items:
        s, v = card.summary, card.verdicts
        table.add_row(str(s.id), escape(s.title), str(s.articles), str(len(s.outlets)), str(v.conflicting),
                      str(v.updated), str(v.corroborated), str(v.single_source), readable_time(s.first),
                      readable_time(s.last))
    out.print(table)
    if page.next_offset is not None:
        err.print(f"{page.offset + len(page.items)} of {page.total}; next page: --offset {page.next_offset}",
                  highlight=False)


@app.command()
def story(
    story_id: Annotated[int, typer.Argument(help="Story id (an id merged into another story redirects)")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text")] = False,
) -> None:
    """One story: its articles, entities, dates, sentence reuse and citations."""
    with _open(db) as engine:
        detail = engine.story(story_id)
    if detail is None:
        _fail(f"no story {story_id}")
    if as_json:
        sys.stdout.write(json.dumps(detail.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    _print_story(detail)


def _print_story(d) -> None:
    if d.requested_id != d.id:
        out.print(f"(story {d.requested_id} was merged into story {d.id})", highlight=False)
    for moved in d.moved_out:
        count = len(moved["articles"])
        out.print(f"({count} article{'' if count == 1 else 's'} once in this story now in story {moved['story_id']}: "
                  f"{', '.join(f'#{a}' for a in moved['articles'])})", highlight=False)
    out.print(f"[bold]Story {d.id}: {escape(d.title)}[/bold]")
    out.print(f"{plural(d.articles, 'article')} from {plural(len(d.outlets), 'outlet')}, "
              f"{readable_span(d.first, d.last)}; {verdict_line(d.verdicts)}", highlight=False)
    titles = {a.id: f"#{a.id} {a.outlet}" for a in d.articles_detail}
    table = Table("id", "published", "outlet", "title", box=None, header_style="bold", title="Articles")
    for a in d.articles_detail:
        table.add_row(str(a.id), readable_time(a.published), escape(a.outlet), escape(a.title or ""))
    out.print(table)
    people = [e for e in d.entities if e["articles"] > 1 or len(d.articles_detail) == 1][:15]
    out.print("[bold]Entities[/bold]: " + escape("; ".join(f"{e['name']} ({e['label']}, {e['articles']})"
                                                          for e in people)))
    days = {}
    for x in d.dates:
        days.setdefault((x["date"], x["granularity"]), set()).add(x["article_id"])
    top = sorted(days.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:8]
    out.print("[bold]Dates[/bold]: " + "; ".join(f"{day} ({gran}, {plural(len(ids), 'article')})" for (day, gran), ids in top),
              highlight=False)
    if d.reuse:
        out.print("[bold]Reuse[/bold]")
        for r in d.reuse:
            out.print(f"  {titles.get(r['article_id'])} reuses {plural(r['sentences'], 'sentence')} of "
                      f"{titles.get(r['source_id'])} ({r['verbatim']} verbatim, {r['paraphrase']} paraphrased)",
                      highlight=False)
    cited = [c for c in d.citations if c["kind"] == "outlet"]
    if cited:
        out.print("[bold]Citations[/bold]")
        for c in cited:
            out.print(f"  {titles.get(c['article_id'])} cites {c['source']}", highlight=False)
    _print_pickup(d, titles)


def _print_pickup(d, titles: dict[int, str]) -> None:
    first = d.first_report
    out.print("[bold]First report[/bold]: " + (escape(f"#{first.article_id} {first.outlet}, "
                                                      f"{readable_time(first.published)}") if first else
                                             "not known (no dated article, or a bare date on the first day)"),
              highlight=False)
    for p in d.pickup:
        how = " and ".join(x for x in (f"reuses {plural(p.sentences, 'sentence')} ({p.verbatim} verbatim)"
                                       if p.sentences else "", "credits it" if p.credits else "") if x)
        lag = f", {readable_lag(p.lag_minutes)} later" if p.lag_minutes is not None else ""
        out.print(escape(f"  {titles.get(p.article_id)} took from {titles.get(p.source_id)}: {how}{lag}"),
                  highlight=False)
    out.print("[bold]What each article adds[/bold]")
    for c in d.contributions:
        out.print(escape(f"  {titles.get(c.article_id)}: {contribution_line(c)}"), highlight=False)


def _cross_check(db: str | None, story_id: int):
    with _open(db) as engine:
        result = engine.cross_check(story_id)
    if result is None:
        _fail(f"no story {story_id}")
    return result


_VERDICT_STYLE = {"corroborated": "green", "single_source": "yellow", "conflicting": "red", "updated": "blue"}


@app.command()
def claims(
    story_id: Annotated[int, typer.Argument(help="Story id")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text")] = False,
    kind: Annotated[Optional[str], typer.Option(help="Only quantity, date or statement groups")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Also single-source statements (left out, as on "
                                                          "the story page)")] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="text, csv (one row per evidence sentence) or "
                                                               "jsonld (schema.org ClaimReview)")] = "text",
) -> None:
    """The story's claim groups: corroborated, single-source, conflicting or updated, each with its
    evidence; the same groups the story page lists (and embeds as ClaimReview JSON-LD)."""
    resolved, groups, _ = _cross_check(db, story_id)
    if as_json:
        sys.stdout.write(json.dumps({"story_id": resolved, "claim_groups": [asdict(g) for g in groups
                                                                            if kind is None or g.kind == kind]},
                                    ensure_ascii=False, indent=2, default=str) + "\n")
        return
    figures, statements, hidden = shown_groups(groups)
    groups = [g for g in [*figures, *statements, *(hidden if show_all else ())] if kind is None or g.kind == kind]
    if format == "csv":
        sys.stdout.write(claims_csv(resolved, groups))
        return
    if format == "jsonld":
        sys.stdout.write(json.dumps(claim_reviews(groups), ensure_ascii=False, indent=2) + "\n")
        return
    if format != "text":
        raise typer.BadParameter(f"unsupported format {format!r}; use text, csv or jsonld", param_hint="--format")
    for g in groups:
        style = _VERDICT_STYLE[g.verdict]
        joint = " then " if g.verdict == "updated" else " vs "
        sides = [f"{value} ({', '.join(who)})" for value, who, _ in g.sides]
        # a conflict or an update shows who says what; any other group the value it states
        spread = f"  [{joint.join(sides)}]" if sides else f"  [{', '.join(g.values)}]" if g.values else ""
        hedged = "  (hedged)" if g.hedged else ""
        # the group's words are text, not markup: "[approximately 10,000 (…) vs …]" is no style tag
        out.print(f"[{style}]{g.verdict:13}[/{style}] {g.kind:9} {escape(f'{g.about}{spread}{hedged}')}  "
                  f"— {g.independent_sources} independent source(s)", highlight=False)
        for e in g.evidence:
            derived = f" (rewrites/cites #{', #'.join(map(str, e.derived_from))})" if e.derived_from else ""
            out.print(f"    #{e.article_id} {e.outlet}{derived}: “{e.sentence}”", highlight=False,
                      markup=False)
    if hidden and not show_all and kind in (None, "statement"):
        err.print(f"{plural(len(hidden), 'single-source statement')} not shown (--all shows them)",
                  highlight=False)


@app.command()
def timeline(
    story_id: Annotated[int, typer.Argument(help="Story id")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text")] = False,
) -> None:
    """The story's dated events in order, each with its supporting outlets and sentences."""
    resolved, _, events = _cross_check(db, story_id)
    if as_json:
        sys.stdout.write(json.dumps({"story_id": resolved, "events": [asdict(e) for e in events]},
                                    ensure_ascii=False, indent=2, default=str) + "\n")
        return
    for event in events:
        when = _format_date(event.date, event.granularity)
        also = f"  (also given: {', '.join(event.alternatives)})" if event.alternatives else ""
        style = _VERDICT_STYLE[event.verdict]
        inferred = "  (date inferred)" if event.inferred else ""
        out.print(f"{when:12} [{style}]{event.verdict:13}[/{style}] {escape(f'{event.label}{also}{inferred}')}",
                  highlight=False)
        for e in event.evidence:
            out.print(f"    #{e.article_id} {e.outlet}: “{e.sentence}”", highlight=False, markup=False)


def _format_date(value, granularity: str) -> str:
    if granularity == "year":
        return str(value.year)
    if granularity == "month":
        return value.strftime("%Y-%m")
    return value.isoformat()


@app.command()
def brief(
    story_id: Annotated[int, typer.Argument(help="Story id")],
    db: DbOption = None,
    format: Annotated[str, typer.Option("--format", "-f", help="md, json or html")] = "md",
    words: Annotated[int, typer.Option("--words", min=20, max=2000, help="Summary word budget")] = 120,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write [default: stdout]")] = None,
) -> None:
    """The story's briefing: headline, key points, attributed summary, disagreements, timeline, coverage."""
    renderers = {"md": to_markdown, "json": to_json, "html": to_html}
    if format not in renderers:
        raise typer.BadParameter(f"unsupported format {format!r}; use md, json or html", param_hint="--format")
    with _open(db) as engine:
        briefing = engine.briefing(story_id, words=words)
    if briefing is None:
        _fail(f"no story {story_id}")
    _emit(renderers[format](briefing), output)


HEAD_TIMEOUT_S = 10.0  # a request's line and headers must arrive within this (slow-client guard)


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port")] = 8000,
    public_url: Annotated[Optional[str], typer.Option(
        help="Where readers reach the app, e.g. https://news.example.org/ (feed links; https makes "
             "cookies Secure and sends HSTS)")] = None,
    trusted_proxy: Annotated[Optional[list[str]], typer.Option(
        help="Address of a reverse proxy whose X-Forwarded-For and X-Forwarded-Proto are believed "
             "(repeatable; none by default: a client could set them to dodge per-address limits)")] = None,
    max_body: Annotated[int, typer.Option(min=1024, help="Largest request body accepted, in bytes")]
    = 1024 * 1024,
    alert_interval: Annotated[float, typer.Option(
        min=0, help="Seconds between the server's own rounds of checking follows and delivering alerts "
                    "(0: leave it to ingest, watch and alerts)")] = 30.0,
) -> None:
    """Serve the web app and the REST API (docs at /docs). See docs/security.md to deploy it."""
    import uvicorn

    from .web import create_app

    if public_url and not public_url.lower().startswith(("http://", "https://")):
        raise typer.BadParameter("give an http(s) URL", param_hint="--public-url")
    try:
        application = create_app(db, create=False, max_body=max_body, public_url=public_url,
                                 alert_interval=alert_interval, settle_heap=True)
    except CrosscheckError as exc:
        _fail(str(exc), exc)
    out.print(f"crosscheck on http://{host}:{port}/  (API docs: http://{host}:{port}/docs)", highlight=False)
    # uvicorn believes X-Forwarded-* from 127.0.0.1 unless told otherwise: only named proxies here
    from .web.guard import head_timeout_protocol

    uvicorn.run(application, host=host, port=port, log_level="warning", proxy_headers=bool(trusted_proxy),
                forwarded_allow_ips=",".join(trusted_proxy) if trusted_proxy else None,
                timeout_keep_alive=5, h11_max_incomplete_event_size=16 * 1024,
                http=head_timeout_protocol(HEAD_TIMEOUT_S))


@app.command()
def watch(
    feeds: Annotated[list[str], typer.Argument(help="Feed URLs, or OPML / text files listing them")],
    db: DbOption = None,
    interval: Annotated[str, typer.Option(help="Time between polls of a feed: 90, 30s, 5m, 1h")] = "5m",
    max_backoff: Annotated[str, typer.Option(help="Longest wait before retrying a failing feed")] = "1h",
    allow_private: AllowPrivate = False,
    respect_robots: RespectRobots = False,
    rounds: Annotated[Optional[int], typer.Option(min=1, help="Stop after this many rounds [default: never]")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No status line")] = False,
    recheck: Annotated[str, typer.Option(help="How often the pages of recent articles are fetched again, so "
                                              "that a changed one becomes a new revision (0: never)")] = "6h",
    recheck_within: Annotated[str, typer.Option(help="Which articles are recent: stored this long ago or "
                                                     "less")] = "1d",
) -> None:
    """Poll feeds until stopped (Ctrl-C or SIGTERM), ingesting new articles and sending alerts;
    re-check recent articles' pages for changes (revisions)."""
    import signal

    from .ingest.feedlists import read_feed_list
    from .ingest.urls import Fetcher
    from .live.watch import Watcher, parse_interval

    try:
        every, longest = parse_interval(interval), parse_interval(max_backoff)
        again = None if recheck.strip() in ("0", "0s", "never") else parse_interval(recheck)
        within = parse_interval(recheck_within)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    urls = []
    for item in feeds:
        if item.lower().startswith(("http://", "https://")):
            urls.append(item)
            continue
        try:
            listed = read_feed_list(Path(item))
        except (InputError, OSError) as exc:
            _fail(f"{item}: {exc}")
        if listed is None:
            raise typer.BadParameter(f"{item} is neither a feed URL nor a file listing feeds", param_hint="FEEDS")
        urls.extend(listed)
    with _open(db, create=True) as engine:
        fetcher = Fetcher(allow_private=allow_private, respect_robots=respect_robots)
        watcher = Watcher(engine, urls, interval=every, max_backoff=longest, fetcher=fetcher, recheck=again,
                          recheck_within=within)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: watcher.stop())
        live_line = not quiet and err.is_terminal
        if not live_line and not quiet:
            watcher.on_round = lambda totals: err.print(_watch_line(watcher), highlight=False, markup=False)
        out.print(f"watching {len(watcher.totals.feeds)} feed(s) every {interval}; stop with Ctrl-C",
                  highlight=False)
        if live_line:
            from rich.live import Live

            with Live(_WatchLine(watcher), console=err, refresh_per_second=2, transient=True):
                totals = watcher.run(rounds=rounds)
        else:
            totals = watcher.run(rounds=rounds)
    out.print(f"stopped after {totals.rounds} round(s): {totals.new_articles} new article(s), "
              f"{totals.errors} error(s), {totals.alerts_sent} alert(s) sent, {totals.alerts_pending} pending; "
              f"{totals.revised} article(s) revised", highlight=False)


def _watch_line(watcher) -> str:
    totals = watcher.totals
    failing = [f for f in totals.feeds if f.failures]
    next_due = max(0.0, min(f.due for f in totals.feeds) - watcher.clock())
    line = (f"feeds {len(totals.feeds)} ({len(failing)} failing) · round {totals.rounds} · "
            f"new articles {totals.new_articles} · revised {totals.revised} · errors {totals.errors} · "
            f"alerts sent {totals.alerts_sent}, "
            f"pending {totals.alerts_pending} · next poll in {next_due:.0f}s")
    if failing:
        line += f" · last error: {failing[0].url}: {failing[0].last_error}"
    return line


class _WatchLine:
    """Rich renders this on every refresh, so the countdown moves while the watcher sleeps."""

    def __init__(self, watcher):
        self.watcher = watcher

    def __rich__(self) -> str:
        return _watch_line(self.watcher)


@app.command()
def revisions(
    article: Annotated[str, typer.Argument(help="The article's number, or its URL")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text")] = False,
) -> None:
    """An article's texts, oldest first: a page ingested again after it changed is a new
    revision of the same article, and each shows the sentences it dropped and added."""
    with _open(db) as engine:
        try:
            article_id, found = engine.revisions(article)
        except CrosscheckError as exc:
            _fail(str(exc), exc)
    if as_json:
        sys.stdout.write(json.dumps({"article_id": article_id, "revisions": [asdict(r) for r in found]},
                                    ensure_ascii=False, indent=2) + "\n")
        return
    for r in found:
        state = "current" if r.current else "replaced"
        out.print(escape(f"revision {r.revision} ({state}), stored {readable_time(r.stored_at)}: "
                         f"{r.title or '(untitled)'}"), highlight=False)
        if r.revision > 1 and not r.diff:
            out.print("    (the same sentences; spacing or punctuation changed)", highlight=False, markup=False)
        for line in r.diff:
            style = "red" if line.startswith("-") else "green"
            out.print(f"    [{style}]{escape(line)}[/{style}]", highlight=False)
    if len(found) == 1:
        out.print(f"article {article_id} has not been revised", highlight=False)


@app.command()
def outlets(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON, with the articles behind every figure")] = False,
) -> None:
    """How each outlet behaves, measured over every story: first reports and lag behind them, the
    share of its sentences reused from other outlets and from whom, who reuses and credits it,
    derivative articles and unsourced additions, and how its figures fare in the cross-checks."""
    with _open(db) as engine:
        if as_json or not err.is_terminal:
            rows = engine.outlet_behaviour()
        else:
            columns = (TextColumn("[bold]stories"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            with Progress(*columns, console=err, transient=True) as bar:
                task = bar.add_task("", total=None)
                rows = engine.outlet_behaviour(
                    progress=lambda done, total: bar.update(task, completed=done, total=total))
    if as_json:
        sys.stdout.write(json.dumps([behaviour_json(b) for b in rows], ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("outlet", "articles", "stories", "first", "median lag", "reused from others", "reused by others",
                  "credited by", "derivative", "unsourced", "figures ✓/✗/↻/1", box=None, header_style="bold")
    for b in rows:
        share = f"{b.reused_share:.0%}" if b.reused_share is not None else ""
        table.add_row(escape(b.outlet), str(len(b.article_ids)), str(len(b.story_ids)), str(len(b.first_reports)),
                      readable_lag(b.median_lag_minutes), share, str(sum(link.count for link in b.reused_by)),
                      str(sum(link.count for link in b.cited_by)), str(len(b.derivative)), str(len(b.unsourced)),
                      "/".join(str(b.figure_count(v)) for v in ("corroborated", "conflicting", "updated",
                                                                "single_source")))
    out.print(table)
    out.print("figures: corroborated / conflicting / updated / single-source claim groups with its figures or "
              "dates; `--json` lists the articles and groups behind every number", highlight=False)


@app.command()
def follow(
    story_id: Annotated[int, typer.Argument(help="Story id")],
    webhook: Annotated[str, typer.Option("--webhook", help="http(s) URL that gets each alert as a JSON POST")],
    db: DbOption = None,
    allow_private: AllowPrivate = False,
) -> None:
    """Send an alert to a webhook when the story gains an outlet or a conflict, or a verdict changes."""
    with _open(db) as engine:
        try:
            made = engine.follow(story_id, webhook, allow_private=allow_private)
        except LookupError as exc:
            _fail(str(exc.args[0]))
        except InputError as exc:
            _fail(f"webhook {webhook}: {exc}")
    out.print(f"follow {made.id}: story {made.story_id} alerts go to {made.webhook}\n"
              f"each is signed: X-Crosscheck-Signature = sha256=HMAC-SHA256(secret, body), secret {made.secret}",
              highlight=False, markup=False)


@app.command()
def unfollow(
    follow_id: Annotated[int, typer.Argument(help="Follow id (see `crosscheck follows`)")],
    db: DbOption = None,
) -> None:
    """Stop a follow; its undelivered alerts go with it."""
    with _open(db) as engine:
        if not engine.unfollow(follow_id):
            _fail(f"no follow {follow_id}")
    out.print(f"follow {follow_id} removed", highlight=False)


@app.command()
def follows(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table")] = False,
) -> None:
    """Follows with their webhooks and alerts (delivered, pending, last error)."""
    with _open(db) as engine:
        rows = []
        for f in engine.follows():
            sent = engine.live.deliveries(follow_id=f.id)
            pending = [d for d in sent if d.delivered_at is None]
            rows.append({"id": f.id, "story_id": engine.store.resolve_story(f.story_id) or f.story_id,
                         "webhook": f.webhook, "user_id": f.user_id, "delivered": len(sent) - len(pending),
                         "pending": len(pending), "last_error": pending[-1].last_error if pending else None})
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("id", "story", "webhook", "delivered", "pending", "last error", box=None, header_style="bold")
    for r in rows:
        table.add_row(str(r["id"]), str(r["story_id"]), r["webhook"], str(r["delivered"]), str(r["pending"]),
                      r["last_error"] or "")
    out.print(table)


@app.command()
def alerts(
    db: DbOption = None,
) -> None:
    """Check follows for changes now and deliver every alert that is due."""
    with _open(db) as engine:
        queued = engine.check_alerts()
        result = engine.deliver_alerts()
    out.print(f"alerts queued {queued}", highlight=False)
    _print_delivery(result)
    if result.failed:
        raise typer.Exit(1)


@app.command()
def worker(
    db: DbOption = None,
    interval: Annotated[str, typer.Option(help="Time between looks for pending articles: 5, 30s, 1m")] = "5s",
    rounds: Annotated[Optional[int], typer.Option(min=1, help="Stop after this many rounds [default: never]")] = None,
) -> None:
    """Analyse and place articles that `ingest --no-analyze` (or any process) stored, and deliver
    alerts, until stopped (Ctrl-C or SIGTERM). Several workers on one PostgreSQL store split the
    work: each article is claimed by one of them."""
    import signal
    import threading

    from .live.watch import parse_interval

    try:
        every = parse_interval(interval)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    with _open(db) as engine:
        done = 0
        while not stopping.is_set():
            placed = engine.analyze_pending()
            queued = engine.check_alerts()
            delivered = engine.deliver_alerts() if engine.live.deliveries(pending_only=True) else None
            done += 1
            if placed or queued or (delivered and (delivered.delivered or delivered.failed)):
                err.print(f"placed {placed}, alerts queued {queued}, delivered "
                          f"{len(delivered.delivered) if delivered else 0}", highlight=False)
            if rounds is not None and done >= rounds:
                break
            stopping.wait(every)


@app.command()
def feed(
    db: DbOption = None,
    story_id: Annotated[Optional[int], typer.Option("--story", help="One story's articles [default: all stories]")] = None,
    base_url: Annotated[str, typer.Option(help="Where the web app is served; entry links point there")] = "http://127.0.0.1:8000",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write [default: stdout]")] = None,
) -> None:
    """Write an Atom feed: the latest stories, or one story's articles."""
    with _open(db) as engine:
        text = engine.stories_atom(base_url) if story_id is None else engine.story_atom(story_id, base_url)
    if text is None:
        _fail(f"no story {story_id}")
    _emit(text, output)


@app.command()
def export(
    db: DbOption = None,
    format: Annotated[str, typer.Option("--format", help="jsonl (re-ingestable) or csv (a spreadsheet)")]
    = "jsonl",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write [default: stdout]")] = None,
) -> None:
    """Export one row per article: id, outlet, url, title, published, author, text, story_id (CSV
    adds the source label and leaves out the text). Claims: `crosscheck claims ID --format csv`."""
    if format not in ("jsonl", "csv"):
        raise typer.BadParameter(f"unsupported format {format!r}; use jsonl or csv", param_hint="--format")
    with _open(db) as engine:
        handle = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            if format == "csv":
                for chunk in rows_csv(EXPORT_CSV_COLUMNS, engine.export_rows()):
                    handle.write(chunk)
            else:
                for row in engine.export_rows():
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        finally:
            if output:
                handle.close()


EXPORT_CSV_COLUMNS = ("id", "source_label", "outlet", "url", "title", "published", "author", "story_id")


@app.command()
def article(
    article_id: Annotated[int, typer.Argument(help="Article id")],
    db: DbOption = None,
    outlet: Annotated[Optional[str], typer.Option(help="Correct its outlet (\"\" clears it)")] = None,
    title: Annotated[Optional[str], typer.Option(help="Correct its title")] = None,
    published: Annotated[Optional[str], typer.Option(help="Correct when it was published (2024-11-12 or "
                                                          "2024-11-12T07:29+09:00; \"\" clears it)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text")] = False,
) -> None:
    """One article, and corrections to it: --outlet, --title, --published. A correction shows at
    once in its story's counts, claims, briefing and pages."""
    with _open(db) as engine:
        if outlet is not None or title is not None or published is not None:
            try:
                engine.correct_article(article_id, outlet=outlet, title=title, published=published)
            except CrosscheckError as exc:
                _fail(str(exc), exc)
        view = engine.article_view(article_id)
    if view is None:
        _fail(f"no article {article_id}")
    if as_json:
        sys.stdout.write(json.dumps(view.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    out.print(f"[bold]#{view.id} {escape(view.title or '(untitled)')}[/bold]")
    story_note = f" · story {view.story_id}" if view.story_id is not None else ""
    out.print(escape(f"{view.outlet} · {readable_time(view.published)}{story_note}"), highlight=False)
    out.print(view.text, markup=False, highlight=False)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find (full-text)")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="Results per page")] = 20,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text")] = False,
) -> None:
    """Find stories by title and articles by their words."""
    with _open(db) as engine:
        stories = engine.story_list(query=query, limit=limit) if offset == 0 else None
        hits = engine.search(query, limit=limit, offset=offset)
    if as_json:
        payload = {"query": query, "stories": [c.to_json() for c in stories.items] if stories else [],
                   "articles": [asdict(h) for h in hits.items], "next_offset": hits.next_offset}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    for card in (stories.items if stories else ()):
        s = card.summary
        out.print(escape(f"story {s.id}: {s.title} ({plural(s.articles, 'article')}, {verdict_line(card.verdicts)})"),
                  highlight=False)
    for h in hits.items:
        where = f" · story {h.story_id}" if h.story_id is not None else ""
        out.print(escape(f"#{h.article_id} {h.title or '(untitled)'} — {h.outlet} · {readable_time(h.published)}"
                         f"{where}"), highlight=False)
        out.print(f"    {h.snippet}", markup=False, highlight=False)
    if hits.next_offset is not None:
        err.print(f"more: --offset {hits.next_offset}", highlight=False)


@app.command("copy-store")
def copy_store_command(
    target: Annotated[str, typer.Argument(help="The new store: a SQLite file or sqlite:///… / postgresql://… URL "
                                          "(an empty database)")],
    db: DbOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")] = False,
) -> None:
    """Copy the whole store (--db) into another database, ids and all: move to PostgreSQL as you outgrow SQLite."""
    from .admin import copy_store

    try:
        if True:
            if quiet or not err.is_terminal:
                copied = copy_store(db, target)
            else:
                columns = (TextColumn("[bold]{task.description:<18}"), BarColumn(), MofNCompleteColumn(),
                           TimeElapsedColumn())
                with Progress(*columns, console=err, transient=True) as bar:
                    tasks: dict[str, int] = {}

                    def advance(table: str, done: int, total: int) -> None:
                        if table not in tasks:
                            tasks[table] = bar.add_task(table, total=total)
                        bar.update(tasks[table], completed=done)

                    copied = copy_store(db, target, progress=advance)
    except CrosscheckError as exc:
        _fail(str(exc), exc)
    out.print(f"copied {copied.get('articles', 0)} articles, {copied.get('stories', 0)} stories "
              f"({sum(copied.values())} rows in {len(copied)} tables) to {target}", highlight=False, markup=False)


@app.command()
def demo(
    db: Annotated[str, typer.Option("--db", help="Where to build the demo store (recreated)")] = "crosscheck-demo.db",
) -> None:
    """Ingest the bundled sample corpus into a fresh demo store and show what was stored."""
    path = Path(db)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    sample = sample_corpus_path()
    out.print(f"Ingesting the bundled sample corpus from {sample}", highlight=False)
    with _open(str(path), create=True) as engine:
        report = _ingest_with_progress(engine, [sample], quiet=False)
        _print_report(report)
        found = engine.stories()
        table = Table("story", "title", "articles", "outlets", title="Stories", header_style="bold")
        for s in found:
            table.add_row(str(s.id), s.title, str(s.articles), ", ".join(s.outlets))
        out.print(table)
        if found:
            out.print()
            out.print(to_markdown(engine.briefing(found[0].id)), markup=False, highlight=False)
    out.print(f"Demo store: {path.resolve()}  (try: crosscheck articles --db {path})", highlight=False)
    if report.rejected:
        raise typer.Exit(1)


admin_app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                        help="Accounts of the web app's reader discussion.")
app.add_typer(admin_app, name="admin")


@admin_app.command("create-user")
def admin_create_user(
    username: Annotated[str, typer.Argument(help="3 to 32 letters, digits, '.', '_' or '-'")],
    db: DbOption = None,
    admin: Annotated[bool, typer.Option("--admin", help="A moderator: hides and deletes comments, "
                                                        "suspends accounts")] = False,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first "
                                                 "line of stdin instead of prompting")] = False,
) -> None:
    """Create an account (with --admin, a moderator); the password is prompted for, never an argument."""
    from .admin import create_user
    from .errors import Conflict
    from .web.security import hash_password, password_problem, username_problem, utcnow

    problem = username_problem(username)
    if problem:
        raise typer.BadParameter(problem, param_hint="USERNAME")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, username)
    if problem:
        _fail(problem)
    try:
        create_user(db, username, hash_password(password), admin=admin, now=utcnow())
    except Conflict:
        _fail(f"an account named {username!r} already exists")
    except CrosscheckError as exc:
        _fail(str(exc), exc)
    out.print(f"created {'admin' if admin else 'user'} {username}", highlight=False, markup=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
