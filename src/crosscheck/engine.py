"""The engine moves records between the pipeline stages and the store.

Every face (CLI, Python API, and later the REST API and web app) calls this
object; none of them holds pipeline logic of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from .ingest import ReadOptions, discover, read_file
from .ingest.decode import DEFAULT_MAX_BYTES
from .records import Article, IngestReport, Rejection
from .store import Store

# progress(done, total, label): called after each input file.
Progress = Callable[[int, int, str], None]


def sample_corpus_path() -> Path:
    """The bundled sample corpus of fictional articles (installed with the package)."""
    return Path(str(resources.files("crosscheck") / "sample"))


class Engine:
    def __init__(self, db: str | None = None):
        self.store = Store(db)

    def ingest(self, paths: Iterable[str | Path], *, outlet: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None) -> IngestReport:
        """Read every input and store each new article in its own transaction."""
        report = IngestReport()
        options = ReadOptions(outlet=outlet, max_bytes=max_bytes)
        found = list(discover(paths))
        for done, item in enumerate(found, start=1):
            if isinstance(item, Rejection):
                report.rejected.append(item)
            else:
                for result in read_file(item, options):
                    self._store_one(result, report)
            if progress:
                progress(done, len(found), str(item if isinstance(item, Path) else item.source))
        return report

    def _store_one(self, result: Article | Rejection, report: IngestReport) -> None:
        if isinstance(result, Rejection):
            report.rejected.append(result)
            return
        outcome = self.store.add_article(result)
        (report.stored if outcome.created else report.already_stored).append(outcome)

    def articles(self, *, limit: int | None = None, offset: int = 0) -> list[Article]:
        return self.store.articles(limit=limit, offset=offset)

    def export_rows(self) -> Iterator[dict[str, Any]]:
        """One row per article in the documented export schema (see README)."""
        for article in self.store.iter_articles():
            yield {
                "id": article.external_id or article.url or str(article.id),
                "outlet": article.outlet,
                "url": article.url,
                "title": article.title,
                "published": article.published_iso(),
                "author": article.author,
                "text": article.text,
                "story_id": None,  # filled once story clustering exists
            }

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
