"""Work a running server repeats in the background: the alert rounds and the heap settling."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Periodic:
    """Runs `work` every `interval` seconds on a daemon thread, from start() to stop(); a round
    that fails is logged and the next one runs (a page must never see it). An interval of 0
    or less never starts."""

    def __init__(self, name: str, interval: float, work: Callable[[], object]):
        self.name, self.interval, self.work = name, interval, work
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        if self._thread is None and self.interval > 0:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.work()
            except Exception:  # noqa: BLE001  the next round tries again
                log.exception("%s: a round failed", self.name)
