"""Engine behaviour across stages: embedding cache, resuming analysis after a crash."""

from __future__ import annotations

from crosscheck import Engine

BODY = ("Harbour cranes stood idle on Wednesday as dockworkers walked out over pay.\n"
        "The union said more than 400 members joined the stoppage at the east quay.\n"
        "Port officials said talks would resume on Friday.")


def test_no_sentence_is_embedded_twice(tmp_path, db_path):
    (tmp_path / "a.txt").write_text("Dockworkers strike\n4 March 2026\n" + BODY)
    # a rewrite: two sentences copied, one new
    (tmp_path / "b.txt").write_text("Port strike spreads\n4 March 2026\n" + BODY.rsplit("\n", 1)[0] +
                                    "\nShipping lines began diverting vessels to the north harbour.")
    with Engine(db_path) as engine:
        encoded: list[str] = []
        real = engine.embedder.encode
        engine.sentences._embedder = type("Counting", (), {
            "name": real.__self__.name, "dim": real.__self__.dim, "vector_key": real.__self__.vector_key,
            "encode": lambda self, texts, batch_size=64: (encoded.extend(texts), real(texts))[1]})()
        engine.ingest([tmp_path / "a.txt"])
        assert len(encoded) == 3
        engine.ingest([tmp_path / "b.txt"])
        assert encoded[3:] == ["Shipping lines began diverting vessels to the north harbour."]


def test_articles_stored_but_not_analysed_are_analysed_next_run(tmp_path, db_path):
    (tmp_path / "a.txt").write_text("Dockworkers strike\n4 March 2026\n" + BODY)
    db = db_path
    with Engine(db) as engine:
        report = engine.ingest([tmp_path], analyze=False)  # as if killed before analysis
        assert len(report.stored) == 1
        assert engine.stories() == []
    with Engine(db) as engine:
        (tmp_path / "b.txt").write_text("Unrelated\n9 March 2026\nThe library reopened after repairs "
                                        "to its roof, the council said.")
        engine.ingest([tmp_path])
        assert sum(s.articles for s in engine.stories()) == 2
        assert engine.store.articles_without_analysis() == []
