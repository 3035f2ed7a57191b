"""The web server delivers alerts itself: a follow made on the web is alerted without waiting
for the next `ingest` or `watch`. A background thread checks every follow against its story
(under the app's lock, as the engine's caches are not thread-safe) and posts what is due
(outside it: a slow webhook must not stall a page)."""

from __future__ import annotations

from .periodic import Periodic

DEFAULT_INTERVAL_S = 30.0


class Alerter:
    def __init__(self, site, interval: float = DEFAULT_INTERVAL_S):
        self.site, self.interval = site, interval
        self._rounds = Periodic("crosscheck-alerts", interval, self.run_once)

    def start(self) -> None:
        self._rounds.start()

    def stop(self) -> None:
        self._rounds.stop()

    def run_once(self) -> int:
        """Queue what changed and deliver what is due; alerts delivered."""
        self.site("check_alerts")
        return len(self.site.engine.deliver_alerts().delivered)  # network I/O without the lock
