"""Atom feeds and story follows (webhook alerts) in the web app.

Anyone may read the feeds. Following needs an account: the form on a story page
and the API both check the session's CSRF token. A webhook must be a public
http(s) URL, checked after DNS resolution like every URL crosscheck fetches:
the server never lets a reader make it POST to its own network.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Header, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from ..ingest.errors import InputError
from ..live.webhooks import check_webhook
from .guard import Id
from .security import CSRF_HEADER, Security

API = "/api/v1"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
MAX_FOLLOWS_PER_ACCOUNT = 50


class NewFollow(BaseModel):
    webhook: str = Field(max_length=2000, description="Public http(s) URL that gets each alert as a JSON POST")


def follow_json(follow) -> dict:
    """A follow as its owner sees it, with the secret its deliveries are signed with."""
    return {"id": follow.id, "story_id": follow.story_id, "webhook": follow.webhook, "secret": follow.secret,
            "created_at": follow.created_at.isoformat(timespec="seconds") + "Z"}


def follows_router(site, security: Security, *, allow_private_webhooks: bool = False,
                   public_url: str | None = None) -> APIRouter:
    """Routes over `site` (web.app.Site: the engine behind one lock). Feed links point at
    `public_url` when it is set (behind a proxy, set it: a client chooses its Host header)."""
    router = APIRouter()

    def base_url(request: Request) -> str:
        return (public_url or str(request.base_url)).rstrip("/")

    @router.get("/feeds/stories.atom", tags=["feeds"], summary="Atom feed of the latest stories",
                response_class=Response, responses={200: {"content": {"application/atom+xml": {}}}})
    def stories_feed(request: Request):
        return Response(site("stories_atom", base_url(request)), media_type=ATOM_TYPE)

    @router.get("/stories/{story_id}/feed.atom", tags=["feeds"], summary="Atom feed of one story's articles",
                response_class=Response, responses={200: {"content": {"application/atom+xml": {}}}})
    def story_feed(request: Request, story_id: Id):
        text = site("story_atom", story_id, base_url(request))
        if text is None:
            raise HTTPException(404, f"no story {story_id}")
        return Response(text, media_type=ATOM_TYPE)

    def signed_in(request: Request, csrf: str | None) -> dict:
        account = security.account(request)
        if account is None:
            raise HTTPException(401, "Sign in to follow stories.")
        security.check_csrf(request, csrf)
        return account

    def add(account: dict, story_id: int, webhook: str):
        webhook = webhook.strip()
        # every attempt counts, refused ones too: each costs the server a DNS lookup
        wait = security.per_minute.hit([(f"follow:user:{account['id']}", security.settings.follows_per_minute)])
        if wait:
            raise HTTPException(429, "Too many follow attempts; try again in a minute.",
                                headers={"Retry-After": str(wait)})
        if len(site("follows", user_id=account["id"])) >= MAX_FOLLOWS_PER_ACCOUNT:
            raise HTTPException(429, f"An account can follow at most {MAX_FOLLOWS_PER_ACCOUNT} stories.")
        try:
            # the DNS lookup runs outside the app's lock: a slow resolver stalls this request only
            check_webhook(webhook, allow_private=allow_private_webhooks)
            return site("follow", story_id, webhook, user_id=account["id"], allow_private=allow_private_webhooks,
                        checked=True)
        except LookupError:
            raise HTTPException(404, f"no story {story_id}") from None
        except InputError as exc:
            raise HTTPException(400, f"Webhook not accepted: {exc}") from None

    @router.post("/stories/{story_id}/follow", include_in_schema=False)
    def follow_form(request: Request, story_id: Id, webhook: str = Form("", max_length=2000),
                    csrf_token: str = Form("")):
        account = signed_in(request, csrf_token)
        made = add(account, story_id, webhook)
        return RedirectResponse(f"/stories/{made.story_id}?notice=following#follow", 303)

    @router.post("/follows/{follow_id}/delete", include_in_schema=False)
    def unfollow_form(request: Request, follow_id: Id, csrf_token: str = Form(""), story_id: int = Form(0, ge=0, le=2 ** 63 - 1)):
        account = signed_in(request, csrf_token)
        if not site("unfollow", follow_id, user_id=account["id"]):
            raise HTTPException(404, f"no follow {follow_id} of yours")
        return RedirectResponse(f"/stories/{story_id}?notice=unfollowed#follow" if story_id else "/", 303)

    @router.get(f"{API}/follows", tags=["follows"], summary="Your follows (signed in)")
    def api_follows(request: Request):
        account = security.account(request)
        if account is None:
            raise HTTPException(401, "Sign in to see your follows.")
        return {"items": [follow_json(f) for f in site("follows", user_id=account["id"])]}

    @router.post(f"{API}/stories/{{story_id}}/follows", tags=["follows"], status_code=201,
                 summary="Follow a story: alerts go to your webhook (session cookie and X-CSRF-Token)")
    def api_follow(request: Request, story_id: Id, data: NewFollow,
                   x_csrf_token: str | None = Header(None, alias=CSRF_HEADER)):
        account = signed_in(request, x_csrf_token)
        return follow_json(add(account, story_id, data.webhook))

    @router.delete(f"{API}/follows/{{follow_id}}", tags=["follows"], status_code=204,
                   summary="Stop following (your own follows only)")
    def api_unfollow(request: Request, follow_id: Id, x_csrf_token: str | None = Header(None, alias=CSRF_HEADER)):
        account = signed_in(request, x_csrf_token)
        if not site("unfollow", follow_id, user_id=account["id"]):
            raise HTTPException(404, f"no follow {follow_id} of yours")
        return Response(status_code=204)

    return router


def story_follows(site, security: Security, request: Request, story_id: Id) -> list[dict]:
    """The signed-in reader's follows of one story, for its page."""
    account = security.account(request)
    if account is None:
        return []
    return [follow_json(f) for f in site("follows", user_id=account["id"])
            if site("resolve_story", f.story_id) == story_id]

