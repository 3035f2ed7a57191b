"""Reader discussion on story pages: accounts, comments with one level of replies, moderation.

Pages are plain HTML forms (no JavaScript needed); every POST is CSRF-checked (see
security.py) and answered with a redirect (303) on success. Comments are plain text: the
templates autoescape them and never mark user text safe. The REST API adds
GET/POST /api/v1/stories/{id}/comments and GET /api/v1/session (which gives an API client
the CSRF token to send as X-CSRF-Token).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter, Form, Header, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from ..errors import Conflict
from ..records import DELETED, HIDDEN, VISIBLE
from .guard import MAX_ID, Id, Offset
from .security import (CSRF_HEADER, DiscussionSettings, Security, client_ip, hash_password, needs_rehash,
                       password_problem, safe_next, too_many, username_problem, verify_password)

API = "/api/v1"
NOTICES = {  # fixed texts for ?notice=…: user input is never echoed from the URL
    "posted": "Your comment is posted.", "edited": "Your comment is updated.", "deleted": "The comment is deleted.",
    "reported": "Thank you: a moderator will look at the comment.", "hidden": "The comment is hidden.",
    "shown": "The comment is visible again.", "dismissed": "The reports are dismissed.",
    "suspended": "The account is suspended.", "reinstated": "The account is reinstated.",
    "following": "You follow this story: alerts go to your webhook.", "unfollowed": "You no longer follow it.",
}


class NewComment(BaseModel):
    body: str = Field(description="Plain text; at most the configured length (2000 characters by default)")
    parent_id: int | None = Field(None, ge=0, le=MAX_ID, description="Reply to this comment (a reply to a reply joins its thread)")


class DiscussionError(Exception):
    """A refused submission that the form page shows back to the reader, with what they wrote."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class Discussion:
    """The discussion of one app: its store, its security, its routes and its story-page view."""

    def __init__(self, store, settings: DiscussionSettings | None = None,
                 resolve_story: Callable[[int], int | None] | None = None):
        """`store`: the discussion tables (Engine.discussion_store())."""
        self.settings = settings or DiscussionSettings()
        self.store = store
        self.security = Security(self.store, self.settings)
        self.resolve_story = resolve_story or (lambda story_id: story_id)
        self.page: Callable[..., HTMLResponse] | None = None  # the app's template renderer

    # -- what every page and the story page show ---------------------------------------------
    def template_context(self, request: Request) -> dict:
        return {"account": self.security.account(request), "csrf_token": self.security.csrf_token(request)}

    def story_context(self, request: Request, story_id: int) -> dict:
        """The discussion block of a story page."""
        account = self.security.account(request)
        limit = self.settings.threads_per_page
        try:
            offset = min(MAX_ID, max(0, int(request.query_params.get("discussion_offset", "0"))))
        except ValueError:
            offset = 0
        threads, total = self._threads(story_id, account, limit, offset)
        return {"threads": threads, "total": total, "limit": limit, "offset": offset,
                "max_chars": self.settings.max_comment_chars,
                "notice": NOTICES.get(request.query_params.get("notice", "")),
                "next": quote(f"/stories/{story_id}#discussion")}

    def _threads(self, story_id: int, account: dict | None, limit: int, offset: int) -> tuple[list[dict], int]:
        moderator = bool(account and account["is_admin"])
        threads, total = self.store.threads(self.store.story_ids_for(story_id), include_removed=moderator,
                                            limit=limit, offset=offset)
        if not moderator:  # a removed thread head stays only as a placeholder for its visible replies
            for thread in threads:
                if thread["status"] != VISIBLE:
                    thread.update(body=None, author=None, user_id=None, status="removed", edited_at=None)
        return threads, total

    # -- helpers -----------------------------------------------------------------------------
    def _render(self, request: Request, name: str, status: int = 200, headers: dict | None = None,
                **context) -> HTMLResponse:
        response = self.page(request, name, status, **context)
        for key, value in (headers or {}).items():
            response.headers[key] = value
        self.security.issue_csrf_cookie(request, response)
        return response

    def _signed_in(self, request: Request, csrf: str | None, doing: str = "do that") -> dict:
        """The account of a write request, after its CSRF check; 401 when signed out."""
        account = self.security.account(request)
        if account is None:
            raise HTTPException(401, f"Sign in to {doing}.")
        self.security.check_csrf(request, csrf)
        return account

    def _admin(self, request: Request, csrf: str | None) -> dict:
        account = self._signed_in(request, csrf, "moderate")
        if not account["is_admin"]:
            raise HTTPException(403, "Only moderators can do that.")
        return account

    def _comment_or_404(self, comment_id: int, account: dict | None, *, own_hidden: bool = False) -> dict:
        """The comment, if this reader may see it: visible ones; all for moderators; with own_hidden,
        also the reader's own hidden one (which they may still delete)."""
        comment = self.store.comment(comment_id)
        if comment is None:
            raise HTTPException(404, f"no comment {comment_id}")
        mine = account is not None and comment["user_id"] == account["id"]
        if comment["status"] != VISIBLE and not (account and account["is_admin"]) \
                and not (own_hidden and mine and comment["status"] == HIDDEN):
            raise HTTPException(404, f"no comment {comment_id}")
        return comment

    def _clean_body(self, body: str | None) -> str:
        body = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
        limit = self.settings.max_comment_chars
        if not body:
            raise DiscussionError(400, "The comment is empty: write something first.")
        if len(body) > limit:
            raise DiscussionError(400, f"A comment can be at most {limit} characters long; "
                                       f"this one has {len(body)}. Shorten it and post again.")
        if "\x00" in body:
            raise DiscussionError(400, "The comment contains a NUL character.")
        try:
            body.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate ("\ud800" in JSON): half a character, not text
            raise DiscussionError(400, "The comment contains an invalid character (a lone surrogate).") from None
        return body

    def _post(self, request: Request, account: dict, story_id: int, body: str | None,
              parent_id: int | None) -> dict:
        """Check and store a new comment or reply; the stored comment."""
        resolved = self.resolve_story(story_id)
        if resolved is None:
            raise HTTPException(404, f"no story {story_id}")
        text = self._clean_body(body)
        head = None
        if parent_id is not None:
            parent = self.store.comment(parent_id)
            if parent is None or parent["status"] != VISIBLE or parent["story_id"] not in \
                    self.store.story_ids_for(resolved):
                raise DiscussionError(404, "The comment you are replying to is not on this story "
                                           "(or no longer visible).")
            head = parent["parent_id"] or parent["id"]  # one level: a reply to a reply joins the thread
        s = self.settings
        wait = self.security.per_minute.hit([(f"comment:user:{account['id']}", s.comments_per_minute),
                                            (f"comment:ip:{client_ip(request)}", s.comments_per_minute_per_ip)])
        if wait:
            exc = too_many("You are posting too fast.", wait)
            raise DiscussionError(429, exc.detail, exc.headers)
        comment_id = self.store.add_comment(resolved, account["id"], text, now=self.security.now(),
                                            parent_id=head)
        return self.store.comment(comment_id)

    # -- routes ------------------------------------------------------------------------------
    def router(self, page: Callable[..., HTMLResponse]) -> APIRouter:
        self.page = page
        router = APIRouter()
        sec = self.security

        # accounts --------------------------------------------------------------------------
        @router.get("/signin", response_class=HTMLResponse, include_in_schema=False)
        def signin_page(request: Request, next: str = Query("/", max_length=500)):
            return self._render(request, "signin.html", next=safe_next(next), username="")

        @router.post("/signin", response_class=HTMLResponse, include_in_schema=False)
        def signin(request: Request, username: str = Form(""), password: str = Form(""),
                   csrf_token: str = Form(""), next: str = Form("/")):
            sec.check_csrf(request, csrf_token)
            username = username.strip()[:64]
            target = safe_next(next)

            def refuse(status: int, message: str, wait: int | None = None):
                headers = {"Retry-After": str(wait)} if wait else None
                return self._render(request, "signin.html", status, headers, next=target, username=username,
                                    error=message)

            locked = sec.login_wait(username, client_ip(request))
            if locked:
                return refuse(429, locked[1], locked[0])
            user = self.store.user_by_name(username) if username else None
            right = verify_password(user["password_hash"] if user else None, password[:1024])
            if user and user["suspended"]:  # the same answer whatever the password: it confirms none
                return refuse(403, "This account is suspended: it cannot sign in.")
            if not right:
                locked = sec.login_failed(username, client_ip(request))
                if locked:
                    return refuse(429, "Wrong username or password. " + locked[1], locked[0])
                return refuse(401, "Wrong username or password.")
            sec.login_succeeded(username, client_ip(request))
            if needs_rehash(user["password_hash"]):
                self.store.set_password_hash(user["id"], hash_password(password))
            response = RedirectResponse(target, 303)
            sec.start_session(request, response, user)
            return response

        @router.get("/signup", response_class=HTMLResponse, include_in_schema=False)
        def signup_page(request: Request, next: str = Query("/", max_length=500)):
            return self._render(request, "signup.html", next=safe_next(next), username="")

        @router.post("/signup", response_class=HTMLResponse, include_in_schema=False)
        def signup(request: Request, username: str = Form(""), password: str = Form(""),
                   password_confirm: str = Form(""), csrf_token: str = Form(""), next: str = Form("/")):
            sec.check_csrf(request, csrf_token)
            username = username.strip()[:64]
            target = safe_next(next)

            def refuse(status: int, message: str, headers: dict | None = None):
                return self._render(request, "signup.html", status, headers, next=target, username=username,
                                    error=message)

            problem = username_problem(username) or password_problem(password, username)
            if problem:
                return refuse(400, problem)
            if password != password_confirm:
                return refuse(400, "The two passwords differ.")
            wait = sec.per_hour.hit([(f"signup:ip:{client_ip(request)}", self.settings.signups_per_hour_per_ip)])
            if wait:
                return refuse(429, f"Too many new accounts from your address. Try again in {wait} seconds.",
                              {"Retry-After": str(wait)})
            try:
                user = self.store.create_user(username, hash_password(password), now=sec.now())
            except Conflict:
                return refuse(409, "That username is taken: choose another.")
            response = RedirectResponse(target, 303)
            sec.start_session(request, response, user)
            return response

        @router.post("/signout", include_in_schema=False)
        def signout(request: Request, csrf_token: str = Form("")):
            response = RedirectResponse("/", 303)
            if sec.account(request) is not None:
                sec.check_csrf(request, csrf_token)
                sec.end_session(request, response)
            return response

        # comments --------------------------------------------------------------------------
        def back_to(comment: dict, notice: str, anchor: bool = True) -> RedirectResponse:
            where = f"/stories/{comment['story_id']}?notice={notice}"
            return RedirectResponse(where + (f"#c{comment['id']}" if anchor else "#discussion"), 303)

        def form_again(request: Request, error: DiscussionError, *, action: str, body: str, story_id: int,
                       parent_id: int | None = None, editing: bool = False) -> HTMLResponse:
            return self._render(request, "comment_form.html", error.status, error.headers, error=error.message,
                                action=action, body=body, story_id=story_id, parent_id=parent_id, editing=editing,
                                max_chars=self.settings.max_comment_chars)

        @router.post("/stories/{story_id}/comments", include_in_schema=False)
        def post_comment(request: Request, story_id: Id, body: str = Form(""), parent_id: str = Form(""),
                         csrf_token: str = Form("")):
            account = self._signed_in(request, csrf_token, "comment")
            try:
                parent = int(parent_id) if parent_id.strip() else None
                if parent is not None and not 0 <= parent <= MAX_ID:
                    raise ValueError(parent_id)
            except ValueError:
                raise HTTPException(400, "parent_id must be a comment id") from None
            try:
                comment = self._post(request, account, story_id, body, parent)
            except DiscussionError as error:
                return form_again(request, error, action=f"/stories/{story_id}/comments", body=body,
                                  story_id=story_id, parent_id=parent)
            return back_to(comment, "posted")

        @router.get("/comments/{comment_id}/edit", response_class=HTMLResponse, include_in_schema=False)
        def edit_page(request: Request, comment_id: Id):
            account = sec.account(request)
            if account is None:
                return RedirectResponse(f"/signin?next={quote(f'/comments/{comment_id}/edit')}", 303)
            comment = self._comment_or_404(comment_id, account)
            if comment["user_id"] != account["id"]:
                raise HTTPException(403, "You can only edit your own comments.")
            return self._render(request, "comment_form.html", action=f"/comments/{comment_id}/edit",
                                body=comment["body"], story_id=comment["story_id"], editing=True,
                                max_chars=self.settings.max_comment_chars)

        @router.post("/comments/{comment_id}/edit", include_in_schema=False)
        def edit(request: Request, comment_id: Id, body: str = Form(""), csrf_token: str = Form("")):
            account = self._signed_in(request, csrf_token, "edit a comment")
            comment = self._comment_or_404(comment_id, account)
            if comment["user_id"] != account["id"]:
                raise HTTPException(403, "You can only edit your own comments.")
            if comment["status"] != VISIBLE:
                raise HTTPException(409, "A hidden or deleted comment cannot be edited.")
            try:
                text = self._clean_body(body)
            except DiscussionError as error:
                return form_again(request, error, action=f"/comments/{comment_id}/edit", body=body,
                                  story_id=comment["story_id"], editing=True)
            self.store.edit_comment(comment_id, text, now=sec.now())
            return back_to(comment, "edited")

        @router.post("/comments/{comment_id}/delete", include_in_schema=False)
        def delete(request: Request, comment_id: Id, csrf_token: str = Form(""), next: str = Form("")):
            account = self._signed_in(request, csrf_token, "delete a comment")
            comment = self._comment_or_404(comment_id, account, own_hidden=True)
            if comment["status"] == DELETED:
                raise HTTPException(404, f"no comment {comment_id}")
            if comment["user_id"] != account["id"] and not account["is_admin"]:
                raise HTTPException(403, "You can only delete your own comments.")
            self.store.set_comment_status(comment_id, DELETED, by=account["id"], now=sec.now())
            if account["is_admin"]:
                self.store.resolve_reports(comment_id, by=account["id"], now=sec.now())
            if next:
                return RedirectResponse(safe_next(next), 303)
            return back_to(comment, "deleted", anchor=False)

        @router.post("/comments/{comment_id}/report", include_in_schema=False)
        def report(request: Request, comment_id: Id, reason: str = Form(""), csrf_token: str = Form("")):
            account = self._signed_in(request, csrf_token, "report a comment")
            comment = self._comment_or_404(comment_id, account)
            if comment["user_id"] == account["id"]:
                raise HTTPException(400, "You cannot report your own comment; you can edit or delete it.")
            reason = " ".join(reason.split())
            if len(reason) > self.settings.max_report_chars:
                raise HTTPException(400, f"A reason can be at most {self.settings.max_report_chars} characters long.")
            wait = sec.per_minute.hit([(f"report:user:{account['id']}", self.settings.reports_per_minute)])
            if wait:
                raise too_many("You are reporting too fast.", wait)
            self.store.add_report(comment_id, account["id"], reason, now=sec.now())
            return back_to(comment, "reported")

        # moderation ------------------------------------------------------------------------
        def moderate(status: str, notice: str):
            def action(request: Request, comment_id: Id, csrf_token: str = Form(""), next: str = Form("")):
                account = self._admin(request, csrf_token)
                comment = self._comment_or_404(comment_id, account)
                if comment["status"] == DELETED:
                    raise HTTPException(409, "The comment is deleted.")
                self.store.set_comment_status(comment_id, status, by=account["id"], now=sec.now())
                if status == HIDDEN:
                    self.store.resolve_reports(comment_id, by=account["id"], now=sec.now())
                if next:
                    return RedirectResponse(safe_next(next), 303)
                return back_to(comment, notice)
            return action

        router.post("/comments/{comment_id}/hide", include_in_schema=False)(moderate(HIDDEN, "hidden"))
        router.post("/comments/{comment_id}/unhide", include_in_schema=False)(moderate(VISIBLE, "shown"))

        @router.post("/comments/{comment_id}/dismiss", include_in_schema=False)
        def dismiss(request: Request, comment_id: Id, csrf_token: str = Form(""), next: str = Form("")):
            account = self._admin(request, csrf_token)
            comment = self._comment_or_404(comment_id, account)
            self.store.resolve_reports(comment_id, by=account["id"], now=sec.now())
            return RedirectResponse(safe_next(next, "/moderation?notice=dismissed"), 303) if next \
                else back_to(comment, "dismissed")

        def set_suspension(suspend: bool):
            def action(request: Request, username: str = Form(""), csrf_token: str = Form(""),
                       next: str = Form("")):
                account = self._admin(request, csrf_token)
                user = self.store.user_by_name(username.strip())
                if user is None:
                    raise HTTPException(404, f"no account {username.strip()}")
                if suspend and (user["is_admin"] or user["id"] == account["id"]):
                    raise HTTPException(400, "Moderator accounts cannot be suspended.")
                self.store.set_suspended(user["id"], suspend)
                notice = "suspended" if suspend else "reinstated"
                return RedirectResponse(safe_next(next, f"/moderation?notice={notice}"), 303)
            return action

        router.post("/moderation/suspend", include_in_schema=False)(set_suspension(True))
        router.post("/moderation/reinstate", include_in_schema=False)(set_suspension(False))

        @router.get("/moderation", response_class=HTMLResponse, include_in_schema=False)
        def moderation(request: Request):
            account = sec.account(request)
            if account is None:
                return RedirectResponse("/signin?next=/moderation", 303)
            if not account["is_admin"]:
                raise HTTPException(403, "Only moderators can see this page.")
            return self._render(request, "moderation.html", reported=self.store.reported_comments(),
                                suspended=self.store.suspended_users(),
                                notice=NOTICES.get(request.query_params.get("notice", "")))

        # REST API ---------------------------------------------------------------------------
        @router.get(f"{API}/stories/{{story_id}}/comments", tags=["discussion"],
                    summary="The story's comments: threads oldest first, each with its replies")
        def api_comments(request: Request, story_id: Id, limit: int = Query(20, ge=1, le=100),
                         offset: Offset = 0):
            resolved = self.resolve_story(story_id)
            if resolved is None:
                raise HTTPException(404, f"no story {story_id}")
            threads, total = self._threads(resolved, sec.account(request), limit, offset)
            return {"story_id": resolved, "items": [_comment_json(t) for t in threads], "total": total,
                    "limit": limit, "offset": offset}

        @router.post(f"{API}/stories/{{story_id}}/comments", tags=["discussion"], status_code=201,
                     summary="Post a comment or reply (session cookie and X-CSRF-Token header)")
        def api_post_comment(request: Request, story_id: Id, comment: NewComment,
                             x_csrf_token: str | None = Header(None, alias=CSRF_HEADER)):
            account = self._signed_in(request, x_csrf_token, "comment")
            try:
                stored = self._post(request, account, story_id, comment.body, comment.parent_id)
            except DiscussionError as error:
                raise HTTPException(error.status, error.message, headers=error.headers or None) from None
            return _comment_json(stored)

        @router.get(f"{API}/session", tags=["discussion"],
                    summary="Who is signed in, and the CSRF token for the API's writes")
        def api_session(request: Request):
            account = sec.account(request)
            if account is None:
                return {"user": None, "csrf_token": None}
            return {"user": {"id": account["id"], "username": account["username"], "is_admin": account["is_admin"]},
                    "csrf_token": account["csrf_token"]}

        return router


def _time(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


def _comment_json(comment: dict) -> dict:
    out = {"id": comment["id"], "story_id": comment["story_id"], "parent_id": comment["parent_id"],
           "author": comment["author"], "body": comment["body"], "status": comment["status"],
           "created_at": _time(comment["created_at"]), "edited_at": _time(comment["edited_at"])}
    if "replies" in comment:
        out["replies"] = [_comment_json(r) for r in comment["replies"]]
    return out

