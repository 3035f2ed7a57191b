"""The security findings against the web app, the fetcher and the alerts, each replayed as a
real request (against the app, the CLI or the fetcher, with a faked resolver for DNS
rebinding). See docs/security.md for the model these defend."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import datetime
from xml.etree import ElementTree

import httpx
from fastapi.testclient import TestClient

from conftest import run_cli
from crosscheck import Engine
from crosscheck.ingest import InputError
from crosscheck.ingest.urls import fetch, forbidden_reason
from crosscheck.live.webhooks import post_alert
from crosscheck.web import create_app
from crosscheck.web.security import hash_password

PASSWORD = "a long enough passphrase 1"


def _rebinding():
    """A resolver that answers a public address first and loopback after (a rebinding DNS server)."""
    answers = iter([["93.184.216.34"]] + [["127.0.0.1"]] * 10)
    return lambda host, port: next(answers)


# -- 1. DNS rebinding ---------------------------------------------------------------------

def test_a_page_fetch_connects_to_the_address_that_was_checked():
    seen = []

    def handler(request):
        seen.append((request.url.host, request.headers["host"]))
        return httpx.Response(200, headers={"content-type": "text/html"}, content=b"<p>x</p>")

    fetch("http://rebind.example/news", resolve=_rebinding(), transport=httpx.MockTransport(handler))
    assert seen == [("93.184.216.34", "rebind.example")]


def test_a_webhook_post_connects_to_the_address_that_was_checked():
    seen = []

    def handler(request):
        seen.append((request.url.host, request.headers["host"]))
        return httpx.Response(204)

    post_alert("https://rebind.example:8443/hook", b"{}", delivery_id=1, resolve=_rebinding(),
               transport=httpx.MockTransport(handler))
    assert seen == [("93.184.216.34", "rebind.example:8443")]


# -- 2. a webhook with CR/LF ------------------------------------------------------------------

def test_a_webhook_with_control_characters_is_refused_and_cannot_stop_other_alerts(stores, webhook):
    db = stores.sample()
    client, token = _signed_in(db, "reader")
    refused = client.post("/api/v1/stories/1/follows", json={"webhook": "http://example.com/\r\nX-Evil: 1"},
                          headers={"X-CSRF-Token": token})
    assert refused.status_code == 400
    with Engine(db) as engine:
        story = engine.stories()[0].id
        good = engine.follow(story, webhook.url, allow_private=True)
        # a follow stored before the check existed, whose delivery httpx cannot even build
        bad = engine.live.add_follow(story, "http://example.com/\r\nx", snapshot={}, now=datetime(2026, 1, 1),
                                     allow_private=True)
        for follow in (bad, good):
            engine.live.record_alert(follow.id, expected_snapshot=follow.snapshot, snapshot={"members": [1]},
                                     payload={"changes": ["x"]}, now=datetime(2026, 1, 1))
        result = engine.deliver_alerts(sleep=lambda s: None)
    assert len(result.delivered) == 1 and len(result.failed) == 1
    assert len(webhook.received) == 1


# -- 3. javascript: URLs ----------------------------------------------------------------------

def test_a_javascript_url_is_refused_at_ingest_and_never_rendered_as_a_link(stores, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"id": "x1", "url": "javascript:alert(document.domain)//",
                                "text": "The council met on Monday to vote on the harbour budget again."}) + "\n")
    db = stores.sample()
    result = run_cli("ingest", "--db", db, str(rows))
    assert result.returncode == 1 and "field 'url'" in result.stdout + result.stderr
    # a store written before the check may hold one: it is never a link
    with Engine(db) as engine:
        article = engine.articles()[0]
        with engine.store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE articles SET url = 'javascript:alert(1)//\r\n' WHERE id = ?"
                                 if engine.store.is_sqlite else
                                 "UPDATE articles SET url = 'javascript:alert(1)//\r\n' WHERE id = %s", (article.id,))
        story = engine.store.story_of([article.id])[article.id]
    client = TestClient(create_app(db, secure_cookies=False))
    for path in (f"/articles/{article.id}", f"/stories/{story}", f"/api/v1/stories/{story}/briefing"):
        assert "javascript:" not in client.get(path).text, path
    feed = client.get(f"/stories/{story}/feed.atom").text
    assert "javascript:" not in feed
    ElementTree.fromstring(feed.encode())  # still well-formed XML
    for fmt in ("md", "html"):
        assert "javascript:" not in run_cli("brief", str(story), "--db", db, "--format", fmt).stdout


# -- 4. follows: no DNS under the app's lock, attempts rate-limited -----------------------------

def test_the_webhook_lookup_runs_outside_the_apps_lock_and_attempts_are_limited(stores, monkeypatch):
    import crosscheck.web.follows as follows

    db = stores.sample()
    client, token = _signed_in(db, "reader")
    site = client.app.state.site
    held = []

    def lookup(url, **_):
        other = threading.Thread(target=lambda: held.append(not site.lock.acquire(timeout=0.5) or
                                                            site.lock.release()))
        other.start()
        other.join()
        raise InputError("refusing to fetch from loopback address 127.0.0.1 (slow.example)")

    monkeypatch.setattr(follows, "check_webhook", lookup)
    statuses = [client.post("/api/v1/stories/1/follows", json={"webhook": "https://slow.example/h"},
                            headers={"X-CSRF-Token": token}).status_code for _ in range(12)]
    assert held and not any(held), "the lookup ran while the app's lock was held"
    assert statuses[:10] == [400] * 10 and statuses[10:] == [429, 429]  # refused attempts count too


# -- 5. request bodies ---------------------------------------------------------------------------

def test_a_large_body_is_refused_before_it_is_read(tmp_path):
    client = TestClient(create_app(str(tmp_path / "empty.db"), secure_cookies=False, max_body=10_000))
    response = client.post("/api/v1/stories/1/follows", content=b"[" + b"1," * 20_000 + b"1]",
                           headers={"content-type": "application/json"})
    assert response.status_code == 413


# -- 6. lockout -----------------------------------------------------------------------------------

def test_failures_from_one_address_never_lock_the_owner_out(stores):
    db = stores.sample()
    app = create_app(db, secure_cookies=False)
    app.state.discussion.store.create_user("owner", hash_password(PASSWORD), now=datetime(2026, 1, 1))
    attacker = TestClient(app, client=("198.51.100.9", 5000))
    for _ in range(8):
        _sign_in(attacker, "owner", "wrong guess")
    assert _sign_in(attacker, "owner", PASSWORD).status_code == 429  # that address is slowed down
    owner = TestClient(app, client=("203.0.113.7", 5000))
    assert _sign_in(owner, "owner", PASSWORD).status_code == 303
    waits = [int(_sign_in(attacker, "owner", "again").headers.get("retry-after", 0)) for _ in range(3)]
    assert max(waits) <= 900  # however long the attacker keeps at it


# -- 7. smaller findings ---------------------------------------------------------------------------

def test_only_global_addresses_are_fetched():
    assert forbidden_reason("100.64.0.1") and forbidden_reason("169.254.169.254") and forbidden_reason("::1")
    assert forbidden_reason("93.184.216.34") is None


def test_huge_ids_and_offsets_are_a_client_error(stores):
    client = TestClient(create_app(stores.sample(), secure_cookies=False))
    big = 2 ** 63
    for path in (f"/stories/{big}", f"/api/v1/stories/{big}", f"/articles/{big}", f"/api/v1/articles?offset={big}",
                 f"/api/v1/search?q=ferry&offset={big}", f"/api/v1/stories/{big}/comments",
                 f"/stories/{big}/feed.atom", f"/api/v1/stories/1/comments?offset={big}"):
        assert client.get(path).status_code == 422, path


def test_a_lone_surrogate_in_a_comment_is_refused(stores):
    db = stores.sample()
    client, token = _signed_in(db, "writer")
    response = client.post("/api/v1/stories/1/comments", content=b'{"body": "half \\ud800 a character"}',
                           headers={"content-type": "application/json", "X-CSRF-Token": token})
    assert response.status_code == 400


def test_every_response_carries_security_headers(stores):
    client = TestClient(create_app(stores.sample(), secure_cookies=False))
    for path in ("/", "/stories/1", "/api/v1/stories", "/no-such-page"):
        headers = client.get(path).headers
        assert "default-src 'none'" in headers["content-security-policy"], path
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
    public = TestClient(create_app(stores.sample(), public_url="https://news.example.org/"))
    assert "max-age" in public.get("/").headers["strict-transport-security"]


def test_the_secure_flag_and_feed_links_do_not_come_from_the_host_header(stores):
    db = stores.sample()
    client = TestClient(create_app(db), base_url="http://203.0.113.5")
    response = client.get("/signin", headers={"Host": "localhost"})
    cookies = response.headers.get_list("set-cookie")
    assert cookies and all("Secure" in c for c in cookies)
    public = TestClient(create_app(db, public_url="https://news.example.org"))
    feed = public.get("/feeds/stories.atom", headers={"Host": "evil.example"}).text
    assert "evil.example" not in feed and "https://news.example.org/stories/" in feed


def test_serve_believes_no_forwarded_headers_unless_told(monkeypatch, stores):
    import uvicorn
    from typer.testing import CliRunner

    from crosscheck.cli import app

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda application, **options: calls.append(options))
    db = stores.sample()
    assert CliRunner().invoke(app, ["serve", "--db", db]).exit_code == 0
    assert calls[-1]["proxy_headers"] is False and calls[-1]["timeout_keep_alive"] <= 5
    assert calls[-1]["http"].__name__ == "HeadTimeoutProtocol"
    assert CliRunner().invoke(app, ["serve", "--db", db, "--trusted-proxy", "10.0.0.2"]).exit_code == 0
    assert calls[-1]["proxy_headers"] is True and calls[-1]["forwarded_allow_ips"] == "10.0.0.2"


def test_a_client_that_sends_its_request_head_slowly_is_disconnected(stores):
    import socket
    import time

    from conftest import served_app
    from crosscheck.web.guard import head_timeout_protocol

    with served_app(create_app(stores.sample()), http=head_timeout_protocol(0.5)) as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as slow:
            slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
            started = time.monotonic()
            closed = slow.recv(1024) == b""
            assert closed and time.monotonic() - started < 4  # dropped at the deadline, not left open
        with socket.create_connection(("127.0.0.1", port), timeout=5) as prompt:  # a normal request still works
            prompt.sendall(b"GET /api/v1/stories HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            assert prompt.recv(64).startswith(b"HTTP/1.1 200")


def test_markdown_briefings_keep_html_from_articles_as_text(stores, tmp_path):
    page = tmp_path / "evil.txt"
    page.write_text("Harbour strike <img src=x onerror=alert(1)> enters its third day\n\n"
                    "Dock workers in Kesswick stayed out on Monday <script>alert(2)</script> as talks stalled "
                    "over the new shift rota, the union said.\n")
    db = stores.empty()
    assert run_cli("ingest", "--db", db, str(page)).returncode == 0
    markdown = run_cli("brief", "1", "--db", db, "--format", "md").stdout
    assert "<img" not in markdown and "<script" not in markdown and "&lt;script&gt;" in markdown


def test_common_passwords_are_refused_at_sign_up(stores):
    client = TestClient(create_app(stores.sample(), secure_cookies=False))
    for password in ("password123", "12345678", "qwertyuiop", "aaaaaaaa"):
        token = _form_token(client.get("/signup").text)
        response = client.post("/signup", data={"username": "newcomer", "password": password,
                                                "password_confirm": password, "csrf_token": token, "next": "/"})
        assert response.status_code == 400 and "common" in response.text, password


def test_deliveries_are_signed_with_the_follows_secret(stores, webhook):
    with Engine(stores.sample()) as engine:
        follow = engine.follow(engine.stories()[0].id, webhook.url, allow_private=True)
        assert follow.secret
        engine.live.record_alert(follow.id, expected_snapshot=follow.snapshot, snapshot={"members": [1]},
                                 payload={"changes": ["x"]}, now=datetime(2026, 1, 1))
        assert engine.deliver_alerts(sleep=lambda s: None).delivered
    [attempt] = webhook.attempts
    expected = "sha256=" + hmac.new(follow.secret.encode(), attempt["raw"], hashlib.sha256).hexdigest()
    assert attempt["signature"] == expected and attempt["delivery"]


# -- helpers ---------------------------------------------------------------------------------------

def _form_token(html: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _sign_in(client: TestClient, username: str, password: str):
    token = _form_token(client.get("/signin").text)
    return client.post("/signin", data={"username": username, "password": password, "csrf_token": token,
                                        "next": "/"}, follow_redirects=False)


def _signed_in(db: str, name: str) -> tuple[TestClient, str]:
    client = TestClient(create_app(db, secure_cookies=False))
    client.app.state.discussion.store.create_user(name, hash_password(PASSWORD), now=datetime(2026, 1, 1))
    assert _sign_in(client, name, PASSWORD).status_code == 303
    return client, client.get("/api/v1/session").json()["csrf_token"]
