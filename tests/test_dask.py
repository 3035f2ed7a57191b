"""Dask: reading and analysis on the workers of a LocalCluster make the same stories as one process."""

from __future__ import annotations

import random
import shutil

import pytest

from crosscheck import Engine
from crosscheck.engine import sample_corpus_path
from crosscheck.stories.scoring import bcubed
from conftest import run_cli
from synthetic import write_batch


@pytest.fixture(scope="module")
def client():
    pytest.importorskip("dask.distributed")
    from crosscheck.scale import close, connect

    dask_client = connect("local", workers=2)
    yield dask_client
    close(dask_client)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dask-corpus")
    shutil.copytree(sample_corpus_path(), folder / "sample")
    rng = random.Random(5)
    for index in range(3):
        write_batch(folder / "made", index, rng)
    (folder / "feeds.opml").write_text("<opml><body>")  # read (and rejected) by the engine itself
    return folder


def _stories(engine: Engine) -> dict[str, int]:
    rows = list(engine.export_rows())
    return {row["id"]: row["story_id"] for row in rows}


def test_dask_ingest_makes_the_same_stories_as_one_process(client, corpus, tmp_path, db_path):
    with Engine(str(tmp_path / "single.db")) as engine:
        single = engine.ingest([corpus])
        expected = _stories(engine)
    with Engine(db_path) as engine:
        spread = engine.ingest([corpus], dask=client)
        found = _stories(engine)
        assert engine.store.count_articles() == len(expected) == 18 + 30
        citations = engine.store.citations_of(list(range(1, 49)))
    assert [str(r) for r in spread.rejected] == [str(r) for r in single.rejected]
    assert [r.source.endswith("feeds.opml") for r in spread.rejected] == [True]
    assert sorted(found) == sorted(expected)
    assert bcubed(found, expected)[2] >= 0.99
    with Engine(str(tmp_path / "single.db")) as engine:
        assert engine.store.citations_of(list(range(1, 49))) == citations


def test_ingest_command_with_a_local_cluster(db_path):
    db = db_path
    done = run_cli("ingest", "--db", db, "--quiet", "--dask", "local", "--dask-workers", "1",
                   str(sample_corpus_path()))
    assert done.returncode == 0, done.stderr
    assert "stored 18, already stored 0, rejected 0" in done.stdout
    with Engine(db) as engine:
        assert len(engine.stories()) == 4  # the sample's four events
    refused = run_cli("ingest", "--db", db, "--dask", "tcp://127.0.0.1:9", str(sample_corpus_path()))
    assert refused.returncode == 1 and "cannot reach the Dask scheduler tcp://127.0.0.1:9" in refused.stderr
