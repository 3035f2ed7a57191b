"""Run every benchmark (`make bench`). Each prints its figures beside a baseline
measured in the same run, because these machines are noisy."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["bench_ingest.py", "bench_cluster.py", "bench_embed.py", "bench_claims.py",
              "bench_brief.py", "bench_web.py", "bench_scale.py"]

if __name__ == "__main__":
    chosen = sys.argv[1:] or BENCHMARKS
    for name in chosen:
        print(f"\n=== {name}", flush=True)
        runpy.run_path(str(HERE / name), run_name="__main__")
