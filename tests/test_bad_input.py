"""Every bad-input case: a one-line error naming the file (and line), the rest
of the run goes on, exit code 1, and nothing already stored changes."""

from __future__ import annotations

import json
import random

import pytest

from conftest import run_cli, sql

GOOD_A = ("Harbour cranes stand idle\n4 March 2026 10:00\n"
          "Dockworkers at the east quay stopped work on Wednesday over a pay dispute.\n"
          "The union said more than 400 members joined the stoppage.")
GOOD_B = ("Library closure approved\n5 March 2026\n"
          "The town council voted on Thursday to close the old library by June.\n"
          "Residents gathered outside the hall to protest the decision.")


def _dump(db_path: str):
    return sql(db_path, "SELECT * FROM articles ORDER BY id")


@pytest.fixture
def stored(tmp_path, db_path):
    """A store with two articles already in it; returns its dump."""
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.txt").write_text(GOOD_A, encoding="utf-8")
    (good / "b.txt").write_text(GOOD_B, encoding="utf-8")
    result = run_cli("ingest", "--db", db_path, str(good))
    assert result.returncode == 0, result.stderr
    before = _dump(db_path)
    assert len(before) == 2
    return before


def _ingest_bad(db_path, *paths, extra=()):
    result = run_cli("ingest", "--db", db_path, *extra, *map(str, paths))
    assert result.returncode == 1, (result.stdout, result.stderr)
    rejected = [line for line in result.stderr.splitlines() if line.startswith("rejected ")]
    return result, rejected


CASES = {
    "binary": ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary file"),
    "empty": ("empty.txt", b"", "empty file"),
    "blank": ("blank.txt", b"   \n\n \t\n", "empty file"),
    "no-text-html": ("broken.html", b"<html><head><title>x</title></head><body><div><p></div><script>var a=1;</script>",
                     "no article text found"),
    "not-html": ("plain.html", b"just words without any markup at all, not even one tag", "not HTML"),
    "undecodable": ("latin.txt", bytes(random.Random(7).randrange(0x80, 0x100) for _ in range(600)),
                    "undecodable text"),
    "truncated-utf16": ("utf16.txt", b"\xff\xfe" + "Hello".encode("utf-16-le") + b"\x00", "undecodable text"),
    "bad-json": ("rows.json", b'{"text": "unterminated', "invalid JSON"),
    "json-scalar": ("rows.json", b'42', "JSON must be an object or a list"),
    "json-missing": ("one.json", b'{"title": "No body here"}', "missing field 'text' or 'html'"),
    "boilerplate-only": ("chrome.txt", b"No comments yet\nJoin the Discussion\n", "no article text"),
    "unsupported": ("notes.pdf", b"%PDF-1.4 fake", "unsupported file type '.pdf'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_is_rejected_with_its_name_and_store_is_unchanged(case, tmp_path, db_path, stored):
    name, data, message = CASES[case]
    bad = tmp_path / name
    bad.write_bytes(data)
    result, rejected = _ingest_bad(db_path, bad)
    assert len(rejected) == 1, result.stderr
    assert str(bad) in rejected[0] and message in rejected[0]
    assert "rejected 1" in result.stdout
    assert _dump(db_path) == stored


def test_file_over_size_cap(tmp_path, db_path, stored):
    big = tmp_path / "big.txt"
    big.write_text("Headline\n" + "A sentence about the harbour. " * 200, encoding="utf-8")
    result, rejected = _ingest_bad(db_path, big, extra=("--max-bytes", "1000"))
    assert f"{big}: file too large" in rejected[0] and "limit is 1,000" in rejected[0]
    assert _dump(db_path) == stored


def test_nonexistent_path_and_the_run_goes_on(tmp_path, db_path, stored):
    ok = tmp_path / "ok.txt"
    ok.write_text("Ferry service resumes\n6 March 2026\nThe ferry between the two islands ran again today "
                  "after a week of storms.", encoding="utf-8")
    missing = tmp_path / "nope" / "missing.txt"
    result, rejected = _ingest_bad(db_path, missing, ok)
    assert rejected == [f"rejected {missing}: no such file or directory"]
    assert "stored 1, already stored 0, rejected 1" in result.stdout
    after = _dump(db_path)
    assert after[:2] == stored and len(after) == 3


def test_jsonl_bad_lines_are_named_and_good_lines_stored(tmp_path, db_path, stored):
    rows = [
        json.dumps({"id": "w1", "text": "The bridge reopened to traffic on Friday after repairs costing $2 million.",
                    "outlet": "Wire One", "published": "2026-03-06T08:00:00Z"}),
        '{"id": "w2", "text": "broken',
        json.dumps({"id": "w3", "title": "No text"}),
        json.dumps({"id": "w4", "text": "A valid body about the bridge and its traffic.", "published": "not a date"}),
        json.dumps({"id": "w5", "text": "Another valid body.", "outlet": ["a", "list"]}),
        "",
        json.dumps(["not", "an", "object"]),
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result, rejected = _ingest_bad(db_path, feed)
    assert rejected == [
        f"rejected {feed}:2: invalid JSON (column 22: Unterminated string starting at)",
        f"rejected {feed}:3: missing field 'text' or 'html'",
        f"rejected {feed}:4: field 'published': cannot parse date 'not a date'",
        f"rejected {feed}:5: field 'outlet' must be a string, got list",
        f"rejected {feed}:7: expected a JSON object, got list",
    ]
    after = _dump(db_path)
    assert after[:2] == stored and len(after) == 3
    assert "stored 1, already stored 0, rejected 5" in result.stdout


def test_broken_but_readable_html_is_stored(tmp_path, db_path, stored):
    page = tmp_path / "messy.html"
    page.write_text(
        "<html><head><title>Storm closes the port</title><meta property='og:site_name' content='Bay Daily'>"
        "<body><article><h1>Storm closes the port<p>The port authority closed the harbour on Sunday as winds "
        "reached 110 km/h, stranding several cargo ships offshore.<p>Officials expect to reopen on Tuesday "
        "if the forecast holds.</div></div><p>Ferries were cancelled for the day.</article>",
        encoding="utf-8")
    result = run_cli("ingest", "--db", db_path, str(page))
    assert result.returncode == 0, result.stderr
    after = _dump(db_path)
    assert after[:2] == stored and len(after) == 3


def test_wrong_encodings_are_detected(tmp_path, engine):
    text = ("Le conseil municipal a voté lundi la fermeture de la bibliothèque. Les habitants, très déçus, "
            "ont manifesté devant la mairie. « C’est une décision injuste », a déclaré une élue. ") * 4
    (tmp_path / "fr.txt").write_bytes(("Fermeture votée\n" + text).encode("cp1252"))
    (tmp_path / "utf16.txt").write_bytes(("Fermeture votée (bis)\n" + text + " Fin.").encode("utf-16"))
    report = engine.ingest([tmp_path])
    assert report.ok, report.rejected
    titles = sorted(a.title for a in engine.articles())
    assert titles == ["Fermeture votée", "Fermeture votée (bis)"]
    assert all("bibliothèque" in a.text for a in engine.articles())


def test_bad_db_path_is_a_failed_operation(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(GOOD_A)
    result = run_cli("ingest", "--db", str(tmp_path / "no" / "such" / "dir.db"), str(article))
    assert result.returncode == 1
    assert "directory does not exist" in result.stderr
    notdb = tmp_path / "notes.db"
    notdb.write_text("this is not a database " * 100)
    result = run_cli("articles", "--db", str(notdb))
    assert result.returncode == 1 and "file is not a database" in result.stderr
