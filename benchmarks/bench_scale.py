"""Scale: cost growth with store size, Dask throughput, vector-index recall, peak memory.

    python benchmarks/bench_scale.py [--sizes 1000,10000,100000] [--probe 100] [--dask-articles 5000]
                                     [--only growth|dask] [--backends sqlite,postgresql]

- growth: the store is filled from a synthetic corpus (make_corpus.py) to each size;
  at each size a probe of articles new to the store is ingested and analysed, and its
  time per article is reported, with its ratio to the smallest size. SQLite, and
  PostgreSQL when one is reachable ($CROSSCHECK_BENCH_PG, a fresh schema).
- dask: the same articles ingested by one process, and with a local Dask cluster of 1
  and of 2 workers, in the same run; BCubed F1 of each Dask run's stories against the
  single process's.
- recall: usearch (as the clusterer configures it) against exact cosine search, top 10,
  over the meaning vectors of the largest growth store.
Each side runs in its own process, so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import peak_rss_mb, run_child, save  # noqa: E402

PG = os.environ.get("CROSSCHECK_BENCH_PG", "postgresql://root@127.0.0.1:5432/test")


def _write_jsonl(rows: list[dict], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({k: v for k, v in row.items() if k != "story"}, ensure_ascii=False) + "\n")
    return path


def _pg_store() -> tuple[str, Callable[[], None]] | None:
    try:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except Exception as exc:  # no server: that half is skipped, saying why
        print(f"  PostgreSQL skipped: {type(exc).__name__}: {str(exc).strip()[:100]}")
        return None

    def drop():
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")

    return f"{PG}?options=-csearch_path%3D{schema}", drop


def growth_side(backend: str, sizes: str, probe: int) -> dict:
    from make_corpus import build, seed_stories

    from crosscheck import Engine

    steps = [int(s) for s in sizes.split(",")]
    fill, _ = build(max(steps), seed=3)
    # Every probe copies the same seed stories (new names, figures, dates), so the probes
    # differ only in what is already stored, not in their own story sizes.
    seeds = seed_stories()
    chosen, count = [], 0
    for story in sorted(seeds, key=lambda s: (len(seeds[s]), s)):
        if count >= probe:
            break
        chosen.append(story)
        count += len(seeds[story])
    probes = [build(count, seed=100 + i, only=chosen)[0] for i in range(len(steps))]
    result = {"backend": backend, "sizes": steps, "probe": probe, "per_article_ms": [], "per_article_cpu_ms": [],
              "fill_s": []}
    with tempfile.TemporaryDirectory() as tmp:
        if backend == "sqlite":
            db, drop = str(Path(tmp) / "growth.db"), (lambda: None)
        else:
            made = _pg_store()
            if made is None:
                return {"backend": backend, "skipped": True}
            db, drop = made
        try:
            with Engine(db) as engine:
                stored = 0
                for step, probe_rows in zip(steps, probes):
                    start = time.perf_counter()
                    engine.ingest([_write_jsonl(fill[stored:step], Path(tmp) / f"fill{step}.jsonl")])
                    result["fill_s"].append(time.perf_counter() - start)
                    stored = step
                    path = _write_jsonl(probe_rows, Path(tmp) / f"probe{step}.jsonl")
                    start, cpu = time.perf_counter(), time.process_time()
                    report = engine.ingest([path])
                    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
                    # a seed article with no name, figure or year to change comes out the same in
                    # every copy, and is already stored: time per article actually stored
                    assert report.stored and not report.rejected, report.rejected[:3]
                    result["per_article_ms"].append(1000 * elapsed / len(report.stored))
                    # this process's CPU time (all its threads): less moved by other work on the
                    # machine than wall time; PostgreSQL's own work is not in it
                    result["per_article_cpu_ms"].append(1000 * cpu / len(report.stored))
                    print(f"  {backend} {step:>7} stored: {result['per_article_ms'][-1]:.1f} ms/article",
                          file=sys.stderr, flush=True)
                if backend == "sqlite":
                    result["recall"] = _recall(engine)
        finally:
            drop()
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def _recall(engine, queries: int = 200, k: int = 10) -> dict:
    """usearch, configured as the clusterer's story index, against exact search."""
    import numpy as np
    from usearch.index import Index

    vectors = {a: v for a, (v, _, _) in engine.store.features(list(range(1, engine.store.count_articles() + 1))).items()}
    ids = np.array(sorted(vectors), dtype=np.uint64)
    matrix = np.stack([vectors[int(i)] for i in ids]).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-12
    index = Index(ndim=matrix.shape[1], metric="cos")
    index.add(ids, matrix)
    rng = np.random.default_rng(0)
    chosen = rng.choice(len(ids), size=min(queries, len(ids)), replace=False)
    hits = 0
    for row in chosen:
        exact = set(ids[np.argsort(-(matrix @ matrix[row]))[:k]].tolist())
        found = set(index.search(matrix[row], k).keys.tolist())
        hits += len(exact & found)
    return {"vectors": len(ids), "queries": len(chosen), "recall_at_10": hits / (len(chosen) * k)}


