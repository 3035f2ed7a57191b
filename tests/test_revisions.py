"""A page that changes after it was ingested: one article with two revisions, not two articles.

The page is served on 127.0.0.1; the first text says 41 were killed, the second 45. The story's
claim groups follow the new text, and every face shows what changed.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from fastapi.testclient import TestClient

from conftest import run_cli
from crosscheck import Engine
from crosscheck.engine import sample_corpus_path
from crosscheck.web import create_app
from live_site import NewsSite, sample_articles, serve_site

OLD, NEW = "killing 41 people", "killing 45 people"


@pytest.fixture
def site():
    news = NewsSite()
    news.add("ferry", sample_articles("ferry_meridian_wire.txt")[0])
    server = serve_site(news)
    yield news
    server.close()


def _revise(site: NewsSite, old: str, new: str) -> None:
    slug, article = site.items[0]
    assert old in article.text
    site.items[0] = (slug, dataclasses.replace(article, text=article.text.replace(old, new)))


def _killed(engine: Engine, story_id: int, article_id: int) -> list[str]:
    _, groups, _ = engine.cross_check(story_id)
    return [e.value_text for g in groups if g.kind == "quantity" for e in g.evidence
            if e.article_id == article_id and "killing" in e.sentence]


def test_a_changed_page_is_a_new_revision_of_the_same_article_and_its_claims_follow(site, db_path):
    url = f"{site.base}/articles/ferry"
    with Engine(db_path) as engine:
        first = engine.ingest([url], allow_private=True)
        engine.ingest([str(sample_corpus_path() / "ferry_lakeside_observer.html")])
        (stored,) = first.stored
        article_id = stored.article.id
        story_id = engine.store.story_of([article_id])[article_id]
        assert _killed(engine, story_id, article_id) == ["41 people"]

        _revise(site, OLD, NEW)
        second = engine.ingest([url], allow_private=True)
        assert not second.stored and [o.article.id for o in second.revised] == [article_id]
        assert engine.store.count_articles() == 2  # the page, and the other outlet's article
        assert engine.store.story_of([article_id])[article_id] == story_id
        assert _killed(engine, story_id, article_id) == ["45 people"]  # the cross-check reran
        assert NEW in engine.article_view(article_id).text

        same_id, revisions = engine.revisions(url)
        assert same_id == article_id and [r.current for r in revisions] == [False, True]
        assert any(OLD in line and line.startswith("- ") for line in revisions[1].diff)
        assert any(NEW in line and line.startswith("+ ") for line in revisions[1].diff)
        assert engine.store.revisions(article_id)[0].text.count(OLD) == 1  # the old text is kept

        again = engine.ingest([url], allow_private=True)  # unchanged since: nothing new
        assert [o.article.id for o in again.already_stored] == [article_id] and not again.revised
        assert len(engine.revisions(article_id)[1]) == 2


# the faces read what the store gives on either backend (the test above runs on both); three
# CLI processes are the slow part, so once
@pytest.mark.parametrize("backend", ["sqlite"])
def test_revisions_on_every_face(site, db_path):
    url = f"{site.base}/articles/ferry"
    with Engine(db_path) as engine:
        article_id = engine.ingest([url], allow_private=True).stored[0].article.id
        _revise(site, OLD, NEW)
        engine.ingest([url], allow_private=True)
    for ref in (str(article_id), url):
        result = run_cli("revisions", ref, "--db", db_path)
        assert result.returncode == 0, result.stderr
        assert "revision 1 (replaced)" in result.stdout and "revision 2 (current)" in result.stdout
        assert "- " in result.stdout and "45 people" in result.stdout
    data = json.loads(run_cli("revisions", str(article_id), "--db", db_path, "--json").stdout)
    assert [r["revision"] for r in data["revisions"]] == [1, 2] and data["revisions"][1]["diff"]
    missing = run_cli("revisions", "https://nowhere.example/x", "--db", db_path)
    assert missing.returncode == 1 and "no article with the URL" in missing.stderr
    client = TestClient(create_app(db_path, create=False))
    page = client.get(f"/articles/{article_id}").text
    assert 'id="revisions"' in page and "Updated" in page and "killing 45 people" in page
    assert 'class="removed"' in page and "killing 41 people" in page and "1 sentence dropped, 1 added" in page
    api = client.get(f"/api/v1/articles/{article_id}/revisions").json()
    assert api["revisions"] == data["revisions"]
    assert client.get(f"/api/v1/articles/{article_id}").json()["revisions"] == data["revisions"]


def test_a_revision_stored_by_a_process_that_died_is_analysed_by_the_next(site, db_path):
    url = f"{site.base}/articles/ferry"
    with Engine(db_path) as engine:
        article_id = engine.ingest([url], allow_private=True).stored[0].article.id
        _revise(site, OLD, NEW)
        report = engine.ingest([url], allow_private=True, analyze=False)  # stored, then the process ends
        assert report.revised
        assert [a.id for a in engine.store.pending_revisions(10)] == [article_id]
        assert "41" in " ".join(s.text for s in engine.store.analysis(article_id).sentences)
    with Engine(db_path) as engine:
        engine.analyze_pending()
        assert engine.store.pending_revisions(10) == []
        sentences = " ".join(s.text for s in engine.store.analysis(article_id).sentences)
        assert NEW in sentences and OLD not in sentences


def test_a_new_text_that_another_article_already_has_is_not_a_revision(site, db_path):
    url = f"{site.base}/articles/ferry"
    other = sample_articles("quake_coastline_brief.txt")[0]
    with Engine(db_path) as engine:
        engine.ingest([url], allow_private=True)
        engine.ingest([str(sample_corpus_path() / "quake_coastline_brief.txt")])
        slug, article = site.items[0]
        site.items[0] = (slug, dataclasses.replace(article, text=other.text))
        report = engine.ingest([url], allow_private=True)
        assert not report.revised and not report.stored
        assert engine.store.count_articles() == 2
