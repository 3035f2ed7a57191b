"""Short pauses in a long-running server.

Python's cyclic garbage collector now and then walks every object the process holds. A server
holds its caches for hours (the story list: one summary per story; the built story pages), so
that walk grows with the store: it took about 100 ms at 10,000 stored articles, and whichever
request it lands in pays for it. Objects that are there to stay are collected once and then
frozen (gc.freeze), out of every later walk. A frozen object is still freed when the last
reference to it goes; only a frozen reference cycle stays, which the caches' records do not form.
"""

from __future__ import annotations

import gc

from .periodic import Periodic

SETTLE_EVERY_S = 600.0  # what a running server has built up since is frozen too


class HeapSettler:
    def __init__(self, every_s: float = SETTLE_EVERY_S):
        self.settled = 0
        self._rounds = Periodic("crosscheck-heap", every_s, self.settle)

    @property
    def running(self) -> bool:
        return self._rounds.running

    def settle(self) -> None:
        """Collect what is garbage now, and freeze what survives."""
        gc.collect()
        gc.freeze()
        self.settled += 1

    def start(self) -> None:
        """Settle now (call once the caches to keep are built), then every `every_s` seconds."""
        self.settle()
        self._rounds.start()

    def stop(self) -> None:
        self._rounds.stop()
