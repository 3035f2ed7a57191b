"""The engine's in-memory caches (story summaries, decoded claim checks and briefings) never
serve stale results: they follow stories that change, also when another process changes them."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from crosscheck import Engine, sample_corpus_path
from crosscheck.web import create_app


def _split_sample():
    files = sorted(p for p in sample_corpus_path().iterdir() if p.is_file())
    first = [p for p in files if p.name.startswith("ferry_")][:3]
    return first, [p for p in files if p not in first]


def test_caches_follow_changes_made_by_another_engine(db_path):
    first, rest = _split_sample()
    with Engine(db_path) as reader:
        assert reader.ingest(first).ok
        before = reader.stories()
        story = before[0].id
        old_brief = reader.briefing(story)
        old_checked = reader.cross_check(story)
        old_page = reader.story_page(story)
        old_outlets = reader.outlets()
        old_latest = reader.story_list(order="latest", limit=100)
        assert reader.story_list(order="latest", limit=100) == old_latest
        assert reader.briefing(story) == old_brief and reader.cross_check(story) == old_checked
        assert reader.story_page(story) is old_page  # kept while the store is unchanged

        with Engine(db_path) as writer:  # as another process would
            assert writer.ingest(rest).ok
        with Engine(db_path) as fresh:
            expected_stories = fresh.stories()
            resolved = fresh.store.resolve_story(story)
            expected_brief = fresh.briefing(story)
            expected_checked = fresh.cross_check(story)
            expected_page = fresh.story_page(story)
            expected_outlets = fresh.outlets()
            expected_latest = fresh.story_list(order="latest", limit=100)

        assert reader.stories() == expected_stories != before
        assert reader.briefing(story) == expected_brief
        assert reader.cross_check(story) == expected_checked
        assert reader.story_page(story) == expected_page != old_page
        assert reader.outlets() == expected_outlets != old_outlets
        assert reader.story_list(order="latest", limit=100) == expected_latest != old_latest
        assert expected_brief.articles > old_brief.articles  # the ferry story grew: not the cached one
        assert reader.story(story).id == resolved


def _story_part(html: str) -> str:
    return re.search(r"<article>.*</article>", html, re.S).group(0)


def test_story_page_html_follows_changes_made_by_another_engine(tmp_path):
    """The server keeps a story's rendered part (web/fragments.py); an ingest by another
    process must show on the next request, as a server started afresh would show it."""
    db = str(tmp_path / "kept.db")
    first, rest = _split_sample()
    with Engine(db) as engine:
        assert engine.ingest(first).ok
    with TestClient(create_app(db)) as client:
        story = client.get("/api/v1/stories").json()["items"][0]["id"]
        before = _story_part(client.get(f"/stories/{story}").text)
        assert _story_part(client.get(f"/stories/{story}").text) == before
        with Engine(db) as writer:
            assert writer.ingest(rest).ok
        after = _story_part(client.get(f"/stories/{story}").text)
    with TestClient(create_app(db)) as fresh:
        expected = _story_part(fresh.get(f"/stories/{story}").text)
    assert after == expected != before
    assert after.count('<li><a href="/articles/') > before.count('<li><a href="/articles/')


def test_cached_results_are_not_shared_mutable_lists(db_path):
    with Engine(db_path) as engine:
        assert engine.ingest([sample_corpus_path()]).ok
        story = engine.stories()[0].id
        engine.cross_check(story)
        engine.stories().clear()
        engine.cross_check(story)[1].clear()
        assert engine.stories() and engine.cross_check(story)[1]


def test_story_members_and_reuse_counts_match_the_full_reads(db_path):
    with Engine(db_path) as engine:
        assert engine.ingest([sample_corpus_path()]).ok
        memberships = engine.store.story_memberships()
        assert memberships
        for story, members in memberships.items():
            assert engine.store.story_members(story) == members
            counted: dict[tuple[int, int, str], int] = {}
            for r in engine.store.reuse_among(members):
                counted[(r.article_id, r.source_id, r.kind)] = counted.get((r.article_id, r.source_id, r.kind), 0) + 1
            assert {(a, s, k): n for a, s, k, n in engine.store.reuse_counts_among(members)} == counted
        assert any(engine.store.reuse_counts_among(m) for m in memberships.values())
        assert engine.store.story_members(10_000) == []


def test_reuse_partners_outside_the_sentence_cache_are_read_together(stores):
    """A new article's reuse partners that the engine no longer holds in memory are read from
    the store in one go, and give the same sentence reuse as partners still held."""
    files = sorted(p for p in sample_corpus_path().iterdir() if p.is_file())
    with Engine(stores.empty()) as warm:
        assert warm.ingest(files).ok
        sources = {a.id: a.source for a in warm.articles()}
        reuse = warm.store.reuse_among(list(sources))
        # the article that reuses the most sentences of others comes last in the other store
        derived = max(sources, key=lambda a: (sum(r.article_id == a for r in reuse), -a))
        expected = sorted((r.sentence, sources[r.source_id], r.source_sentence, r.kind)
                          for r in reuse if r.article_id == derived)
    assert expected

    last = next(p for p in files if str(p) == sources[derived])
    with Engine(stores.empty()) as cold:
        assert cold.ingest([p for p in files if p != last]).ok
        cold.sentences._cache.clear()  # as after thousands of other articles
        reads = []
        original = cold.store.sentence_texts
        cold.store.sentence_texts = lambda ids: reads.append(sorted(ids)) or original(ids)
        assert cold.ingest([last]).ok
        names = {a.id: a.source for a in cold.articles()}
        new_id = max(names)
        found = sorted((r.sentence, names[r.source_id], r.source_sentence, r.kind)
                       for r in cold.store.reuse_among(list(names)) if r.article_id == new_id)
    assert found == expected
    assert len(reads) == 1 and len(reads[0]) >= 2, reads


def test_store_version_reads_placements_and_corrections_together(db_path):
    with Engine(db_path) as engine:
        assert engine.store.version() == (0, 0)
        assert engine.ingest(_split_sample()[0]).ok
        placed = engine.store.version()
        assert placed == (engine.store.placement_generation(), engine.store.corrections()) and placed[0] > 0
        story = engine.stories()[0]
        engine.correct_article(engine.story(story.id).articles_detail[0].id, outlet="Quillmere Post")
        assert engine.store.version() == (placed[0], placed[1] + 1)
        assert "Quillmere Post" in engine.stories()[0].outlets  # the kept list saw the correction
