"""Ingest throughput: crosscheck's file ingestion against a bare baseline.

The baseline reads the same JSONL rows with json.loads and inserts them into an
equivalent SQLite table (WAL, one commit per row), with no cleaning, identity
checks or validation. The ratio is what crosscheck's ingest costs on top of
the unavoidable parse-and-write. Each side runs in its own process.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ECB_DEV, peak_rss_mb, run_child, save  # noqa: E402


def crosscheck_side(source: str) -> dict:
    from crosscheck import Engine

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        with Engine(str(Path(tmp) / "bench.db")) as engine:
            report = engine.ingest([source])
        elapsed = time.perf_counter() - start
    return {"articles": len(report.stored), "seconds": elapsed, "peak_rss_mb": peak_rss_mb()}


def baseline_side(source: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        conn = sqlite3.connect(str(Path(tmp) / "base.db"))
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, external_id TEXT, text TEXT)")
        count = 0
        with open(source, encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                conn.execute("INSERT INTO articles (external_id, text) VALUES (?, ?)", (row.get("id"), row["text"]))
                conn.commit()
                count += 1
        conn.close()
        elapsed = time.perf_counter() - start
    return {"articles": count, "seconds": elapsed, "peak_rss_mb": peak_rss_mb()}


def main() -> None:
    if not ECB_DEV.exists():
        print(f"skipped: {ECB_DEV} not found (the benchmark data lives in ../shared)")
        return
    ours = run_child(__file__, "crosscheck", str(ECB_DEV))
    base = run_child(__file__, "baseline", str(ECB_DEV))
    for side in (ours, base):
        side["articles_per_s"] = side["articles"] / side["seconds"]
    ratio = ours["seconds"] / base["seconds"]
    print(f"data: {ECB_DEV.name} ({ours['articles']} articles)")
    print(f"{'':12} {'articles/s':>11} {'seconds':>8} {'peak MB':>8}")
    for name, side in (("crosscheck", ours), ("baseline", base)):
        print(f"{name:12} {side['articles_per_s']:11.1f} {side['seconds']:8.2f} {side['peak_rss_mb']:8.1f}")
    print(f"time ratio crosscheck / baseline: {ratio:.1f}x")
    print(f"saved {save('ingest', {'crosscheck': ours, 'baseline': base, 'time_ratio': ratio})}")


if __name__ == "__main__":
    if len(sys.argv) == 3:
        side = crosscheck_side if sys.argv[1] == "crosscheck" else baseline_side
        print(json.dumps(side(sys.argv[2])))
    else:
        main()
