"""The web app and REST API: a face over Engine, with no pipeline logic of its own.

Pages are rendered on the server with Jinja2 and work without JavaScript. The
REST API lives under /api/v1; its OpenAPI spec is at /api/v1/openapi.json and
its docs page (/docs) is rendered here, so it needs nothing from a CDN.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Form, Header, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..brief.render import coverage_chart, timeline_chart
from ..engine import Engine
from ..errors import CrosscheckError, http_status
from ..read.format import contribution_line, plural, readable_lag, readable_span, readable_time, verdict_line
from ..read.queries import PAGES_KEPT
from ..records import VERDICTS, plain
from .alerter import Alerter
from .heap import HeapSettler
from .discussion import Discussion
from .fragments import KeptFragments
from .follows import follows_router, story_follows
from .guard import DEFAULT_MAX_BODY, Guard, Id, Offset
from .security import CSRF_HEADER, DiscussionSettings

TEMPLATES = Path(__file__).resolve().parent / "templates"
API = "/api/v1"
MAX_PAGE = 100
STORIES_PER_PAGE = 25


class Site:
    """The engine behind the app; one lock because the engine's caches are not thread-safe."""

    def __init__(self, db: str | None, *, create: bool = True):
        self.engine = Engine(db, create=create)
        self.lock = threading.RLock()

    def __call__(self, method: str, *args, **kwargs):
        with self.lock:
            return getattr(self.engine, method)(*args, **kwargs)


class Correction(BaseModel):
    outlet: str | None = Field(None, max_length=200, description="The outlet (\"\" clears it)")
    title: str | None = Field(None, max_length=500)
    published: str | None = Field(None, max_length=64, description="ISO 8601 or a readable date (\"\" clears it)")


