"""`ingest --no-analyze` stores and returns; `crosscheck worker` analyses and places what was
stored, giving the stories a plain ingest gives."""

from __future__ import annotations

import json

from conftest import run_cli
from crosscheck import sample_corpus_path


def _stories(db: str) -> list[tuple[int, str]]:
    listed = json.loads(run_cli("stories", "--db", db, "--json", "--limit", "100").stdout)["items"]
    return sorted((s["articles"], s["title"]) for s in listed)


def test_a_worker_places_what_ingest_handed_over(db_path, tmp_path):
    stored = run_cli("ingest", "--db", db_path, "--no-analyze", str(sample_corpus_path()))
    assert stored.returncode == 0, stored.stderr
    assert _stories(db_path) == []  # stored, not yet analysed or placed
    worked = run_cli("worker", "--db", db_path, "--rounds", "1")
    assert worked.returncode == 0, worked.stderr
    assert "placed 18" in worked.stderr
    plain = str(tmp_path / "plain.db")
    assert run_cli("ingest", "--db", plain, str(sample_corpus_path())).returncode == 0
    assert _stories(db_path) == _stories(plain) and len(_stories(plain)) == 4
    again = run_cli("worker", "--db", db_path, "--rounds", "1")  # nothing left: a quiet round
    assert again.returncode == 0 and "placed" not in again.stderr
