"""A first-time reader's walk through the web app in a real (headless) Chromium: home page,
a story, one of its claim groups, and the evidence sentence in its article. Full-page
screenshots of the home, story list, story, article, outlets, outlet and search pages are
left in test-artifacts/ for a person to look at.

Uses Debian's Chromium (/usr/bin/chromium) driven by Playwright; skips with the reason where
either is missing. The app is served on 127.0.0.1 (see test_discussion_browser.py).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, LoopbackOnly, served_app
from crosscheck.web import create_app

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def served(stores):
    with served_app(create_app(stores.sample())) as base:
        yield base


def test_from_the_home_page_to_a_claims_evidence(sync_playwright, served):
    ARTIFACTS.mkdir(exist_ok=True)
    route = LoopbackOnly(served)
    errors: list[str] = []

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 900}, service_workers="block")
            context.route("**/*", route)
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            # a Content-Security-Policy violation is reported on the console as an error
            page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))

            page.goto(served + "/")
            page.screenshot(path=str(ARTIFACTS / "web_home.png"), full_page=True)
            # the biggest story, from the home page's "Biggest" list
            biggest = page.locator("h2:has-text('Biggest') + ul.cards li a").first
            title = biggest.inner_text()
            biggest.click()
            page.wait_for_load_state("load")
            assert page.locator("h1").count() == 1
            page.screenshot(path=str(ARTIFACTS / "web_story.png"), full_page=True)
            header = page.locator("p.meta").first.inner_text()
            assert "articles from" in header and "outlets" in header and title
            # the briefing and the discussion render under the Content-Security-Policy
            for section in ("key-points", "summary", "timeline", "coverage", "discussion"):
                assert page.locator(f"section#{section}").is_visible(), section
            assert page.locator("svg#timeline-chart circle").count() >= 1

            # a conflicting claim group, filtered by its badge, and its first evidence link
            page.locator("a.badge.conflicting").first.click()
            page.wait_for_load_state("load")
            groups = page.locator("#claims details.verdict-group")
            assert groups.count() == 1 and "conflicting" in groups.first.inner_text()
            evidence = page.locator("#claims details.verdict-group li.src").first
            quoted = evidence.inner_text().split("“", 1)[1].rstrip("”").strip()
            evidence.locator("a").first.click()
            page.wait_for_load_state("load")
            # the article shows the quoted sentence, marked as feeding a conflicting claim
            marked = page.locator("span.claim.conflicting")
            assert any(quoted.startswith(marked.nth(i).inner_text().strip()[:40]) or
                       marked.nth(i).inner_text().strip() in quoted for i in range(marked.count())), quoted
            page.screenshot(path=str(ARTIFACTS / "web_article.png"), full_page=True)

            for name, path in (("stories", "/stories?order=latest"), ("outlets", "/outlets"),
                               ("search", "/search?q=ferry")):
                page.goto(served + path)
                assert page.locator("h1").count() == 1, path
                page.screenshot(path=str(ARTIFACTS / f"web_{name}.png"), full_page=True)
            outlet = "Meridian Wire"  # an outlet of the bundled sample
            page.goto(served + "/outlets/" + quote(outlet))
            assert outlet in page.locator("h1").inner_text()
            assert page.locator("ul.cards li").count() >= 1
            page.screenshot(path=str(ARTIFACTS / "web_outlet.png"), full_page=True)
        finally:
            browser.close()
    assert route.refused == [], route.refused
    assert errors == [], errors
