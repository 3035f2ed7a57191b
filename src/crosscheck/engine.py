"""The engine moves records between the pipeline stages and the store.

Every face (CLI, Python API, and later the REST API and web app) calls this
object; none of them holds pipeline logic of its own.

Ingest stores each article first, on its own; analysis then picks up every
stored article that has none yet. So an interrupted run resumes where it
stopped: nothing reported as stored is lost, and nothing is analysed twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import statistics
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .analyze import ANALYZER_VERSION, analyze_article, own_day, reresolve_dates
from .analyze.outlets import outlet_index, squash
from .brief import DEFAULT_WORDS, build_briefing
from .brief.render import to_json
from .claims import copies_of, cross_check
from .ingest import InputError, ReadOptions, discover, read_file
from .ingest.decode import DEFAULT_MAX_BYTES
from .ingest.feedlists import read_feed_list
from .ingest.feeds import FEED_TYPES, parse_feed
from .ingest.files import article_from_page, is_url
from .ingest.urls import ARTICLE_TYPES, Fetcher
from .records import (Analysis, Article, Briefing, ClaimGroup, IngestReport, Rejection, SentenceReuse,
                      TimelineEvent)
from .stories.cluster import ClusterConfig, StoryChange, StoryClusterer
from .stories.features import ArticleFeatures, build_features, meaning_vector
from .stories.provenance import (ArticleSentences, NearDuplicateIndex, find_reuse, minhash_signature,
                                 signature_bytes, signature_from_bytes, source_and_derived)
from .store import Store
from .store.live import Follow, LiveStore
from .live.alerts import alert_changes, alert_payload, story_snapshot
from .live.atom import FeedEntry, render_feed
from .live.webhooks import QUICK_RETRY_PAUSES, DeliveryRound, check_webhook, deliver, retry_delay
from .store.codec import briefing_from_json, crosscheck_from_json, crosscheck_to_json

log = logging.getLogger(__name__)

# progress(phase, done, total, label); phase is "read" or "analyze".
Progress = Callable[[str, int, int, str], None]
CLAIMS_VERSION = 11  # bump when claim extraction, alignment or verdicts change: cached results are rebuilt
BRIEF_VERSION = 5  # bump when briefing selection or its JSON changes
ANALYSIS_BATCH = 32  # articles embedded together: the model is much faster per sentence in batches
DECODED_RESULTS = 256  # stored claim checks and briefings kept decoded in memory (immutable records)


def sample_corpus_path() -> Path:
    """The bundled sample corpus of fictional articles (installed with the package)."""
    return Path(str(resources.files("crosscheck") / "sample"))


@dataclass(frozen=True, slots=True)
class StorySummary:
    id: int
    title: str
    articles: int
    outlets: list[str]
    first: str | None
    last: str | None


class Engine:
    def __init__(self, db: str | None = None, *, embedder: str = "auto",
                 cluster_config: ClusterConfig | None = None):
        self.store = Store(db)
        self.live = LiveStore(self.store.engine)
        self._embedder_name = embedder
        self._embedder = None
        self._recognizer = None
        self.cluster_config = cluster_config or ClusterConfig()
        self._clusterer: StoryClusterer | None = None
        self._generation = -1  # the store's placement_generation the clusterer has seen
        self._near_index: NearDuplicateIndex | None = None
        # stored outlet names, and the last article id they were read up to (articles never change outlet)
        self._outlet_names: set[str] = set()
        self._outlets_upto = 0
        self._outlet_index: dict[str, str] | None = None  # of _outlet_names, for citation matching
        # every article up to this id was analysed, or left to the process that claimed it, when
        # this engine last finished a pass: later passes start there (new articles get higher ids),
        # so one that stores a single article does not walk the whole store
        self._examined_upto = 0
        self._sentence_cache: OrderedDict[int, ArticleSentences] = OrderedDict()
        self._published: dict[int, date | None] = {}
        # story id -> (its members, their summary), for stories()
        self._summaries: dict[int, tuple[tuple[int, ...], StorySummary]] = {}
        self._ranked: list[StorySummary] | None = None  # their summaries, the biggest story first
        # (story id, kind) -> (key, decoded result) for the most recently used stored results
        self._decoded: OrderedDict[tuple[int, str], tuple[str, Any]] = OrderedDict()

    # -- ingest -----------------------------------------------------------------
    def ingest(self, paths: Iterable[str | Path], *, outlet: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None,
               analyze: bool = True, allow_private: bool = False, respect_robots: bool = False,
               fetcher: Fetcher | None = None, stop: Callable[[], bool] | None = None, dask=None) -> IngestReport:
        """Read every input (files, directories, http(s) URLs of pages or feeds, files listing
        feeds), store each new article in its own transaction, then analyse and queue alerts.

        `stop` is asked between articles; once it says yes, the rest is left for a later run
        (a feed read only in part keeps no validators, so the next poll reads it in full).
        With a Dask client (scale.connect), files are read and articles analysed on its
        workers; storing and placing stay here, in input order."""
        report = IngestReport()
        options = ReadOptions(outlet=outlet, max_bytes=max_bytes)
        fetcher = fetcher or Fetcher(allow_private=allow_private, respect_robots=respect_robots, max_bytes=max_bytes)
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
        if analyze:
            report.analysed = self.analyze_pending(progress=progress, dask=dask)
            self.check_alerts()
        return report

    @staticmethod
    def _read_on(client, found: list, options: ReadOptions, chunk: int = 16) -> dict[Path, Callable[[], list]]:
        """Start reading the article files among `found` on Dask workers; path -> a function
        that waits for that file's results (each chunk is fetched once)."""
        from .scale import read_files_task

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
                self.live.record_feed_poll(url, now=_utcnow(), status="unchanged")
                return
            if fetched.content_type not in FEED_TYPES:
                self._store_one(article_from_page(url, fetched, options), report)
                return
            entries = parse_feed(fetched.body, url)
        except InputError as exc:
            report.rejected.append(Rejection(url, str(exc)))
            if state is not None:
                self.live.record_feed_poll(url, now=_utcnow(), status="error", error=str(exc))
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
        self.live.record_feed_poll(url, now=_utcnow(), status="updated",
                                   etag=fetched.etag if complete else None,
                                   last_modified=fetched.last_modified if complete else None,
                                   new_articles=len(report.stored) - stored_before)

    def _store_one(self, result: Article | Rejection, report: IngestReport) -> None:
        if isinstance(result, Rejection):
            report.rejected.append(result)
            return
        outcome = self.store.add_article(result)
        (report.stored if outcome.created else report.already_stored).append(outcome)

    # -- analysis ---------------------------------------------------------------
    @property
    def embedder(self):
        if self._embedder is None:
            from .analyze.embed import get_embedder

            self._embedder = get_embedder(self._embedder_name)
        return self._embedder

    @property
    def recognizer(self):
        if self._recognizer is None:
            from .analyze.entities import get_recognizer

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
                    return placed
                batch, result, _ = in_flight[0]
                analyses, vector_key, computed = result()
                if vector_key != self.embedder.vector_key:  # a worker with another model: embed here
                    computed = None
                texts = [[s.text for s in analysis.sentences] for analysis in analyses]
                placed += self._place_batch(batch, analyses, self._embed_sentences(texts, computed))
                in_flight.popleft()
                self.store.release_claims(a.id for a in batch)
                done += len(batch)
                if progress:
                    progress("analyze", done, done + sum(len(b) for b, *_ in in_flight), batch[-1].title or "")
        finally:  # a failed batch: it and what is still in flight go back to the pending pile
            for batch, _, cancel in in_flight:
                cancel()
                self.store.release_claims(a.id for a in batch)

    def _analyze_here(self, batch: list[Article]) -> tuple[Callable[[], tuple], Callable[[], None]]:
        """Analysis in this process, run when the batch is placed (the outlets known by then)."""
        def result() -> tuple[list[Analysis], str, None]:
            outlets = self._known_outlets()
            analyses = [analyze_article(a, recognizer=self.recognizer, known_outlets=outlets) for a in batch]
            return analyses, self.embedder.vector_key, None  # sentences are embedded at placing

        return result, lambda: None

    def _analyze_on(self, client) -> tuple[int, Callable]:
        """How many batches to keep on the Dask workers, and how to send one there."""
        from .scale import analyze_task

        outlets = self._known_outlets()

        def start(batch: list[Article]):
            future = client.submit(analyze_task, batch, outlets, self._embedder_name, pure=False)
            return future.result, future.cancel

        return 2 * max(1, len(client.scheduler_info().get("workers", {}))), start

    def _known_outlets(self) -> dict[str, str]:
        """Every stored outlet name, indexed for citation matching; reads only articles new since
        the last call, so a batch's cost does not grow with the store."""
        names, self._outlets_upto = self.store.outlets(after_id=self._outlets_upto)
        if names - self._outlet_names or self._outlet_index is None:
            self._outlet_names |= names
            self._outlet_index = outlet_index(sorted(self._outlet_names))
        return self._outlet_index

    def _place_batch(self, batch: list[Article], analyses: list[Analysis], sentence_vectors: list[np.ndarray]) -> int:
        """Place the batch's articles in stories; how many this process placed."""
        # Analysis runs in parallel across processes; placing in stories is one at a time.
        placed = 0
        with self.store.placement_lock():
            clusterer = self._synced_clusterer()
            done = self.store.analysed_ids([a.id for a in batch])  # by another process meanwhile
            for article, analysis, vectors in zip(batch, analyses, sentence_vectors):
                if article.id not in done:
                    self._place(article, analysis, vectors, clusterer)
                    self._generation += 1
                    placed += 1
        return placed

    def _synced_clusterer(self) -> StoryClusterer:
        """The clusterer, caught up with what other processes stored (call under placement_lock)."""
        generation = self.store.placement_generation()
        if self._clusterer is not None and generation != self._generation:
            self._clusterer.sync(self.store.story_memberships())
            self._near_index = None  # reloaded from the store when next needed
        self._generation = generation
        return self._get_clusterer()

    def _embed_sentences(self, texts: list[Sequence[str]],
                         computed: dict[str, np.ndarray] | None = None) -> list[np.ndarray]:
        """Each article's sentence vectors, given its sentence texts: stored ones where the store
        has them, else from `computed` (a Dask worker's) or the embedder; new ones are stored."""
        model = self.embedder.vector_key
        hashes = [[_text_hash(t) for t in article_texts] for article_texts in texts]
        cached = self.store.sentence_vectors([h for hs in hashes for h in hs], model)
        todo: dict[str, str] = {}
        for article_texts, article_hashes in zip(texts, hashes):
            for text, text_hash in zip(article_texts, article_hashes):
                if text_hash not in cached:
                    todo.setdefault(text_hash, text)
        if todo:
            texts_todo = list(todo.values())
            encoded = [computed[t] for t in texts_todo] if computed is not None else self.embedder.encode(texts_todo)
            fresh = dict(zip(todo, encoded))
            self.store.save_sentence_vectors(fresh, model)
            cached.update({h: v.astype(np.float16).astype(np.float32) for h, v in fresh.items()})
        dim = self.embedder.dim
        return [np.stack([cached[h] for h in hs]) if hs else np.zeros((0, dim), np.float32) for hs in hashes]

    def _place(self, article: Article, analysis: Analysis, vectors: np.ndarray, clusterer: StoryClusterer) -> None:
        doc_vector = meaning_vector(vectors) if len(vectors) else np.zeros(self.embedder.dim, np.float32)
        own = own_day(article, analysis.sentences)
        self._published[article.id] = own
        features = build_features(article, analysis, doc_vector)
        signature = minhash_signature(article.text)
        change = clusterer.add(features)
        near_index = self._get_near_index()
        near = near_index.near(signature, exclude=article.id)
        near_index.add(article.id, signature)

        anchor, inferred = own, False
        if anchor is None:
            anchor = self._story_anchor(change.memberships.get(change.story_id) or
                                        clusterer.members.get(change.story_id, []), article.id)
            if anchor is not None:
                inferred = True
                analysis = reresolve_dates(article, analysis, anchor, inferred=True)
        self._sentence_cache_put(ArticleSentences(article.id, article.published,
                                                  tuple(s.text for s in analysis.sentences), vectors))
        reuse, compared = self._reuse_for(change, article.id, [other for other, _ in near])
        self.store.save_analysis(article, analysis, anchor=anchor, anchor_inferred=inferred, vector=doc_vector,
                                 features=_features_json(features), minhash=signature_bytes(signature),
                                 story_change=change, near=near, reuse=reuse, compared=compared,
                                 analyzer_version=ANALYZER_VERSION)
        self._reanchor_undated(change, skip=article.id)

    # -- stories ----------------------------------------------------------------
    def _get_clusterer(self) -> StoryClusterer:
        if self._clusterer is None:
            self._clusterer = StoryClusterer(self.cluster_config, self._load_features, self.store.new_story_id)
            self._clusterer.restore(self.store.story_memberships())
        return self._clusterer

    def _load_features(self, article_ids: Iterable[int]) -> dict[int, ArticleFeatures]:
        found = {}
        for article_id, (vector, data, _) in self.store.features(list(article_ids)).items():
            found[article_id] = ArticleFeatures(
                article_id=article_id, vector=vector, entities=data["entities"], terms=data["terms"],
                numbers=data["numbers"], years=frozenset(data["years"]),
                day=date.fromisoformat(data["day"]) if data["day"] else None,
                event=_stored_event(data))
        return found

    def _published_days(self, article_ids: list[int]) -> dict[int, date | None]:
        """Each article's own day: its publication day, else its dateline (the anchor stored
        for it when not inferred from its story)."""
        missing = [a for a in article_ids if a not in self._published]
        if missing:
            anchors = self.store.date_anchors(missing)
            for article_id, article in self.store.articles_by_id(missing).items():
                stored, inferred = anchors.get(article_id, (None, True))
                self._published[article_id] = article.published.date() if article.published else \
                    (None if inferred else stored)
        return {a: self._published.get(a) for a in article_ids}

    def _story_anchor(self, members: list[int], article_id: int) -> date | None:
        """The date an undated article's relative dates resolve against: its story's median day."""
        days = sorted(d.toordinal() for a, d in self._published_days(members).items() if d and a != article_id)
        return date.fromordinal(int(statistics.median_low(days))) if days else None

    def _reanchor_undated(self, change: StoryChange, skip: int) -> None:
        """A story's dated articles changed: re-resolve its undated members' relative dates."""
        for members in change.memberships.values():
            undated = [a for a, d in self._published_days(members).items() if d is None and a != skip]
            if not undated:
                continue
            anchor = self._story_anchor(members, skip)
            if anchor is None:
                continue
            stored = self.store.date_anchors(undated)
            for article_id in undated:
                anchor = self._story_anchor(members, article_id)
                if anchor is None or stored.get(article_id, (None,))[0] == anchor:
                    continue
                article = self.store.get_article(article_id)
                analysis = self.store.analysis(article_id)
                if analysis is not None:
                    self.store.update_dates(article_id, reresolve_dates(article, analysis, anchor, True),
                                            anchor, True)

    # -- provenance -------------------------------------------------------------
    def _get_near_index(self) -> NearDuplicateIndex:
        if self._near_index is None:
            self._near_index = NearDuplicateIndex()
            for article_id, blob in self.store.minhashes().items():
                self._near_index.add(article_id, signature_from_bytes(blob))
        return self._near_index

    def _reuse_for(self, change: StoryChange, article_id: int,
                   near: list[int]) -> tuple[list[SentenceReuse], list[tuple[int, int]]]:
        """Compare every article new to a story with the story's other members (and the new
        article with its closest near-duplicates), each pair once."""
        pairs: set[tuple[int, int]] = set()
        for story, joined in change.joined.items():
            members = change.memberships.get(story, [])
            for new in joined:
                pairs.update((min(new, m), max(new, m)) for m in members if m != new)
        pairs.update((min(article_id, n), max(article_id, n)) for n in near)
        pairs -= self.store.compared_among(pairs)
        self._load_sentences({article for pair in pairs for article in pair})
        reuse: list[SentenceReuse] = []
        for first, second in sorted(pairs):
            a, b = self._sentences_of(first), self._sentences_of(second)
            if a is None or b is None:
                continue
            source, derived = source_and_derived(a, b)
            reuse.extend(find_reuse(source, derived))
        return reuse, sorted(pairs)

    def _sentences_of(self, article_id: int) -> ArticleSentences | None:
        if article_id not in self._sentence_cache:
            self._load_sentences([article_id])
        entry = self._sentence_cache.get(article_id)
        if entry is not None:
            self._sentence_cache.move_to_end(article_id)
        return entry

    def _load_sentences(self, article_ids: Iterable[int]) -> None:
        """Bring these articles' sentences and vectors into the cache, in a few queries for all of
        them: a wire copy's near-duplicates are spread over the whole store, so most are not
        cached, and loading them one by one cost a third of an article's placing at 6k stored."""
        missing = [a for a in article_ids if a not in self._sentence_cache]
        if not missing:
            return
        found = self.store.sentence_texts(missing)
        vectors = self._embed_sentences([texts for _, texts in found.values()])
        for (article_id, (published, texts)), matrix in zip(found.items(), vectors):
            self._sentence_cache_put(ArticleSentences(article_id, published, texts, matrix))

    def _sentence_cache_put(self, entry: ArticleSentences) -> None:
        self._sentence_cache[entry.article_id] = entry
        while len(self._sentence_cache) > 2000:
            self._sentence_cache.popitem(last=False)

    # -- queries ----------------------------------------------------------------
    def articles(self, *, limit: int | None = None, offset: int = 0) -> list[Article]:
        return self.store.articles(limit=limit, offset=offset)

    def stories(self) -> list[StorySummary]:
        """Every story, the biggest first.

        A summary depends only on its story's members (stored articles never
        change), so it is kept per story and rebuilt only when they change.
        """
        memberships = {story: tuple(members) for story, members in self.store.story_memberships().items()}
        stale = {story: members for story, members in memberships.items()
                 if self._summaries.get(story, ((), None))[0] != members}
        gone = self._summaries.keys() - memberships.keys()
        if stale or gone or self._ranked is None:
            articles = self.store.articles_by_id([a for ms in stale.values() for a in ms])
            for story, members in stale.items():
                self._summaries[story] = (members, self._summary(story, [articles[a] for a in members]))
            for story in gone:
                del self._summaries[story]
            self._ranked = sorted((summary for _, summary in self._summaries.values()),
                                  key=lambda s: (-s.articles, s.id))
        return list(self._ranked)

    def _summary(self, story_id: int, members: list[Article]) -> StorySummary:
        dated = sorted(a.published_iso() for a in members if a.published)
        return StorySummary(id=story_id, title=representative_title(members), articles=len(members),
                            outlets=sorted({a.outlet for a in members if a.outlet}),
                            first=dated[0] if dated else None, last=dated[-1] if dated else None)

    def story(self, story_id: int) -> dict[str, Any] | None:
        """A story with its articles, entities, dates, reuse and citations; merged ids redirect."""
        resolved = self.store.resolve_story(story_id)
        if resolved is None:
            return None
        members = self.store.story_members(resolved)
        articles = self.store.articles_by_id(members)
        ordered = sorted(articles.values(), key=lambda a: (a.published is None, a.published_iso() or "", a.id))
        analyses = self.store.analyses_by_id(members)
        summary = self._summary(resolved, ordered)
        reuse_counts: dict[tuple[int, int], dict[str, int]] = {}
        for article_id, source_id, kind, count in self.store.reuse_counts_among(members):
            counts = reuse_counts.setdefault((article_id, source_id), {"verbatim": 0, "paraphrase": 0})
            counts[kind] += count
        dates = []
        for article in ordered:
            for d in analyses.get(article.id, Analysis(sentences=())).dates:
                if d.value is not None:
                    dates.append({"article_id": article.id, "text": d.text, "date": d.value.isoformat(),
                                  "granularity": d.granularity, "relative": d.relative, "inferred": d.inferred})
        return {
            **asdict(summary),
            "requested_id": story_id,
            "articles_detail": [{"id": a.id, "external_id": a.external_id, "outlet": a.outlet, "title": a.title,
                                 "published": a.published_iso(), "url": a.url} for a in ordered],
            "entities": [{"name": n, "label": lab, "articles": c, "mentions": m}
                         for n, lab, c, m in self.store.story_entities(members)],
            "dates": dates,
            "reuse": [{"article_id": a, "source_id": s, **counts,
                       "sentences": counts["verbatim"] + counts["paraphrase"]}
                      for (a, s), counts in sorted(reuse_counts.items())],
            "near_duplicates": [{"article_id": a, "other_id": o, "similarity": sim}
                                for a, o, sim in self.store.near_duplicates_among(members) if o in articles],
            "citations": [{"article_id": a, "source": s, "kind": k, "mentions": n}
                          for a, s, k, n in self.store.citations_of(members)],
            # where articles that once were here went: the story split, or they fit another better
            "moved_out": [{"story_id": to, "articles": ids} for to, ids in self.store.moved_out(resolved).items()],
        }

    def cross_check(self, story_id: int) -> tuple[int, list[ClaimGroup], list[TimelineEvent]] | None:
        """(resolved story id, claim groups with verdicts, timeline); None for an unknown story.

        Computed for one story only, and cached until that story's articles or
        their analyses change.
        """
        resolved = self.store.resolve_story(story_id)
        if resolved is None:
            return None
        members = self.store.story_members(resolved)  # sorted by id
        anchors = self.store.date_anchors(members)
        key = hashlib.sha1(json.dumps([CLAIMS_VERSION, ANALYZER_VERSION, members,
                                       [str(anchors.get(m)) for m in members]]).encode()).hexdigest()
        cached = self._stored_result(resolved, "crosscheck", key, crosscheck_from_json)
        if cached is not None:
            groups, timeline = cached
            return resolved, list(groups), list(timeline)
        articles = self.store.articles_by_id(members)
        analyses = self.store.analyses_by_id(members)
        items = [(articles[m], analyses[m]) for m in members if m in analyses]
        vectors: dict[tuple[int, int], np.ndarray] = {}
        for article_id in members:
            sentences = self._sentences_of(article_id)
            if sentences is not None:
                for index, vector in enumerate(sentences.vectors):
                    vectors[(article_id, index)] = vector
        # a figure counts once however often it is copied: independence is judged per
        # sentence (who copied this sentence) and by credit (who cites whom), not by whether
        # two articles share some other sentence
        copies = copies_of(self.store.reuse_among(members))
        groups, timeline = cross_check(items, vectors, self._word_vectors, self._cited(members, articles), copies)
        self.store.save_cached(resolved, "crosscheck", key, crosscheck_to_json(groups, timeline))
        return resolved, groups, timeline

    def briefing(self, story_id: int, words: int = DEFAULT_WORDS) -> Briefing | None:
        """The story's briefing, rebuilt only when the story has changed."""
        checked = self.cross_check(story_id)
        if checked is None:
            return None
        resolved, groups, timeline = checked
        members = self.store.story_members(resolved)  # sorted by id
        key = hashlib.sha1(json.dumps([BRIEF_VERSION, CLAIMS_VERSION, members, words,
                                       [str(a) for a in self.store.date_anchors(members).values()]])
                           .encode()).hexdigest()
        cached = self._stored_result(resolved, f"brief:{words}", key, briefing_from_json)
        if cached is not None:
            return cached
        articles = self.store.articles_by_id(members)
        sentences: dict[int, tuple[str, ...]] = {}
        vectors: dict[tuple[int, int], np.ndarray] = {}
        for article_id in members:
            found = self._sentences_of(article_id)
            if found is not None:
                sentences[article_id] = found.sentences
                vectors.update({(article_id, i): v for i, v in enumerate(found.vectors)})
        reuse = self.store.reuse_among(members)
        briefing = build_briefing(
            resolved, representative_title(list(articles.values())), articles, sentences, vectors, groups,
            timeline, self._derived_from(members, articles, reuse), reuse, self.store.citations_of(members),
            words=words)
        self.store.save_cached(resolved, f"brief:{words}", key, to_json(briefing))
        return briefing

    def _stored_result(self, story_id: int, kind: str, key: str, decode: Callable[[str], Any]) -> Any:
        """A story's stored result (store.cached) decoded, or None; recently used ones are kept
        decoded in memory under the same key, so they are neither read nor parsed again."""
        held = self._decoded.get((story_id, kind))
        if held is not None and held[0] == key:
            self._decoded.move_to_end((story_id, kind))
            return held[1]
        data = self.store.cached(story_id, kind, key)
        if data is None:
            return None
        value = decode(data)
        self._decoded[(story_id, kind)] = (key, value)
        self._decoded.move_to_end((story_id, kind))
        while len(self._decoded) > DECODED_RESULTS:
            self._decoded.popitem(last=False)
        return value

    def _word_vectors(self, words) -> dict[str, np.ndarray]:
        words = list(words)
        return dict(zip(words, self.embedder.encode(words))) if words else {}

    def _derived_from(self, members: list[int], articles: dict[int, Article],
                      reuse: list[SentenceReuse]) -> dict[int, set[int]]:
        """article -> the articles of its story it rewrites or cites (so is not independent of)."""
        derived = self._cited(members, articles)
        reused: dict[tuple[int, int], list[SentenceReuse]] = {}
        for r in reuse:
            reused.setdefault((r.article_id, r.source_id), []).append(r)
        for (article_id, source_id), rows in reused.items():
            # one paraphrased sentence can be coincidence; two, or a verbatim copy, is reuse
            if len(rows) >= 2 or any(r.kind == "verbatim" for r in rows):
                derived.setdefault(article_id, set()).add(source_id)
        return derived

    def _cited(self, members: list[int], articles: dict[int, Article]) -> dict[int, set[int]]:
        """article -> the earlier articles of its story from outlets it credits ("AP reported")."""
        derived: dict[int, set[int]] = {}
        by_outlet: dict[str, list[int]] = {}
        for article in articles.values():
            if article.outlet:
                by_outlet.setdefault(squash(article.outlet), []).append(article.id)
        for article_id, source, kind, _ in self.store.citations_of(members):
            if kind != "outlet":
                continue
            for cited in by_outlet.get(squash(source), []):
                if cited != article_id and _not_later(articles[cited], articles[article_id]):
                    derived.setdefault(article_id, set()).add(cited)
        return derived

    # -- alerts -----------------------------------------------------------------
    def follow(self, story_id: int, webhook: str, *, user_id: int | None = None,
               allow_private: bool = False) -> Follow:
        """Follow a story: its webhook gets an alert when the story gains an outlet or a
        conflict, or a claim's verdict changes. LookupError for an unknown story, InputError
        for a webhook that is not a public http(s) URL (unless private ones are allowed)."""
        resolved = self.store.resolve_story(story_id)
        if resolved is None:
            raise LookupError(f"no story {story_id}")
        check_webhook(webhook, allow_private=allow_private)
        snapshot, _, _ = self._story_snapshot(resolved)
        return self.live.add_follow(resolved, webhook, snapshot=snapshot, now=_utcnow(), user_id=user_id,
                                    allow_private=allow_private)

    def unfollow(self, follow_id: int, *, user_id: int | None = None) -> bool:
        return self.live.remove_follow(follow_id, user_id=user_id)

    def follows(self, *, user_id: int | None = None) -> list[Follow]:
        return self.live.follows(user_id=user_id)

    def _story_snapshot(self, story_id: int) -> tuple[dict, list[ClaimGroup], dict[int, Article]]:
        resolved, groups, _ = self.cross_check(story_id)
        articles = self.store.articles_by_id(self.store.story_members(resolved))
        return story_snapshot(list(articles), articles, groups), groups, articles

    def check_alerts(self, story_url: Callable[[int], str] | None = None) -> int:
        """Compare every follow's snapshot with its story now and queue an alert for what
        changed (in the transaction that moves the snapshot); the number queued. Nothing
        depends on having seen articles arrive, so a crash loses no alert: the next check
        finds the same difference."""
        queued = 0
        for follow in self.live.follows():
            resolved = self.store.resolve_story(follow.story_id)
            if resolved is None or self.store.story_members(resolved) == follow.snapshot.get("members"):
                continue
            snapshot, groups, articles = self._story_snapshot(resolved)
            changes = alert_changes(follow.snapshot, snapshot, groups, articles)
            payload = alert_payload(story_id=resolved, followed_id=follow.story_id,
                                    title=representative_title(list(articles.values())), snapshot=snapshot,
                                    changes=changes, created_at=_utcnow().isoformat(timespec="seconds") + "Z",
                                    story_url=story_url(resolved) if story_url else None) if changes else None
            if self.live.record_alert(follow.id, expected_snapshot=follow.snapshot, snapshot=snapshot,
                                      payload=payload, now=_utcnow()):
                queued += payload is not None
        return queued

    def deliver_alerts(self, *, sleep: Callable[[float], None] = time.sleep, **post_options) -> DeliveryRound:
        """POST every queued alert that is due; one that fails stays queued, to be tried
        again later (1 min, 2, 4, … at most an hour), never dropped."""
        result = DeliveryRound()
        per_round = len(QUICK_RETRY_PAUSES) + 1
        for delivery in self.live.deliveries(due_at=_utcnow()):
            body = json.dumps({"delivery_id": delivery.id, **json.loads(delivery.payload)},
                              ensure_ascii=False).encode("utf-8")
            attempts, error = deliver(delivery.webhook, body, delivery_id=delivery.id,
                                      allow_private=delivery.allow_private, sleep=sleep, **post_options)
            total = delivery.attempts + attempts
            if error is None:
                self.live.mark_delivered(delivery.id, now=_utcnow(), attempts=total)
                result.delivered.append(delivery.id)
            else:
                delay = retry_delay(-(-total // per_round))
                self.live.mark_failed(delivery.id, attempts=total, error=error,
                                      next_attempt=_utcnow() + timedelta(seconds=delay))
                result.failed.append((delivery.id, error))
        result.pending = len(self.live.deliveries(pending_only=True))
        return result

    # -- Atom feeds ---------------------------------------------------------------
    def stories_atom(self, base_url: str, *, limit: int = 50) -> str:
        """An Atom feed of the most recently updated stories."""
        base = base_url.rstrip("/")
        summaries = {s.id: s for s in self.stories()}
        updated = self.store.story_updated(list(summaries))
        recent = sorted(summaries, key=lambda s: (updated.get(s) or datetime.min, s), reverse=True)[:limit]
        leads = self._story_leads([summaries[s] for s in recent])
        entries = [FeedEntry(id=f"{base}/stories/{s}", title=summaries[s].title, link=f"{base}/stories/{s}",
                             updated=updated.get(s) or _utcnow(), authors=tuple(summaries[s].outlets),
                             summary=leads.get(s, (None, None))[0], source_url=leads.get(s, (None, None))[1],
                             related=f"{base}/stories/{s}/feed.atom") for s in recent]
        return render_feed(feed_id=f"{base}/feeds/stories.atom", title="crosscheck: stories",
                           self_link=f"{base}/feeds/stories.atom", alternate=f"{base}/", entries=entries)

    def story_atom(self, story_id: int, base_url: str, *, limit: int = 100) -> str | None:
        """An Atom feed of one story's articles, the newest first; None for an unknown story."""
        resolved = self.store.resolve_story(story_id)
        if resolved is None:
            return None
        base = base_url.rstrip("/")
        articles = self.store.articles_by_id(self.store.story_members(resolved))
        newest = sorted(articles.values(), key=lambda a: (a.ingested_at or datetime.min, a.id), reverse=True)[:limit]
        analyses = self.store.analyses_by_id([a.id for a in newest])
        entries = [FeedEntry(
            id=f"{base}/articles/{a.id}", title=a.title or "(untitled)", link=f"{base}/articles/{a.id}",
            updated=a.ingested_at or _utcnow(), published=a.published,
            authors=tuple(n for n in (a.outlet, a.author) if n), source_url=a.url,
            summary=_first_sentence(analyses.get(a.id))) for a in newest]
        title = representative_title(list(articles.values()))
        return render_feed(feed_id=f"{base}/stories/{resolved}/feed.atom", title=f"crosscheck: {title}",
                           self_link=f"{base}/stories/{resolved}/feed.atom", alternate=f"{base}/stories/{resolved}",
                           entries=entries)

    def _story_leads(self, summaries: list[StorySummary]) -> dict[int, tuple[str | None, str | None]]:
        """story id -> (first sentence, url) of the article whose title is the story's."""
        members = {s.id: self.store.story_members(s.id) for s in summaries}
        articles = self.store.articles_by_id([a for ms in members.values() for a in ms])
        chosen = {}
        for s in summaries:
            titled = [articles[a] for a in members[s.id] if a in articles and articles[a].title == s.title]
            if titled:
                chosen[s.id] = titled[0]
        analyses = self.store.analyses_by_id([a.id for a in chosen.values()])
        return {story: (_first_sentence(analyses.get(a.id)), a.url) for story, a in chosen.items()}

    def export_rows(self) -> Iterator[dict[str, Any]]:
        """One row per article in the documented export schema (see README)."""
        batch: list[Article] = []
        for article in self.store.iter_articles():
            batch.append(article)
            if len(batch) == 500:
                yield from self._export_batch(batch)
                batch = []
        yield from self._export_batch(batch)

    def _export_batch(self, batch: list[Article]) -> Iterator[dict[str, Any]]:
        stories = self.store.story_of([a.id for a in batch]) if batch else {}
        for article in batch:
            yield {
                "id": article.external_id or article.url or str(article.id),
                "outlet": article.outlet,
                "url": article.url,
                "title": article.title,
                "published": article.published_iso(),
                "author": article.author,
                "text": article.text,
                "story_id": stories.get(article.id),
            }

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def representative_title(members: list[Article]) -> str:
    """The real title whose words the story's other titles share most."""
    titles = [a.title for a in members if a.title and not a.title_derived] or \
             [a.title for a in members if a.title]
    if not titles:
        return "(untitled)"
    words = [set(t.lower().split()) for t in titles]

    def shared(i: int) -> float:
        return sum(len(words[i] & w) / (len(words[i] | w) or 1) for j, w in enumerate(words) if j != i)

    return titles[max(range(len(titles)), key=lambda i: (shared(i), -len(titles[i])))]


def _not_later(cited: Article, citing: Article) -> bool:
    """Whether `cited` could be the source of `citing`: not published after it."""
    if cited.published is None or citing.published is None:
        return True
    return cited.published.replace(tzinfo=None) <= citing.published.replace(tzinfo=None)


def _lists_feeds(path: Path) -> bool:
    """Whether a file lists feeds (read by the engine itself) rather than holding articles."""
    try:
        return read_feed_list(path) is not None
    except InputError:
        return True  # the engine reports it


def _first_sentence(analysis: Analysis | None) -> str | None:
    return analysis.sentences[0].text if analysis and analysis.sentences else None


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _stored_event(data: dict) -> tuple[tuple[int, int], ...]:
    """The stored event spans. Features stored before they existed have none, and
    ArticleFeatures then takes the publication day (as event_spans always includes it)."""
    return tuple((first, last) for first, last in data.get("event", ()))


def _features_json(features: ArticleFeatures) -> dict:
    return {"entities": features.entities, "terms": features.terms, "numbers": features.numbers,
            "years": sorted(features.years), "day": features.day.isoformat() if features.day else None,
            "event": [list(span) for span in features.event]}
