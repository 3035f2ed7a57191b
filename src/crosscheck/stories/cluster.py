"""Online story clustering: each new article joins a story or opens one.

Two articles belong together when they share meaning (embeddings), names
(entities), distinctive terms and numbers, and time: events weeks apart are
different stories even when they read alike. A story's affinity to an article
is the average of its members' pairwise similarities (average link).

Greedy online assignment locks in early mistakes and depends on arrival order,
so each arrival re-clusters its neighbourhood instead: the candidate stories
(from the vector index and the entity index, never a scan of all stories) and
their members are re-grouped with average-link agglomerative clustering at the
same threshold. This gives near-batch quality and order stability while
touching only a few stories. Story ids survive by largest overlap; a story
absorbed into another redirects to it.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from scipy.spatial.distance import squareform

from .features import ArticleFeatures


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    weight_meaning: float = 0.2
    weight_entities: float = 0.5  # recognised entities plus surface names
    # General vocabulary is shared by every event of a kind (two earthquakes
    # both have "magnitude" and "rubble"), so it blurs the very distinction
    # clustering must make; key terms still find candidate stories (the index).
    weight_terms: float = 0.0
    weight_numbers: float = 0.3  # distinctive figures: scores, tolls, amounts
    weight_years: float = 0.1  # +1 when mentioned years overlap, -1 when they are disjoint
    # Events far apart in time (features.event_spans: the publication day and the lead's
    # dates, the closest pair counting): subtracted in full beyond `time_full_days`,
    # growing from nothing at `time_grace_days`. Chosen by cross-validation over ECB+ dev
    # topics (benchmarks/cluster_cv.py) among the settings that keep the bundled sample's
    # two ferry accidents at one port, four months apart, in two stories.
    time_penalty: float = 0.3
    time_grace_days: float = 7.0
    time_full_days: float = 90.0
    # Events a year or more apart are different events, however alike: this is subtracted
    # on top, more than any pair of articles can score, so they never share a story.
    # (Both penalties apply only between articles that carry their own date: _time_penalty.)
    time_wall_days: float = 365.0
    time_wall_penalty: float = 1.5
    threshold: float = 0.29  # average-link similarity needed to share a story
    candidate_stories: int = 8  # stories re-clustered with a new article, at most
    candidate_margin: float = 0.15  # consider stories scoring above threshold - margin
    vector_candidates: int = 10  # nearest story centroids asked of the vector index
    entity_posting_limit: int = 200  # an entity in more stories than this is too common to look up
    # Of the stories sharing names or key terms with an article, only this many are scored: those
    # sharing the most, rarer names counting more. Without a bound the work per article grows
    # with the store, since common names gather more stories as it grows.
    key_candidates: int = 40
    max_local_articles: int = 400  # beyond this, assign greedily instead of re-clustering


def similarity_matrix(left: Sequence[ArticleFeatures], right: Sequence[ArticleFeatures],
                      config: ClusterConfig) -> np.ndarray:
    """Pairwise article similarity, as used for average link."""
    meaning = np.stack([f.vector for f in left]) @ np.stack([f.vector for f in right]).T
    total = config.weight_meaning * meaning
    for weight, attribute in ((config.weight_entities, "entities"), (config.weight_terms, "terms"),
                              (config.weight_numbers, "numbers")):
        if weight:
            total += weight * _sparse_dot(left, right, attribute)
    if config.weight_years:
        total += config.weight_years * _year_agreement(left, right)
    if config.time_penalty or config.time_wall_penalty:
        total -= _time_penalty(left, right, config)
    return total


def _sparse_dot(left, right, attribute: str) -> np.ndarray:
    vocabulary: dict[str, int] = {}
    matrices = []
    for side in (left, right):
        rows, cols, vals = [], [], []
        for r, features in enumerate(side):
            for key, value in getattr(features, attribute).items():
                rows.append(r)
                cols.append(vocabulary.setdefault(key, len(vocabulary)))
                vals.append(value)
        matrices.append((rows, cols, vals, len(side)))
    if not vocabulary:
        return np.zeros((len(left), len(right)))
    a, b = (csr_matrix((v, (r, c)), shape=(n, len(vocabulary))) for r, c, v, n in matrices)
    return (a @ b.T).toarray()


def _year_agreement(left, right) -> np.ndarray:
    years = sorted({y for f in (*left, *right) for y in f.years})
    if not years:
        return np.zeros((len(left), len(right)))
    index = {y: i for i, y in enumerate(years)}

    def matrix(side):
        m = np.zeros((len(side), len(years)))
        for r, f in enumerate(side):
            for y in f.years:
                m[r, index[y]] = 1
        return m

    a, b = matrix(left), matrix(right)
    overlap = (a @ b.T) > 0
    both = np.outer(a.any(1), b.any(1))
    return np.where(overlap, 1.0, np.where(both, -1.0, 0.0))


def _time_penalty(left, right, config: ClusterConfig) -> np.ndarray:
    """What the distance in days between two articles' events costs: the gap between their
    closest event spans (features.event_spans).

    Only between articles that both carry their own date (publication day or dateline): the
    dates in an undated article's lead may be background ("arrested in October 2011" in a
    report on the 2013 trial), so they can never push it away from another article.
    """
    width = max((len(f.event) for f in (*left, *right)), default=0)
    if not width:
        return np.zeros((len(left), len(right)))

    def spans(side):  # (articles, width, 2), unused slots NaN
        out = np.full((len(side), width, 2), np.nan)
        for row, f in enumerate(side):
            if f.event:
                out[row, :len(f.event)] = f.event
        return out

    a, b = spans(left), spans(right)
    a_first, a_last = a[:, None, :, None, 0], a[:, None, :, None, 1]
    b_first, b_last = b[None, :, None, :, 0], b[None, :, None, :, 1]
    gaps = np.maximum(0.0, np.maximum(a_first - b_last, b_first - a_last))  # 0 where spans overlap
    with np.errstate(all="ignore"):
        gap = np.fmin.reduce(gaps.reshape(len(left), len(right), -1), axis=2)  # NaN: nothing to compare
    share = np.clip((gap - config.time_grace_days) / (config.time_full_days - config.time_grace_days), 0.0, 1.0)
    both_dated = np.outer([f.day is not None for f in left], [f.day is not None for f in right])
    penalty = config.time_penalty * share + config.time_wall_penalty * (gap >= config.time_wall_days)
    return np.where(both_dated, np.nan_to_num(penalty, nan=0.0), 0.0)


_SPARSE = ("entities", "terms", "numbers")
INDEXED_TERMS = 10  # an article's most distinctive terms, looked up beside its entities


def _index_keys(features: ArticleFeatures) -> list[str]:
    """Keys of the entity/term index: every entity and the top terms (prefixed apart)."""
    top_terms = sorted(features.terms.items(), key=lambda kv: -kv[1])[:INDEXED_TERMS]
    return [*features.entities, *(f"term:{t}" for t, _ in top_terms)]


@dataclass
class StoryChange:
    """What one arrival changed: every touched story with its full member list."""

    story_id: int  # the story the new article is in
    memberships: dict[int, list[int]] = field(default_factory=dict)
    redirects: dict[int, int] = field(default_factory=dict)  # absorbed story -> surviving story
    created: list[int] = field(default_factory=list)
    joined: dict[int, list[int]] = field(default_factory=dict)  # story -> articles new to it
    # A story that lives on but lost articles to another (a split): (from story, to story, articles)
    moved: list[tuple[int, int, list[int]]] = field(default_factory=list)


FeatureLoader = Callable[[Iterable[int]], dict[int, ArticleFeatures]]


class StoryClusterer:
    """The in-memory side of clustering: story members, centroid index, entity index.

    Article features are fetched through `load_features` when a story is looked
    at, so the clusterer can start from a store without reading every article.
    """

    def __init__(self, config: ClusterConfig, load_features: FeatureLoader, new_story_id: Callable[[], int],
                 dim: int = 384):
        from usearch.index import Index

        self.config = config
        self._load_features = load_features
        self._new_story_id = new_story_id
        self._index = Index(ndim=dim, metric="cos")
        self._features: dict[int, ArticleFeatures] = {}
        self.members: dict[int, list[int]] = {}
        self._vector_sums: dict[int, np.ndarray] = {}
        # Sums of members' sparse vectors: the average link of an article to a
        # story is its dot product with these, divided by the story's size.
        self._sparse_sums: dict[int, dict[str, dict[str, float]]] = {}
        self._story_entities: dict[int, Counter] = {}
        self._entity_stories: dict[str, set[int]] = defaultdict(set)

    # -- state ------------------------------------------------------------------
    def restore(self, stories: dict[int, list[int]]) -> None:
        """Rebuild the indexes from stored memberships."""
        for story_id, article_ids in stories.items():
            self._set_story(story_id, list(article_ids))

    def sync(self, stories: dict[int, list[int]]) -> int:
        """Catch up with stored memberships that another process changed: rebuild only the
        stories whose members differ, drop the ones gone. The number of stories touched."""
        touched = 0
        for story_id in [s for s in self.members if s not in stories]:
            self._drop_story(story_id)
            touched += 1
        for story_id, article_ids in stories.items():
            if self.members.get(story_id) != list(article_ids):
                self._set_story(story_id, list(article_ids))
                touched += 1
        return touched

    def _features_of(self, article_ids: Iterable[int]) -> list[ArticleFeatures]:
        ids = list(article_ids)
        missing = [i for i in ids if i not in self._features]
        if missing:
            self._features.update(self._load_features(missing))
        return [self._features[i] for i in ids]

    def _set_story(self, story_id: int, article_ids: list[int]) -> None:
        self._drop_story(story_id)
        features = self._features_of(article_ids)
        self.members[story_id] = article_ids
        vector_sum = np.sum([f.vector for f in features], axis=0)
        self._vector_sums[story_id] = vector_sum
        norm = np.linalg.norm(vector_sum)
        self._index.add(story_id, (vector_sum / norm if norm else vector_sum).astype(np.float32))
        sums: dict[str, dict[str, float]] = {}
        for attribute in _SPARSE:
            total: dict[str, float] = defaultdict(float)
            for f in features:
                for key, value in getattr(f, attribute).items():
                    total[key] += value
            sums[attribute] = dict(total)
        self._sparse_sums[story_id] = sums
        entities = Counter(key for f in features for key in _index_keys(f))
        self._story_entities[story_id] = entities
        for key in entities:
            self._entity_stories[key].add(story_id)

    def _drop_story(self, story_id: int) -> None:
        if story_id not in self.members:
            return
        del self.members[story_id]
        del self._vector_sums[story_id]
        del self._sparse_sums[story_id]
        self._index.remove(story_id)
        for key in self._story_entities.pop(story_id):
            postings = self._entity_stories[key]
            postings.discard(story_id)
            if not postings:
                del self._entity_stories[key]

    # -- arrival ----------------------------------------------------------------
    def add(self, features: ArticleFeatures) -> StoryChange:
        self._features[features.article_id] = features
        scored = self._score_candidates(features)
        floor = self.config.threshold - self.config.candidate_margin
        chosen = [story for score, story in scored if score >= floor][: self.config.candidate_stories]
        local = [features.article_id] + [a for s in chosen for a in self.members[s]]
        if not chosen or len(local) > self.config.max_local_articles:
            return self._assign_greedily(features, scored)
        groups = self._recluster(local)
        return self._apply(groups, chosen, features.article_id)

    def _score_candidates(self, features: ArticleFeatures) -> list[tuple[float, int]]:
        candidates: set[int] = set()
        if len(self._index):
            found = self._index.search(features.vector, min(self.config.vector_candidates, len(self._index)))
            candidates.update(int(k) for k in np.atleast_1d(found.keys))
        shared: dict[int, float] = defaultdict(float)
        for key in _index_keys(features):
            postings = self._entity_stories.get(key, ())
            if 0 < len(postings) <= self.config.entity_posting_limit:
                for story in postings:
                    shared[story] += 1.0 / len(postings)
        candidates.update(heapq.nlargest(self.config.key_candidates, shared, key=lambda s: (shared[s], s)))
        return sorted(((self._average_link(features, story), story) for story in candidates), reverse=True)

    def _average_link(self, features: ArticleFeatures, story: int) -> float:
        """Mean similarity of an article to a story's members, from the story's sums."""
        config = self.config
        members = self._features_of(self.members[story])
        size = len(members)
        score = config.weight_meaning * float(features.vector @ self._vector_sums[story]) / size
        sums = self._sparse_sums[story]
        for weight, attribute in ((config.weight_entities, "entities"), (config.weight_terms, "terms"),
                                  (config.weight_numbers, "numbers")):
            total = sums[attribute]
            score += weight * sum(v * total.get(k, 0.0) for k, v in getattr(features, attribute).items()) / size
        if config.weight_years:
            score += config.weight_years * float(_year_agreement([features], members).mean())
        if config.time_penalty or config.time_wall_penalty:
            score -= float(_time_penalty([features], members, config).mean())
        return score

    def _assign_greedily(self, features: ArticleFeatures, scored) -> StoryChange:
        if scored and scored[0][0] >= self.config.threshold:
            story = scored[0][1]
            members = self.members[story] + [features.article_id]
            self._set_story(story, members)
            return StoryChange(story_id=story, memberships={story: members},
                               joined={story: [features.article_id]})
        story = self._new_story_id()
        self._set_story(story, [features.article_id])
        return StoryChange(story_id=story, memberships={story: [features.article_id]}, created=[story],
                           joined={story: [features.article_id]})

    def _recluster(self, article_ids: list[int]) -> list[list[int]]:
        features = self._features_of(article_ids)
        similarity = similarity_matrix(features, features, self.config)
        distance = np.clip(1.0 - (similarity + similarity.T) / 2, 0.0, None)
        np.fill_diagonal(distance, 0.0)
        tree = linkage(squareform(distance, checks=False), method="average")
        labels = fcluster(tree, 1.0 - self.config.threshold, criterion="distance")
        groups: dict[int, list[int]] = defaultdict(list)
        for article_id, label in zip(article_ids, labels):
            groups[label].append(article_id)
        return list(groups.values())

    def _apply(self, groups: list[list[int]], old_stories: list[int], new_article: int) -> StoryChange:
        old = {story: set(self.members[story]) for story in old_stories}
        change = StoryChange(story_id=0)
        taken: dict[int, int] = {}  # old story id -> group index that keeps it
        # Largest groups pick first, so a big story keeps its id when a stray leaves it.
        order = sorted(range(len(groups)), key=lambda g: -len(groups[g]))
        group_ids: dict[int, int] = {}
        for g in order:
            members = set(groups[g])
            overlaps = sorted(((len(members & old[s]), -s, s) for s in old if s not in taken), reverse=True)
            if overlaps and overlaps[0][0] > 0:
                story = overlaps[0][2]
                taken[story] = g
            else:
                story = self._new_story_id()
                change.created.append(story)
            group_ids[g] = story
        for story in old:
            if story not in taken:
                # absorbed: redirect to the group holding most of its articles
                best = max(order, key=lambda g: len(old[story] & set(groups[g])))
                change.redirects[story] = group_ids[best]
                self._drop_story(story)
        for g, story in group_ids.items():
            for source in taken:  # an absorbed story redirects instead; a kept one says where its articles went
                went = sorted(set(groups[g]) & old[source]) if source != story else []
                if went:
                    change.moved.append((source, story, went))
            members = sorted(groups[g], key=lambda a: (a == new_article, a))
            if story in old and set(members) == old[story]:
                continue
            self._set_story(story, members)
            change.memberships[story] = members
            change.joined[story] = [a for a in members if a not in old.get(story, ())]
        change.story_id = next(s for g, s in group_ids.items() if new_article in groups[g])
        return change
