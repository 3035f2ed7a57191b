"""Follows and alerts: what changes fire, delivery with retries that never drops, Atom feeds, the web."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from crosscheck import Engine
from crosscheck.engine import sample_corpus_path
from crosscheck.live.alerts import alert_changes, story_snapshot
from crosscheck.records import Article, ClaimGroup, Evidence
from crosscheck.store.schema import alert_deliveries
from conftest import run_cli
from live_site import Webhook, serve_webhook

SAMPLE = sample_corpus_path()


def _evidence(article_id: int, outlet: str, value: str) -> Evidence:
    return Evidence(article_id=article_id, outlet=outlet, title=None, url=None, published=None,
                    sentence=f"The toll rose to {value}, officials said.", value_text=value)


def _group(verdict: str, *evidence: Evidence) -> ClaimGroup:
    return ClaimGroup(id="q1", kind="quantity", about="people (Lake Orvanne)", verdict=verdict, evidence=evidence,
                      independent_sources=len(evidence), outlets=tuple(e.outlet for e in evidence))


def _articles(*pairs) -> dict[int, Article]:
    return {i: Article(text="t", id=i, outlet=o) for i, o in pairs}


def test_alert_changes_name_new_outlets_conflicts_and_verdict_moves():
    a, b, c = _evidence(1, "Wire", "41"), _evidence(2, "Ledger", "41"), _evidence(3, "Observer", "43")
    before_articles = _articles((1, "Wire"))
    old = story_snapshot([1], before_articles, [_group("single_source", a)])
    # unchanged story: nothing to say
    assert alert_changes(old, old, [_group("single_source", a)], before_articles) == []

    two = _articles((1, "Wire"), (2, "Ledger"))
    corroborated = [_group("corroborated", a, b)]
    changes = alert_changes(old, story_snapshot([1, 2], two, corroborated), corroborated, two)
    assert [c["type"] for c in changes] == ["new_outlet", "verdict_changed"]
    assert changes[0]["outlet"] == "Ledger" and changes[0]["articles"][0]["article_id"] == 2
    assert changes[1]["previous"] == ["single_source"] and changes[1]["verdict"] == "corroborated"

    three = _articles((1, "Wire"), (2, "Ledger"), (3, "Observer"))
    conflict = [_group("conflicting", a, b, c)]
    mid = story_snapshot([1, 2], two, corroborated)
    changes = alert_changes(mid, story_snapshot([1, 2, 3], three, conflict), conflict, three)
    assert [c["type"] for c in changes] == ["new_outlet", "verdict_changed"]
    assert changes[1]["verdict"] == "conflicting" and {e["value_text"] for e in changes[1]["evidence"]} == {"41", "43"}

    # a conflict among claims the snapshot never had is a new conflict
    fresh = [_group("conflicting", _evidence(3, "Observer", "7"), _evidence(1, "Wire", "9"))]
    changes = alert_changes(mid, story_snapshot([1, 2, 3], three, fresh), fresh, three)
    assert [c["type"] for c in changes] == ["new_outlet", "new_conflict"]


def test_a_followed_story_alerts_on_a_new_outlet_and_its_conflict(db_path, webhook):
    with Engine(db_path) as engine:
        engine.ingest([str(SAMPLE / "ferry_meridian_wire.txt"), str(SAMPLE / "ferry_harbor_ledger.txt")])
        [story] = engine.stories()
        follow = engine.follow(story.id, webhook.url, allow_private=True)
        assert engine.check_alerts() == 0  # following changes nothing
        engine.ingest([str(SAMPLE / "ferry_lakeside_observer.html")])
        assert engine.check_alerts() == 0  # already queued by ingest, exactly once
        result = engine.deliver_alerts()
        assert len(result.delivered) == 1 and result.pending == 0
    [alert] = webhook.received
    assert alert["story_id"] == follow.story_id
    kinds = {c["type"]: c for c in alert["changes"]}
    assert kinds["new_outlet"]["outlet"] == "Lakeside Observer"
    # 41 dead at 18:42, then "the death toll has risen to 43" at 21:05: an updated figure
    toll = [c for c in alert["changes"] if c["type"] in ("new_update", "verdict_changed")
            and c["verdict"] == "updated" and c["kind"] == "quantity"]
    assert toll and {"41", "43"} <= {e["value_text"].split()[0] for e in toll[0]["evidence"]}
    for change in toll:  # every sentence shown is a real sentence of its article
        for e in change["evidence"]:
            with Engine(db_path) as engine:
                assert e["sentence"] in engine.store.get_article(e["article_id"]).text


def test_a_failing_webhook_keeps_its_alert_until_it_is_delivered(db_path):
    hook = Webhook(fail_first=4)
    server = serve_webhook(hook)
    pauses = []
    try:
        with Engine(db_path) as engine:
            engine.ingest([str(SAMPLE / "quake_highland_gazette.txt")])
            engine.follow(engine.stories()[0].id, hook.url, allow_private=True)
            engine.ingest([str(SAMPLE / "quake_coastline_brief.txt")])
            first = engine.deliver_alerts(sleep=pauses.append)
            assert not first.delivered and first.pending == 1 and "HTTP 500" in first.failed[0][1]
            assert pauses == [0.5, 2.0] and len(hook.attempts) == 3
            assert not engine.deliver_alerts().failed and len(hook.attempts) == 3  # not due yet
            [queued] = engine.live.deliveries(pending_only=True)
            assert queued.attempts == 3 and (queued.next_attempt - queued.created_at).total_seconds() >= 59
            with engine.store.engine.begin() as conn:  # an hour passes
                conn.execute(update(alert_deliveries).values(next_attempt=queued.created_at))
            second = engine.deliver_alerts(sleep=pauses.append)
            assert second.delivered == [queued.id] and second.pending == 0
            [done] = engine.live.deliveries()
            assert done.attempts == 5 and done.delivered_at is not None
        assert [a["delivery"] for a in hook.attempts] == [str(queued.id)] * 5  # one id: receivers can dedupe
        assert len(hook.received) == 1
    finally:
        server.close()
    listing = run_cli("follows", "--json", "--db", db_path)
    assert '"delivered": 1' in listing.stdout and '"pending": 0' in listing.stdout


def test_atom_feeds_carry_real_titles_and_sentences(db_path, tmp_path):
    with Engine(db_path) as engine:
        engine.ingest([str(SAMPLE)])
        stories = engine.stories()
        all_feed = feedparser.parse(engine.stories_atom("https://news.example"))
        assert not all_feed.bozo and len(all_feed.entries) == len(stories)
        assert {e.title for e in all_feed.entries} == {s.title for s in stories}
        texts = [a.text for a in engine.articles()]
        for entry in all_feed.entries:
            assert entry.link.startswith("https://news.example/stories/")
            assert any(entry.summary in t for t in texts)  # a real sentence, verbatim
        one = feedparser.parse(engine.story_atom(stories[0].id, "https://news.example"))
        assert not one.bozo and len(one.entries) == stories[0].articles
        assert {e.author for e in one.entries} <= {o for s in stories for o in s.outlets} | {
            a.author for a in engine.articles() if a.author}
        assert engine.story_atom(9999, "https://news.example") is None
    written = tmp_path / "stories.atom"
    done = run_cli("feed", "--db", db_path, "--base-url", "https://news.example", "-o", str(written))
    assert done.returncode == 0
    root = ET.parse(written).getroot()
    assert root.tag == "{http://www.w3.org/2005/Atom}feed" and len(root.findall("{http://www.w3.org/2005/Atom}entry")) == len(stories)
    assert run_cli("feed", "--db", db_path, "--story", "9999").returncode == 1


@pytest.fixture
def site_db(db_path):
    path = db_path
    with Engine(path) as engine:
        engine.ingest([str(SAMPLE / "ferry_meridian_wire.txt"), str(SAMPLE / "ferry_harbor_ledger.txt")])
        story = engine.stories()[0].id
    return path, story


def _client(path: str, **options) -> TestClient:
    from crosscheck.web import create_app

    return TestClient(create_app(path, secure_cookies=False, **options))


def _sign_up(client: TestClient, name: str = "fern") -> str:
    page = client.get("/signup").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    done = client.post("/signup", data={"username": name, "password": "a long enough passphrase 1",
                                        "password_confirm": "a long enough passphrase 1", "csrf_token": token},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    return client.get("/api/v1/session").json()["csrf_token"]


def test_web_atom_routes(site_db):
    path, story = site_db
    client = _client(path)
    feed = client.get("/feeds/stories.atom")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    assert feedparser.parse(feed.text).entries[0].link == f"http://testserver/stories/{story}"
    one = client.get(f"/stories/{story}/feed.atom")
    assert one.status_code == 200 and len(feedparser.parse(one.text).entries) == 2
    assert client.get("/stories/9999/feed.atom").status_code == 404
    page = client.get(f"/stories/{story}").text
    assert f'href="/stories/{story}/feed.atom"' in page and "Sign in</a> to follow this story" in page


def test_web_follow_needs_an_account_a_token_and_a_public_webhook(site_db, webhook):
    path, story = site_db
    client = _client(path)
    signed_out = client.post(f"/api/v1/stories/{story}/follows", json={"webhook": "https://example.org/h"})
    assert signed_out.status_code == 401
    token = _sign_up(client)
    forged = client.post(f"/api/v1/stories/{story}/follows", json={"webhook": "https://example.org/h"},
                         headers={"X-CSRF-Token": "forged"})
    assert forged.status_code == 403
    private = client.post(f"/api/v1/stories/{story}/follows", json={"webhook": webhook.url},
                          headers={"X-CSRF-Token": token})
    assert private.status_code == 400 and "refusing to fetch from loopback" in private.json()["error"]["message"]
    form = client.post(f"/stories/{story}/follow", data={"webhook": "http://169.254.169.254/x", "csrf_token": token})
    assert form.status_code == 400 and "link-local" in form.text
    with Engine(path) as engine:
        assert engine.follows() == []

    trusting = _client(path, allow_private_webhooks=True)
    token = _sign_up(trusting, "gale")
    made = trusting.post(f"/stories/{story}/follow", data={"webhook": webhook.url, "csrf_token": token},
                         follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == f"/stories/{story}?notice=following#follow"
    page = trusting.get(made.headers["location"]).text
    assert "You follow this story" in page and webhook.url in page
    [mine] = trusting.get("/api/v1/follows").json()["items"]
    assert mine["story_id"] == story and mine["webhook"] == webhook.url
    assert client.delete(f"/api/v1/follows/{mine['id']}", headers={"X-CSRF-Token": _sign_up(client, "hale")}
                         ).status_code == 404  # not theirs
    assert trusting.delete(f"/api/v1/follows/{mine['id']}", headers={"X-CSRF-Token": token}).status_code == 204
    assert trusting.get("/api/v1/follows").json()["items"] == []
