"""The HTML briefing, opened in a real (headless) Chromium with the network cut off.

Uses Debian's Chromium (/usr/bin/chromium, from apt) driven by Playwright for Python;
Playwright never downloads a browser of its own. `make test` installs both; where either
is missing the test skips with the reason. A full-page screenshot is left in
test-artifacts/ at the repository root for a person to look at.
"""

from __future__ import annotations

from pathlib import Path


from crosscheck import Engine
from crosscheck.brief.render import to_html

from conftest import CHROMIUM, CHROMIUM_ARGS
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SECTIONS = ("key-points", "summary", "disagreements", "timeline", "background", "coverage")

# For each label of the coverage chart, the dots whose centre lies within the label's line:
# for an outlet's label, that row's articles.
_CHART_ROWS_JS = """
svg => {
  const circles = [...svg.querySelectorAll('circle')].map(c => c.cy.baseVal.value);
  return [...svg.querySelectorAll('text')].map(t => {
    const box = t.getBBox();
    return {label: t.textContent, dots: circles.filter(cy => cy >= box.y && cy <= box.y + box.height).length};
  });
}
"""

# Every label of a chart, drawn wholly inside the chart's viewBox (not clipped at an edge).
_CLIPPED_TEXT_JS = """
svg => {
  const view = svg.viewBox.baseVal;
  return [...svg.querySelectorAll('text')].filter(t => {
    const b = t.getBBox();
    return b.x < view.x - 0.5 || b.y < view.y - 0.5 || b.x + b.width > view.x + view.width + 0.5
      || b.y + b.height > view.y + view.height + 0.5;
  }).map(t => t.textContent);
}
"""


def test_html_briefing_renders_offline_in_chromium(sync_playwright, stores, tmp_path):
    with Engine(stores.sample()) as engine:
        story_id = engine.stories()[0].id  # the biggest story
        briefing = engine.briefing(story_id)
    assert briefing is not None and briefing.key_points
    page_file = tmp_path / "brief.html"
    page_file.write_text(to_html(briefing), encoding="utf-8")
    page_url = page_file.as_uri()

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "brief_browser.png"
    attempted: list[str] = []  # every request the page made, seen by the router or the page
    console_errors: list[str] = []

    def route(r):
        if r.request.url == page_url:
            r.continue_()
        else:
            attempted.append(r.request.url)
            r.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
            context.route("**/*", route)
            page = context.new_page()
            page.on("request", lambda req: req.url != page_url and attempted.append(req.url))
            page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
            page.on("pageerror", lambda exc: console_errors.append(f"page error: {exc}"))
            response = page.goto(page_url, wait_until="load")
            assert response is None or response.ok
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(shot), full_page=True)

            for section in SECTIONS:
                locator = page.locator(f"section#{section}")
                assert locator.count() == 1, f"no section #{section}"
                assert locator.is_visible(), f"section #{section} is not visible"
                box = locator.bounding_box()
                assert box and box["height"] > 0 and box["width"] > 0, (section, box)

            chart = page.locator("svg#coverage-chart")
            assert chart.count() == 1 and chart.is_visible()
            outlets = [o.outlet for o in briefing.coverage.outlets]
            rows = [r for r in chart.evaluate(_CHART_ROWS_JS)  # labels may be shortened
                    if r["label"] and any(name.startswith(r["label"]) for name in outlets)]
            assert len(rows) == len(outlets), f"the chart should list each of {outlets}: {rows}"
            assert all(row["dots"] >= 1 for row in rows), f"an outlet row without a dot: {rows}"
            assert chart.locator("circle").count() >= len(rows)

            assert briefing.timeline, "the sample's biggest story has dated events to draw"
            timeline = page.locator("svg#timeline-chart")
            assert timeline.count() == 1 and timeline.is_visible()
            assert timeline.locator("circle").count() == len(briefing.timeline)

            text = " ".join(page.locator("body").inner_text().split())
            for point in briefing.key_points:
                assert " ".join(point.text.split()) in text, point.text

            for svg in (chart, timeline):
                assert svg.evaluate(_CLIPPED_TEXT_JS) == [], "a chart label is cut off at the chart's edge"

            # Readable at desktop width: nothing pushes the page sideways.
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
        finally:
            browser.close()

    assert attempted == [], f"the page tried to reach the network: {attempted}"
    assert console_errors == [], console_errors
    assert shot.stat().st_size > 10_000
