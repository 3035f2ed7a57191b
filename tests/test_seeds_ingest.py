"""The foundation issue's acceptance bar on the real seed articles."""

from datetime import datetime

from conftest import run_cli


def _by_file(engine):
    return {a.external_id: a for a in engine.articles()}


def test_seeds_store_all_five_with_titles_dates_and_clean_text(engine, seeds_dir):
    report = engine.ingest([seeds_dir])
    assert report.ok and len(report.stored) == 5
    arts = _by_file(engine)
    files = sorted(arts)
    a0, a1, a2, a3, a4 = (arts[f] for f in files)

    first_lines = {f: (seeds_dir / f).read_text(encoding="utf-8").split("\n", 1)[0].strip() for f in files}
    assert a0.title == first_lines[files[0]] and not a0.title_derived
    assert a1.title == first_lines[files[1]] and not a1.title_derived
    assert a0.title not in a0.text.split("\n")

    assert a0.published == datetime(2024, 11, 12, 7, 29) and a0.published_has_time
    assert a3.published == datetime(2024, 11, 12) and not a3.published_has_time
    assert a3.published_iso() == "2024-11-12"
    # the date prefix is gone but the sentence glued to it is body text
    assert a3.text.startswith("On November 11")
    assert "12 November 2024 07:29" not in a0.text

    caption = first_lines[files[2]]
    assert a2.title != caption and a2.title_derived
    assert caption not in a2.text
    assert a2.text.startswith("In a move")

    for phrase in ("No comments yet", "Be the first to share", "Join the Discussion", "Sign in to share"):
        assert phrase not in a4.text
    assert a4.text.rstrip().endswith("global power balances.")
    # a citation line at the end is content, not boilerplate
    assert a1.text.rstrip().endswith("www.ndtv.com")


def test_second_ingest_of_seeds_stores_nothing_new(engine, seeds_dir):
    engine.ingest([seeds_dir])
    again = engine.ingest([seeds_dir])
    assert len(again.stored) == 0
    assert len(again.already_stored) == 5
    assert engine.store.count_articles() == 5


def test_cli_reports_already_stored_on_second_run(db_path, seeds_dir):
    first = run_cli("ingest", "--db", db_path, str(seeds_dir))
    assert first.returncode == 0, first.stderr
    assert "stored 5, already stored 0, rejected 0" in first.stdout
    second = run_cli("ingest", "--db", db_path, str(seeds_dir))
    assert second.returncode == 0
    assert "stored 0, already stored 5, rejected 0" in second.stdout
    assert second.stdout.count("already stored:") == 5
