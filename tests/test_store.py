"""Store behaviour: WAL, schema versions and migrations, identity, atomicity, URLs."""

from __future__ import annotations

import os
import sqlite3

import pytest
from sqlalchemy import text

from crosscheck import Engine
from crosscheck.ingest import ReadOptions, make_article
from crosscheck.ingest.text import TextFields
from crosscheck.store import SCHEMA_VERSION, Store, StoreError, resolve_db_url
from crosscheck.store import schema
from conftest import sql


def _article(body: str, url: str | None = None, source: str = "test"):
    return make_article(TextFields(body=body, title="T", url=url), source=source, external_id=source,
                        options=ReadOptions())


def test_sqlite_is_in_wal_mode_with_a_schema_version(db_path, backend):
    with Store(db_path) as store:
        assert store.schema_version() == SCHEMA_VERSION
    if backend == "sqlite":  # one writer, many readers
        with sqlite3.connect(db_path) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_same_text_or_same_canonical_url_is_not_stored_twice(db_path):
    with Store(db_path) as store:
        first = store.add_article(_article("The mayor opened the bridge.",
                                           url="https://www.Example.com/a/?utm_source=x#top"))
        assert first.created
        same_text = store.add_article(_article("The  mayor opened\nthe bridge."))
        assert not same_text.created and same_text.matched_on == "text"
        assert same_text.article.id == first.article.id
        same_url = store.add_article(_article("Updated: the mayor opened the bridge today.",
                                              url="http://example.com/a"))
        assert not same_url.created and same_url.matched_on == "url"
        assert store.count_articles() == 1


def test_concurrent_writer_race_resolves_to_the_stored_article(db_path, monkeypatch):
    with Store(db_path) as one, Store(db_path) as two:
        stored = one.add_article(_article("A story both writers read."))
        # Simulate losing the race: the pre-insert lookup misses, the unique key catches it.
        real = two._find_same
        lookups = []

        def miss_first(*args):
            lookups.append(args)
            return None if len(lookups) == 1 else real(*args)

        monkeypatch.setattr(two, "_find_same", miss_first)
        outcome = two.add_article(_article("A story both writers read."))
        assert len(lookups) == 2  # the insert hit the unique key, then it looked again
        assert not outcome.created and outcome.article.id == stored.article.id
        assert two.count_articles() == 1


def test_interrupted_run_keeps_every_article_reported_stored(tmp_path, db_path, monkeypatch):
    for i in range(6):
        (tmp_path / f"{i}.txt").write_text(f"Headline {i}\nBody number {i} about the harbour strike.")
    seen = []
    original = Store.add_article

    def add_then_maybe_die(self, article):
        if len(seen) == 3:
            raise KeyboardInterrupt
        outcome = original(self, article)
        seen.append(outcome.article.id)
        return outcome

    monkeypatch.setattr(Store, "add_article", add_then_maybe_die)
    with pytest.raises(KeyboardInterrupt), Engine(db_path) as engine:
        engine.ingest([tmp_path])
    monkeypatch.undo()
    with Engine(db_path) as engine:
        assert [a.id for a in engine.articles()] == seen
        report = engine.ingest([tmp_path])
        assert len(report.stored) == 3 and len(report.already_stored) == 3


def test_pending_migrations_run_once_in_order(db_path, monkeypatch):
    Store(db_path).close()
    ran = []

    def v2(conn):
        ran.append(2)
        conn.execute(text("ALTER TABLE articles ADD COLUMN note TEXT"))

    monkeypatch.setitem(schema.MIGRATIONS, SCHEMA_VERSION + 1, v2)
    monkeypatch.setattr("crosscheck.store.db.SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Store(db_path) as store:
        assert store.schema_version() == SCHEMA_VERSION + 1
    with Store(db_path):
        pass
    assert ran == [2]
    assert sql(db_path, "SELECT note FROM articles") == []  # the column exists


def test_newer_schema_is_refused_with_a_clear_message(db_path):
    Store(db_path).close()
    sql(db_path, "UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="schema version 999, newer than"):
        Store(db_path)


def test_db_urls(monkeypatch, tmp_path):
    monkeypatch.delenv("CROSSCHECK_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_db_url(None) == f"sqlite:///{tmp_path / 'crosscheck.db'}"
    monkeypatch.setenv("CROSSCHECK_DB", str(tmp_path / "env.db"))
    assert resolve_db_url(None).endswith("env.db")
    assert resolve_db_url("postgresql://u@127.0.0.1/x") == "postgresql+psycopg://u@127.0.0.1/x"
    with pytest.raises(StoreError, match="unsupported database URL"):
        resolve_db_url("mysql://localhost/x")


def _postgres_url() -> str | None:
    url = os.environ.get("CROSSCHECK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg
        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), connect_timeout=2) as conn:
            conn.execute("select 1")
    except Exception:
        return None
    return url


def test_postgresql_url_is_a_working_store():
    url = _postgres_url()
    if url is None:
        pytest.skip("no PostgreSQL reachable at 127.0.0.1:5432")
    import psycopg
    name = f"crosscheck_t{os.getpid()}"
    admin = url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        db = admin.rsplit("/", 1)[0] + "/" + name
        with Store(db) as store:
            assert store.add_article(_article("Postgres keeps this article.")).created
            assert not store.add_article(_article("Postgres keeps this  article.")).created
            assert store.count_articles() == 1 and store.schema_version() == SCHEMA_VERSION
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_concurrent_processes_claim_different_pending_articles(db_path, backend):
    with Store(db_path) as first, Store(db_path) as second:
        ids = [first.add_article(_article(f"Report number {i} on the harbour works.", source=f"s{i}")).article.id
               for i in range(10)]
        mine, last = first.claim_pending(4)
        assert [a.id for a in mine] == ids[:4] and last == ids[3]
        theirs, _ = second.claim_pending(4)
        if backend == "sqlite":  # one writer at a time: nothing to split, so nothing is claimed
            assert [a.id for a in theirs] == ids[:4]
            return
        assert [a.id for a in theirs] == ids[4:8]  # not the ones the first holds
        rest, last = second.claim_pending(4, after_id=ids[7])
        assert [a.id for a in rest] == ids[8:] and last == ids[-1]
        assert second.claim_pending(4, after_id=ids[-1]) == ([], None)  # nothing pending after the last
        first.release_claims(a.id for a in mine[:2])
        again, _ = second.claim_pending(4)
        assert [a.id for a in again] == ids[:2]  # released ones come back; the other two are still held
    with Store(db_path) as third:  # a closed (or killed) process's claims are gone with its session
        assert [a.id for a in third.claim_pending(20)[0]] == ids
