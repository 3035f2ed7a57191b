"""Watch: feeds polled from a local server into stories, 304s, back-off, alerts, clean shutdown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crosscheck import Engine
from crosscheck.ingest.urls import Fetcher
from crosscheck.live.watch import Watcher, backoff_delay, parse_interval
from live_site import NewsSite, sample_articles, serve_site

FERRY = ("ferry_meridian_wire.txt", "ferry_harbor_ledger.txt", "ferry_lakeside_observer.html")
NEW_OUTLET = "ferry_coastline_brief.txt"


@pytest.fixture
def site():
    news = NewsSite()
    for name, article in zip(FERRY, sample_articles(*FERRY)):
        news.add(name.split(".")[0], article)
    server = serve_site(news)
    yield news
    server.close()


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_watch_ingests_a_feed_then_alerts_once_when_a_new_outlet_arrives(site, webhook, db_path):
    feed = f"{site.base}/feed.xml"
    clock = FakeClock()
    with Engine(db_path) as engine:
        watcher = Watcher(engine, [feed], interval=60, fetcher=Fetcher(allow_private=True), clock=clock)
        watcher.poll_due()
        [story] = engine.stories()
        assert story.articles == 3 and set(story.outlets) == {"Meridian Wire", "Harbor Ledger", "Lakeside Observer"}
        follow = engine.follow(story.id, webhook.url, allow_private=True)

        watcher.poll_due()  # not due yet: nothing is fetched
        assert site.statuses("/feed.xml") == [200]
        clock.now += 61
        watcher.poll_due()  # due, unchanged: one conditional GET, answered 304
        assert site.statuses("/feed.xml") == [200, 304]
        assert webhook.attempts == []

        [extra] = sample_articles(NEW_OUTLET)
        site.add("coastline", extra)
        clock.now += 61
        watcher.poll_due()
        assert site.statuses("/feed.xml") == [200, 304, 200]
        # only the new entry's page is fetched: the others are known by URL
        assert [p for _, p, _ in site.requests if p.startswith("/articles/")].count("/articles/ferry_meridian_wire") == 1
        [story] = engine.stories()
        assert story.articles == 4 and "Coastline Brief" in story.outlets

        clock.now += 61
        watcher.poll_due()
        assert site.statuses("/feed.xml") == [200, 304, 200, 304]

    [alert] = webhook.received  # one webhook, for the new outlet
    assert alert["story_id"] == follow.story_id and alert["event"] == "story.updated"
    new_outlets = [c for c in alert["changes"] if c["type"] == "new_outlet"]
    assert [c["outlet"] for c in new_outlets] == ["Coastline Brief"]
    assert new_outlets[0]["articles"][0]["url"] == f"{site.base}/articles/coastline"
    assert webhook.attempts[0]["delivery"] == str(alert["delivery_id"])
    assert watcher.totals.new_articles == 4 and watcher.totals.alerts_sent == 1


def test_a_failing_feed_backs_off_alone(site, db_path):
    broken = NewsSite(feed_status=500)
    server = serve_site(broken)
    clock = FakeClock()
    try:
        with Engine(db_path) as engine:
            feeds = [f"{broken.base}/feed.xml", f"{site.base}/feed.xml"]
            watcher = Watcher(engine, feeds, interval=60, max_backoff=200, fetcher=Fetcher(allow_private=True),
                              clock=clock)
            watcher.poll_due()
            bad, good = watcher.totals.feeds
            assert engine.store.count_articles() == 3  # the good feed went on
            assert bad.failures == 1 and "HTTP 500" in bad.last_error and bad.due == clock.now + 120
            assert good.failures == 0 and good.due == clock.now + 60
            clock.now += 60
            watcher.poll_due()  # only the good feed is due
            assert broken.statuses("/feed.xml") == [500] and good.polls == 2
            clock.now += 60
            watcher.poll_due()
            assert bad.failures == 2 and bad.due == clock.now + 200  # 240 capped at max_backoff
            broken.feed_status = 200
            clock.now += 200
            watcher.poll_due()
            assert bad.failures == 0 and bad.last_error is None and bad.due == clock.now + 60
            states = {s.url: s for s in engine.live.feed_states()}
            assert states[feeds[0]].last_status == "updated" and states[feeds[1]].failures == 0
    finally:
        server.close()


@pytest.mark.parametrize("text, seconds", [("90", 90), ("30s", 30), ("5m", 300), ("1h", 3600), ("1.5m", 90)])
def test_parse_interval(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "5x", "-1m", "m5"])
def test_parse_interval_refuses_nonsense(text):
    with pytest.raises(ValueError, match="not an interval"):
        parse_interval(text)


def test_backoff_doubles_up_to_its_cap():
    assert [backoff_delay(60, n, 600) for n in range(6)] == [60, 120, 240, 480, 600, 600]


def _crosscheck(*args, **kwargs) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("crosscheck")
    env = {k: v for k, v in os.environ.items() if k != "CROSSCHECK_DB"}
    return subprocess.Popen([str(exe), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, **kwargs)


def test_watch_command_stops_cleanly_on_sigterm_and_sigint(site, db_path):
    for signum, new in ((signal.SIGTERM, 3), (signal.SIGINT, 0)):  # the second run finds all stored
        process = _crosscheck("watch", f"{site.base}/feed.xml", "--db", db_path, "--interval", "1s",
                              "--allow-private")
        try:
            deadline = time.monotonic() + 120
            while site.statuses("/feed.xml").count(304) < 1 and time.monotonic() < deadline:
                time.sleep(0.2)  # wait for one full poll and one unchanged one
            assert process.poll() is None, process.communicate()
            process.send_signal(signum)
            stdout, stderr = process.communicate(timeout=60)
        finally:
            process.kill()
        assert process.returncode == 0, stderr
        assert "stopped after" in stdout and f"{new} new article(s), 0 error(s)" in stdout, stdout
        site.requests.clear()
    with Engine(db_path) as engine:
        assert engine.store.count_articles() == 3 and len(engine.stories()) == 1


def test_watch_refuses_what_is_not_a_feed(tmp_path, db_path):
    article = tmp_path / "story.txt"
    article.write_text("A headline\n\nSome text of an article, not a list of feeds.\n")
    done = subprocess.run([str(Path(sys.executable).with_name("crosscheck")), "watch", str(article), "--db", db_path],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "neither a feed URL nor a file listing feeds" in done.stderr


def test_watch_fetches_recent_pages_again_and_a_changed_one_becomes_a_revision(site, db_path):
    import dataclasses

    feed = f"{site.base}/feed.xml"
    clock = FakeClock()
    with Engine(db_path) as engine:
        watcher = Watcher(engine, [feed], interval=60, fetcher=Fetcher(allow_private=True), clock=clock,
                          recheck=3600, recheck_within=86400)
        watcher.poll_due()
        assert watcher.totals.rechecks == 0 and engine.store.count_articles() == 3
        slug, article = site.items[0]
        assert "killing 41 people" in article.text
        site.items[0] = (slug, dataclasses.replace(article, text=article.text.replace("killing 41 people",
                                                                                       "killing 44 people")))
        clock.now += 61
        watcher.poll_due()  # the feed is due, the recheck is not: a feed never lists a known page again
        assert watcher.totals.revised == 0
        clock.now += 3600
        watcher.poll_due()
        assert watcher.totals.rechecks == 1 and watcher.totals.revised == 1
        assert engine.store.count_articles() == 3
        revised = engine.store.find_url(f"{site.base}/articles/{slug}").article
        assert "killing 44 people" in revised.text and len(engine.revisions(revised.id)[1]) == 2
        fetched = [p for _, p, _ in site.requests if p.startswith("/articles/")]
        assert len(fetched) == 6  # each page once from the feed, once again at the recheck
