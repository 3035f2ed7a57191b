"""Helpers shared by the benchmarks: data locations and child-process timing."""

from __future__ import annotations

import json
import platform
import resource
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared"
ECB_DEV = SHARED / "bench" / "ecbplus-dev.jsonl"
OUT = HERE / "out"


def machine() -> str:
    import os
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def run_child(script: str, *args: str) -> dict:
    """Run one measurement in a fresh process so peak memory is its own; the
    child prints one JSON object as its last line (its stderr, progress, shows as it runs)."""
    proc = subprocess.run([sys.executable, script, *args], stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def save(name: str, payload: dict) -> Path:
    OUT.mkdir(exist_ok=True)
    payload = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine(), **payload}
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2))
    return path


def tfidf_average_link(texts: list[str]) -> list[int]:
    """The clustering baseline: TF-IDF vectors, average link at cosine distance 0.8, all at once."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer().fit_transform(texts).toarray()
    labels = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                     distance_threshold=0.8).fit_predict(matrix)
    return [int(label) for label in labels]