def create_app(db: str | None = None, *, secure_cookies: bool | None = None,
               discussion: DiscussionSettings | None = None, allow_private_webhooks: bool = False,
               create: bool = True, max_body: int = DEFAULT_MAX_BODY, public_url: str | None = None,
               alert_interval: float = 0.0, settle_heap: bool = False) -> FastAPI:
    """The app over the store `db` (`create=False`: only an existing store, NotFound otherwise).

    secure_cookies: True marks the session and CSRF cookies Secure, False never (tests, plain
    http); None (the default) lets $CROSSCHECK_SECURE_COOKIES (1/0/auto) decide, and "auto"
    marks them Secure except over plain http to localhost/127.0.0.1/::1. `discussion` tunes
    the reader discussion (limits, lockout, clock): see security.DiscussionSettings.
    allow_private_webhooks lets readers' follows POST to loopback and private addresses
    (tests, or a deployment whose readers are all trusted); never on by default. `max_body`:
    the largest request body read (bytes); a larger one gets 413 before it is read in full.
    `public_url`: where readers reach the app (https://news.example.org/); links in feeds use
    it instead of the request's Host header, and an https one makes cookies Secure and turns
    on HSTS. `alert_interval`: seconds between the server's own alert rounds (checking follows
    and delivering what is due) while it runs; 0 leaves alerts to `ingest`, `watch` and `alerts`.
    `settle_heap` (a long-running server, as `crosscheck serve` runs it): build the home page's
    story list at start, before the first reader asks, and keep what the server holds out of
    the garbage collector's full walks (see heap.py), so that pauses do not grow with the store.
    """
    site = Site(db, create=create)
    alerter = Alerter(site, alert_interval)

    settler = HeapSettler() if settle_heap else None

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        if settler is not None:
            site("story_list", limit=10)
            site("story_list", order="latest", limit=10)
            settler.start()
        alerter.start()
        try:
            yield
        finally:
            alerter.stop()
            if settler is not None:
                settler.stop()

    app = FastAPI(title="crosscheck", version="1", docs_url=None, redoc_url=None, lifespan=lifespan,
                  openapi_url=f"{API}/openapi.json",
                  description="Stories, briefings, cross-checked claims and timelines from many outlets.")
    app.state.site = site
    app.state.alerter = alerter
    app.state.settler = settler
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.globals.update(coverage_chart=coverage_chart, timeline_chart=timeline_chart, VERDICTS=VERDICTS)
    templates.env.filters.update(when=readable_time, span=readable_span, plural=plural, verdict_line=verdict_line,
                                 lag=readable_lag, contribution=contribution_line)
    story_bodies = KeptFragments(templates.env.get_template("_story_body.html"), PAGES_KEPT, "story")
    settings = discussion or DiscussionSettings()
    https = bool(public_url and public_url.lower().startswith("https://"))
    if secure_cookies is not None:
        settings = replace(settings, secure_cookies=secure_cookies)
    elif https:
        settings = replace(settings, secure_cookies=True)
    board = Discussion(site("discussion_store"), settings, resolve_story=lambda story_id: site("resolve_story", story_id))
    templates.context_processors.append(board.template_context)
    app.state.discussion = board

    def page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"request": request, **context}, status_code=status_code)

    # -- errors: JSON under /api, pages elsewhere; statuses from errors.http_status ----------
    def error_response(request: Request, status: int, message: str, headers=None):
        if request.url.path.startswith(API):
            return JSONResponse({"error": {"status": status, "message": message}}, status_code=status,
                                headers=headers)
        return page(request, "error.html", status, status=status, message=message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return error_response(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(CrosscheckError)
    async def crosscheck_error(request: Request, exc: CrosscheckError):
        return error_response(request, http_status(exc), str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return error_response(request, 422, problems)

    def found(value, what: str):
        if value is None:
            raise HTTPException(404, f"no {what}")
        return value

    def page_json(result, convert) -> dict[str, Any]:
        return {"items": [convert(item) for item in result.items], "total": result.total, "limit": result.limit,
                "offset": result.offset}

    def admin(request: Request, csrf: str | None) -> dict:
        account = board.security.account(request)
        if account is None:
            raise HTTPException(401, "Sign in as an admin to correct articles.")
        if not account["is_admin"]:
            raise HTTPException(403, "Only admins correct articles.")
        board.security.check_csrf(request, csrf)
        return account

    # -- REST API -------------------------------------------------------------------------
    @app.get(f"{API}/stories", tags=["stories"], summary="Stories, the biggest (or latest) first, filtered")
    def api_stories(limit: int = Query(20, ge=1, le=MAX_PAGE), offset: Offset = 0,
                    order: str = Query("biggest", pattern="^(biggest|latest)$"),
                    since: str | None = Query(None, pattern=r"^\d{4}-\d{2}-\d{2}$"),
                    until: str | None = Query(None, pattern=r"^\d{4}-\d{2}-\d{2}$"),
                    outlet: str | None = Query(None, max_length=200), conflicts: bool = False,
                    q: str | None = Query(None, max_length=200)):
        result = site("story_list", limit=limit, offset=offset, order=order, since=since, until=until,
                      outlet=outlet, conflicts=conflicts, query=q)
        return page_json(result, lambda card: card.to_json())

    @app.get(f"{API}/stories/{{story_id}}", tags=["stories"], summary="A story: articles, outlet and verdict "
             "counts, entities, dates, reuse, citations (a merged id redirects)")
    def api_story(story_id: Id):
        return found(site("story", story_id), f"story {story_id}").to_json()

    @app.get(f"{API}/stories/{{story_id}}/briefing", tags=["stories"], summary="The story's briefing")
    def api_briefing(story_id: Id, words: int = Query(120, ge=20, le=2000)):
        return plain(found(site("briefing", story_id, words=words), f"story {story_id}"))

    @app.get(f"{API}/stories/{{story_id}}/claims", tags=["stories"], summary="Claim groups with verdicts")
    def api_claims(story_id: Id):
        resolved, groups, _ = found(site("cross_check", story_id), f"story {story_id}")
        return {"story_id": resolved, "claim_groups": [asdict(g) for g in groups]}

    @app.get(f"{API}/stories/{{story_id}}/timeline", tags=["stories"], summary="Dated events in order")
    def api_timeline(story_id: Id):
        resolved, _, events = found(site("cross_check", story_id), f"story {story_id}")
        return {"story_id": resolved, "events": [asdict(e) for e in events]}

    @app.get(f"{API}/articles", tags=["articles"], summary="Stored articles")
    def api_articles(limit: int = Query(20, ge=1, le=MAX_PAGE), offset: Offset = 0):
        return page_json(site("article_page", limit, offset), asdict)

    @app.get(f"{API}/articles/{{article_id}}", tags=["articles"], summary="One article with its text")
    def api_article(article_id: Id):
        return found(site("article_view", article_id), f"article {article_id}").to_json()

    @app.patch(f"{API}/articles/{{article_id}}", tags=["articles"],
               summary="Correct an article's outlet, title or publication time (admins; session cookie and "
                       "X-CSRF-Token)")
    def api_correct(request: Request, article_id: Id, data: Correction,
                    x_csrf_token: str | None = Header(None, alias=CSRF_HEADER)):
        admin(request, x_csrf_token)
        site("correct_article", article_id, outlet=data.outlet, title=data.title, published=data.published)
        return site("article_view", article_id).to_json()

    @app.get(f"{API}/articles/{{article_id}}/revisions", tags=["articles"],
             summary="The article's texts, oldest first, with the sentences each dropped and added")
    def api_revisions(article_id: Id):
        article, found = site("revisions", article_id)
        return {"article_id": article, "revisions": [asdict(r) for r in found]}

    @app.get(f"{API}/search", tags=["search"], summary="Stories by title, and articles by full-text search")
    def api_search(q: str = Query(..., min_length=1, max_length=200), limit: int = Query(20, ge=1, le=MAX_PAGE),
                   offset: Offset = 0):
        hits = site("search", q, limit, offset)
        stories = site("story_list", query=q, limit=limit) if offset == 0 else None
        return {"query": q, "items": [asdict(h) for h in hits.items], "limit": limit, "offset": offset,
                "next_offset": hits.next_offset,
                "stories": [card.to_json() for card in stories.items] if stories else []}

    @app.get(f"{API}/outlets", tags=["outlets"], summary="What each outlet covered, how often first, reused")
    def api_outlets():
        return {"items": [asdict(r) for r in site("outlets")]}

    @app.get(f"{API}/outlets/{{name}}", tags=["outlets"], summary="One outlet and the stories it covered")
    def api_outlet(name: str):
        return found(site("outlet", name), f"outlet {name!r}").to_json()

    # -- pages ----------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request):
        latest = site("story_list", order="latest", limit=10)
        biggest = site("story_list", limit=10)
        return page(request, "home.html", latest=latest.items, biggest=biggest.items, total=biggest.total)

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(request: Request, offset: Offset = 0,
                     order: str = Query("biggest", pattern="^(biggest|latest)$"),
                     since: str = Query("", pattern=r"^(\d{4}-\d{2}-\d{2})?$"),
                     until: str = Query("", pattern=r"^(\d{4}-\d{2}-\d{2})?$"),
                     outlet: str = Query("", max_length=200), conflicts: bool = False,
                     q: str = Query("", max_length=200)):
        filters = {"order": order, "since": since, "until": until, "outlet": outlet,
                   "conflicts": "1" if conflicts else "", "q": q}
        result = site("story_list", limit=STORIES_PER_PAGE, offset=offset, order=order, since=since or None,
                      until=until or None, outlet=outlet or None, conflicts=conflicts, query=q or None)
        return page(request, "stories.html", result=result, filters=filters,
                    query_of=lambda **changes: urlencode({k: v for k, v in {**filters, **changes}.items() if v}))

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: Id, verdict: str = Query("", pattern="^[a-z_]*$")):
        view = found(site("story_page", story_id), f"story {story_id}")
        verdict = verdict if verdict in VERDICTS else ""
        return page(request, "story.html", story=view, story_body=story_bodies(view.id, view, verdict=verdict),
                    discussion=board.story_context(request, view.id),
                    follows=story_follows(site, board.security, request, view.id))

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: Id):
        view = found(site("article_view", article_id), f"article {article_id}")
        return page(request, "article.html", article=view)

    @app.post("/articles/{article_id}/correct", include_in_schema=False)
    def correct_form(request: Request, article_id: Id, csrf_token: str = Form(""),
                     outlet: str = Form("", max_length=200), title: str = Form("", max_length=500),
                     published: str = Form("", max_length=64)):
        admin(request, csrf_token)
        # a blank field leaves that value as it is: clearing one is done through the API
        site("correct_article", article_id, outlet=outlet or None, title=title or None,
             published=published or None)
        return RedirectResponse(f"/articles/{article_id}?notice=corrected", 303)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, q: str = Query("", max_length=200), offset: Offset = 0):
        hits = site("search", q, 25, offset) if q.strip() else None
        stories = site("story_list", query=q, limit=25) if q.strip() and offset == 0 else None
        return page(request, "search.html", q=q, hits=hits, stories=stories)

    @app.get("/outlets", response_class=HTMLResponse, include_in_schema=False)
    def outlets_page(request: Request):
        return page(request, "outlets.html", outlets=site("outlets"))

    @app.get("/outlets/{name}", response_class=HTMLResponse, include_in_schema=False)
    def outlet_page(request: Request, name: str):
        found_page = found(site("outlet", name), f"outlet {name!r}")
        return page(request, "outlet.html", outlet=found_page.row, cards=found_page.cards,
                    behaviour=found_page.behaviour)

    app.include_router(board.router(page))
    app.include_router(follows_router(site, board.security, allow_private_webhooks=allow_private_webhooks,
                                      public_url=public_url))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request):
        spec = app.openapi()
        return page(request, "docs.html", spec=spec, api=API)

    app.add_middleware(Guard, max_body=max_body, hsts=https)
    return app
