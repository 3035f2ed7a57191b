"""Servers the live-source tests start on 127.0.0.1: a news site with an RSS feed, and a webhook.

Nothing here reaches outside the machine. The site's articles are the bundled sample's
(fictional) articles, served as HTML pages with their outlet and publication time.
"""

from __future__ import annotations

import hashlib
import html
import http.server
import json
import threading
from dataclasses import dataclass, field
from email.utils import format_datetime
from datetime import UTC

from crosscheck.engine import sample_corpus_path
from crosscheck.ingest import ReadOptions, read_file


def sample_articles(*names: str) -> list:
    """Articles of the bundled sample, by file name, read as crosscheck reads them."""
    found = []
    for name in names:
        [article] = list(read_file(sample_corpus_path() / name, ReadOptions()))
        found.append(article)
    return found


def article_page(article) -> bytes:
    published = article.published.isoformat() if article.published else ""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in article.text.split("\n") if p.strip())
    return (f"<html><head><title>{html.escape(article.title or '')}</title>"
            f"<meta property='og:site_name' content='{html.escape(article.outlet or '')}'>"
            f"<meta property='article:published_time' content='{published}'></head>"
            f"<body><article><h1>{html.escape(article.title or '')}</h1>{paragraphs}</article></body></html>"
            ).encode("utf-8")


@dataclass
class NewsSite:
    """An RSS feed at /feed.xml over pages at /articles/<slug>; the feed answers conditional GETs."""

    items: list[tuple[str, object]] = field(default_factory=list)  # (slug, Article), feed order
    robots: tuple[int, str] | None = None  # (status, body) of /robots.txt; None: 404
    feed_status: int = 200  # anything else: the feed fails with it
    missing: set[str] = field(default_factory=set)  # slugs listed in the feed whose page is 404
    requests: list[tuple[str, str, int]] = field(default_factory=list)  # (method, path, status)
    base: str = ""

    def add(self, slug: str, article) -> None:
        self.items.append((slug, article))

    def feed(self) -> bytes:
        entries = "".join(
            f"<item><title>{html.escape(a.title or slug)}</title><link>{self.base}/articles/{slug}</link>"
            f"<guid>{self.base}/articles/{slug}</guid>{_pub_date(a)}</item>" for slug, a in self.items)
        return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Test wire</title>"
                f"<link>{self.base}/</link><description>t</description>{entries}</channel></rss>").encode("utf-8")

    def statuses(self, path: str) -> list[int]:
        return [status for method, p, status in self.requests if p == path]


@dataclass
class Webhook:
    """Records every POST; answers `fail_first` of them with 500 first."""

    fail_first: int = 0
    received: list[dict] = field(default_factory=list)  # bodies of accepted POSTs
    attempts: list[dict] = field(default_factory=list)  # every POST: headers and body
    url: str = ""


class _Server:
    def __init__(self, handler_class):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def serve_site(site: NewsSite) -> _Server:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            status, headers, body = self._answer()
            site.requests.append(("GET", self.path, status))
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _answer(self):
            if self.path == "/robots.txt":
                if site.robots is None:
                    return 404, {}, b""
                return site.robots[0], {"Content-Type": "text/plain"}, site.robots[1].encode()
            if self.path == "/feed.xml":
                if site.feed_status != 200:
                    return site.feed_status, {}, b"down"
                body = site.feed()
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    return 304, {"ETag": etag}, b""
                return 200, {"Content-Type": "application/rss+xml", "ETag": etag}, body
            for slug, article in site.items:
                if self.path == f"/articles/{slug}" and slug not in site.missing:
                    return 200, {"Content-Type": "text/html; charset=utf-8"}, article_page(article)
            return 404, {"Content-Type": "text/plain"}, b"not found"

        def log_message(self, *args):
            pass

    server = _Server(Handler)
    site.base = server.base
    return server


def serve_webhook(hook: Webhook) -> _Server:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = json.loads(raw)
            hook.attempts.append({"delivery": self.headers.get("X-Crosscheck-Delivery"), "body": body, "raw": raw,
                                  "signature": self.headers.get("X-Crosscheck-Signature")})
            failing = len(hook.attempts) <= hook.fail_first
            if not failing:
                hook.received.append(body)
            self.send_response(500 if failing else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = _Server(Handler)
    hook.url = f"{server.base}/hook"
    return server


def _pub_date(article) -> str:
    if article.published is None:
        return ""
    when = article.published if article.published.tzinfo else article.published.replace(tzinfo=UTC)
    return f"<pubDate>{format_datetime(when.astimezone(UTC))}</pubDate>"
