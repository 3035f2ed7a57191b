"""Placing analysed articles in stories, one at a time under the store's placement lock:
the online clusterer, near-duplicates, sentence reuse, and the dates of undated articles
(resolved against their story's days)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import date

import numpy as np

from ..analyze import ANALYZER_VERSION, own_day, reresolve_dates
from ..records import Analysis, Article, SentenceReuse
from ..store import Store
from ..stories.cluster import ClusterConfig, StoryChange, StoryClusterer, StoryState, summed_attributes
from ..stories.features import ArticleFeatures, build_features, meaning_vector
from ..stories.provenance import (ArticleSentences, closest_near_duplicates, find_reuse, lsh_buckets,
                                  minhash_signature, signature_bytes, source_and_derived)
from .sentences import Sentences
from .story_book import StoredStoryBook, absorbed_row, state_row


class Placement:
    def __init__(self, store: Store, sentences: Sentences, config: ClusterConfig):
        self.store = store
        self.sentences = sentences
        self.config = config
        self._clusterer: StoryClusterer | None = None
        self._book: StoredStoryBook | None = None
        self._published: dict[int, date | None] = {}

    def place_batch(self, batch: list[Article], analyses: list[Analysis], sentence_vectors: list[np.ndarray]) -> int:
        """Place the batch's articles in stories; how many this process placed."""
        # Analysis runs in parallel across processes; placing in stories is one at a time. An
        # article placed by another process meanwhile is skipped.
        return self._each_locked(batch, analyses, sentence_vectors, self._place,
                                 lambda ids: set(ids) - self.store.analysed_ids(ids))

    def revise_batch(self, batch: list[Article], analyses: list[Analysis], sentence_vectors: list[np.ndarray]) -> int:
        """Analyses of revised articles' new texts, each in place of its old one, in the story the
        article is in; how many."""
        return self._each_locked(batch, analyses, sentence_vectors,
                                 lambda article, analysis, vectors, _: self._revise(article, analysis, vectors),
                                 self.store.revisions_pending_among)  # not taken by another process meanwhile

    def _each_locked(self, batch: list[Article], analyses: list[Analysis], sentence_vectors: list[np.ndarray],
                     step, still_wanted) -> int:
        """`step(article, analysis, vectors, clusterer)` for each article of the batch that
        `still_wanted(ids)` keeps once the placement lock is held; how many."""
        done = 0
        with self.store.placement_lock():
            clusterer = self._synced_clusterer()
            wanted = still_wanted([a.id for a in batch])
            for article, analysis, vectors in zip(batch, analyses, sentence_vectors):
                if article.id in wanted:
                    try:
                        step(article, analysis, vectors, clusterer)
                    except BaseException:
                        # the clusterer may hold stories the store did not take: start again from the store
                        self._clusterer = self._book = None
                        raise
                    self._book.placed()
                    done += 1
        return done

    def prepare(self) -> None:
        """Open the stories' index now rather than at the first article placed (a server or a
        worker starting, a store just copied)."""
        with self.store.placement_lock():
            self._synced_clusterer()

    def close(self) -> None:
        """Save the vector index, so that the next process loads it instead of rebuilding it."""
        if self._book is not None:
            self._book.save(force=True)

    def forget_day(self, article_id: int) -> None:
        """An article's publication day changed (a correction)."""
        self._published.pop(article_id, None)

    def _synced_clusterer(self) -> StoryClusterer:
        """The clusterer, caught up with what other processes stored (call under placement_lock)."""
        generation = self.store.placement_generation()
        if self._clusterer is None:
            self._book = StoredStoryBook(self.store, self.sentences.embedder.dim)
            self._book.open(generation, self._load_features, summed_attributes(self.config))
            self._clusterer = StoryClusterer(self.config, self._load_features, self.store.new_story_id,
                                             book=self._book)
        else:
            self._book.catch_up(generation)
        return self._clusterer

    def _read(self, article: Article, analysis: Analysis, vectors: np.ndarray):
        """What placing compares of an article: (meaning vector, own day, features, MinHash
        signature, its LSH buckets, its closest near-duplicates)."""
        doc_vector = meaning_vector(vectors) if len(vectors) else np.zeros(self.sentences.embedder.dim, np.float32)
        own = own_day(article, analysis.sentences)
        self._published[article.id] = own
        signature = minhash_signature(article.text)
        buckets = lsh_buckets(signature)
        return (doc_vector, own, build_features(article, analysis, doc_vector), signature, buckets,
                self._near_duplicates(signature, buckets, article.id))

    def _place(self, article: Article, analysis: Analysis, vectors: np.ndarray, clusterer: StoryClusterer) -> None:
        doc_vector, own, features, signature, buckets, near = self._read(article, analysis, vectors)
        change = clusterer.add(features)

        anchor, inferred = own, False
        if anchor is None:
            anchor = self._story_anchor(change.memberships.get(change.story_id) or
                                        clusterer.members_of(change.story_id), article.id)
            if anchor is not None:
                inferred = True
                analysis = reresolve_dates(article, analysis, anchor, inferred=True)
        self.sentences.put(ArticleSentences(article.id, article.published,
                                            tuple(s.text for s in analysis.sentences), vectors))
        reuse, compared = self.reuse_for(change)
        key_changes = self.store.save_analysis(article, analysis, anchor=anchor, anchor_inferred=inferred, vector=doc_vector,
                                 features=_features_json(features), minhash=signature_bytes(signature),
                                 story_change=change, near=near, reuse=reuse, compared=compared,
                                 analyzer_version=ANALYZER_VERSION, buckets=buckets,
                                 story_states=[*(absorbed_row(s) for s in change.redirects),
                                               *(state_row(st) for s, st in change.states.items()
                                                 if s not in change.redirects)])
        self._book.keys_changed(key_changes)
        self._reanchor_undated(change, skip=article.id)

    def _revise(self, article: Article, analysis: Analysis, vectors: np.ndarray) -> None:
        """A revised article: what its new text says, its reuse with its story's other members
        compared afresh, and its story's state summed again from its members' features (the old
        text's are gone), so that later placements score the story as it now reads."""
        doc_vector, own, features, signature, buckets, near = self._read(article, analysis, vectors)
        story = self.store.story_of([article.id]).get(article.id)
        members = self.store.story_members(story) if story is not None else [article.id]
        anchor, inferred = own, False
        if anchor is None:
            anchor = self._story_anchor(members, article.id)
            if anchor is not None:
                inferred = True
                analysis = reresolve_dates(article, analysis, anchor, inferred=True)
        self.sentences.put(ArticleSentences(article.id, article.published,
                                            tuple(s.text for s in analysis.sentences), vectors))
        pairs = sorted((min(article.id, m), max(article.id, m)) for m in members if m != article.id)
        states = []
        if story is not None:
            loaded = {**self._load_features([m for m in members if m != article.id]), article.id: features}
            states = [StoryState.of(story, [loaded[m] for m in members if m in loaded],
                                    summed_attributes(self.config))]
        key_changes = self.store.replace_analysis(
            article, analysis, anchor=anchor, anchor_inferred=inferred, vector=doc_vector,
            features=_features_json(features), minhash=signature_bytes(signature), near=near,
            reuse=self._compare(pairs), compared=pairs, analyzer_version=ANALYZER_VERSION, buckets=buckets,
            story_states=[state_row(state) for state in states])
        for state in states:
            self._book.put(state)
        self._book.keys_changed(key_changes)

    # -- stories ----------------------------------------------------------------
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
            for article_id, article in self.store.article_heads(missing).items():
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
    def _near_duplicates(self, signature, buckets: list[int], article_id: int) -> list[tuple[int, float]]:
        """The closest stored near-duplicates: candidates share an LSH bucket in the store."""
        return closest_near_duplicates(signature, self.store.bucket_mates(buckets), exclude=article_id)

    def reuse_for(self, change: StoryChange) -> tuple[list[SentenceReuse], list[tuple[int, int]]]:
        """Compare every article new to a story with the story's other members, each pair once.
        Reuse is read and shown within a story, and articles that come to share one later (a
        merge, a move) are new to it then, so a near-duplicate in another story is not compared:
        at 10k stored, half the pairs compared were such, and none of them was ever shown."""
        pairs: set[tuple[int, int]] = set()
        for story, joined in change.joined.items():
            members = change.memberships.get(story, [])
            for new in joined:
                pairs.update((min(new, m), max(new, m)) for m in members if m != new)
        pairs -= self.store.compared_among(pairs)
        return self._compare(sorted(pairs)), sorted(pairs)

    def _compare(self, pairs: list[tuple[int, int]]) -> list[SentenceReuse]:
        """Sentence reuse within each pair of articles, the earlier one the source."""
        self.sentences.load({article for pair in pairs for article in pair})
        reuse: list[SentenceReuse] = []
        for first, second in pairs:
            a, b = self.sentences.of(first), self.sentences.of(second)
            if a is None or b is None:
                continue
            source, derived = source_and_derived(a, b)
            reuse.extend(find_reuse(source, derived))
        return reuse



def _stored_event(data: dict) -> tuple[tuple[int, int], ...]:
    """The stored event spans. Features stored before they existed have none, and
    ArticleFeatures then takes the publication day (as event_spans always includes it)."""
    return tuple((first, last) for first, last in data.get("event", ()))


def _features_json(features: ArticleFeatures) -> dict:
    return {"entities": features.entities, "terms": features.terms, "numbers": features.numbers,
            "years": sorted(features.years), "day": features.day.isoformat() if features.day else None,
            "event": [list(span) for span in features.event]}
