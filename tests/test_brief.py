"""Briefings: every sentence real and linked, key points, disagreements, coverage, formats, caching."""

from __future__ import annotations

import json
import re

import pytest

from crosscheck import Engine, sample_corpus_path
from crosscheck.brief import clean_for_display
from conftest import run_cli


@pytest.mark.parametrize("raw, shown", [
    ("apnews.com reported, The core of the agreement is a defence clause.", "The core of the agreement is a defence clause."),
    ("apnews.com noted, Western nations condemned the pact.", "Western nations condemned the pact."),
    ("KESSWICK, Veyrland – A passenger ferry capsized on Tuesday.", "A passenger ferry capsized on Tuesday."),
    ("BREVIN – Farmers gave a guarded welcome.", "Farmers gave a guarded welcome."),
    ("According to the agreement, both sides will help.", "According to the agreement, both sides will help."),
    ("The mayor said, in a statement, that the bridge is safe.", "The mayor said, in a statement, that the bridge is safe."),
])
def test_display_cleaning_only_trims(raw, shown):
    assert clean_for_display(raw) == shown
    assert shown in raw


@pytest.fixture(scope="module")
def seed_brief(stores):
    with Engine(stores.seeds()) as engine:
        story = engine.stories()[0].id
        _, groups, _ = engine.cross_check(story)
        files = {a.id: a.external_id[:3] for a in engine.articles()}
        texts = {a.id: a.text for a in engine.articles()}
        yield engine.briefing(story), groups, files, texts


def test_seed_key_points_hold_the_ratification_and_the_mutual_assistance_clause(seed_brief):
    brief, groups, _, _ = seed_brief
    ratification = next(g for g in groups if g.kind == "date" and any(e.date == "2024-11-11" for e in g.evidence))
    evidence = {(e.article_id, e.sentence) for e in ratification.evidence}
    assert any((p.article_id, p.source_text) in evidence for p in brief.key_points)
    assert any(re.search(r"mutual (military )?(assistance|aid)", p.text) for p in brief.key_points)
    assert 3 <= len(brief.key_points) <= 6
    assert all(p.label for p in brief.key_points)


def test_seed_disagreement_shows_both_troop_figures_with_their_sources(seed_brief):
    brief, _, files, _ = seed_brief
    troops = [d for d in brief.disagreements if any("10,000" in value for value, _, _ in d.sides)]
    assert len(troops) == 1
    sides = {value: {files[i] for i in ids} for value, _, ids in troops[0].sides}
    assert sides == {"approximately 10,000": {"000"}, "approximately 11,000": {"002"}}


def test_seed_coverage_shows_the_citations_of_ap_and_ndtv(seed_brief):
    brief = seed_brief[0]
    cited = dict(brief.coverage.most_cited)
    assert "AP News" in cited and "NDTV" in cited


def test_every_summary_sentence_maps_to_its_source_sentence(seed_brief):
    brief, _, _, texts = seed_brief
    assert brief.summary
    for sentence in (*brief.summary, *brief.key_points, *brief.background):
        assert sentence.text in sentence.source_text
        assert sentence.source_text in texts[sentence.article_id]
    assert sum(len(s.text.split()) for s in brief.summary) <= brief.words


@pytest.fixture(scope="module")
def sample_db(stores):
    return stores.sample()


def test_summary_respects_the_word_budget_and_names_its_outlets(sample_db):
    with Engine(sample_db) as engine:
        story = engine.stories()[0].id
        short = engine.briefing(story, words=40)
        assert 0 < sum(len(s.text.split()) for s in short.summary) <= 40
        full = engine.briefing(story)
        assert len({s.outlet for s in full.summary}) >= 3
        assert all(s.outlet for s in full.summary)


def test_disputed_sentences_are_never_key_points(sample_db):
    with Engine(sample_db) as engine:
        for story in engine.stories():
            _, groups, _ = engine.cross_check(story.id)
            disputed = {(e.article_id, e.sentence) for g in groups if g.verdict == "conflicting" for e in g.evidence}
            brief = engine.briefing(story.id)
            assert not {(p.article_id, p.source_text) for p in brief.key_points} & disputed
            for s in brief.summary:
                assert (s.label == "disputed") == ((s.article_id, s.source_text) in disputed)


