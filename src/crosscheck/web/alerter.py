"""The web server delivers alerts itself: a follow made on the web is alerted without waiting
for the next `ingest` or `watch`. A background thread checks every follow against its story
(under the app's lock, as the engine's caches are not thread-safe) and posts what is due
(outside it: a slow webhook must not stall a page)."""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)
DEFAULT_INTERVAL_S = 30.0


class Alerter:
    def __init__(self, site, interval: float = DEFAULT_INTERVAL_S):
        self.site, self.interval = site, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None and self.interval > 0:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="crosscheck-alerts", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def run_once(self) -> int:
        """Queue what changed and deliver what is due; alerts delivered."""
        self.site("check_alerts")
        return len(self.site.engine.deliver_alerts().delivered)  # network I/O without the lock

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.run_once()
            except Exception:  # noqa: BLE001  the next round tries again; a page must never see this
                log.exception("alert round failed")
