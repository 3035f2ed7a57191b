"""Issue 19's pages in a real (headless) Chromium, under the app's Content-Security-Policy: a
story's first report, pickup and what each article adds, with its embedded ClaimReview; an
outlet's measured behaviour and its chart; an article revised after it was stored. Screenshots
are left in test-artifacts/ for a person to look at.

Uses Debian's Chromium (/usr/bin/chromium) driven by Playwright; skips with the reason where
either is missing. Everything is served on 127.0.0.1.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, LoopbackOnly, served_app
from crosscheck import Engine
from crosscheck.web import create_app
from live_site import NewsSite, sample_articles, serve_site

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def revised_store(stores):
    """The sample, plus a page of a fictional wire story that changed after it was stored."""
    db = stores.sample()
    news = NewsSite()
    [wire] = sample_articles("ferry_meridian_wire.txt")
    first = dataclasses.replace(wire, text=wire.text + "\nThe harbour office reopened at dawn on Wednesday.")
    news.add("ferry-live", first)
    server = serve_site(news)
    try:
        url = f"{news.base}/articles/ferry-live"
        with Engine(db) as engine:
            [stored] = engine.ingest([url], allow_private=True).stored
            news.items[0] = ("ferry-live", dataclasses.replace(
                first, text=first.text.replace("killing 41 people", "killing 44 people")))
            assert engine.ingest([url], allow_private=True).revised
            ferry = next(s.id for s in engine.stories()
                         if any(a.title == wire.title for a in engine.story(s.id).articles_detail))
    finally:
        server.close()
    return db, ferry, stored.article.id


def test_first_report_pickup_contributions_outlet_chart_and_revisions_render(sync_playwright, revised_store):
    db, ferry, revised = revised_store
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with served_app(create_app(db, create=False)) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 900}, service_workers="block")
            context.route("**/*", LoopbackOnly(base))
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))

            page.goto(f"{base}/stories/{ferry}")
            first = page.locator("#first-report")
            assert first.is_visible() and "Meridian Wire" in first.inner_text()
            pickups = page.locator("#pickup li")
            assert any("Harbor Ledger" in pickups.nth(i).inner_text() and "Meridian Wire" in pickups.nth(i).inner_text()
                       for i in range(pickups.count()))
            assert page.locator("#time-to-pickup tbody tr").count() >= 5
            added = page.locator("#contributions > li")
            assert added.count() >= 6 and "DERIVATIVE" in page.locator("#contributions").inner_text()
            reviews = json.loads(page.locator("script#claim-review").text_content())
            assert any(node["@type"] == "ClaimReview" for node in reviews["@graph"])
            page.locator("#provenance").screenshot(path=str(ARTIFACTS / "web_story_provenance.png"))

            page.goto(f"{base}/outlets/Meridian%20Wire")
            chart = page.locator("svg#figures-chart")
            assert chart.is_visible() and chart.locator("rect").count() >= 2
            assert "First report in" in page.locator("#behaviour").inner_text()
            page.screenshot(path=str(ARTIFACTS / "web_outlet_behaviour.png"), full_page=True)

            page.goto(f"{base}/articles/{revised}")
            revisions = page.locator("section#revisions")
            assert revisions.is_visible() and "Updated" in revisions.inner_text()
            assert "killing 41 people" in revisions.locator("li.removed").first.inner_text()
            assert "killing 44 people" in revisions.locator("li.added").first.inner_text()
            assert "killing 44 people" in page.locator("article").inner_text()
            page.screenshot(path=str(ARTIFACTS / "web_article_revised.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
