"""Scale: cost growth with store size, Dask throughput, vector-index recall, peak memory.

    python benchmarks/bench_scale.py [--sizes 1000,10000,100000] [--probe 100] [--dask-articles 5000]
                                     [--only growth|dask] [--backends sqlite,postgresql] [--keep DIR]
                                     [--rounds 2]

- growth: the store is filled from a synthetic corpus (make_corpus.py) to each size, and a
  snapshot kept at each (with --keep DIR they outlive the run: a later run reuses them, or
  resumes a fill cut short). Then, one after the other in one measuring phase, each
  snapshot is copied and a probe of articles new to the store is ingested and analysed
  into the copy by a fresh process, after a warm-up batch; its time per article is
  reported, with its ratio to the smallest size. The sizes are probed in turn, --rounds
  times over, and each figure is the least of its rounds. SQLite, and PostgreSQL when one
  is reachable ($CROSSCHECK_BENCH_PG; snapshots are databases made from a template).
- dask: the same articles ingested by one process, and with a local Dask cluster of 1
  and of 2 workers, in the same run; BCubed F1 of each Dask run's stories against the
  single process's.
- recall: usearch (as the clusterer configures it) against exact cosine search, top 10,
  over the meaning vectors of the largest SQLite growth store.
Each fill, probe and Dask run is its own process, so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
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


class Snapshots:
    """Filled stores kept at each size, so the fill (hours at 100k) is done once and resumed
    if cut short, and every size's probe runs from its own copy in one short measuring
    phase, where the machine's load is alike for all of them. SQLite: files in `folder`.
    PostgreSQL: databases made with CREATE DATABASE ... TEMPLATE, named after `folder`."""

    def __init__(self, backend: str, folder: Path):
        self.backend, self.folder = backend, folder
        folder.mkdir(parents=True, exist_ok=True)
        self._prefix = "ccgrowth_" + hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:8]

    def unavailable(self) -> str | None:
        """Why this backend cannot be measured, or None."""
        if self.backend == "sqlite":
            return None
        try:
            self._admin("SELECT 1")
        except Exception as exc:  # no server: that half is skipped, saying why
            return f"{type(exc).__name__}: {str(exc).strip()[:100]}"
        return None

    def url(self, name: str) -> str:
        if self.backend == "sqlite":
            return str(self.folder / f"{name}.db")
        return PG.rsplit("/", 1)[0] + f"/{self._prefix}_{name}"

    def exists(self, name: str) -> bool:
        if self.backend == "sqlite":
            return (self.folder / f"{name}.db").exists()
        return bool(self._admin("SELECT 1 FROM pg_database WHERE datname = %s", f"{self._prefix}_{name}"))

    def create(self, name: str) -> None:
        if self.backend != "sqlite" and not self.exists(name):
            self._admin(f'CREATE DATABASE "{self._prefix}_{name}"')

    def copy(self, source: str, target: str) -> None:
        """`target` becomes a copy of `source` (closed: no open connections)."""
        self.drop(target)
        self.drop(f"{target}_partial")
        if self.backend == "sqlite":
            import sqlite3

            src, dst = sqlite3.connect(self.url(source)), sqlite3.connect(self.url(f"{target}_partial"))
            try:
                src.backup(dst)
            finally:
                src.close()
                dst.close()
        else:
            # FILE_COPY checkpoints and copies the files, where the default (WAL_LOG) writes the
            # whole copy into the WAL, which the server then checkpoints while the probe runs
            self._admin(f'CREATE DATABASE "{self._prefix}_{target}_partial" TEMPLATE "{self._prefix}_{source}" '
                        f'STRATEGY FILE_COPY')
        self.rename(f"{target}_partial", target)
        # the story vector index saved beside the store goes with it, as a backup of both would
        from_index, to_index = self.index_directory(source), self.index_directory(target)
        if from_index is not None and from_index.is_dir():
            shutil.copytree(from_index, to_index)

    def index_directory(self, name: str) -> Path | None:
        from crosscheck.services.story_book import index_directory
        from crosscheck.store import resolve_db_url

        return index_directory(resolve_db_url(self.url(name)))

    def rename(self, name: str, new: str) -> None:
        """Under its final name only once whole: a run cut short never leaves a half snapshot
        that the next run would take for a kept one."""
        if self.backend == "sqlite":
            os.replace(self.url(name), self.url(new))
        else:
            self._admin(f'ALTER DATABASE "{self._prefix}_{name}" RENAME TO "{self._prefix}_{new}"')

    def drop(self, name: str) -> None:
        index = self.index_directory(name)
        if index is not None and index.is_dir():
            shutil.rmtree(index)
        if self.backend == "sqlite":
            for suffix in ("", "-wal", "-shm", ".place-lock"):
                Path(self.url(name) + suffix).unlink(missing_ok=True)
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{self._prefix}_{name}"')

    def _admin(self, sql: str, *params) -> list:
        import psycopg

        with psycopg.connect(PG, autocommit=True, connect_timeout=3) as conn:
            cursor = conn.execute(sql, params or None)
            return cursor.fetchall() if cursor.description else []


def _probe_rows(index: int, probe: int) -> list[dict]:
    """The `index`-th probe (one per size), new to the store. Every probe copies the same seed
    stories (new names, figures, dates), so the probes differ only in what is already stored,
    not in their own story sizes."""
    from make_corpus import build, seed_stories

    seeds = seed_stories()
    chosen, total = [], 0
    for story in sorted(seeds, key=lambda s: (len(seeds[s]), s)):
        if total >= probe:
            break
        chosen.append(story)
        total += len(seeds[story])
    return build(total, seed=100 + index, only=chosen)[0]


def growth_fill(backend: str, sizes: str, folder: str, source: str) -> dict:
    """Fill the store size by size, keeping a snapshot at each; sizes already kept are skipped.
    With a `source` backend, copy its snapshots instead (crosscheck copy-store): the same
    articles, stories and ids, without a second fill of hours."""
    from make_corpus import build

    from crosscheck import Engine

    snapshots = Snapshots(backend, Path(folder))
    steps = [int(s) for s in sizes.split(",")]
    todo = [s for s in steps if not snapshots.exists(str(s))]
    result: dict = {"backend": backend, "filled": [], "fill_s": [], "copied_from": source if source != "-" else None}
    if not todo:
        return result
    if source != "-":
        return _copy_snapshots(Snapshots(source, Path(folder)), snapshots, todo, result)
    fill, _ = build(max(steps), seed=3)
    done = [s for s in steps if s not in todo]
    if done and not snapshots.exists("fill"):
        snapshots.copy(str(max(done)), "fill")
    snapshots.create("fill")
    previous = max(done, default=0)
    with tempfile.TemporaryDirectory() as tmp:
        for step in todo:
            start = time.perf_counter()
            with Engine(snapshots.url("fill")) as engine:
                # from the last kept size: a fill cut short resumes, as ingest skips what is stored
                engine.ingest([_write_jsonl(fill[previous:step], Path(tmp) / f"fill{step}.jsonl")])
            snapshots.copy("fill", str(step))
            result["filled"].append(step)
            result["fill_s"].append(time.perf_counter() - start)
            print(f"  {backend}: filled to {step:,} in {result['fill_s'][-1]:.0f} s", file=sys.stderr, flush=True)
            previous = step
    snapshots.drop("fill")
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def _copy_snapshots(source: Snapshots, target: Snapshots, steps: list[int], result: dict) -> dict:
    from crosscheck import Engine
    from crosscheck.store import Store
    from crosscheck.store.copy import copy_store

    for step in steps:
        if not source.exists(str(step)):
            raise SystemExit(f"no {source.backend} store of {step:,} articles in {source.folder} to copy; "
                             f"run the {source.backend} growth first with the same --keep")
        start = time.perf_counter()
        partial = f"{step}_partial"
        target.drop(partial)
        target.create(partial)
        with Store(source.url(str(step))) as src, Store(target.url(partial)) as dst:
            copy_store(src, dst)
        target.rename(partial, str(step))
        with Engine(target.url(str(step))) as engine:  # its story vector index, saved at close
            engine.placement.prepare()
        result["filled"].append(step)
        result["fill_s"].append(time.perf_counter() - start)
        print(f"  {target.backend}: copied the {source.backend} store of {step:,} in {result['fill_s'][-1]:.0f} s",
              file=sys.stderr, flush=True)
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def probe_inputs(folder: Path, index: int, probe: int) -> Path:
    """The probe's inputs, written before its process starts (so that making them is not
    counted): one first article, a warm-up batch of 19, and `probe` articles new to the store."""
    from make_corpus import build

    warm_rows, _ = build(20, seed=99)
    _write_jsonl(warm_rows[:1], folder / "first.jsonl")
    _write_jsonl(warm_rows[1:], folder / "warm.jsonl")
    _write_jsonl(_probe_rows(index, probe), folder / "probe.jsonl")
    return folder


def growth_probe(backend: str, folder: str, step: int, inputs: str, recall: bool, spawned: float) -> dict:
    """One process on a copy of the `step` snapshot (made before it started, at `spawned`), as a
    cron `ingest` runs: the time from its start to its first article placed; then a warm-up
    batch, and the time per article of a probe of new articles ingested and analysed; the
    peak memory of all that; then the home and story pages' latency (p95) from the web app
    on the same store."""
    from crosscheck import Engine

    snapshots = Snapshots(backend, Path(folder))
    inputs = Path(inputs)
    result: dict = {"stored": step}
    with Engine(snapshots.url("probe")) as engine:
        report = engine.ingest([inputs / "first.jsonl"])
        assert report.stored, report.rejected[:3]
        result["first_placed_s"] = time.time() - spawned
        result["index_rebuilt"] = engine.placement._book.rebuilt
        start = time.perf_counter()
        engine.ingest([inputs / "warm.jsonl"])
        result["warm_up_s"] = time.perf_counter() - start
        start, cpu = time.perf_counter(), time.process_time()
        report = engine.ingest([inputs / "probe.jsonl"])
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        # a seed article with no name, figure or year to change comes out the same in
        # every copy, and is already stored: time per article actually stored
        assert report.stored and not report.rejected, report.rejected[:3]
        result["per_article_ms"] = 1000 * elapsed / len(report.stored)
        # this process's CPU time (all its threads): less moved by other work on the
        # machine than wall time; PostgreSQL's own work is not in it
        result["per_article_cpu_ms"] = 1000 * cpu / len(report.stored)
        result["peak_rss_mb"] = peak_rss_mb()  # of the ingest, before the web app below
        if recall:
            result["recall"] = _recall(engine)
    result["pages"] = _page_latency(snapshots.url("probe"))
    print(f"  {backend} {step:>7,} stored: first article placed {result['first_placed_s']:.1f} s after start, "
          f"{result['per_article_ms']:.1f} ms/article, peak {result['peak_rss_mb']:.0f} MB, home p95 "
          f"{result['pages']['home_p95_ms']:.0f} ms, story p95 {result['pages']['story_p95_ms']:.0f} ms",
          file=sys.stderr, flush=True)
    return result


def _page_latency(db: str, requests: int = 100) -> dict:
    """p95 of the home page and of story pages (the 20 biggest stories in turn), each page
    asked once before timing: a server that is up, not one starting. The first visits of the
    story pages (built from the store) are reported apart."""
    import numpy as np
    from fastapi.testclient import TestClient

    from crosscheck.web.app import create_app

    started = time.perf_counter()
    with TestClient(create_app(db, create=False, settle_heap=True)) as client:  # as `crosscheck serve` runs it
        assert client.get("/").status_code == 200
        first_home_s = time.perf_counter() - started
        stories = [s["id"] for s in client.get("/api/v1/stories?limit=20").json()["items"]]
        first_visits = []  # built from the store: nothing kept yet
        for story in stories:
            start = time.perf_counter()
            assert client.get(f"/stories/{story}").status_code == 200
            first_visits.append(1000 * (time.perf_counter() - start))
        home, story_pages = [], []
        for i in range(requests):
            start = time.perf_counter()
            client.get("/")
            home.append(1000 * (time.perf_counter() - start))
            start = time.perf_counter()
            client.get(f"/stories/{stories[i % len(stories)]}")
            story_pages.append(1000 * (time.perf_counter() - start))
    return {"first_home_s": first_home_s, "story_first_visit_p95_ms": float(np.percentile(first_visits, 95)),
            "home_p95_ms": float(np.percentile(home, 95)),
            "story_p95_ms": float(np.percentile(story_pages, 95)), "requests": requests}


def growth(backend: str, sizes: str, probe: int, keep: Path | None, source: str | None = None,
           rounds: int = 2) -> dict:
    """The probe at every size, `rounds` times over, the sizes in turn within each round: each
    figure is the least of its rounds (the machine's noise only ever adds), and a disturbance
    lasting minutes falls on one round of every size rather than on one size."""
    steps = [int(s) for s in sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep or Path(tmp)
        snapshots = Snapshots(backend, folder)
        why = snapshots.unavailable()
        if why:
            print(f"  {backend} skipped: {why}")
            return {"backend": backend, "skipped": True}
        side = {"backend": backend, "sizes": steps, "probe": probe,
                "fill": run_child(__file__, "fill", backend, sizes, str(folder), source or "-")}
        try:
            side["runs"] = []
            for round_ in range(rounds):
                for i, step in enumerate(steps):
                    snapshots.copy(str(step), "probe")
                    try:
                        with tempfile.TemporaryDirectory() as inputs:
                            probe_inputs(Path(inputs), i, probe)
                            recall = backend == "sqlite" and step == steps[-1] and round_ == 0
                            side["runs"].append(run_child(
                                __file__, "probe", backend, str(folder), str(step), inputs,
                                "recall" if recall else "-", repr(time.time())))
                    finally:
                        snapshots.drop("probe")
            side["probes"] = [_least([r for r in side["runs"] if r["stored"] == step]) for step in steps]
        finally:
            if keep is None:
                for step in steps:
                    snapshots.drop(str(step))
    side["per_article_ms"] = [p["per_article_ms"] for p in side["probes"]]
    side["per_article_cpu_ms"] = [p["per_article_cpu_ms"] for p in side["probes"]]
    return side


def _least(runs: list[dict]) -> dict:
    """One size's figures over its rounds: each time and memory figure the least of them (the
    recall, measured in the first round only, comes with that round's figures)."""
    least = dict(runs[0], rounds=len(runs))
    for key in ("first_placed_s", "warm_up_s", "per_article_ms", "per_article_cpu_ms", "peak_rss_mb"):
        least[key] = min(r[key] for r in runs)
    least["pages"] = {key: min(r["pages"][key] for r in runs) if key.endswith(("_ms", "_s")) else value
                      for key, value in runs[0]["pages"].items()}
    return least


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
    parser.add_argument("--rounds", type=int, default=2, help="probes at every size (the least is reported)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the filled stores here, and reuse (or resume) them on the next run")
    parser.add_argument("--postgresql-from-sqlite", action="store_true",
                        help="make the PostgreSQL stores by copying the SQLite ones (crosscheck copy-store) "
                             "instead of a second fill; needs --keep with the SQLite stores in it")
    args = parser.parse_args()
    if args.postgresql_from_sqlite and args.keep is None:
        parser.error("--postgresql-from-sqlite copies the SQLite stores kept by --keep DIR; give --keep")
    from crosscheck.stories.scoring import bcubed

    payload: dict = {}
    if args.only in (None, "growth"):
        payload["growth"] = []
        for backend in args.backends.split(","):
            source = "sqlite" if args.postgresql_from_sqlite and backend == "postgresql" else None
            side = growth(backend, args.sizes, args.probe, args.keep, source, args.rounds)
            payload["growth"].append(side)
            if side.get("skipped"):
                continue
            base = side["per_article_ms"][0]
            made = f", stores copied from {side['fill']['copied_from']}" if side["fill"].get("copied_from") else ""
            print(f"growth ({backend}, probe of {side['probe']}{made}, least of {args.rounds} rounds): " + ", ".join(
                f"{p['stored']:,} stored {p['per_article_ms']:.1f} ms/article "
                f"({p['per_article_ms'] / base:.2f}x), peak {p['peak_rss_mb']:.0f} MB"
                for p in side["probes"]))
            print(f"  ratio at {side['sizes'][-1]:,} / {side['sizes'][0]:,}: "
                  f"{side['per_article_ms'][-1] / base:.2f}x wall, "
                  f"{side['per_article_cpu_ms'][-1] / side['per_article_cpu_ms'][0]:.2f}x CPU time of the process")
            print("  process start to first article placed: " + ", ".join(
                f"{p['first_placed_s']:.1f} s at {p['stored']:,}" for p in side["probes"]))
            print(f"  peak memory of the ingest: " + ", ".join(
                f"{p['peak_rss_mb']:.0f} MB at {p['stored']:,}" for p in side["probes"]) +
                f" ({side['probes'][-1]['peak_rss_mb'] / side['probes'][0]['peak_rss_mb']:.2f}x)")
            print("  pages p95 (home / story / a story's first visit): " + ", ".join(
                f"{p['pages']['home_p95_ms']:.0f} / {p['pages']['story_p95_ms']:.0f} / "
                f"{p['pages']['story_first_visit_p95_ms']:.0f} ms at {p['stored']:,}" for p in side["probes"]))
            for p in side["probes"]:
                if "recall" in p:
                    r = p["recall"]
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
    if len(sys.argv) > 1 and sys.argv[1] in ("fill", "probe", "dask"):
        if sys.argv[1] == "fill":
            side = growth_fill(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
        elif sys.argv[1] == "probe":
            side = growth_probe(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6] == "recall",
                                float(sys.argv[7]))
        else:
            side = dask_side(sys.argv[2], int(sys.argv[3]))
        print(json.dumps(side))
    else:
        main()
