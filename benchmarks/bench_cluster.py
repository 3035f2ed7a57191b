"""Story clustering on ECB+ dev: BCubed quality and end-to-end speed, beside a baseline.

crosscheck ingests the 496 articles online, one at a time (ingest, analysis,
embeddings, clustering, provenance), into a fresh SQLite store, then cross-checks
every story: that is the end-to-end time. The baseline,
measured in the same run, is TF-IDF with average-link agglomerative clustering
at a fixed cosine-distance threshold of 0.8, which sees all articles at once.
Each side runs in its own process, so peak memory is its own. A second
crosscheck run in shuffled order shows how much arrival order matters.

The defaults were chosen on these same articles, so their score here flatters
them; `cluster_cv.py` gives the estimate that counts, from topics held out of the
tuning (cross-validation over topic folds), and it runs here too.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ECB_DEV, peak_rss_mb, run_child, save, tfidf_average_link  # noqa: E402

from crosscheck.stories.scoring import bcubed  # noqa: E402


def crosscheck_side(source: str, shuffle_seed: int | None) -> dict:
    from crosscheck import Engine

    rows = [json.loads(line) for line in open(source, encoding="utf-8")]
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(rows)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "input.jsonl"
        data.write_text("".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in rows))
        with Engine(str(Path(tmp) / "bench.db")) as engine:
            load_start = time.perf_counter()
            engine.embedder.encode(["warm up"])
            engine.analysis.recognizer
            load_seconds = time.perf_counter() - load_start
            start = time.perf_counter()
            report = engine.ingest([str(data)])
            ingest_seconds = time.perf_counter() - start
            for summary in engine.stories():  # the cross-check a reader's first look at each story runs
                engine.cross_check(summary.id)
            seconds = time.perf_counter() - start
            story_of_article = {row["id"]: row["story_id"] for row in engine.export_rows()}
        # an input that duplicated a stored article takes that article's story
        by_source = {}
        for outcome in report.already_stored:
            line = int(outcome.input_source.rsplit(":", 1)[1])
            by_source[rows[line - 1]["id"]] = story_of_article[outcome.article.external_id]
        predicted = {**story_of_article, **by_source}
    return {"articles": len(rows), "seconds": seconds, "ingest_seconds": ingest_seconds,
            "model_load_seconds": load_seconds,
            "predicted": predicted, "peak_rss_mb": peak_rss_mb(), "embedder": engine.embedder.name}


DISTRACTORS = 1000


def distractors_side(source: str) -> dict:
    """ECB+ dev among look-alike copies (make_corpus.py: copies of the same stories with made-up
    names, scaled figures and moved dates): do the dev stories stay pure in a store full of
    articles about other events of the same kinds?"""
    from crosscheck import Engine
    from make_corpus import build

    rows = [json.loads(line) for line in open(source, encoding="utf-8")]
    copies, copy_gold = build(DISTRACTORS, seed=7)
    gold = {**{r["id"]: r["story"] for r in rows}, **copy_gold}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "input.jsonl"
        # the copies first: the dev articles arrive in a store already full of look-alikes
        data.write_text("".join(json.dumps({k: v for k, v in r.items() if k not in ("story", "topic")}) + "\n"
                                for r in [*copies, *rows]))
        with Engine(str(Path(tmp) / "bench.db")) as engine:
            engine.ingest([str(data)])
            predicted = {row["id"]: row["story_id"] for row in engine.export_rows()}
    dev = {r["id"] for r in rows}
    mixed = {story for article, story in predicted.items() if article in dev} & \
        {story for article, story in predicted.items() if article not in dev}
    return {"predicted": predicted, "gold": gold, "dev_ids": sorted(dev),
            "dev_articles_in_mixed_stories": sum(1 for a in dev if predicted.get(a) in mixed)}


def baseline_side(source: str) -> dict:
    rows = [json.loads(line) for line in open(source, encoding="utf-8")]
    start = time.perf_counter()
    labels = tfidf_average_link([r["text"] for r in rows])
    seconds = time.perf_counter() - start
    return {"articles": len(rows), "seconds": seconds, "predicted": {r["id"]: l for r, l in zip(rows, labels)},
            "peak_rss_mb": peak_rss_mb()}


def main() -> None:
    if not ECB_DEV.exists():
        print(f"skipped: {ECB_DEV} not found (the benchmark data lives in ../shared)")
        return
    gold = {json.loads(line)["id"]: json.loads(line)["story"] for line in open(ECB_DEV, encoding="utf-8")}
    ours = run_child(__file__, "crosscheck", str(ECB_DEV))
    shuffled = run_child(__file__, "crosscheck", str(ECB_DEV), "7")
    base = run_child(__file__, "baseline", str(ECB_DEV))
    results = {}
    print(f"data: {ECB_DEV.name} ({len(gold)} articles, {len(set(gold.values()))} gold stories)")
    print(f"{'':22} {'P':>6} {'R':>6} {'F1':>6} {'articles/s':>11} {'peak MB':>8}")
    for name, side in (("crosscheck (online)", ours), ("crosscheck (shuffled)", shuffled),
                       ("baseline tfidf+avglink", base)):
        p, r, f = bcubed(side["predicted"], gold)
        rate = side["articles"] / side["seconds"]
        results[name] = {"precision": p, "recall": r, "f1": f, "articles_per_s": rate,
                         "peak_rss_mb": side["peak_rss_mb"], "seconds": side["seconds"]}
        print(f"{name:22} {p:6.3f} {r:6.3f} {f:6.3f} {rate:11.1f} {side['peak_rss_mb']:8.0f}")
    f_online = results["crosscheck (online)"]["f1"]
    f_base = results["baseline tfidf+avglink"]["f1"]
    print(f"embedder: {ours['embedder']}; model load {ours['model_load_seconds']:.1f}s (not counted); "
          f"ingest alone {ours['articles'] / ours['ingest_seconds']:.1f} articles/s, end to end (with every "
          f"story cross-checked) {ours['articles'] / ours['seconds']:.1f} articles/s")
    print(f"F1 change under shuffled order: {abs(f_online - results['crosscheck (shuffled)']['f1']):.3f}")
    print(f"F1 crosscheck - baseline: {f_online - f_base:+.3f}; "
          f"speed ratio crosscheck/baseline: {results['crosscheck (online)']['articles_per_s'] / results['baseline tfidf+avglink']['articles_per_s']:.2f}")
    crowd = run_child(__file__, "distractors", str(ECB_DEV))
    p, r, f = bcubed(crowd["predicted"], crowd["gold"])
    p_dev, r_dev, f_dev = bcubed({a: s for a, s in crowd["predicted"].items() if a in set(crowd["dev_ids"])}, gold)
    results["among look-alikes"] = {"precision": p, "recall": r, "f1": f, "dev_f1": f_dev,
                                    "dev_articles_in_mixed_stories": crowd["dev_articles_in_mixed_stories"]}
    print(f"among {DISTRACTORS} look-alike copies (ingested first): BCubed P {p:.3f} R {r:.3f} F1 {f:.3f} over all; "
          f"dev articles alone F1 {f_dev:.3f}; dev articles in a story that took in a copy: "
          f"{crowd['dev_articles_in_mixed_stories']}")
    print("cross-validation over topic folds (settings tuned on the other folds):", flush=True)
    subprocess.run([sys.executable, str(Path(__file__).with_name("cluster_cv.py"))], check=True)
    print(f"saved {save('cluster', results)}")


if __name__ == "__main__":
    if len(sys.argv) >= 3:
        if sys.argv[1] == "crosscheck":
            seed = int(sys.argv[3]) if len(sys.argv) > 3 else None
            print(json.dumps(crosscheck_side(sys.argv[2], seed)))
        elif sys.argv[1] == "distractors":
            print(json.dumps(distractors_side(sys.argv[2])))
        else:
            print(json.dumps(baseline_side(sys.argv[2])))
    else:
        main()
