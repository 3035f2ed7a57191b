"""The reader discussion: accounts, comments, moderation and their protections (TestClient/httpx).

Every test gets its own copy of a store built once from the bundled sample, its own app and a
fake clock that the test moves forward (lockouts and rate limits are checked without waiting).
Clients talk https to the app, so the default cookie settings (Secure) are the ones tested.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect

from crosscheck import Engine
from crosscheck.store import SCHEMA_VERSION, Store
from crosscheck.web import create_app
from crosscheck.web.security import DiscussionSettings, hash_password

from conftest import copy_store, dump_store, sql

PASSWORD = "correct horse battery"
XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>',
       "</textarea><script>alert(2)</script>"]


class Clock:
    def __init__(self):
        self.now = datetime(2026, 3, 12, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def sample_store(stores):
    db = stores.sample()  # built once, never written: each test writes to its own copy
    with Engine(db) as engine:
        ids = [s.id for s in engine.stories()]
    return db, ids


@pytest.fixture
def db(sample_store, tmp_path) -> str:
    copy, drop = copy_store(sample_store[0], tmp_path)
    yield copy
    drop()


@pytest.fixture
def story_ids(sample_store) -> list[int]:
    return sample_store[1]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_client(db, clock, monkeypatch):
    """make_client(**settings) -> a TestClient over https to a fresh app with those settings."""
    monkeypatch.delenv("CROSSCHECK_SECURE_COOKIES", raising=False)
    apps = {}

    def make(ip: str = "203.0.113.7", base_url: str = "https://testserver", secure_cookies=None, **settings):
        key = tuple(sorted(settings.items())) + (secure_cookies,)
        if key not in apps:
            apps[key] = create_app(db, secure_cookies=secure_cookies,
                                   discussion=DiscussionSettings(clock=clock, **settings))
        return TestClient(apps[key], base_url=base_url, client=(ip, 50000), follow_redirects=False)

    return make


@pytest.fixture
def client(make_client):
    return make_client()


# -- helpers ---------------------------------------------------------------------------------

def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def signup(client: TestClient, username: str, password: str = PASSWORD):
    token = form_token(client.get("/signup").text)
    return client.post("/signup", data={"username": username, "password": password, "password_confirm": password,
                                        "csrf_token": token, "next": "/"})


def signin(client: TestClient, username: str, password: str = PASSWORD, next: str = "/"):
    token = form_token(client.get("/signin").text)
    return client.post("/signin", data={"username": username, "password": password, "csrf_token": token,
                                        "next": next})


def session(client: TestClient) -> dict:
    return client.get("/api/v1/session").json()


def csrf(client: TestClient) -> str:
    token = session(client)["csrf_token"]
    assert token, "not signed in"
    return token


def post(client: TestClient, story_id: int, body: str, parent_id: int | None = None, token: str | None = None):
    data = {"body": body, "csrf_token": csrf(client) if token is None else token}
    if parent_id is not None:
        data["parent_id"] = str(parent_id)
    return client.post(f"/stories/{story_id}/comments", data=data)


def posted_id(response) -> int:
    assert response.status_code == 303, (response.status_code, response.text[:500])
    return int(re.search(r"#c(\d+)$", response.headers["location"]).group(1))


def comments(client: TestClient, story_id: int, **params) -> dict:
    response = client.get(f"/api/v1/stories/{story_id}/comments", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def all_bodies(listing: dict) -> list[str]:
    return [c["body"] for t in listing["items"] for c in [t, *t["replies"]]]


def reader(make_client, name: str, ip: str = "203.0.113.7", **settings) -> TestClient:
    client = make_client(ip=ip, **settings)
    assert signup(client, name).status_code == 303
    return client


def moderator(make_client, db: str, clock: Clock, name: str = "mod", **settings) -> TestClient:
    client = make_client(**settings)
    client.app.state.discussion.store.create_user(name, hash_password(PASSWORD), now=clock(), is_admin=True)
    assert signin(client, name).status_code == 303
    return client


def session_of_token(make_client, token: str) -> dict:
    """What the app makes of a bare session cookie, sent by a client with no other cookies."""
    return make_client().get("/api/v1/session", headers={"Cookie": f"cc_session={token}"}).json()


def set_cookie_headers(response) -> list[str]:
    return response.headers.get_list("set-cookie")


# -- accounts and sessions -------------------------------------------------------------------

def test_sign_up_sign_in_sign_out(make_client, client, db):
    response = signup(client, "alice")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = next(c for c in set_cookie_headers(response) if c.startswith("cc_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie and "Max-Age=" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert session(client)["user"]["username"] == "alice"
    home = client.get("/").text
    assert "Signed in as <strong>alice</strong>" in home and 'action="/signout"' in home

    # the database keeps an argon2 hash and the token's SHA-256, never the password or the token
    [(stored_hash,)] = sql(db, "SELECT password_hash FROM users WHERE username = 'alice'")
    hashes = [r[0] for r in sql(db, "SELECT token_hash FROM sessions")]
    dump = dump_store(db)
    assert stored_hash.startswith("$argon2id$") and PASSWORD not in dump and token not in dump
    assert hashes == [hashlib.sha256(token.encode()).hexdigest()]

    response = client.post("/signout", data={"csrf_token": csrf(client)})
    assert response.status_code == 303
    assert session(client)["user"] is None
    assert session_of_token(make_client, token)["user"] is None  # the old token is dead server-side
    assert "Sign in" in client.get("/").text

    response = signin(client, "ALICE", next="/outlets")  # names ignore case
    assert response.status_code == 303 and response.headers["location"] == "/outlets"
    assert session(client)["user"]["username"] == "alice"


def test_session_expires(make_client, clock):
    client = reader(make_client, "alice", session_days=1)
    clock.advance(23 * 3600)
    assert session(client)["user"]["username"] == "alice"
    clock.advance(2 * 3600)
    assert session(client)["user"] is None


def test_signing_in_replaces_the_session(make_client, client):
    signup(client, "alice")
    old = client.cookies.get("cc_session")
    assert session_of_token(make_client, old)["user"]["username"] == "alice"
    assert signin(client, "alice").status_code == 303
    assert client.cookies.get("cc_session") != old
    assert session_of_token(make_client, old)["user"] is None  # no session fixation: the earlier token is gone


@pytest.mark.parametrize("secure, base_url, env, expected", [
    (None, "https://testserver", None, True),
    (None, "http://localhost", None, False),  # auto: plain http to loopback only
    (None, "https://localhost", None, True),
    (None, "http://127.0.0.1", None, False),
    (None, "http://news.example", None, True),
    (True, "http://localhost", None, True),
    (False, "https://testserver", None, False),
    (None, "https://testserver", "0", False),
    (None, "http://localhost", "1", True),
])
def test_secure_cookie_switch(make_client, monkeypatch, secure, base_url, env, expected):
    if env is not None:
        monkeypatch.setenv("CROSSCHECK_SECURE_COOKIES", env)
    client = make_client(base_url=base_url, secure_cookies=secure)
    response = client.get("/signin")
    cookie = next(c for c in set_cookie_headers(response) if c.startswith("cc_csrf="))
    assert ("Secure" in cookie) is expected
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_wrong_password_and_unknown_account(client):
    signup(client, "alice")
    client.post("/signout", data={"csrf_token": csrf(client)})
    for name, password in (("alice", "not the password"), ("nobody", PASSWORD)):
        response = signin(client, name, password)
        assert response.status_code == 401
        assert "Wrong username or password." in response.text
        assert not any(c.startswith("cc_session=") for c in set_cookie_headers(response))
        assert f'value="{name}"' in response.text  # the name is kept in the form
    assert session(client)["user"] is None


def test_signup_validation(client):
    cases = [("al", PASSWORD, 400, "3 to 32 characters"), ("<b>x</b>", PASSWORD, 400, "3 to 32 characters"),
             ("alice", "short", 400, "at least 8"), ("alice.smith", "Alice.Smith", 400, "cannot be the username")]
    for name, password, status, message in cases:
        response = signup(client, name, password)
        assert response.status_code == status and message in response.text
        assert "<b>x</b>" not in response.text
    token = form_token(client.get("/signup").text)
    response = client.post("/signup", data={"username": "alice", "password": PASSWORD,
                                            "password_confirm": PASSWORD + "!", "csrf_token": token})
    assert response.status_code == 400 and "differ" in response.text
    assert signup(client, "alice").status_code == 303
    other = TestClient(client.app, base_url="https://testserver", follow_redirects=False)
    response = signup(other, "Alice")
    assert response.status_code == 409 and "taken" in response.text


def test_lockout_with_exponential_back_off_per_account(make_client, clock):
    client = make_client(login_free_failures=3, login_base_delay_s=30)
    signup(client, "alice")
    signup(make_client(ip="198.51.100.2"), "bob")
    client.post("/signout", data={"csrf_token": csrf(client)})

    assert signin(client, "alice", "wrong one").status_code == 401
    assert signin(client, "alice", "wrong two").status_code == 401
    response = signin(client, "alice", "wrong three")
    assert response.status_code == 429 and "Try again in 30 seconds" in response.text
    assert response.headers["Retry-After"] == "30"
    response = signin(client, "alice")  # even the right password waits out the lock
    assert response.status_code == 429 and "for this account" in response.text
    assert session(client)["user"] is None
    assert signin(client, "bob").status_code == 303  # other accounts from the same address are not locked
    client.post("/signout", data={"csrf_token": csrf(client)})

    clock.advance(31)
    response = signin(client, "alice", "wrong four")  # the next failure doubles the wait
    assert response.status_code == 429 and "60 seconds" in response.text
    clock.advance(30)
    assert signin(client, "alice").status_code == 429
    clock.advance(31)
    assert signin(client, "alice").status_code == 303  # success clears the account's failures
    client.post("/signout", data={"csrf_token": csrf(client)})
    assert signin(client, "alice", "wrong again").status_code == 401


def test_lockout_per_address(make_client, clock):
    settings = dict(login_free_failures=100, login_free_failures_per_ip=4, login_base_delay_s=60)
    attacker = make_client(ip="192.0.2.66", **settings)
    reader(make_client, "alice", ip="192.0.2.10", **settings)
    for i in range(3):
        assert signin(attacker, f"guess{i}", "nope nope").status_code == 401
    assert signin(attacker, "alice", "nope nope").status_code == 429
    response = signin(attacker, "alice")
    assert response.status_code == 429 and "for your address" in response.text
    elsewhere = make_client(ip="192.0.2.10", **settings)
    assert signin(elsewhere, "alice").status_code == 303  # the account itself is not locked
    clock.advance(61)
    assert signin(attacker, "alice").status_code == 303


def test_open_redirects_are_refused(client):
    signup(client, "alice")
    client.post("/signout", data={"csrf_token": csrf(client)})
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        assert signin(client, "alice", next=target).headers["location"] == "/"
        client.post("/signout", data={"csrf_token": csrf(client)})


# -- comments --------------------------------------------------------------------------------

def test_post_reply_edit_and_delete_own_comments(make_client, story_ids):
    sid = story_ids[0]
    alice, bob = reader(make_client, "alice"), reader(make_client, "bob")
    head = posted_id(post(alice, sid, "The toll in the first reports was 41."))
    reply = posted_id(post(bob, sid, "Later reports say 43.", parent_id=head))
    nested = posted_id(post(alice, sid, "Thanks, noted.", parent_id=reply))  # a reply to a reply
    listing = comments(alice, sid)
    assert listing["total"] == 1
    [thread] = listing["items"]
    assert thread["id"] == head and thread["author"] == "alice"
    assert [(r["id"], r["parent_id"]) for r in thread["replies"]] == [(reply, head), (nested, head)]

    page = alice.get(f"/stories/{sid}").text
    assert f'id="c{head}"' in page and "Later reports say 43." in page
    assert f'href="/comments/{head}/edit"' in page and f'href="/comments/{reply}/edit"' not in page

    edit_form = alice.get(f"/comments/{head}/edit")
    assert edit_form.status_code == 200 and "The toll in the first reports was 41." in edit_form.text
    response = alice.post(f"/comments/{head}/edit", data={"body": "The first reports said 41 dead.",
                                                          "csrf_token": csrf(alice)})
    assert response.status_code == 303
    thread = comments(alice, sid)["items"][0]
    assert thread["body"] == "The first reports said 41 dead." and thread["edited_at"]

    assert bob.post(f"/comments/{reply}/delete", data={"csrf_token": csrf(bob)}).status_code == 303
    assert "Later reports say 43." not in all_bodies(comments(alice, sid))
    assert alice.post(f"/comments/{nested}/delete", data={"csrf_token": csrf(alice)}).status_code == 303
    assert alice.post(f"/comments/{head}/delete", data={"csrf_token": csrf(alice)}).status_code == 303
    assert comments(alice, sid) == {"story_id": sid, "items": [], "total": 0, "limit": 20, "offset": 0}
    assert alice.post(f"/comments/{head}/delete", data={"csrf_token": csrf(alice)}).status_code == 404


def test_replying_across_stories_or_to_missing_comments_is_refused(make_client, story_ids):
    alice = reader(make_client, "alice")
    head = posted_id(post(alice, story_ids[0], "On the first story."))
    assert post(alice, story_ids[1], "Wrong story.", parent_id=head).status_code == 404
    assert post(alice, story_ids[0], "No such parent.", parent_id=99999).status_code == 404
    assert post(alice, 99999, "No such story.").status_code == 404


def test_someone_elses_comment_cannot_be_edited_or_deleted(make_client, story_ids):
    sid = story_ids[0]
    alice, mallory = reader(make_client, "alice"), reader(make_client, "mallory")
    head = posted_id(post(alice, sid, "Mine."))
    assert mallory.get(f"/comments/{head}/edit").status_code == 403
    response = mallory.post(f"/comments/{head}/edit", data={"body": "Hijacked.", "csrf_token": csrf(mallory)})
    assert response.status_code == 403 and "your own comments" in response.text
    assert mallory.post(f"/comments/{head}/delete", data={"csrf_token": csrf(mallory)}).status_code == 403
    assert all_bodies(comments(alice, sid)) == ["Mine."]
    page = mallory.get(f"/stories/{sid}").text
    assert f'action="/comments/{head}/delete"' not in page and f'action="/comments/{head}/report"' in page


def test_signed_out_readers_see_the_discussion_but_cannot_post(make_client, story_ids):
    sid = story_ids[0]
    alice = reader(make_client, "alice")
    posted_id(post(alice, sid, "A signed-in comment."))
    anonymous = make_client()
    page = anonymous.get(f"/stories/{sid}")
    assert page.status_code == 200 and 'id="discussion"' in page.text
    assert "A signed-in comment." in page.text and "to join the discussion" in page.text
    assert 'href="/signin?next=' in page.text and "<textarea" not in page.text
    response = anonymous.post(f"/stories/{sid}/comments", data={"body": "anonymous", "csrf_token": "x"})
    assert response.status_code == 401 and "Sign in" in response.text
    response = anonymous.post(f"/api/v1/stories/{sid}/comments", json={"body": "anonymous"})
    assert response.status_code == 401 and response.json()["error"]["status"] == 401
    assert all_bodies(comments(anonymous, sid)) == ["A signed-in comment."]
    assert anonymous.get(f"/comments/1/edit").headers["location"].startswith("/signin")


def test_missing_or_forged_csrf_tokens_are_refused(make_client, story_ids):
    sid = story_ids[0]
    alice, bob = reader(make_client, "alice"), reader(make_client, "bob")
    page = alice.get(f"/stories/{sid}").text
    assert set(re.findall(r'name="csrf_token" value="([^"]+)"', page)) == {csrf(alice)}  # on every form
    for token in ("", "forged-token", csrf(bob)):
        response = post(alice, sid, "Cross-site?", token=token)
        assert response.status_code == 403 and "CSRF" in response.text
    assert alice.post(f"/stories/{sid}/comments", data={"body": "no token field"}).status_code == 403
    head = posted_id(post(alice, sid, "Legitimate."))
    for path, data in ((f"/comments/{head}/edit", {"body": "changed"}), (f"/comments/{head}/delete", {}),
                       ("/signout", {})):
        assert alice.post(path, data={**data, "csrf_token": "forged"}).status_code == 403
    assert bob.post(f"/comments/{head}/report", data={"reason": "x"}).status_code == 403
    assert session(alice)["user"]["username"] == "alice"  # the forged sign-out did nothing
    assert all_bodies(comments(alice, sid)) == ["Legitimate."]

    # the API wants the session's token in X-CSRF-Token
    url = f"/api/v1/stories/{sid}/comments"
    assert alice.post(url, json={"body": "api"}).status_code == 403
    assert alice.post(url, json={"body": "api"}, headers={"X-CSRF-Token": csrf(bob)}).status_code == 403
    response = alice.post(url, json={"body": "api"}, headers={"X-CSRF-Token": csrf(alice)})
    assert response.status_code == 201 and response.json()["body"] == "api"


def test_signed_out_forms_use_a_signed_double_submit_token(make_client):
    reader(make_client, "alice")
    data = {"username": "alice", "password": PASSWORD}
    client = make_client()
    assert client.post("/signin", data=data).status_code == 403  # no token, no cookie
    token = form_token(client.get("/signin").text)
    assert client.cookies.get("cc_csrf") == token
    assert client.post("/signin", data={**data, "csrf_token": token + "x"}).status_code == 403
    bare = make_client()
    forged = f"{token.rsplit('.', 1)[0]}.{'0' * 64}"  # a self-made cookie and field that agree, unsigned
    response = bare.post("/signin", data={**data, "csrf_token": forged}, headers={"Cookie": f"cc_csrf={forged}"})
    assert response.status_code == 403
    assert bare.post("/signin", data={**data, "csrf_token": token}).status_code == 403  # token without cookie
    assert bare.post("/signup", data={"username": "eve", "password": PASSWORD, "password_confirm": PASSWORD,
                                      "csrf_token": token}).status_code == 403
    assert client.post("/signin", data={**data, "csrf_token": token}).status_code == 303
    assert session(client)["user"]["username"] == "alice"


def test_html_injection_is_shown_as_text(make_client, db, clock, story_ids):
    sid = story_ids[0]
    alice = reader(make_client, "alice")
    ids = [posted_id(post(alice, sid, payload)) for payload in XSS]
    bob = reader(make_client, "bob")
    posted_id(post(bob, sid, XSS[1], parent_id=ids[0]))
    for i in ids:
        assert bob.post(f"/comments/{i}/report", data={"reason": XSS[0], "csrf_token": csrf(bob)}).status_code == 303
    admin = moderator(make_client, db, clock)
    pages = [make_client().get(f"/stories/{sid}").text, alice.get(f"/stories/{sid}").text,
             admin.get(f"/stories/{sid}").text, admin.get("/moderation").text,
             alice.get(f"/comments/{ids[3]}/edit").text]
    for html in pages:
        for payload in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
                        "<script>alert(2)</script>"):
            assert payload not in html
    for html in pages[:4]:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;/textarea&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in pages[4]
    # the API returns the text as it was written: JSON, not HTML
    assert XSS[0] in all_bodies(comments(alice, sid))
    too_long = post(alice, sid, XSS[0] * 200)  # the form shown again escapes what was written
    assert too_long.status_code == 400 and XSS[0] not in too_long.text and "&lt;script&gt;" in too_long.text


def test_comment_length_limit(make_client, story_ids):
    sid = story_ids[0]
    alice = reader(make_client, "alice")
    response = post(alice, sid, "x" * 2001)
    assert response.status_code == 400
    assert "at most 2000 characters" in response.text and "this one has 2001" in response.text
    assert "x" * 2001 in response.text  # nothing the reader wrote is lost
    assert post(alice, sid, "x" * 2000).status_code == 303
    assert post(alice, sid, "   \r\n ").status_code == 400
    head = comments(alice, sid)["items"][0]["id"]
    response = alice.post(f"/comments/{head}/edit", data={"body": "y" * 2500, "csrf_token": csrf(alice)})
    assert response.status_code == 400 and "at most 2000 characters" in response.text
    response = alice.post(f"/api/v1/stories/{sid}/comments", json={"body": "z" * 2001},
                          headers={"X-CSRF-Token": csrf(alice)})
    assert response.status_code == 400
    assert "at most 2000 characters" in response.json()["error"]["message"]
    assert comments(alice, sid)["total"] == 1


def test_posting_rate_limit_per_account_and_per_address(make_client, clock, story_ids):
    sid = story_ids[0]
    settings = dict(comments_per_minute=3, comments_per_minute_per_ip=4)
    alice = reader(make_client, "alice", **settings)
    for i in range(3):
        posted_id(post(alice, sid, f"comment {i}"))
    response = post(alice, sid, "one too many")
    assert response.status_code == 429 and "posting too fast" in response.text
    assert int(response.headers["Retry-After"]) >= 1
    assert "one too many" in response.text  # shown again, to post later
    api = alice.post(f"/api/v1/stories/{sid}/comments", json={"body": "via the API"},
                     headers={"X-CSRF-Token": csrf(alice)})
    assert api.status_code == 429 and api.json()["error"]["status"] == 429 and api.headers["Retry-After"]

    bob = reader(make_client, "bob", **settings)  # the same address: 3 of its 4 a minute are used
    posted_id(post(bob, sid, "bob once"))
    assert post(bob, sid, "bob twice").status_code == 429
    carol = reader(make_client, "carol", ip="198.51.100.9", **settings)
    posted_id(post(carol, sid, "from elsewhere"))
    clock.advance(61)
    posted_id(post(alice, sid, "after a minute"))
    posted_id(post(bob, sid, "bob twice"))
    assert comments(alice, sid)["total"] == 7


# -- moderation ------------------------------------------------------------------------------

def test_readers_cannot_moderate(make_client, story_ids):
    sid = story_ids[0]
    alice, bob = reader(make_client, "alice"), reader(make_client, "bob")
    head = posted_id(post(alice, sid, "Fine comment."))
    assert bob.get("/moderation").status_code == 403
    for path, data in ((f"/comments/{head}/hide", {}), (f"/comments/{head}/unhide", {}),
                       (f"/comments/{head}/dismiss", {}), ("/moderation/suspend", {"username": "alice"}),
                       ("/moderation/reinstate", {"username": "alice"})):
        response = bob.post(path, data={**data, "csrf_token": csrf(bob)})
        assert response.status_code == 403, path
    assert make_client().get("/moderation").headers["location"] == "/signin?next=/moderation"
    assert all_bodies(comments(alice, sid)) == ["Fine comment."]
    assert session(alice)["user"]["username"] == "alice"
    assert "Moderation" not in bob.get("/").text


def test_admins_hide_delete_and_suspend(make_client, db, clock, story_ids):
    sid = story_ids[0]
    alice, bob = reader(make_client, "alice"), reader(make_client, "bob")
    admin = moderator(make_client, db, clock)
    head = posted_id(post(alice, sid, "Spam spam spam."))
    reply = posted_id(post(bob, sid, "Please stop.", parent_id=head))
    other = posted_id(post(bob, sid, "Something useful."))
    page = admin.get(f"/stories/{sid}").text
    assert f'action="/comments/{head}/hide"' in page and 'action="/moderation/suspend"' in page

    assert admin.post(f"/comments/{head}/hide", data={"csrf_token": csrf(admin)}).status_code == 303
    listing = comments(bob, sid)  # a hidden head with a visible reply stays as a placeholder
    head_view = next(t for t in listing["items"] if t["id"] == head)
    assert head_view["status"] == "removed" and head_view["body"] is None and head_view["author"] is None
    assert [r["id"] for r in head_view["replies"]] == [reply]
    assert "Spam spam spam." not in bob.get(f"/stories/{sid}").text
    assert "This comment was removed." in bob.get(f"/stories/{sid}").text
    admin_view = next(t for t in comments(admin, sid)["items"] if t["id"] == head)
    assert admin_view["status"] == "hidden" and admin_view["body"] == "Spam spam spam."
    assert alice.post(f"/comments/{head}/edit", data={"body": "x", "csrf_token": csrf(alice)}).status_code == 404
    assert post(bob, sid, "reply to hidden", parent_id=head).status_code == 404

    assert admin.post(f"/comments/{head}/unhide", data={"csrf_token": csrf(admin)}).status_code == 303
    assert "Spam spam spam." in all_bodies(comments(bob, sid))

    assert admin.post(f"/comments/{other}/delete", data={"csrf_token": csrf(admin)}).status_code == 303
    assert "Something useful." not in all_bodies(comments(bob, sid))
    assert sql(db, "SELECT status, body FROM comments WHERE id = :id", {"id": other}) == [("deleted", "")]

    response = admin.post("/moderation/suspend", data={"username": "alice", "csrf_token": csrf(admin)})
    assert response.status_code == 303
    assert session(alice)["user"] is None  # signed out everywhere
    assert alice.post(f"/stories/{sid}/comments", data={"body": "still here", "csrf_token": "x"}).status_code == 401
    # the right password and a wrong one get the same answer: a suspended account confirms neither
    right, wrong = signin(alice, "alice"), signin(alice, "alice", "wrong password")
    assert right.status_code == wrong.status_code == 403
    assert "suspended" in right.text and "suspended" in wrong.text
    assert "alice" in admin.get("/moderation").text
    assert admin.post("/moderation/suspend", data={"username": "mod", "csrf_token": csrf(admin)}).status_code == 400

    assert admin.post("/moderation/reinstate", data={"username": "alice", "csrf_token": csrf(admin)}).status_code == 303
    assert signin(alice, "alice").status_code == 303
    posted_id(post(alice, sid, "Sorry about that."))


def test_a_suspended_account_has_no_session_even_if_one_is_left(make_client, db, story_ids):
    alice = reader(make_client, "alice")
    # suspended behind the app's back: its sessions are still stored
    sql(db, "UPDATE users SET suspended = :yes WHERE username = 'alice'", {"yes": True})
    assert session(alice)["user"] is None
    assert alice.post(f"/stories/{story_ids[0]}/comments", data={"body": "x", "csrf_token": "x"}).status_code == 401


def test_reports_reach_the_moderators(make_client, db, clock, story_ids):
    sid = story_ids[0]
    alice, bob, carol = (reader(make_client, n) for n in ("alice", "bob", "carol"))
    rude = posted_id(post(alice, sid, "A rude remark."))
    fine = posted_id(post(alice, sid, "A fine remark."))
    assert bob.post(f"/comments/{rude}/report", data={"reason": "insulting", "csrf_token": csrf(bob)}) \
        .headers["location"] == f"/stories/{sid}?notice=reported#c{rude}"
    bob.post(f"/comments/{rude}/report", data={"reason": "again", "csrf_token": csrf(bob)})  # counted once
    carol.post(f"/comments/{rude}/report", data={"reason": "", "csrf_token": csrf(carol)})
    assert alice.post(f"/comments/{fine}/report", data={"csrf_token": csrf(alice)}).status_code == 400
    assert "a moderator will look" in bob.get(f"/stories/{sid}?notice=reported").text

    admin = moderator(make_client, db, clock)
    page = admin.get("/moderation")
    assert page.status_code == 200 and page.text.count("<h1") == 1
    assert "A rude remark." in page.text and "A fine remark." not in page.text
    assert "2 reports" in page.text and "bob: insulting" in page.text and "carol: (no reason given)" in page.text
    assert admin.get("/").text.count('href="/moderation"') == 1

    response = admin.post(f"/comments/{rude}/dismiss", data={"csrf_token": csrf(admin), "next": "/moderation"})
    assert response.status_code == 303
    assert "A rude remark." not in admin.get("/moderation").text and "No open reports." in admin.get("/moderation").text
    carol.post(f"/comments/{fine}/report", data={"reason": "spam", "csrf_token": csrf(carol)})
    admin.post(f"/comments/{fine}/hide", data={"csrf_token": csrf(admin)})  # acting on it closes the report
    assert "No open reports." in admin.get("/moderation").text


# -- the API, the store, the CLI -------------------------------------------------------------

def test_api_lists_comments_in_pages(make_client, story_ids):
    sid = story_ids[0]
    alice = reader(make_client, "alice")
    heads = [posted_id(post(alice, sid, f"thread {i}")) for i in range(3)]
    posted_id(post(alice, sid, "a reply", parent_id=heads[0]))
    first = comments(alice, sid, limit=2)
    rest = comments(alice, sid, limit=2, offset=2)
    assert first["total"] == rest["total"] == 3 and first["limit"] == 2 and rest["offset"] == 2
    assert [t["id"] for t in first["items"] + rest["items"]] == heads
    assert first["items"][0]["replies"][0]["body"] == "a reply"
    for path, status in ((f"/api/v1/stories/99999/comments", 404), (f"/api/v1/stories/{sid}/comments?limit=0", 422),
                         (f"/api/v1/stories/{sid}/comments?limit=101", 422)):
        response = alice.get(path)
        assert response.status_code == status and response.json()["error"]["status"] == status
    response = alice.post(f"/api/v1/stories/{sid}/comments", json={"nobody": 1}, headers={"X-CSRF-Token": csrf(alice)})
    assert response.status_code == 422 and response.json()["error"]["message"]
    spec = alice.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(spec["/api/v1/stories/{story_id}/comments"])


def test_story_page_paginates_threads(make_client, story_ids):
    sid = story_ids[0]
    alice = reader(make_client, "alice", threads_per_page=2, comments_per_minute=10)
    for i in range(3):
        posted_id(post(alice, sid, f"thread number {i}"))
    page = alice.get(f"/stories/{sid}").text
    assert "thread number 1" in page and "thread number 2" not in page and "discussion_offset=2" in page
    page = alice.get(f"/stories/{sid}?discussion_offset=2").text
    assert "thread number 2" in page and "thread number 0" not in page


def test_comments_follow_a_merged_story(make_client, db, story_ids):
    old, new = story_ids[-1], story_ids[0]
    alice = reader(make_client, "alice")
    posted_id(post(alice, old, "Written on the smaller story."))
    # as if the clusterer merged `old` into `new`
    sql(db, "UPDATE story_articles SET story_id = :new WHERE story_id = :old", {"new": new, "old": old})
    sql(db, "INSERT INTO story_redirects (old_id, new_id) VALUES (:old, :new)", {"new": new, "old": old})
    listing = comments(alice, old)
    assert listing["story_id"] == new and all_bodies(listing) == ["Written on the smaller story."]
    assert "Written on the smaller story." in alice.get(f"/stories/{new}").text


def test_schema_version_5_migrates_an_older_store(db_path):
    Store(db_path).close()
    # as version 4 had it: none of the discussion tables, nor the version 6 ones that refer to users
    for table in ("alert_deliveries", "follows", "feeds", "comment_reports", "comments", "sessions",
                  "login_attempts", "users"):
        sql(db_path, f"DROP TABLE {table}")
    sql(db_path, "UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with Store(db_path) as store:
        assert store.schema_version() == SCHEMA_VERSION >= 5
        tables = set(inspect(store.engine).get_table_names())
    assert {"users", "sessions", "comments", "comment_reports", "login_attempts", "follows", "feeds"} <= tables


def _admin_cli(*args: str, stdin: str, cwd: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("crosscheck")
    env = {k: v for k, v in os.environ.items() if k != "CROSSCHECK_DB"}
    return subprocess.run([str(exe), "admin", "create-user", *args], input=stdin, capture_output=True, text=True,
                          env={**env, "COLUMNS": "200"}, cwd=cwd, timeout=120)


def test_admin_cli_creates_a_moderator(make_client, db, tmp_path):
    done = _admin_cli("chief", "--admin", "--db", db, "--password-stdin", stdin=PASSWORD + "\n", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "created admin chief" in done.stdout
    again = _admin_cli("Chief", "--db", db, "--password-stdin", stdin=PASSWORD + "\n", cwd=tmp_path)
    assert again.returncode == 1 and "already exists" in again.stderr
    weak = _admin_cli("deputy", "--db", db, "--password-stdin", stdin="short\n", cwd=tmp_path)
    assert weak.returncode == 1 and "at least 8" in weak.stderr
    bad = _admin_cli("no spaces", "--db", db, "--password-stdin", stdin=PASSWORD + "\n", cwd=tmp_path)
    assert bad.returncode == 2
    plain = _admin_cli("reader1", "--db", db, "--password-stdin", stdin=PASSWORD + "\n", cwd=tmp_path)
    assert plain.returncode == 0 and "created user reader1" in plain.stdout
    rows = dict(sql(db, "SELECT username, is_admin FROM users"))
    assert PASSWORD not in dump_store(db)
    assert rows == {"chief": 1, "reader1": 0}

    client = make_client()
    assert signin(client, "chief").status_code == 303
    assert session(client)["user"]["is_admin"] is True
    assert client.get("/moderation").status_code == 200
    other = make_client()
    assert signin(other, "reader1").status_code == 303 and other.get("/moderation").status_code == 403


def test_forms_have_labels(make_client, db, clock, story_ids):
    sid = story_ids[0]
    alice = reader(make_client, "alice")
    head = posted_id(post(alice, sid, "Labelled?"))
    admin = moderator(make_client, db, clock)
    bob = reader(make_client, "bob")
    bob.post(f"/comments/{head}/report", data={"csrf_token": csrf(bob)})
    anonymous = make_client()
    pages = [anonymous.get("/signin").text, anonymous.get("/signup").text, alice.get(f"/stories/{sid}").text,
             admin.get(f"/stories/{sid}").text, admin.get("/moderation").text, alice.get(f"/comments/{head}/edit").text,
             bob.get(f"/stories/{sid}").text]
    for html in pages:
        assert html.count("<h1") == 1 and '<nav aria-label="Main">' in html
        controls = re.findall(r'<(?:input|textarea)\b([^>]*)>', html)
        for attrs in controls:
            if 'type="hidden"' in attrs:
                continue
            control_id = re.search(r'\bid="([^"]+)"', attrs)
            assert control_id, f"a control without an id: {attrs}"
            assert f'<label for="{control_id.group(1)}"' in html, f"no label for {control_id.group(1)}"
