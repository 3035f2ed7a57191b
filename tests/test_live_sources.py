"""Fetching only what is asked, nothing private: the guard, feed lists, robots.txt, validators."""

from __future__ import annotations

import re

import httpx
import pytest

from crosscheck import Engine
from crosscheck.ingest.errors import InputError
from crosscheck.ingest.feedlists import opml_urls, url_list
from crosscheck.ingest.urls import Fetcher
from conftest import run_cli
from live_site import NewsSite, sample_articles, serve_site


@pytest.fixture
def site():
    news = NewsSite()
    for name in ("ferry_meridian_wire.txt", "quake_coastline_brief.txt"):
        news.add(name.split(".")[0], sample_articles(name)[0])
    server = serve_site(news)
    yield news
    server.close()


@pytest.mark.parametrize("target, reason", [
    ("http://127.0.0.1:9/feed.xml", "loopback address 127.0.0.1"),
    ("http://10.0.0.1/feed.xml", "private address 10.0.0.1"),
    ("http://169.254.169.254/latest/meta-data/", "link-local (cloud metadata) address 169.254.169.254"),
    ("http://[::1]:9/feed.xml", "loopback address ::1"),
])
def test_private_targets_are_refused_with_a_clear_message(target, reason, db_path):
    done = run_cli("ingest", "--db", db_path, target)
    assert done.returncode == 1
    assert f"rejected {target}: refusing to fetch from {reason}" in done.stderr
    assert "use --allow-private to allow it" in done.stderr
    watch = run_cli("watch", target, "--db", db_path, "--rounds", "1", "--quiet")
    assert watch.returncode == 0 and "1 error(s)" in watch.stdout  # a watch goes on; the feed fails alone
    with Engine(db_path) as engine:
        assert engine.store.count_articles() == 0
        assert engine.live.feed_states() == []  # a target never fetched leaves no feed state


def test_a_public_looking_redirect_to_loopback_is_refused(site, db_path):
    """news.example resolves to a public address and redirects to the local server."""
    def resolve(host, port):
        return ["93.184.216.34"] if host == "news.example" else ["127.0.0.1"]

    def handler(request):
        if request.headers["host"] == "news.example":  # the connection goes to the checked address
            return httpx.Response(302, headers={"location": f"{site.base}/feed.xml"})
        raise AssertionError(f"the guard let a request reach {request.url}")

    fetcher = Fetcher(resolve=resolve, transport=httpx.MockTransport(handler))
    with Engine(db_path) as engine:
        report = engine.ingest(["http://news.example/feed.xml"], fetcher=fetcher)
        [rejection] = report.rejected
        assert rejection.source == "http://news.example/feed.xml"
        assert rejection.reason.startswith("refusing to fetch from loopback address 127.0.0.1 (127.0.0.1)")
        assert engine.store.count_articles() == 0
    assert site.requests == []


def test_private_webhooks_are_refused_unless_allowed(db_path, tmp_path):
    with Engine(db_path) as engine:
        engine.ingest([str(_sample("ferry_meridian_wire.txt"))])
        story = engine.stories()[0].id
    refused = run_cli("follow", str(story), "--webhook", "http://10.1.2.3/hook", "--db", db_path)
    assert refused.returncode == 1 and "refusing to fetch from private address 10.1.2.3" in refused.stderr
    allowed = run_cli("follow", str(story), "--webhook", "http://127.0.0.1:9/hook", "--db", db_path,
                      "--allow-private")
    assert allowed.returncode == 0 and f"story {story} alerts go to http://127.0.0.1:9/hook" in allowed.stdout
    missing = run_cli("follow", "999", "--webhook", "https://example.org/hook", "--db", db_path)
    assert missing.returncode == 1 and "no story 999" in missing.stderr


def _sample(name):
    from crosscheck.engine import sample_corpus_path

    return sample_corpus_path() / name


def test_feed_lists_in_opml_and_text(site, tmp_path, db_path):
    opml = tmp_path / "feeds.opml"
    opml.write_text(f"<?xml version='1.0'?><opml version='2.0'><head><title>f</title></head><body>"
                    f"<outline text='wire' type='rss' xmlUrl='{site.base}/feed.xml'/>"
                    f"<outline text='folder'><outline text='dead' xmlUrl='{site.base}/missing.xml'/></outline>"
                    f"</body></opml>")
    listing = tmp_path / "feeds.txt"
    listing.write_text(f"# the wire\n{site.base}/feed.xml\n\n")
    with Engine(db_path) as engine:
        report = engine.ingest([str(opml)], allow_private=True)
        assert len(report.stored) == 2
        assert [(r.source, r.reason) for r in report.rejected] == [(f"{site.base}/missing.xml", f"HTTP 404 from {site.base}/missing.xml")]
        again = engine.ingest([str(listing)], allow_private=True)
        assert again.unchanged_feeds == [f"{site.base}/feed.xml"] and not again.stored and not again.rejected
    assert site.statuses("/feed.xml") == [200, 304]


