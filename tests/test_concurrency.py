"""Two ingest processes on one store at once, with overlapping inputs.

A web app reads the same store meanwhile. Every article must end up stored exactly once, analysed once, in exactly one story, and
no story may be handed out twice: on PostgreSQL (advisory lock on placement) and on SQLite
(one writer at a time, a lock file for placement). Each article is also analysed by one
of the two processes only: on PostgreSQL they claim pending articles; on SQLite a
process skips, at placement, what the other placed meanwhile.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from crosscheck import Engine
from crosscheck.engine import sample_corpus_path
from conftest import sql
from synthetic import BATCH, write_batch


def _ingest(db: str, folder: Path) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("crosscheck")
    env = {k: v for k, v in os.environ.items() if k != "CROSSCHECK_DB"}
    return subprocess.Popen([str(exe), "ingest", "--db", db, "--quiet", str(folder)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _read_the_site_while(db: str, runs: list[subprocess.Popen]) -> dict:
    """A web app on the same store, read the way a visitor would while the ingests write:
    every answer must be whole (200, no story listed twice, no article counted in two stories,
    a story's articles each once). Requests are not one snapshot, so each is checked alone."""
    from fastapi.testclient import TestClient

    from crosscheck.web import create_app

    pages, stories_seen = 0, 0
    with TestClient(create_app(db)) as client:
        while any(run.poll() is None for run in runs):
            listing = client.get("/api/v1/stories", params={"limit": 100})
            assert listing.status_code == 200, listing.text
            items = listing.json()["items"]
            assert len({s["id"] for s in items}) == len(items)
            stored = client.get("/api/v1/articles", params={"limit": 1}).json()["total"]  # read after
            assert sum(s["articles"] for s in items) <= stored
            for story in items[:3]:
                detail = client.get(f"/api/v1/stories/{story['id']}")
                assert detail.status_code == 200, detail.text  # a merged-away id redirects, never 404s
                members = [a["id"] for a in detail.json()["articles_detail"]]
                assert len(members) == len(set(members)) == detail.json()["articles"]
            assert client.get("/api/v1/search", params={"q": "ferry"}).status_code == 200
            pages += 1
            stories_seen = max(stories_seen, listing.json()["total"])
            time.sleep(0.2)
    return {"pages": pages, "stories seen": stories_seen}


def test_two_ingest_processes_with_overlapping_inputs(tmp_path, db_path):
    rng = random.Random(11)
    made = tmp_path / "made"
    for index in range(4):
        write_batch(made, index, rng)
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, batches in ((first, (0, 1, 2)), (second, (1, 2, 3))):  # batches 1 and 2 in both
        shutil.copytree(sample_corpus_path(), folder / "sample")  # the whole sample in both
        for path in made.iterdir():
            if int(path.name[5:7]) in batches:
                shutil.copy(path, folder / path.name)
    expected = 18 + 4 * BATCH

    runs = [_ingest(db_path, first), _ingest(db_path, second)]
    served = _read_the_site_while(db_path, runs)
    outputs = [run.communicate(timeout=600) for run in runs]
    for run, (stdout, stderr) in zip(runs, outputs):
        assert run.returncode == 0, stderr
    assert served["pages"] >= 3 and served["stories seen"], served  # the site answered all along
    stored = [int(stdout.rsplit("stored ", 2)[1].split(",")[0]) for stdout, _ in outputs]
    assert sum(stored) == expected  # each article stored by exactly one of them
    analysed = [int(stdout.rsplit("analysed ", 1)[1].split()[0]) for stdout, _ in outputs]
    assert sum(analysed) == expected  # and analysed by exactly one

    [(articles, hashes)] = sql(db_path, "SELECT count(*), count(DISTINCT content_hash) FROM articles")
    assert articles == hashes == expected
    [(analysed,)] = sql(db_path, "SELECT count(*) FROM analyses")
    [(placed, distinct)] = sql(db_path, "SELECT count(*), count(DISTINCT article_id) FROM story_articles")
    assert analysed == placed == distinct == expected
    # every story in use exists once, and none is also a redirect away
    assert sql(db_path, "SELECT count(*) FROM story_articles s LEFT JOIN stories t ON t.id = s.story_id "
                        "WHERE t.id IS NULL") == [(0,)]
    assert sql(db_path, "SELECT count(*) FROM story_articles WHERE story_id IN "
                        "(SELECT old_id FROM story_redirects)") == [(0,)]
    with Engine(db_path) as engine:
        stories = engine.stories()
        assert sum(s.articles for s in stories) == expected
        # the sample's four events are still told apart, each with its articles together
        titles = {a.title: a for a in engine.articles()}
        story_of = engine.store.story_of([a.id for a in titles.values()])
        ferry = {story_of[a.id] for t, a in titles.items() if t and "Saltmarsh Dawn" in t}
        assert len(ferry) == 1
