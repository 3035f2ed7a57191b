"""Watch: poll feeds forever, each on its own schedule, and deliver alerts.

Pages change after they are published (a toll revised, a name corrected), and a feed lists
an article once. So every `recheck` seconds the pages of the articles stored in the last
`recheck_within` seconds are fetched again: a changed one becomes a new revision of its
article, and its story's cross-check follows the new text.

A feed that fails waits longer before its next poll (interval × 2, × 4, … at
most max_backoff) and fails alone: the others keep their schedules. A stop
request (SIGINT/SIGTERM in the CLI) is honoured between articles; everything
stored so far is committed, and what is left is read on the next start.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..ingest.urls import Fetcher

DEFAULT_INTERVAL = 300.0
MAX_BACKOFF = 3600.0
DEFAULT_RECHECK = 6 * 3600.0  # how often recent articles' pages are fetched again
DEFAULT_RECHECK_WITHIN = 86400.0  # which articles are recent: stored this long ago or less
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """Seconds in "90", "30s", "5m", "1h" or "1d"; ValueError otherwise."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text.lower())
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"not an interval: {text!r} (try 30s, 5m or 1h)")
    return float(match.group(1)) * _UNITS[match.group(2)]


def backoff_delay(interval: float, failures: int, max_backoff: float = MAX_BACKOFF) -> float:
    """Seconds until a feed's next poll after `failures` failures in a row."""
    if failures <= 0:
        return interval
    return min(interval * 2 ** failures, max(max_backoff, interval))


@dataclass(slots=True)
class FeedStatus:
    url: str
    due: float = 0.0  # clock time of the next poll
    polls: int = 0
    unchanged: int = 0  # polls answered 304
    failures: int = 0  # in a row
    new_articles: int = 0
    last_error: str | None = None


@dataclass(slots=True)
class WatchTotals:
    rounds: int = 0
    new_articles: int = 0
    revised: int = 0  # articles whose page changed since it was stored
    rechecks: int = 0  # rounds of fetching recent articles' pages again
    errors: int = 0
    alerts_sent: int = 0
    alerts_pending: int = 0
    feeds: list[FeedStatus] = field(default_factory=list)


class Watcher:
    """Polls `feeds` through an Engine. `clock` and `wait` are injectable for tests."""

    def __init__(self, engine, feeds: Sequence[str], *, interval: float = DEFAULT_INTERVAL,
                 max_backoff: float = MAX_BACKOFF, fetcher: Fetcher | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 on_round: Callable[[WatchTotals], None] | None = None,
                 recheck: float | None = DEFAULT_RECHECK, recheck_within: float = DEFAULT_RECHECK_WITHIN):
        if not feeds:
            raise ValueError("nothing to watch: give at least one feed URL or a file listing feeds")
        self.engine = engine
        self.interval = interval
        self.max_backoff = max_backoff
        self.fetcher = fetcher or Fetcher()
        self.clock = clock
        self.on_round = on_round
        self.stop_event = threading.Event()
        self.totals = WatchTotals(feeds=[FeedStatus(url) for url in dict.fromkeys(feeds)])
        self.recheck, self.recheck_within = recheck, recheck_within
        self.recheck_due = clock() + recheck if recheck else float("inf")

    def stop(self) -> None:
        self.stop_event.set()

    def poll_due(self) -> list[FeedStatus]:
        """Poll every feed whose time has come, then deliver the alerts that are due."""
        polled = []
        for feed in self.totals.feeds:
            if self.stop_event.is_set():
                break
            if feed.due > self.clock():
                continue
            self._poll(feed)
            polled.append(feed)
        if not self.stop_event.is_set() and self.recheck_due <= self.clock():
            self._recheck()
        if not self.stop_event.is_set():
            delivered = self.engine.deliver_alerts()
            self.totals.alerts_sent += len(delivered.delivered)
            self.totals.alerts_pending = delivered.pending
        self.totals.rounds += 1
        if self.on_round:
            self.on_round(self.totals)
        return polled

    def _poll(self, feed: FeedStatus) -> None:
        feed.polls += 1
        try:
            report = self.engine.ingest([feed.url], fetcher=self.fetcher, stop=self.stop_event.is_set)
            failed = [r for r in report.rejected if r.source == feed.url]
            error = failed[0].reason if failed else None
            feed.unchanged += feed.url in report.unchanged_feeds
            feed.new_articles += len(report.stored)
            self.totals.new_articles += len(report.stored)
            self.totals.errors += len(report.rejected)
        except Exception as exc:  # a feed that breaks something unexpected still fails alone
            error = f"{type(exc).__name__}: {exc}"
            self.totals.errors += 1
        feed.failures = feed.failures + 1 if error else 0
        feed.last_error = error
        feed.due = self.clock() + backoff_delay(self.interval, feed.failures, self.max_backoff)

    def _recheck(self) -> None:
        """Fetch the pages of recent articles again; a changed page is a new revision."""
        self.totals.rechecks += 1
        try:
            urls = self.engine.recent_urls(self.recheck_within)
            report = self.engine.ingest(urls, fetcher=self.fetcher, stop=self.stop_event.is_set) if urls else None
            if report is not None:
                self.totals.revised += len(report.revised)
                self.totals.new_articles += len(report.stored)
                self.totals.errors += len(report.rejected)
        except Exception:  # a recheck that breaks fails alone, as a feed does
            self.totals.errors += 1
        self.recheck_due = self.clock() + self.recheck

    def run(self, *, rounds: int | None = None) -> WatchTotals:
        """Poll until stop() (or after `rounds` rounds), sleeping until the next feed is due."""
        while not self.stop_event.is_set():
            self.poll_due()
            if rounds is not None and self.totals.rounds >= rounds:
                break
            next_due = min(min(feed.due for feed in self.totals.feeds), self.recheck_due)
            self.stop_event.wait(max(0.0, next_due - self.clock()))
        return self.totals
