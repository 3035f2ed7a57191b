"""The web app's pages and REST API over the bundled sample (httpx via TestClient)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from crosscheck.web import create_app


@pytest.fixture(scope="module")
def client(stores):
    with TestClient(create_app(stores.sample())) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def biggest(client):
    return client.get("/api/v1/stories").json()["items"][0]


def test_api_stories_paginate(client):
    first = client.get("/api/v1/stories", params={"limit": 2}).json()
    rest = client.get("/api/v1/stories", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == rest["total"] == 4 and first["limit"] == 2
    ids = [s["id"] for s in first["items"] + rest["items"]]
    assert len(ids) == len(set(ids)) == 4
    sizes = [s["articles"] for s in first["items"] + rest["items"]]
    assert sizes == sorted(sizes, reverse=True)


def test_api_story_briefing_claims_timeline(client, biggest):
    sid = biggest["id"]
    story = client.get(f"/api/v1/stories/{sid}").json()
    assert story["articles"] == len(story["articles_detail"]) == biggest["articles"]
    briefing = client.get(f"/api/v1/stories/{sid}/briefing").json()
    assert briefing["story_id"] == sid and briefing["key_points"]
    claims = client.get(f"/api/v1/stories/{sid}/claims").json()["claim_groups"]
    assert {"conflicting", "corroborated"} <= {g["verdict"] for g in claims}
    events = client.get(f"/api/v1/stories/{sid}/timeline").json()["events"]
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)


def test_api_articles_search_outlets(client):
    listing = client.get("/api/v1/articles", params={"limit": 5}).json()
    assert listing["total"] == 18 and len(listing["items"]) == 5
    one = client.get(f"/api/v1/articles/{listing['items'][0]['id']}").json()
    assert one["text"] and one["story_id"] is not None
    found = client.get("/api/v1/search", params={"q": "magnitude earthquake"}).json()["items"]
    assert found and all("quake" in (f["title"] or "").lower() or "earthquake" in f["snippet"].lower() for f in found)
    outlets = {o["outlet"]: o for o in client.get("/api/v1/outlets").json()["items"]}
    assert outlets["Meridian Wire"]["articles"] == 4 and outlets["Meridian Wire"]["reused"] >= 5


@pytest.mark.parametrize("path, status", [
    ("/api/v1/stories/9999", 404), ("/api/v1/articles/9999", 404), ("/api/v1/stories?limit=0", 422),
    ("/api/v1/stories?limit=1000", 422), ("/api/v1/search", 422), ("/api/v1/stories/abc", 422),
])
def test_api_errors_are_json_with_status(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    body = response.json()
    assert body["error"]["status"] == status and body["error"]["message"]


def test_openapi_spec_and_offline_docs(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.") and "/api/v1/stories/{story_id}/briefing" in spec["paths"]
    docs = client.get("/docs").text
    assert "/api/v1/stories/{story_id}/claims" in docs
    assert not re.search(r"<(script|link)[^>]+(https?:)?//", docs)  # nothing from a CDN


def test_home_lists_stories_with_badges(client, biggest):
    html = client.get("/").text
    assert f'href="/stories/{biggest["id"]}"' in html
    assert "conflicting" in html and "outlets" in html


def test_story_page_sections(client, biggest):
    html = client.get(f"/stories/{biggest['id']}").text
    for section in ("key-points", "summary", "disagreements", "claims", "timeline", "coverage", "provenance",
                    "articles"):
        assert f'id="{section}"' in html
    assert "<svg" in html and 'class="badge conflicting"' in html
    assert html.count("<h1") == 1
    assert re.search(r'href="/articles/\d+"', html)


def test_story_page_verdict_filter_shows_only_that_verdict_each_time(client, biggest):
    """The story's part of the page is rendered once and kept (web/fragments.py), per filter."""
    def shown(verdict: str) -> set[str]:
        claims = client.get(f"/stories/{biggest['id']}", params={"verdict": verdict}).text.split('id="claims"')[1]
        claims = claims.split('id="timeline"')[0]
        return set(re.findall(r'<span class="badge (\w+)">', claims))

    everything = shown("")
    assert {"conflicting", "corroborated"} <= everything
    for _ in range(2):  # the second time from what was kept
        assert shown("conflicting") == {"conflicting"}
        assert shown("corroborated") == {"corroborated"}
        assert shown("") == everything


def test_article_page_highlights_reused_sentences(client):
    articles = client.get("/api/v1/articles", params={"limit": 100}).json()["items"]
    ledger = next(a for a in articles if a["external_id"] == "ferry_harbor_ledger.txt")
    html = client.get(f"/articles/{ledger['id']}").text
    assert html.count('class="reused') >= 5 and "[verbatim from Meridian Wire]" in html


def test_search_and_outlets_pages(client):
    html = client.get("/search", params={"q": "ferry"}).text
    assert "<mark>ferry</mark>" in html.lower() or "<mark>Ferry</mark>" in html
    html = client.get("/search", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in html
    assert "Meridian Wire" in client.get("/outlets").text


def test_missing_pages_are_html_404(client):
    response = client.get("/stories/9999")
    assert response.status_code == 404 and "no story 9999" in response.text and "<html" in response.text


def test_pages_have_labels_and_landmarks(client, biggest):
    for path in ("/", f"/stories/{biggest['id']}", "/search?q=ferry", "/outlets"):
        html = client.get(path).text
        assert '<nav aria-label="Main">' in html and '<main id="content">' in html
        for input_id in re.findall(r'<input id="([^"]+)"', html):
            assert f'for="{input_id}"' in html
