"""Dask: the heavy, pure stages on workers, the ordered ones in the engine.

Reading files, analysing articles and embedding their sentences depend on nothing but
their input, so they run as Dask tasks anywhere. Workers never touch the store: they
get records and give records back. Storing, placing articles in stories and
cross-checking stay in the engine's process and in article order, so a Dask run
makes the same stories as a single process.

`connect("local")` starts a LocalCluster of one worker process per core;
`connect("tcp://host:8786")` joins a running scheduler. Every worker needs
crosscheck installed (and the same version), nothing else: the embedding model
comes with the package, and each worker loads it once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from .ingest import ReadOptions, read_file
from .records import Analysis, Article, Rejection

_WORKER_STATE: dict[str, object] = {}  # per worker process: the recognizer and the embedder


def connect(address: str, *, workers: int | None = None):
    """A dask.distributed Client: "local" starts a LocalCluster, anything else is a scheduler address."""
    from dask.distributed import Client, LocalCluster

    if address == "local":
        count = workers or max(1, min(os.cpu_count() or 1, 8))
        # processes, one thread each: analysis is pure Python and holds the GIL
        cluster = LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None)
        return Client(cluster)
    return Client(address)


def close(client) -> None:
    cluster = getattr(client, "cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()


def read_files_task(paths: Sequence[str], options: ReadOptions) -> list[list[Article | Rejection]]:
    """Worker side: each file's articles (or rejections), in the order given."""
    return [list(read_file(Path(path), options)) for path in paths]


def analyze_task(articles: Sequence[Article], known_outlets: Mapping[str, str],
                 embedder: str) -> tuple[list[Analysis], str, dict[str, np.ndarray]]:
    """Worker side: each article's analysis, the embedder's vector key, and a vector for
    every sentence text in them."""
    from .analyze import analyze_article
    from .analyze.embed import get_embedder
    from .analyze.entities import get_recognizer

    if "recognizer" not in _WORKER_STATE:
        _WORKER_STATE["recognizer"] = get_recognizer()
    if _WORKER_STATE.get("embedder_name") != embedder:
        _WORKER_STATE["embedder"] = get_embedder(embedder)
        _WORKER_STATE["embedder_name"] = embedder
    recognizer, model = _WORKER_STATE["recognizer"], _WORKER_STATE["embedder"]
    analyses = [analyze_article(a, recognizer=recognizer, known_outlets=known_outlets) for a in articles]
    texts = list(dict.fromkeys(s.text for analysis in analyses for s in analysis.sentences))
    vectors = model.encode(texts) if texts else []
    return analyses, model.vector_key, dict(zip(texts, vectors))
