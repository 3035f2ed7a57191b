"""The reader discussion in a real (headless) Chromium, against the app served on loopback.

The app runs under uvicorn in a background thread on 127.0.0.1 (a port the OS picks), over a
store built from the bundled sample. With JavaScript off, a reader opens the home page, opens a
story, creates an account and posts a comment, which then shows on the story page; with
JavaScript on, an HTML-injection comment must show as text and run nothing. Every request
outside the app is refused and recorded. Screenshots are left in test-artifacts/.

Uses Debian's Chromium (/usr/bin/chromium) driven by Playwright; skips with the reason where
either is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crosscheck.web import create_app

from conftest import CHROMIUM, CHROMIUM_ARGS, served_app
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PAYLOAD = '<img src=x onerror="alert(1)"><script>alert(2)</script>'

# Form controls a person can fill in but that no <label> names.
_UNLABELLED_JS = """
() => [...document.querySelectorAll('input:not([type=hidden]), textarea, select')]
        .filter(el => !el.labels || el.labels.length === 0 || !el.labels[0].textContent.trim())
        .map(el => el.outerHTML)
"""


@pytest.fixture(scope="module")
def served(stores):
    """The app over the sample store, served on 127.0.0.1; yields its base URL."""
    # default cookie settings: plain http to 127.0.0.1 gets non-Secure cookies
    with served_app(create_app(stores.sample())) as base:
        yield base


def _accessible(page) -> None:
    """One h1, the main nav landmark, a main landmark, and a label for every form control."""
    assert page.locator("h1").count() == 1, page.url
    assert page.get_by_role("navigation", name="Main").count() == 1, page.url
    assert page.get_by_role("main").count() == 1, page.url
    unlabelled = page.evaluate(_UNLABELLED_JS)
    assert unlabelled == [], f"{page.url}: controls without a label: {unlabelled}"


def test_reader_signs_up_and_comments_in_chromium(sync_playwright, served, monkeypatch):
    monkeypatch.delenv("CROSSCHECK_SECURE_COOKIES", raising=False)
    ARTIFACTS.mkdir(exist_ok=True)
    attempted: list[str] = []  # every request that did not go to the app on loopback
    problems: list[str] = []

    def route(r):
        if r.request.url.startswith(served + "/"):
            r.continue_()
        else:
            attempted.append(r.request.url)
            r.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            # -- with JavaScript off, the whole journey works on plain forms and links ------------
            context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False,
                                          service_workers="block")
            context.route("**/*", route)
            page = context.new_page()
            page.goto(served + "/")
            _accessible(page)
            page.screenshot(path=str(ARTIFACTS / "discussion_home.png"), full_page=True)

            page.locator("ul.cards a").first.click()
            page.wait_for_load_state()
            assert re.search(r"/stories/\d+$", page.url), page.url
            story_url = page.url
            discussion = page.locator("section#discussion")
            assert discussion.is_visible()
            assert "to join the discussion" in discussion.inner_text()
            assert discussion.locator("textarea").count() == 0
            _accessible(page)

            discussion.get_by_role("link", name="create an account").click()
            page.wait_for_load_state()
            assert "/signup" in page.url
            _accessible(page)
            page.get_by_label("Username").fill("reader.one")
            page.get_by_label("Password (at least 8 characters)").fill("a long passphrase")
            page.get_by_label("Password again").fill("a long passphrase")
            page.screenshot(path=str(ARTIFACTS / "discussion_signup.png"), full_page=True)
            page.get_by_role("button", name="Create account").click()
            page.wait_for_load_state()
            assert page.url.split("#")[0] == story_url, page.url
            assert "Signed in as reader.one" in page.get_by_role("navigation", name="Main").inner_text()
            cookie = next(c for c in context.cookies() if c["name"] == "cc_session")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

            comment = "The ferry's operator has not yet said how many people were aboard."
            page.get_by_label(re.compile(r"^Your comment")).fill(comment)
            page.get_by_role("button", name="Post comment").click()
            page.wait_for_load_state()
            assert page.url.split("?")[0] == story_url, page.url
            posted = page.locator("section#discussion article.comment").filter(has_text=comment)
            assert posted.count() == 1 and posted.is_visible()
            assert "reader.one" in posted.locator(".meta").first.inner_text()
            assert page.get_by_role("status").inner_text() == "Your comment is posted."
            _accessible(page)
            posted.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "discussion_posted.png"))

            page.goto(story_url)  # a fresh load still shows it
            assert page.locator("section#discussion .body", has_text=comment).count() == 1
            context.close()

            # -- with JavaScript on, injected markup is text and never runs ---------------------
            context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
            context.route("**/*", route)
            page = context.new_page()
            page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
            page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
            page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
            page.goto(served + "/signin?next=" + story_url.removeprefix(served))
            page.get_by_label("Username").fill("reader.one")
            page.get_by_label("Password").fill("a long passphrase")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
            assert page.url == story_url
            page.get_by_label(re.compile(r"^Your comment")).fill(PAYLOAD)
            page.get_by_role("button", name="Post comment").click()
            page.wait_for_load_state()
            page.goto(story_url)
            page.wait_for_load_state("networkidle")
            bodies = page.locator("section#discussion .body").all_inner_texts()
            assert PAYLOAD in bodies, bodies
            assert page.locator("section#discussion img, section#discussion script").count() == 0
            page.locator("section#discussion .body", has_text="onerror").scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "discussion_escaped.png"))
            context.close()
        finally:
            browser.close()

    assert attempted == [], f"the pages tried to reach beyond the app: {attempted}"
    assert problems == [], problems
    for name in ("discussion_home.png", "discussion_signup.png", "discussion_posted.png", "discussion_escaped.png"):
        assert (ARTIFACTS / name).stat().st_size > 5_000, name
