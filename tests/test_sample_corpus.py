"""The bundled sample ingests cleanly and matches what it was written to contain."""

import json
from collections import Counter
from pathlib import Path

from crosscheck import sample_corpus_path

GOLD = Path(__file__).resolve().parent.parent / "benchmarks" / "gold" / "sample_gold.json"


def test_sample_is_rich_enough_for_every_feature():
    files = [p for p in sample_corpus_path().iterdir() if p.is_file()]
    kinds = Counter(p.suffix for p in files)
    assert kinds[".txt"] >= 1 and kinds[".html"] >= 1 and kinds[".jsonl"] >= 1
    gold = json.loads(GOLD.read_text())
    assert len(gold["articles"]) >= 15
    assert len({a["outlet"] for a in gold["articles"].values()}) >= 6
    assert len(gold["stories"]) >= 3
    kinds = {r["kind"] for r in gold["rewrites"]}
    assert {"near_verbatim", "paraphrase"} <= kinds
    verdicts = Counter(g["verdict"] for g in gold["claim_groups"])
    assert verdicts["conflicting"] >= 2 and gold["relative_dates"] and gold["citations"]


def test_sample_ingest_matches_gold_fields(engine):
    report = engine.ingest([sample_corpus_path()])
    assert report.ok, [str(r) for r in report.rejected]
    gold = json.loads(GOLD.read_text())["articles"]
    stored = {a.external_id: a for a in engine.articles()}
    assert set(stored) == set(gold)
    for key, expected in gold.items():
        article = stored[key]
        assert article.outlet == expected["outlet"], key
        if expected["title"]:
            assert article.title == expected["title"] and not article.title_derived, key
        else:
            assert article.title_derived, key
        assert article.published_iso().startswith(expected["published"][:16]), key
        for chrome in ("No comments yet", "Join the Discussion", "©", "Sign in to share"):
            assert chrome not in article.text, (key, chrome)
