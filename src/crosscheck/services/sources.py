"""Reading sources into the store: files, directories, page and feed URLs, feed lists. Each
article is stored in its own transaction the moment it is read, exactly once (the store
knows it by canonical URL or normalised text); analysis comes after."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from ..ingest import InputError, ReadOptions, discover, read_file
from ..ingest.feedlists import read_feed_list
from ..ingest.feeds import FEED_TYPES, parse_feed
from ..ingest.files import article_from_page, is_url
from ..ingest.urls import ARTICLE_TYPES, Fetcher
from ..records import Article, IngestReport, Rejection
from ..store import Store
from ..store.live import LiveStore
from .analysis import Progress


class Sources:
    def __init__(self, store: Store, live: LiveStore):
        self.store = store
        self.live = live

    def read(self, paths: Iterable[str | Path], options: ReadOptions, fetcher: Fetcher, *,
             progress: Progress | None = None, stop: Callable[[], bool] | None = None, dask=None) -> IngestReport:
        """Store every article the inputs hold; what was stored, already stored or rejected."""
        report = IngestReport()
        stop = stop or (lambda: False)
        inputs = list(paths)
        urls = [str(p) for p in inputs if is_url(p)]
        found: list = [*urls, *discover(p for p in inputs if not is_url(p))]
        read_elsewhere = self._read_on(dask, found, options) if dask is not None else {}
        for done, item in enumerate(found, start=1):
            if stop():
                break
            if isinstance(item, Rejection):
                report.rejected.append(item)
            elif isinstance(item, str):
                self._ingest_url(item, options, fetcher, report, stop)
            elif item in read_elsewhere:
                for result in read_elsewhere[item]():
                    self._store_one(result, report)
            else:
                self._ingest_file(item, options, fetcher, report, stop)
            if progress:
                progress("read", done, len(found), str(item.source if isinstance(item, Rejection) else item))
        return report

    @staticmethod
    def _read_on(client, found: list, options: ReadOptions, chunk: int = 16) -> dict[Path, Callable[[], list]]:
        """Start reading the article files among `found` on Dask workers; path -> a function
        that waits for that file's results (each chunk is fetched once)."""
        from ..scale import read_files_task

        files = [item for item in found if isinstance(item, Path) and not _lists_feeds(item)]
        waiting: dict[Path, Callable[[], list]] = {}
        for start in range(0, len(files), chunk):
            paths = files[start:start + chunk]
            future = client.submit(read_files_task, [str(p) for p in paths], options, pure=False)
            fetched: list = []

            def results(index: int, future=future, fetched=fetched) -> list:
                if not fetched:
                    fetched.append(future.result())
                return fetched[0][index]

            for index, path in enumerate(paths):
                waiting[path] = (lambda index=index, results=results: results(index))
        return waiting

    def _ingest_file(self, path: Path, options: ReadOptions, fetcher: Fetcher, report: IngestReport,
                     stop: Callable[[], bool]) -> None:
        try:
            listed = read_feed_list(path)
        except InputError as exc:
            report.rejected.append(Rejection(str(path), str(exc)))
            return
        if listed is None:
            for result in read_file(path, options):
                self._store_one(result, report)
            return
        for url in listed:
            if stop():
                return
            self._ingest_url(url, options, fetcher, report, stop)

    def _ingest_url(self, url: str, options: ReadOptions, fetcher: Fetcher, report: IngestReport,
                    stop: Callable[[], bool]) -> None:
        """A page becomes an article; a feed, each article it links to that is not stored yet.
        A feed read before is asked for with its validators, so an unchanged one costs one 304."""
        state = self.live.feed_state(url)
        headers = {}
        if state is not None and state.etag:
            headers["If-None-Match"] = state.etag
        if state is not None and state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        try:
            fetched = fetcher.get(url, accept=ARTICLE_TYPES + FEED_TYPES, headers=headers)
            if fetched.not_modified:
                report.unchanged_feeds.append(url)
                self.live.record_feed_poll(url, now=utcnow(), status="unchanged")
                return
            if fetched.content_type not in FEED_TYPES:
                self._store_one(article_from_page(url, fetched, options), report)
                return
            entries = parse_feed(fetched.body, url)
        except InputError as exc:
            report.rejected.append(Rejection(url, str(exc)))
            if state is not None:
                self.live.record_feed_poll(url, now=utcnow(), status="error", error=str(exc))
            return
        stored_before, rejected_before = len(report.stored), len(report.rejected)
        for entry in entries:
            if stop():
                return  # no poll recorded: the validators stay as they were before this read
            known = self.store.find_url(entry.link)
            if known is not None:
                report.already_stored.append(known)
                continue
            try:
                page = fetcher.get(entry.link, accept=ARTICLE_TYPES)
            except InputError as exc:
                report.rejected.append(Rejection(entry.link, str(exc)))
                continue
            self._store_one(article_from_page(entry.link, page, options), report)
        # An entry that failed must be tried again next time, which a 304 would prevent.
        complete = len(report.rejected) == rejected_before
        self.live.record_feed_poll(url, now=utcnow(), status="updated",
                                   etag=fetched.etag if complete else None,
                                   last_modified=fetched.last_modified if complete else None,
                                   new_articles=len(report.stored) - stored_before)

    def _store_one(self, result: Article | Rejection, report: IngestReport) -> None:
        if isinstance(result, Rejection):
            report.rejected.append(result)
            return
        outcome = self.store.add_article(result)
        if outcome.revised:
            report.revised.append(outcome)
        else:
            (report.stored if outcome.created else report.already_stored).append(outcome)


def _lists_feeds(path: Path) -> bool:
    """Whether a file lists feeds (read here, URL by URL) rather than holding articles."""
    try:
        return read_feed_list(path) is not None
    except InputError:
        return True  # reported when it is read


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