def dask_side(mode: str, articles: int) -> dict:
    from make_corpus import build

    from crosscheck import Engine

    rows, _ = build(articles, seed=5)
    with tempfile.TemporaryDirectory() as tmp:
        path = _write_jsonl(rows, Path(tmp) / "corpus.jsonl")
        client = None
        if mode != "plain":
            from crosscheck.scale import connect

            client = connect("local", workers=int(mode))
            client.wait_for_workers(int(mode))
        start = time.perf_counter()
        with Engine(str(Path(tmp) / "dask.db")) as engine:
            engine.ingest([path], dask=client)
            stories = {row["id"]: row["story_id"] for row in engine.export_rows()}
        elapsed = time.perf_counter() - start
        if client is not None:
            from crosscheck.scale import close

            close(client)
    return {"mode": mode, "articles": articles, "seconds": elapsed, "stories": stories,
            "peak_rss_mb": peak_rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--probe", type=int, default=100)
    parser.add_argument("--dask-articles", type=int, default=5000)
    parser.add_argument("--only", choices=["growth", "dask"], default=None)
    parser.add_argument("--backends", default="sqlite,postgresql", help="growth on these (comma-separated)")
    args = parser.parse_args()
    from crosscheck.stories.scoring import bcubed

    payload: dict = {}
    if args.only in (None, "growth"):
        payload["growth"] = []
        for backend in args.backends.split(","):
            side = run_child(__file__, "growth", backend, args.sizes, str(args.probe))
            payload["growth"].append(side)
            if side.get("skipped"):
                continue
            base = side["per_article_ms"][0]
            print(f"growth ({backend}, probe of {side['probe']}): " + ", ".join(
                f"{n:,} stored {ms:.1f} ms/article ({ms / base:.2f}x)"
                for n, ms in zip(side["sizes"], side["per_article_ms"])) + f"; peak {side['peak_rss_mb']:.0f} MB")
            print(f"  ratio at {side['sizes'][-1]:,} / {side['sizes'][0]:,}: "
                  f"{side['per_article_ms'][-1] / base:.2f}x wall, "
                  f"{side['per_article_cpu_ms'][-1] / side['per_article_cpu_ms'][0]:.2f}x CPU time of the process")
            if "recall" in side:
                r = side["recall"]
                print(f"usearch recall@10 against exact search: {r['recall_at_10']:.3f} "
                      f"({r['queries']} queries over {r['vectors']:,} vectors)")
    if args.only in (None, "dask"):
        runs = [run_child(__file__, "dask", mode, str(args.dask_articles)) for mode in ("plain", "1", "2")]
        plain = runs[0]
        print(f"dask ({args.dask_articles:,} articles):")
        for run in runs:
            run["bcubed_f1_vs_plain"] = f1 = bcubed(run["stories"], plain["stories"])[2]
            print(f"  {run['mode']:>5}: {run['articles'] / run['seconds']:6.1f} articles/s "
                  f"({plain['seconds'] / run['seconds']:.2f}x plain), BCubed F1 vs plain {f1:.4f}, "
                  f"peak {run['peak_rss_mb']:.0f} MB")
        for run in runs:
            run["stories"] = len(set(run["stories"].values()))
        payload["dask"] = runs
    print(f"saved {save('scale', payload)}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("growth", "dask"):
        if sys.argv[1] == "growth":
            side = growth_side(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        else:
            side = dask_side(sys.argv[2], int(sys.argv[3]))
        print(json.dumps(side))
    else:
        main()
