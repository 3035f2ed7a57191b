"""The web server delivers alerts itself: a follow made on the web is alerted when its story
changes, with no `ingest`, `watch` or `alerts` run."""

from __future__ import annotations

import time
from datetime import datetime

from fastapi.testclient import TestClient

from crosscheck import Engine
from crosscheck.stories.cluster import StoryChange
from crosscheck.web import create_app
from crosscheck.web.security import hash_password

PASSWORD = "a long enough passphrase 1"


def _news_for(engine: Engine, followed: int) -> tuple[int, int]:
    """(story, article) of an outlet the followed story does not have yet: an alert's worth."""
    outlets = set(engine.story(followed).outlets)
    for story in engine.store.story_memberships():
        if story != followed:
            for row in engine.story(story).articles_detail:
                if row.outlet not in outlets:
                    return story, row.id
    raise AssertionError("the sample has no outlet outside the followed story")


def test_a_follow_made_on_the_web_is_alerted_by_the_web_server(stores, webhook):
    db = stores.sample()
    app = create_app(db, secure_cookies=False, allow_private_webhooks=True, alert_interval=0.2)
    with TestClient(app) as client:  # starts the server's alert rounds
        app.state.discussion.store.create_user("reader", hash_password(PASSWORD), now=datetime(2026, 1, 1))
        page = client.get("/signin").text
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        assert client.post("/signin", data={"username": "reader", "password": PASSWORD, "csrf_token": token,
                                            "next": "/"}, follow_redirects=False).status_code == 303
        csrf = client.get("/api/v1/session").json()["csrf_token"]
        with Engine(db) as engine:
            memberships = engine.store.story_memberships()
            followed = max(memberships, key=lambda s: len(memberships[s]))
            other, moving = _news_for(engine, followed)
        made = client.post(f"/api/v1/stories/{followed}/follows", json={"webhook": webhook.url},
                           headers={"X-CSRF-Token": csrf})
        assert made.status_code == 201, made.text
        # another process changes the story: an article of a new outlet joins it
        with Engine(db) as engine:
            with engine.store.engine.begin() as conn:
                engine.store._apply_story_change(conn, StoryChange(
                    story_id=followed, memberships={followed: sorted(memberships[followed] + [moving]),
                                                    other: [a for a in memberships[other] if a != moving]},
                    moved=[(other, followed, [moving])]), now=datetime(2026, 1, 1))
        deadline = time.monotonic() + 20  # rounds every 0.2 s: this only bounds a failure
        while not webhook.received and time.monotonic() < deadline:
            time.sleep(0.1)
    assert webhook.received, "the web server delivered no alert"
    assert webhook.received[0]["story_id"] == followed
    assert any(change["type"] == "new_outlet" for change in webhook.received[0]["changes"])
    assert webhook.attempts[0]["signature"].startswith("sha256=")