@pytest.mark.parametrize("text, urls", [
    ("https://a.example/feed\n# note\n\nhttp://b.example/rss.xml\nhttps://a.example/feed\n",
     ["https://a.example/feed", "http://b.example/rss.xml"]),
    ("https://a.example/feed\nAnd then the article went on.\n", None),
    ("# only a comment\n", None),
])
def test_url_lists(text, urls):
    assert url_list(text) == urls


@pytest.mark.parametrize("text, message", [
    ("<opml><body><outline xmlUrl='ftp://x/y'/></body></opml>", "no http(s) feed"),
    ("<opml><body>", "not well-formed OPML"),
    ("<rss></rss>", "not an OPML document"),
    ("<!DOCTYPE opml [<!ENTITY a 'aaaa'>]><opml><body><outline xmlUrl='http://x/&a;'/></body></opml>", "DOCTYPE"),
])
def test_broken_opml_is_refused(text, message):
    with pytest.raises(InputError, match=re.escape(message)):
        opml_urls(text)


def test_an_article_larger_than_a_feed_list_is_still_an_article(tmp_path, monkeypatch):
    """Telling a .txt article from a list of URLs must not apply the list's size cap to it."""
    from crosscheck.ingest import feedlists

    monkeypatch.setattr(feedlists, "MAX_LIST_BYTES", 200)
    article = tmp_path / "long.txt"
    article.write_text("Harbour cranes stand idle\n" + "Dockworkers stopped work over pay. " * 20)
    assert feedlists.read_feed_list(article) is None
    listing = tmp_path / "feeds.txt"
    listing.write_text("https://a.example/feed\n" * 5)
    assert feedlists.read_feed_list(listing) == ["https://a.example/feed"]
    listing.write_text("https://a.example/feed\n" * 20)  # a list over the cap is refused, by name of the cap
    with pytest.raises(InputError, match="file too large"):
        feedlists.read_feed_list(listing)


def test_a_broken_opml_file_is_rejected_by_name(tmp_path, db_path):
    bad = tmp_path / "feeds.opml"
    bad.write_text("<opml><body>")
    done = run_cli("ingest", "--db", db_path, str(bad))
    assert done.returncode == 1 and f"rejected {bad}: not well-formed OPML" in done.stderr


@pytest.mark.parametrize("robots, stored, reason", [
    ((200, "User-agent: *\nDisallow: /articles/quake\n"), 1, "robots.txt of 127.0.0.1:{port} disallows"),
    ((200, "User-agent: crosscheck\nDisallow: /\n\nUser-agent: *\nAllow: /\n"), 0, "disallows"),
    (None, 2, None),  # no robots.txt (404): everything is allowed
    ((503, "busy"), 0, "disallows"),  # an unreadable robots.txt disallows everything
])
def test_respect_robots(site, db_path, tmp_path, robots, stored, reason):
    site.robots = robots
    with Engine(db_path) as engine:
        report = engine.ingest([f"{site.base}/feed.xml"], allow_private=True, respect_robots=True)
        assert len(report.stored) == stored
        if reason:
            port = site.base.rsplit(":", 1)[1]
            assert reason.format(port=port) in report.rejected[0].reason
            assert "--respect-robots" in report.rejected[0].reason
    assert site.statuses("/robots.txt") == [robots[0] if robots else 404]  # asked once per site
    without = NewsSite(items=list(site.items), robots=(200, "User-agent: *\nDisallow: /\n"))
    server = serve_site(without)
    try:
        with Engine(str(tmp_path / "second.db")) as engine:  # and only when asked to
            assert len(engine.ingest([f"{without.base}/feed.xml"], allow_private=True).stored) == 2
        assert without.statuses("/robots.txt") == []
    finally:
        server.close()


def test_a_feed_read_in_part_keeps_no_validators(site, db_path):
    """A stop between entries (or a crash) must not leave an ETag that would hide the rest."""
    calls = []

    def stop_after_first_page():
        calls.append(1)
        return len(calls) > 2  # asked before the input, then before each entry

    with Engine(db_path) as engine:
        report = engine.ingest([f"{site.base}/feed.xml"], allow_private=True, stop=stop_after_first_page)
        assert len(report.stored) == 1
        assert engine.live.feed_state(f"{site.base}/feed.xml") is None
        rest = engine.ingest([f"{site.base}/feed.xml"], allow_private=True)
        assert len(rest.stored) == 1 and len(rest.already_stored) == 1 and not rest.unchanged_feeds
        state = engine.live.feed_state(f"{site.base}/feed.xml")
        assert state.etag and state.last_status == "updated" and state.articles == 1


def test_a_failed_entry_is_fetched_again_on_the_next_poll(site, db_path):
    site.add("gone", site.items[0][1])
    site.missing.add("gone")  # listed in the feed, but its page is missing
    with Engine(db_path) as engine:
        first = engine.ingest([f"{site.base}/feed.xml"], allow_private=True)
        assert len(first.stored) == 2 and [r.source for r in first.rejected] == [f"{site.base}/articles/gone"]
        assert engine.live.feed_state(f"{site.base}/feed.xml").etag is None
        second = engine.ingest([f"{site.base}/feed.xml"], allow_private=True)
        assert not second.unchanged_feeds and [r.source for r in second.rejected] == [f"{site.base}/articles/gone"]
    assert site.statuses("/articles/gone") == [404, 404]
