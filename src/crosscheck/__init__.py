"""crosscheck: follow one news story across many outlets.

The Python API mirrors the CLI:

    from crosscheck import Engine
    with Engine("news.db") as engine:
        report = engine.ingest(["articles/"])
        print(len(report.stored), "stored")
"""

from .engine import Engine, sample_corpus_path
from .records import Article, IngestReport, Rejection, StoredOutcome

__all__ = ["Article", "Engine", "IngestReport", "Rejection", "StoredOutcome", "sample_corpus_path"]
__version__ = "0.1.0"