@pytest.mark.parametrize("corpus", ["seeds", "sample"])
def test_key_point_labels_come_from_the_claim_groups(stores, corpus):
    """'corroborated by N' only where a claim group of that sentence has N independent
    sources, and the outlets named beside it all state that claim."""
    with Engine(getattr(stores, corpus)()) as engine:
        checked = 0
        for story in engine.stories():
            _, groups, _ = engine.cross_check(story.id)
            for point in engine.briefing(story.id).key_points:
                found = re.fullmatch(r"corroborated by (\d+) outlets(, hedged)?", point.label)
                if not found:
                    assert "corroborated" not in point.label
                    continue
                holding = [g for g in groups if any((e.article_id, e.sentence) == (point.article_id, point.source_text)
                                                     for e in g.evidence)]
                assert holding, point
                weakest = min(holding, key=lambda g: (g.verdict == "corroborated", g.independent_sources))
                assert weakest.verdict == "corroborated" and weakest.independent_sources == int(found.group(1))
                assert set(point.also) <= {e.outlet or f"article {e.article_id}" for e in weakest.evidence}
                checked += 1
        assert checked


def test_briefing_is_cached_until_its_story_changes(db_path, monkeypatch):
    import crosscheck.services.results as engine_module

    sample = sample_corpus_path()
    with Engine(db_path) as engine:
        engine.ingest([sample / "ferry_meridian_wire.txt", sample / "ferry_lakeside_observer.html"])
        story = engine.stories()[0].id
        built = []
        real = engine_module.build_briefing
        monkeypatch.setattr(engine_module, "build_briefing", lambda *a, **k: built.append(1) or real(*a, **k))
        first = engine.briefing(story)
        again = engine.briefing(story)
        assert len(built) == 1 and again == first
        engine.ingest([sample / "ferry_northgate_post.txt"])
        assert engine.briefing(story).articles == 3 and len(built) == 2


def test_cli_brief_formats(sample_db, tmp_path):
    story = str(json.loads(run_cli("stories", "--db", sample_db, "--json").stdout)["items"][0]["id"])
    markdown = run_cli("brief", story, "--db", sample_db)
    assert markdown.returncode == 0
    for heading in ("## Key points", "## Summary", "## Disagreements", "## Timeline", "## Coverage"):
        assert heading in markdown.stdout
    data = json.loads(run_cli("brief", story, "--db", sample_db, "--format", "json").stdout)
    assert data["schema"] == 2
    assert {"headline", "key_points", "summary", "disagreements", "timeline", "background", "coverage"} <= set(data)
    assert all({"text", "source_text", "article_id", "outlet", "url"} <= set(s) for s in data["summary"])
    page = tmp_path / "brief.html"
    assert run_cli("brief", story, "--db", sample_db, "--format", "html", "-o", str(page)).returncode == 0
    html = page.read_text()
    assert "<svg" in html and "coverage-chart" in html
    assert not re.search(r"<(script|link|img|iframe)\b", html)  # nothing is fetched: self-contained
    assert run_cli("brief", story, "--db", sample_db, "--format", "pdf").returncode == 2
    assert run_cli("brief", "9999", "--db", sample_db).returncode == 1


def test_html_escapes_article_text(tmp_path, db_path):
    (tmp_path / "x.txt").write_text("Council <script>alert(1)</script> vote\n5 March 2026\n"
                                    "The council voted <b>7 to 2</b> on Monday to close the old library.\n"
                                    "Residents <img src=x onerror=alert(1)> protested outside.")
    with Engine(db_path) as engine:
        engine.ingest([tmp_path / "x.txt"])
        from crosscheck.brief.render import to_html
        html = to_html(engine.briefing(engine.stories()[0].id))
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html


def test_reuse_lines_count_one_sentence_in_the_singular(sample_db):
    from dataclasses import replace

    from crosscheck.brief.render import to_html, to_markdown

    with Engine(sample_db) as engine:
        brief = next(b for b in map(engine.briefing, (s.id for s in engine.stories())) if b.coverage.rewrites)
    first, *rest = brief.coverage.rewrites
    one = replace(brief, coverage=replace(brief.coverage, rewrites=(replace(first, sentences=1), *rest)))
    for text in (to_markdown(one), to_html(one)):
        assert f"#{first.article_id}" in text and "reuses 1 sentence of #" in text
        assert "reuses 1 sentences" not in text
