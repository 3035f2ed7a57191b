"""Placement's state lives in the store and in a saved vector index, not in memory rebuilt at
every start: a process reads only the stories it scores, a deleted, stale or damaged index is
rebuilt or brought up to date and gives the same stories, and bounded caches change nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHashLSH

from conftest import sql
from crosscheck import Engine, sample_corpus_path
from crosscheck.services import story_book
from crosscheck.store import Store
from crosscheck.services.story_book import (PLACEMENT_INDEX_VERSION, index_directory, pack_state, state_from_row,
                                            state_row, unpack_state)
from crosscheck.stories import cluster
from crosscheck.stories.cluster import MemberTime, StoryState
from crosscheck.stories.features import ArticleFeatures
from crosscheck.stories.provenance import (NEAR_DUPLICATE_THRESHOLD, NUM_PERM, lsh_buckets,
                                           signature_from_bytes)


def _parts() -> list[list[Path]]:
    files = sorted(sample_corpus_path().iterdir())
    return [files[:6], files[6:10], files[10:]]


def _ingest_in_parts(db: str, between=None) -> tuple[dict[int, list[int]], list[dict]]:
    """Each part ingested by a process of its own (an Engine opened and closed); `between(i)` runs
    after part i. The stories, and how each process found its index."""
    opened = []
    for i, part in enumerate(_parts()):
        with Engine(db) as engine:
            report = engine.ingest(part)
            assert report.ok, report.rejected[:3]
            book = engine.placement._book
            opened.append({"rebuilt": book.rebuilt, "caught_up": book.caught_up})
        if between:
            between(i, Store(db))
    with Engine(db) as engine:
        return engine.store.story_memberships(), opened


@pytest.fixture(scope="module")
def control(tmp_path_factory) -> dict[int, list[int]]:
    """The stories of the three parts ingested with the index left alone (SQLite)."""
    db = str(tmp_path_factory.mktemp("control") / "control.db")
    stories, opened = _ingest_in_parts(db)
    assert [o["rebuilt"] for o in opened] == [True, False, False]  # built once, then loaded
    assert len(stories) == 4
    return stories


def _index_files(store) -> list[Path]:
    directory = index_directory(store.url)
    store.close()
    return sorted(directory.glob("*.usearch")) if directory.is_dir() else []


def test_a_deleted_index_is_rebuilt_and_gives_the_same_stories(db_path, control):
    def delete_after_first(i, store):
        files = _index_files(store)
        if i == 0:
            assert files, "closing the first process saved no index"
            for path in files:
                path.unlink()

    stories, opened = _ingest_in_parts(db_path, delete_after_first)
    assert [o["rebuilt"] for o in opened] == [True, True, False]
    assert stories == control


def test_a_stale_index_is_brought_up_to_date_and_gives_the_same_stories(db_path, control, tmp_path):
    kept = tmp_path / "kept"

    def put_back_an_old_one(i, store):
        directory = index_directory(store.url)
        store.close()
        if i == 0:
            shutil.copytree(directory, kept)
        if i == 1:  # the index saved after part 1, while the store holds parts 1 and 2
            shutil.rmtree(directory)
            shutil.copytree(kept, directory)

    stories, opened = _ingest_in_parts(db_path, put_back_an_old_one)
    assert opened[2]["rebuilt"] is False and opened[2]["caught_up"] > 0  # loaded, then caught up
    assert stories == control


def test_a_damaged_index_is_rebuilt(db_path, control):
    def damage(i, store):
        for path in _index_files(store):
            path.write_bytes(b"not an index")

    stories, opened = _ingest_in_parts(db_path, damage)
    assert [o["rebuilt"] for o in opened] == [True, True, True]
    assert stories == control


def test_small_caches_give_the_same_stories(tmp_path, monkeypatch, control):
    """Evicting story states and article features (read again from the store) changes nothing."""
    monkeypatch.setattr(cluster, "FEATURE_CACHE", 3)
    monkeypatch.setattr(story_book, "STATE_CACHE_MEMBERS", 2)
    monkeypatch.setattr(story_book, "POSTINGS_CACHED", 3)
    stories, _ = _ingest_in_parts(str(tmp_path / "small.db"))
    assert stories == control


def test_a_story_grown_by_one_equals_the_story_summed_afresh():
    rng = np.random.default_rng(3)

    def article(i):
        vector = rng.normal(size=384).astype(np.float32)
        return ArticleFeatures(article_id=i, vector=vector / np.linalg.norm(vector),
                               entities={f"name{i % 3}": 0.8, "shared": 0.6}, terms={f"t{i}": 1.0},
                               numbers={"42": 1.0} if i % 2 else {})

    members = [article(i) for i in range(1, 6)]
    grown = StoryState.of(7, members[:4]).plus(members[4])
    fresh = StoryState.of(7, members)
    assert grown.members == fresh.members and grown.keys == fresh.keys and grown.times == fresh.times
    np.testing.assert_allclose(grown.vector_sum, fresh.vector_sum, rtol=1e-5)
    for attribute in ("entities", "terms", "numbers"):
        assert grown.sums[attribute] == pytest.approx(fresh.sums[attribute])
    row = state_row(fresh)
    stored = state_from_row(7, row["vector_sum"], row["data"])
    assert (stored.members, stored.sums, stored.times) == (fresh.members, fresh.sums, fresh.times)
    np.testing.assert_array_equal(stored.vector_sum, fresh.vector_sum)
    assert sorted(row["keys"]) == sorted(fresh.keys)  # the keys go to the postings table
    # a stored state (keys in the postings) grown by one says which keys its new member adds
    first_four = state_row(StoryState.of(7, members[:4]))
    regrown = state_from_row(7, first_four["vector_sum"], first_four["data"]).plus(members[4])
    assert regrown.keys is None and set(regrown.added_keys) == {*members[4].entities, "term:t5"}


def test_stored_buckets_find_what_an_lsh_in_memory_finds(stores):
    """Near-duplicate candidates from the store's bucket table are the ones datasketch's LSH,
    built over every stored signature, returns."""
    with Engine(stores.sample()) as engine:
        signatures = {a: signature_from_bytes(blob) for a, blob in engine.store.minhashes().items()}
        lsh = MinHashLSH(threshold=NEAR_DUPLICATE_THRESHOLD, num_perm=NUM_PERM)
        for article_id, signature in signatures.items():
            lsh.insert(article_id, signature)
        mates = 0
        for article_id, signature in signatures.items():
            found = set(engine.store.bucket_mates(lsh_buckets(signature)))
            assert found == set(lsh.query(signature)), article_id
            mates += len(found) - 1
        assert mates > 0  # the sample's rewrites share buckets


def test_a_new_process_places_without_reading_the_whole_store(db_path, monkeypatch):
    """Once a store is indexed, a process places articles without reading every membership,
    every signature or every article's features: what it reads is the neighbourhood it
    re-clusters (at most max_local_articles), whatever the store holds."""
    first, second, third = _parts()
    with Engine(db_path) as engine:
        assert engine.ingest(first + second).ok

    def whole_store(self, *args):
        raise AssertionError("placement read the whole store")

    monkeypatch.setattr(Store, "minhashes", whole_store)
    monkeypatch.setattr(Store, "story_memberships", whole_store)
    monkeypatch.setattr(Store, "iter_articles", whole_store)
    with Engine(db_path) as engine:
        report = engine.ingest(third)
        assert report.ok and report.stored
        assert engine.placement._book.rebuilt is False


def test_a_store_from_before_the_states_gets_them_and_the_same_stories(db_path, control):
    """A store written before story states, postings and buckets were kept (schema 8) gets
    them from its stored features and signatures when placement first opens it."""
    def forget_the_states(i, store):
        store.close()
        if i == 0:
            for table in ("story_keys", "story_state", "minhash_buckets"):
                sql(db_path, f"DELETE FROM {table}")
            sql(db_path, "DELETE FROM meta WHERE key = 'placement_index'")

    stories, opened = _ingest_in_parts(db_path, forget_the_states)
    assert stories == control
    live = sql(db_path, "SELECT count(*) FROM story_state WHERE size > 0")[0][0]
    assert live == len(control)
    buckets = sql(db_path, "SELECT count(DISTINCT article_id) FROM minhash_buckets")[0][0]
    assert buckets == sum(len(members) for members in control.values())


def test_a_store_of_json_states_is_upgraded_and_gives_the_same_stories(db_path, control):
    """A store of schema 9 kept its states as JSON text; opened by this version it gets packed
    states, rebuilt from its features, and places as a store that always had them."""
    def to_schema_nine(i, store):
        if i == 0:
            store.close()
            rows = sql(db_path, "SELECT story_id, vector_sum, data FROM story_state WHERE size > 0")
            old = []
            for story_id, vector_sum, data in rows:
                state = unpack_state(story_id, np.frombuffer(vector_sum, np.float32), bytes(data))
                old.append({"story_id": story_id, "size": len(state.members), "vector_sum": vector_sum,
                            "data": json.dumps({"members": list(state.members), "sums": state.sums, "times": [
                                [sorted(t.years), t.day, [list(span) for span in t.event]] for t in state.times]})})
            sql(db_path, "DROP TABLE story_state")
            blob = "BYTEA" if db_path.startswith("postgresql") else "BLOB"
            sql(db_path, "CREATE TABLE story_state (story_id INTEGER PRIMARY KEY, generation BIGINT NOT NULL, "
                         f"size INTEGER NOT NULL, vector_sum {blob}, data TEXT)")
            for row in old:
                sql(db_path, "INSERT INTO story_state VALUES (:story_id, 0, :size, :vector_sum, :data)", row)
            sql(db_path, "UPDATE meta SET value = '9' WHERE key = 'schema_version'")
            sql(db_path, "UPDATE meta SET value = '2:' || substr(value, 3) WHERE key = 'placement_index'")
        else:
            store.close()

    stories, opened = _ingest_in_parts(db_path, to_schema_nine)
    assert stories == control
    assert opened[1]["rebuilt"] is True  # the upgraded store's states and index were made afresh
    with Store(db_path) as store:
        assert store.schema_version() >= 10
        assert store.meta_value("placement_index").startswith(f"{PLACEMENT_INDEX_VERSION}:")
    (story_id, vector_sum, data), = sql(db_path, "SELECT story_id, vector_sum, data FROM story_state "
                                                 "WHERE size > 0 LIMIT 1")
    assert unpack_state(story_id, np.frombuffer(vector_sum, np.float32), bytes(data)).members


def test_a_packed_state_keeps_members_without_dates_or_sums():
    bare = StoryState(story_id=3, members=(5, 9), vector_sum=np.ones(4, np.float32),
                      sums={"entities": {}, "numbers": {"": 1.0, "42": 2.5}}, keys=None,
                      times=(MemberTime(frozenset(), None, ()), MemberTime(frozenset({2024, 1999}), 739000,
                                                                           ((739000, 739001), (738990, 738990)))))
    back = unpack_state(3, bare.vector_sum, pack_state(bare))
    assert (back.members, back.sums, back.times) == (bare.members, bare.sums, bare.times)
    with pytest.raises(ValueError, match="NUL"):
        pack_state(StoryState(story_id=3, members=(5,), vector_sum=bare.vector_sum,
                              sums={"entities": {"a\x00b": 1.0}}, keys=None, times=bare.times[:1]))
    with pytest.raises(ValueError, match="story 3"):
        unpack_state(3, bare.vector_sum, b'{"members": [5]}')


def test_cached_postings_match_the_store_after_placing(db_path):
    """The postings a process keeps are updated with the keys its own placements add and
    remove, so they always read as the store's."""
    with Engine(db_path) as engine:
        for part in _parts():
            assert engine.ingest(part).ok
        book = engine.placement._book
        cached = dict(book._postings)
        assert cached
        stored = engine.store.story_postings(cached, book._postings_limit)
        for key, (count, stories) in cached.items():
            assert (count, sorted(stories) if stories is not None else None) == \
                (stored[key][0], sorted(stored[key][1]) if stored[key][1] is not None else None), key
