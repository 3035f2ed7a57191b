"""The web app and REST API: a face over Engine, with no pipeline logic of its own.

Pages are rendered on the server with Jinja2 and work without JavaScript. The
REST API lives under /api/v1; its OpenAPI spec is at /api/v1/openapi.json and
its docs page (/docs) is rendered here, so it needs nothing from a CDN.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..brief.render import coverage_chart, timeline_chart
from ..engine import Engine
from .discussion import Discussion
from .follows import follows_router, story_follows
from .security import DiscussionSettings
from .views import article_view, outlet_rows, story_card, story_view

TEMPLATES = Path(__file__).resolve().parent / "templates"
API = "/api/v1"
MAX_PAGE = 100


class Site:
    """The engine behind the app; one lock because the engine's caches are not thread-safe."""

    def __init__(self, db: str | None):
        self.engine = Engine(db)
        self.lock = threading.RLock()

    def __call__(self, method: str, *args, **kwargs):
        with self.lock:
            return getattr(self.engine, method)(*args, **kwargs)


def create_app(db: str | None = None, *, secure_cookies: bool | None = None,
               discussion: DiscussionSettings | None = None, allow_private_webhooks: bool = False) -> FastAPI:
    """The app over the store `db`.

    secure_cookies: True marks the session and CSRF cookies Secure, False never (tests, plain
    http); None (the default) lets $CROSSCHECK_SECURE_COOKIES (1/0/auto) decide, and "auto"
    marks them Secure except over plain http to localhost/127.0.0.1/::1. `discussion` tunes
    the reader discussion (limits, lockout, clock): see security.DiscussionSettings.
    allow_private_webhooks lets readers' follows POST to loopback and private addresses
    (tests, or a deployment whose readers are all trusted); never on by default.
    """
    site = Site(db)
    app = FastAPI(title="crosscheck", version="1", docs_url=None, redoc_url=None,
                  openapi_url=f"{API}/openapi.json",
                  description="Stories, briefings, cross-checked claims and timelines from many outlets.")
    app.state.site = site
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.globals.update(coverage_chart=coverage_chart, timeline_chart=timeline_chart)
    settings = discussion or DiscussionSettings()
    if secure_cookies is not None:
        settings = replace(settings, secure_cookies=secure_cookies)
    board = Discussion(site.engine.store.engine, settings, resolve_story=site.engine.store.resolve_story)
    templates.context_processors.append(board.template_context)
    app.state.discussion = board

    def page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"request": request, **context}, status_code=status_code)

    # -- errors: JSON under /api, pages elsewhere ----------------------------------------
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith(API):
            return JSONResponse({"error": {"status": exc.status_code, "message": str(exc.detail)}},
                                status_code=exc.status_code, headers=getattr(exc, "headers", None))
        return page(request, "error.html", exc.status_code, status=exc.status_code, message=str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        if request.url.path.startswith(API):
            return JSONResponse({"error": {"status": 422, "message": problems}}, status_code=422)
        return page(request, "error.html", 422, status=422, message=problems)

    def story_or_404(story_id: int) -> dict:
        detail = site("story", story_id)
        if detail is None:
            raise HTTPException(404, f"no story {story_id}")
        return detail

    # -- REST API -------------------------------------------------------------------------
    def paginate(items: list, limit: int, offset: int) -> dict[str, Any]:
        return {"items": items[offset:offset + limit], "total": len(items), "limit": limit, "offset": offset}

    @app.get(f"{API}/stories", tags=["stories"], summary="Stories, the biggest first")
    def api_stories(limit: int = Query(20, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0)):
        stories = site("stories")
        page_of = paginate(stories, limit, offset)
        page_of["items"] = [asdict(s) for s in page_of["items"]]  # convert only the page asked for
        return page_of

    @app.get(f"{API}/stories/{{story_id}}", tags=["stories"], summary="A story: articles, entities, dates, "
             "reuse, citations (a merged id redirects)")
    def api_story(story_id: int):
        return story_or_404(story_id)

    @app.get(f"{API}/stories/{{story_id}}/briefing", tags=["stories"], summary="The story's briefing")
    def api_briefing(story_id: int, words: int = Query(120, ge=20, le=2000)):
        briefing = site("briefing", story_id, words=words)
        if briefing is None:
            raise HTTPException(404, f"no story {story_id}")
        return asdict(briefing)

    def checked_or_404(story_id: int):
        checked = site("cross_check", story_id)
        if checked is None:
            raise HTTPException(404, f"no story {story_id}")
        return checked

    @app.get(f"{API}/stories/{{story_id}}/claims", tags=["stories"], summary="Claim groups with verdicts")
    def api_claims(story_id: int):
        resolved, groups, _ = checked_or_404(story_id)
        return {"story_id": resolved, "claim_groups": [asdict(g) for g in groups]}

    @app.get(f"{API}/stories/{{story_id}}/timeline", tags=["stories"], summary="Dated events in order")
    def api_timeline(story_id: int):
        resolved, _, events = checked_or_404(story_id)
        return {"story_id": resolved, "events": [asdict(e) for e in events]}

    @app.get(f"{API}/articles", tags=["articles"], summary="Stored articles")
    def api_articles(limit: int = Query(20, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0)):
        rows = site("articles", limit=limit, offset=offset)
        total = site.engine.store.count_articles()
        return {"items": [_article_json(a) for a in rows], "total": total, "limit": limit, "offset": offset}

    @app.get(f"{API}/articles/{{article_id}}", tags=["articles"], summary="One article with its text")
    def api_article(article_id: int):
        article = site.engine.store.get_article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id}")
        story = site.engine.store.story_of([article_id]).get(article_id)
        return {**_article_json(article), "text": article.text, "story_id": story}

    @app.get(f"{API}/search", tags=["search"], summary="Full-text search over articles and their stories")
    def api_search(q: str = Query(..., min_length=1, max_length=200), limit: int = Query(20, ge=1, le=MAX_PAGE),
                   offset: int = Query(0, ge=0)):
        return {"query": q, "items": _search(site, q, limit, offset), "limit": limit, "offset": offset}

    @app.get(f"{API}/outlets", tags=["outlets"], summary="What each outlet covered, how often first, reused")
    def api_outlets():
        with site.lock:
            return {"items": outlet_rows(site.engine)}

    # -- pages ----------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request):
        with site.lock:
            stories = site.engine.stories()
            latest = sorted(stories, key=lambda s: s.last or "", reverse=True)[:20]
            biggest = stories[:20]
            cards = {s.id: story_card(site.engine, s) for s in [*latest, *biggest]}
        return page(request, "home.html", latest=[cards[s.id] for s in latest],
                    biggest=[cards[s.id] for s in biggest], total=len(stories))

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: int):
        with site.lock:
            view = story_view(site.engine, story_id)
        if view is None:
            raise HTTPException(404, f"no story {story_id}")
        return page(request, "story.html", story=view, discussion=board.story_context(request, view["id"]),
                    follows=story_follows(site, board.security, request, view["id"]))

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: int):
        with site.lock:
            view = article_view(site.engine, article_id)
        if view is None:
            raise HTTPException(404, f"no article {article_id}")
        return page(request, "article.html", article=view)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, q: str = Query("", max_length=200)):
        results = _search(site, q, 50, 0) if q.strip() else []
        return page(request, "search.html", q=q, results=results)

    @app.get("/outlets", response_class=HTMLResponse, include_in_schema=False)
    def outlets_page(request: Request):
        with site.lock:
            rows = outlet_rows(site.engine)
        return page(request, "outlets.html", outlets=rows)

    app.include_router(board.router(page))
    app.include_router(follows_router(site, board.security, allow_private_webhooks=allow_private_webhooks))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request):
        spec = app.openapi()
        return page(request, "docs.html", spec=spec, api=API)

    return app


def _article_json(article) -> dict:
    return {"id": article.id, "external_id": article.external_id, "outlet": article.outlet, "url": article.url,
            "title": article.title, "author": article.author, "published": article.published_iso(),
            "language": article.language}


def _search(site: Site, q: str, limit: int, offset: int) -> list[dict]:
    with site.lock:
        hits = site.engine.store.search(q, limit=limit, offset=offset)
        articles = site.engine.store.articles_by_id([a for a, _ in hits])
        stories = site.engine.store.story_of([a for a, _ in hits])
    return [{"article_id": a, "title": articles[a].title, "outlet": articles[a].outlet,
             "published": articles[a].published_iso(), "story_id": stories.get(a), "snippet": snippet}
            for a, snippet in hits if a in articles]
