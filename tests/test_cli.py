"""The CLI as a user runs it: --db on every subcommand, exit codes, JSON output, export, demo."""

import json

import pytest

from conftest import run_cli


@pytest.fixture
def mixed_inputs(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "story.txt").write_text("Bridge reopens after repairs\n6 March 2026 09:00\n"
                                 "The old bridge reopened on Friday after three months of repairs.")
    (d / "rows.jsonl").write_text(
        json.dumps({"id": "row-7", "url": "https://wire.example/bridge", "title": "Bridge open",
                    "published": "2026-03-06T10:00:00+01:00", "outlet": "Wire", "author": "Ana Ruiz",
                    "text": "Traffic crossed the bridge again on Friday morning."}) + "\n" +
        json.dumps({"url": "https://wire.example/second", "text": "A second row without an id."}) + "\n")
    return d


def test_export_jsonl_rows_follow_the_documented_schema(db_path, mixed_inputs):
    assert run_cli("ingest", "--db", db_path, "--outlet", "Town Paper", str(mixed_inputs)).returncode == 0
    result = run_cli("export", "--db", db_path, "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    rows = {row["id"]: row for row in map(json.loads, result.stdout.splitlines())}
    assert set(rows) == {"story.txt", "row-7", "https://wire.example/second"}
    for row in rows.values():
        assert set(row) == {"id", "outlet", "source_label", "url", "title", "published", "author", "text",
                            "story_id"}
    assert rows["story.txt"]["outlet"] == "Town Paper"  # --outlet fills in what the file lacks
    assert rows["story.txt"]["published"] == "2026-03-06T09:00:00"
    assert all(isinstance(row["story_id"], int) for row in rows.values())
    del rows["row-7"]["story_id"]
    assert rows["row-7"] == {
        "id": "row-7", "outlet": "Wire", "url": "https://wire.example/bridge", "title": "Bridge open",
        "published": "2026-03-06T10:00:00+01:00", "author": "Ana Ruiz", "source_label": "Wire",
        "text": "Traffic crossed the bridge again on Friday morning."}
    assert rows["https://wire.example/second"]["outlet"] == "Town Paper"


def test_export_to_file_and_articles_json(db_path, mixed_inputs, tmp_path):
    run_cli("ingest", "--db", db_path, str(mixed_inputs))
    out = tmp_path / "out.jsonl"
    assert run_cli("export", "--db", db_path, "-o", str(out)).returncode == 0
    assert len(out.read_text().splitlines()) == 3
    listed = json.loads(run_cli("articles", "--db", db_path, "--json").stdout)
    assert [a["id"] for a in listed] == [1, 2, 3]
    # an article that names no outlet is named by its file, one from a URL by its host
    assert {a["outlet"] for a in listed} == {"story.txt", "Wire", "wire.example"}


def test_db_from_environment(db_path, mixed_inputs):
    db = db_path
    assert run_cli("ingest", str(mixed_inputs), env={"CROSSCHECK_DB": db}).returncode == 0
    listed = json.loads(run_cli("articles", "--json", env={"CROSSCHECK_DB": db}).stdout)
    assert len(listed) == 3


@pytest.mark.parametrize("args", [
    ("ingest",),                         # missing PATH
    ("export", "--format", "xml"),       # unsupported format
    ("articles", "--limit", "0"),        # out of range
    ("no-such-command",),
    ("ingest", "--bogus", "x"),
])
def test_usage_errors_exit_2(args, db_path):
    result = run_cli(*args, "--db", db_path) if args[0] != "no-such-command" else run_cli(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)


def test_demo_ingests_the_bundled_sample(tmp_path):
    db = tmp_path / "demo.db"
    result = run_cli("demo", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "rejected 0" in result.stdout
    stored = int(result.stdout.split("stored ", 1)[1].split(",", 1)[0])
    assert stored >= 15
    assert "Harbor Ledger" in result.stdout
    again = run_cli("demo", "--db", str(db))  # a demo always starts from a fresh store
    assert f"stored {stored}, already stored 0" in again.stdout
