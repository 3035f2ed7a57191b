"""Copying a whole store to another database (SQLite to PostgreSQL and back)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crosscheck import Engine
from crosscheck.store import Store, StoreError
from crosscheck.store import copy as store_copy
from crosscheck.store.schema import meta, metadata, stories

from conftest import dump_store, postgres_database, run_cli


@pytest.fixture
def other_backend(stores, tmp_path):
    """An empty store URL of the backend that `stores` is not: every copy crosses backends."""
    if stores.backend == "postgresql":
        yield str(tmp_path / "copy.db")
        return
    url, drop = postgres_database()
    try:
        yield url
    finally:
        drop()


def _rows(db: str) -> dict[str, list[tuple]]:
    """Every table's rows in key order, read through the schema's own types, so both backends'
    values compare equal; `meta` without the keys a database keeps for itself."""
    with Store(db) as store, store.engine.connect() as conn:
        found = {table.name: [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))]
                 for table in metadata.sorted_tables}
    found["meta"] = [row for row in found["meta"] if row[0] not in store_copy.OWN_KEYS]
    return found


def test_copy_keeps_every_row_and_the_copy_works(stores, other_backend, tmp_path):
    source = stores.sample()
    with Store(source) as src, Store(other_backend) as dst:
        copied = store_copy.copy_store(src, dst)
    before = _rows(source)
    assert copied["articles"] == len(before["articles"]) > 10
    assert _rows(other_backend) == before

    with Engine(source) as original:
        expected_stories = [(s.id, s.articles, s.title) for s in original.stories()]
        story_id = expected_stories[0][0]
        expected_story = original.story(story_id)
    with Engine(other_backend) as copy:
        assert [(s.id, s.articles, s.title) for s in copy.stories()] == expected_stories
        assert copy.story(story_id) == expected_story
        word = expected_story.title.split()[0]
        assert copy.store.search(word), f"full-text search found nothing for {word!r} in the copy"
        # ids go on after the copied ones: nothing new may take an id the source handed out
        newest_story = max(r[0] for r in before["stories"])
        later = tmp_path / "later.txt"
        later.write_text("Harbour festival opens\n\nAn unrelated harbour festival opened on Saturday with forty "
                         "boats and a brass band from the old quarter of the town.\n", encoding="utf-8")
        report = copy.ingest([later])
        assert report.stored[0].article.id == max(r[0] for r in before["articles"]) + 1
        assert list(copy.export_rows())[-1]["story_id"] > newest_story


def test_copy_refuses_a_store_that_holds_articles(stores, tmp_path):
    source, target = stores.sample(), stores.sample()
    kept = dump_store(target)
    with Store(source) as src, Store(target) as dst, pytest.raises(StoreError) as failure:
        store_copy.copy_store(src, dst)
    assert "not empty" in str(failure.value) and "articles" in str(failure.value)
    assert dump_store(target) == kept


def test_a_failed_copy_leaves_the_target_empty(stores, other_backend):
    source = stores.sample()

    def fail_midway(table: str, done: int, total: int) -> None:
        if table == "analyses":
            raise RuntimeError("connection lost")

    with Store(source) as src, Store(other_backend) as dst, pytest.raises(RuntimeError):
        store_copy.copy_store(src, dst, progress=fail_midway)
    rows = _rows(other_backend)
    assert not any(rows[t.name] for t in metadata.sorted_tables if t is not meta), \
        {name: len(found) for name, found in rows.items() if found}
    with Store(source) as src, Store(other_backend) as dst:  # and a second try goes through
        assert store_copy.copy_store(src, dst)["articles"] == len(_rows(source)["articles"])


def test_cli_copy_store(stores, other_backend):
    source = stores.sample()
    done = run_cli("copy-store", other_backend, "--db", source)
    assert done.returncode == 0, done.stderr
    articles = len(_rows(source)["articles"])
    assert f"copied {articles} articles" in done.stdout
    with Store(other_backend) as copy, copy.engine.connect() as conn:
        assert conn.execute(select(stories.c.id)).first() is not None
    again = run_cli("copy-store", other_backend, "--db", source)
    assert again.returncode == 1 and "not empty" in again.stderr
