"""Analysing stored articles that have no analysis yet, in batches, here or on Dask workers,
and handing each batch to placement. Processes share the work through the store's claims,
so an article is analysed once however many run."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from ..analyze import analyze_article
from ..analyze.outlets import outlet_index
from ..records import Analysis, Article
from ..store import Store
from .placement import Placement
from .sentences import Sentences

ANALYSIS_BATCH = 32  # articles embedded together: the model is much faster per sentence in batches
# progress(phase, done, total, label); phase is "read" or "analyze".
Progress = Callable[[str, int, int, str], None]


class Analyzer:
    def __init__(self, store: Store, sentences: Sentences, placement: Placement):
        self.store = store
        self.sentences = sentences
        self.placement = placement
        self._recognizer = None
        # the stored outlet names indexed for citation matching, and the last article id they were
        # read up to (articles never change outlet but by a correction, which only adds a name)
        self._outlet_index: dict[str, str] = {}
        self._outlets_upto = 0
        # every article up to this id was analysed, or left to the process that claimed it, when
        # this engine last finished a pass: later passes start there (new articles get higher ids),
        # so one that stores a single article does not walk the whole store
        self._examined_upto = 0

    @property
    def recognizer(self):
        if self._recognizer is None:
            from ..analyze.entities import get_recognizer

            self._recognizer = get_recognizer()
        return self._recognizer

    def analyze_pending(self, progress: Progress | None = None, dask=None) -> int:
        """Analyse and place in stories every stored article not analysed yet (and not being
        analysed by another process); how many this process placed. With a Dask
        client, analysis and embedding run on its workers, a few batches ahead; placing
        stays here, in article order."""
        ahead, start = (1, self._analyze_here) if dask is None else self._analyze_on(dask)
        in_flight: deque = deque()  # (batch, its result when ready, cancel)
        last_id = examined = self._examined_upto
        done = placed = 0
        try:
            while True:
                # after the last batch: searching from the first article again costs a pass over
                # every analysed one per batch, which grows with the store
                while len(in_flight) < ahead and last_id is not None:
                    batch, last_id = self.store.claim_pending(ANALYSIS_BATCH, after_id=last_id)
                    examined = last_id if last_id is not None else examined
                    if batch:
                        in_flight.append((batch, *start(batch)))
                if not in_flight:
                    self._examined_upto = examined
                    return placed + self._analyze_revisions()
                batch, result, _ = in_flight[0]
                analyses, vector_key, computed = result()
                if vector_key != self.sentences.embedder.vector_key:  # a worker with another model: embed here
                    computed = None
                texts = [[s.text for s in analysis.sentences] for analysis in analyses]
                placed += self.placement.place_batch(batch, analyses, self.sentences.embed(texts, computed))
                in_flight.popleft()
                self.store.release_claims(a.id for a in batch)
                done += len(batch)
                if progress:
                    progress("analyze", done, done + sum(len(b) for b, *_ in in_flight), batch[-1].title or "")
        finally:  # a failed batch: it and what is still in flight go back to the pending pile
            for batch, _, cancel in in_flight:
                cancel()
                self.store.release_claims(a.id for a in batch)

    def _analyze_revisions(self) -> int:
        """Analyse revised articles' new texts, in their stories (placement.revise_batch); how many.
        Revisions are few, so this runs here, in small batches."""
        done = 0
        while True:
            batch = self.store.pending_revisions(ANALYSIS_BATCH)
            if not batch:
                return done
            analyses, _, _ = self._analyze_here(batch)[0]()
            texts = [[s.text for s in analysis.sentences] for analysis in analyses]
            revised = self.placement.revise_batch(batch, analyses, self.sentences.embed(texts, None))
            if not revised:
                return done  # another process holds them
            done += revised

    def _analyze_here(self, batch: list[Article]) -> tuple[Callable[[], tuple], Callable[[], None]]:
        """Analysis in this process, run when the batch is placed (the outlets known by then)."""
        def result() -> tuple[list[Analysis], str, None]:
            outlets = self._known_outlets()
            analyses = [analyze_article(a, recognizer=self.recognizer, known_outlets=outlets) for a in batch]
            return analyses, self.sentences.embedder.vector_key, None  # sentences are embedded at placing

        return result, lambda: None

    def _analyze_on(self, client) -> tuple[int, Callable]:
        """How many batches to keep on the Dask workers, and how to send one there."""
        from ..scale import analyze_task

        outlets = self._known_outlets()

        def start(batch: list[Article]):
            future = client.submit(analyze_task, batch, outlets, self.sentences.embedder_name, pure=False)
            return future.result, future.cancel

        return 2 * max(1, len(client.scheduler_info().get("workers", {}))), start

    def _known_outlets(self) -> dict[str, str]:
        """Every stored outlet name, indexed for citation matching; reads only articles new since
        the last call, so a batch's cost does not grow with the store."""
        names, self._outlets_upto = self.store.outlets(after_id=self._outlets_upto)
        return outlet_index(names, into=self._outlet_index)
