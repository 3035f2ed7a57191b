"""URL ingestion: the SSRF guard on every hop, caps, content types, and a real loopback server."""

from __future__ import annotations

import gzip
import http.server
import threading

import httpx
import pytest

from crosscheck import Engine
from crosscheck.ingest.errors import InputError
from crosscheck.ingest.urls import fetch, forbidden_reason
from conftest import run_cli

PAGE = (b"<html><head><title>Bridge reopens | Town Paper</title><meta property='og:site_name' content='Town Paper'>"
        b"<meta property='article:published_time' content='2026-03-06T09:00:00+01:00'></head><body><article>"
        b"<h1>Bridge reopens</h1><p>The old bridge reopened to traffic on Friday after three months of repairs "
        b"costing 2 million euros, the council said.</p><p>Engineers will inspect it again in the autumn.</p>"
        b"</article></body></html>")


@pytest.mark.parametrize("address, reason", [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"), ("192.168.0.7", "private"),
    ("172.16.5.4", "private"), ("169.254.169.254", "link-local (cloud metadata)"), ("fe80::1", "link-local (cloud metadata)"),
    ("224.0.0.1", "multicast"), ("0.0.0.0", "unspecified"), ("::ffff:127.0.0.1", "loopback"),
    ("8.8.8.8", None), ("2606:4700:4700::1111", None),
])
def test_address_classification(address, reason):
    assert forbidden_reason(address) == reason


def _public(host, port):
    return ["8.8.8.8"]  # pretend every name is public; the mock transport answers, nothing is sent


def test_a_redirect_to_cloud_metadata_is_refused_on_that_hop():
    def handler(request):
        if request.headers["host"] == "news.example":  # the connection goes to the checked address
            return httpx.Response(302, headers={"location": "http://metadata.internal/latest/meta-data/"})
        return httpx.Response(200, headers={"content-type": "text/html"}, content=PAGE)

    def resolve(host, port):
        return ["169.254.169.254"] if host == "metadata.internal" else ["8.8.8.8"]

    with pytest.raises(InputError, match="link-local .* 169.254.169.254 .*metadata.internal"):
        fetch("http://news.example/a", resolve=resolve, transport=httpx.MockTransport(handler))


@pytest.mark.parametrize("response, message", [
    (httpx.Response(200, headers={"content-type": "application/pdf"}, content=b"%PDF"), "unexpected content type"),
    (httpx.Response(404), "HTTP 404"),
    (httpx.Response(200, headers={"content-type": "text/html", "content-encoding": "gzip"},
                    content=gzip.compress(b"<p>" + b"a" * 3_000_000)), "exceeds 100,000 bytes"),
])
def test_caps_and_content_types(response, message):
    transport = httpx.MockTransport(lambda request: response)
    with pytest.raises(InputError, match=message):
        fetch("http://news.example/a", resolve=_public, transport=transport, max_bytes=100_000)


def test_redirect_loops_stop():
    transport = httpx.MockTransport(lambda r: httpx.Response(301, headers={"location": "/again"}))
    with pytest.raises(InputError, match="more than 5 redirects"):
        fetch("http://news.example/a", resolve=_public, transport=transport)


@pytest.mark.parametrize("url, message", [("ftp://example.com/x", "unsupported URL scheme"),
                                          ("http:///nohost", "no host")])
def test_bad_urls(url, message):
    with pytest.raises(InputError, match=message):
        fetch(url, resolve=_public)


FEED = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>Town Paper</title>"
        b"<item><title>Bridge reopens</title><link>/article</link></item>"
        b"<item><title>Ferry returns</title><link>/second</link></item></channel></rss>")


@pytest.fixture
def loopback_site():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path in ("/feed.xml", "/broken.xml"):
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.end_headers()
                self.wfile.write(FEED if self.path == "/feed.xml" else b"<rss><channel><item><title>x")
                return
            if self.path == "/second":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(PAGE.replace(b"Bridge reopens", b"Ferry returns").replace(b"bridge", b"ferry"))
                return
            if self.path == "/old":
                self.send_response(301)
                self.send_header("Location", "/article")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_ingest_a_url_from_a_loopback_server(loopback_site, db_path):
    db = db_path
    refused = run_cli("ingest", "--db", db, f"{loopback_site}/article")
    assert refused.returncode == 1 and "refusing to fetch from loopback address 127.0.0.1" in refused.stderr
    with Engine(db) as engine:
        assert engine.store.count_articles() == 0
    stored = run_cli("ingest", "--db", db, "--allow-private", f"{loopback_site}/old")
    assert stored.returncode == 0, stored.stderr
    with Engine(db) as engine:
        [article] = engine.articles()
        assert article.outlet == "Town Paper" and article.title == "Bridge reopens"
        assert article.url == f"{loopback_site}/article" and article.published_iso() == "2026-03-06T09:00:00+01:00"
    again = run_cli("ingest", "--db", db, "--allow-private", f"{loopback_site}/article")
    assert "stored 0, already stored 1" in again.stdout


def test_ingest_a_feed_fetches_each_linked_article(loopback_site, db_path):
    with Engine(db_path) as engine:
        report = engine.ingest([f"{loopback_site}/feed.xml"], allow_private=True)
        assert len(report.stored) == 2 and not report.rejected, report.rejected
        assert sorted(a.title for a in engine.articles()) == ["Bridge reopens", "Ferry returns"]
        again = engine.ingest([f"{loopback_site}/feed.xml"], allow_private=True)
        assert len(again.stored) == 0 and len(again.already_stored) == 2
        broken = engine.ingest([f"{loopback_site}/broken.xml"], allow_private=True)
        assert [r.source for r in broken.rejected] == [f"{loopback_site}/broken.xml"]
        assert "feed" in broken.rejected[0].reason
        refused = engine.ingest([f"{loopback_site}/feed.xml"])
        assert "loopback" in refused.rejected[0].reason
