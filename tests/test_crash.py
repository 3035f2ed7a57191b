"""Crash safety: SIGKILL a real ingest (and a real watch) at random moments, restart, check the store.

After every kill the store must hold no duplicate and no half-stored article (each
article has its search row; each analysed article its features and exactly one
story), and the restarted run must finish the work. For watch, no alert may be lost.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from crosscheck import Engine
from crosscheck.store.schema import alert_deliveries
from live_site import NewsSite, Webhook, sample_articles, serve_site, serve_webhook
from synthetic import BATCH, write_batch

KILLS = 10
# kill points come from this seed; set CROSSCHECK_CRASH_SEED to try others
SEED = int(os.environ.get("CROSSCHECK_CRASH_SEED", "20261130"))

def crosscheck(*args: str) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("crosscheck")
    env = {k: v for k, v in os.environ.items() if k != "CROSSCHECK_DB"}
    return subprocess.Popen([str(exe), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


_engines: dict[str, object] = {}


def one(db: str, query: str):
    """The single value `query` gives on the store (either backend), read as another process would."""
    if "://" not in db:  # read-only, so that polling never creates the file before crosscheck does
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            return conn.execute(query).fetchone()[0]
    from sqlalchemy import create_engine, text

    from crosscheck.store import resolve_db_url

    if db not in _engines:
        _engines[db] = create_engine(resolve_db_url(db), poolclass=NullPool)
    with _engines[db].connect() as conn:
        return conn.execute(text(query)).scalar_one()


def counts(db: str) -> dict[str, int]:
    return {"articles": one(db, "SELECT count(*) FROM articles"),
            "analysed": one(db, "SELECT count(*) FROM analyses"),
            "deliveries": one(db, "SELECT count(*) FROM alert_deliveries")}


def check_consistent(db: str) -> None:
    if "://" not in db:
        assert one(db, "PRAGMA integrity_check") == "ok"
        # the search row commits with its article (PostgreSQL searches an index over articles itself)
        assert one(db, "SELECT count(*) FROM articles_fts") == one(db, "SELECT count(*) FROM articles")
    assert one(db, "SELECT count(*) FROM (SELECT content_hash FROM articles GROUP BY content_hash "
                   "HAVING count(*) > 1) AS twice") == 0
    assert one(db, "SELECT count(*) FROM (SELECT canonical_url FROM articles WHERE canonical_url IS NOT NULL "
                   "GROUP BY canonical_url HAVING count(*) > 1) AS twice") == 0
    # an analysis commits with its features and its story, never apart
    assert one(db, "SELECT count(*) FROM analyses a LEFT JOIN article_features f USING (article_id) "
                   "WHERE f.article_id IS NULL") == 0
    assert one(db, "SELECT count(*) FROM analyses a LEFT JOIN story_articles s USING (article_id) "
                   "WHERE s.article_id IS NULL") == 0
    assert one(db, "SELECT count(*) FROM story_articles s LEFT JOIN analyses a USING (article_id) "
                   "WHERE a.article_id IS NULL") == 0
    # no article in a story that was merged away
    assert one(db, "SELECT count(*) FROM story_articles WHERE story_id IN (SELECT old_id FROM story_redirects)") == 0


def kill_when(process: subprocess.Popen, db: str, reached, rng: random.Random, limit: float = 240) -> bool:
    """SIGKILL `process` once reached(counts) holds (after a random few ms); False if it ended first."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if reached(counts(db)):
                time.sleep(rng.uniform(0, 0.02))
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=30)
                return process.returncode == -signal.SIGKILL
        except (sqlite3.OperationalError, DBAPIError):
            pass  # the database (or its tables) is not created yet
        time.sleep(0.005)
    process.kill()
    raise AssertionError("the run made no progress")


def test_sigkill_during_ingest_loses_and_duplicates_nothing(tmp_path, db_path):
    rng = random.Random(SEED)
    corpus, db = tmp_path / "corpus", db_path
    killed = 0
    for run in range(KILLS):
        write_batch(corpus, run, rng)  # each run: BATCH new articles, and every earlier one again
        before = counts(db) if run else {"articles": 0, "analysed": 0}
        if rng.random() < 0.5:
            target = ("articles", before["articles"] + rng.randint(1, BATCH - 2))
        else:
            target = ("analysed", before["analysed"] + rng.randint(1, BATCH - 4))
        process = crosscheck("ingest", "--db", db, "--quiet", str(corpus))
        killed += kill_when(process, db, lambda c: c[target[0]] >= target[1], rng)
        check_consistent(db)
    assert killed == KILLS
    left = counts(db)
    assert left["analysed"] < KILLS * BATCH  # the last kill left work undone

    finish = crosscheck("ingest", "--db", db, "--quiet", str(corpus))
    stdout, stderr = finish.communicate(timeout=600)
    assert finish.returncode == 0, stderr
    check_consistent(db)
    total = KILLS * BATCH
    assert counts(db)["articles"] == total and counts(db)["analysed"] == total
    assert f"stored {total - left['articles']}, already stored {left['articles']}, rejected 0" in stdout
    assert one(db, "SELECT count(DISTINCT article_id) FROM story_articles") == total
    with Engine(db) as engine:
        assert sum(s.articles for s in engine.stories()) == total


FERRY = ("ferry_meridian_wire.txt", "ferry_harbor_ledger.txt")
NEW = ("ferry_lakeside_observer.html", "ferry_coastline_brief.txt", "ferry_northgate_post.txt")


def test_sigkill_during_watch_loses_no_alert(db_path):
    rng = random.Random(SEED)
    site, hook = NewsSite(), Webhook(fail_first=10 ** 6)  # the webhook is down until the end
    for name, article in zip(FERRY, sample_articles(*FERRY)):
        site.add(name.split(".")[0], article)
    servers = [serve_site(site), serve_webhook(hook)]
    db = db_path
    try:
        with Engine(db) as engine:
            engine.ingest([f"{site.base}/feed.xml"], allow_private=True)
            [story] = engine.stories()
            engine.follow(story.id, hook.url, allow_private=True)
        for name, article in zip(NEW, sample_articles(*NEW)):
            site.add(name.split(".")[0], article)
        # kill while the new pages are stored, while they are analysed, and once an alert is queued
        points = [("articles", 3), ("analysed", 4), ("deliveries", 1)]
        for what, at_least in points:
            process = crosscheck("watch", f"{site.base}/feed.xml", "--db", db, "--interval", "1s",
                                 "--allow-private", "--quiet")
            kill_when(process, db, lambda c: c[what] >= at_least, rng)
            check_consistent(db)
        hook.fail_first = 0  # the webhook is back; an hour passes
        with Engine(db) as engine:
            with engine.store.engine.begin() as conn:
                conn.execute(update(alert_deliveries).values(next_attempt=alert_deliveries.c.created_at))
        process = crosscheck("watch", f"{site.base}/feed.xml", "--db", db, "--interval", "1s",
                             "--allow-private", "--rounds", "2", "--quiet")
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
    finally:
        for server in servers:
            server.close()
    check_consistent(db)
    with Engine(db) as engine:
        [story] = engine.stories()
        assert story.articles == 5
        pending = engine.live.deliveries(pending_only=True)
        queued = engine.live.deliveries()
    assert pending == [] and queued
    delivered_ids = {body["delivery_id"] for body in hook.received}
    assert delivered_ids == {d.id for d in queued}  # every queued alert arrived
    told = {c["outlet"] for body in hook.received for c in body["changes"] if c["type"] == "new_outlet"}
    assert told == {"Lakeside Observer", "Coastline Brief", "Northgate Post"}  # no new outlet went unannounced
