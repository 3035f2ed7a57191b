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
from collections import Counter, OrderedDict, defaultdict
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
    for weight, attribute in weighted_sparse(config):
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


def weighted_sparse(config: ClusterConfig) -> list[tuple[float, str]]:
    """(weight, attribute) of the sparse attributes that scoring weighs."""
    return [(getattr(config, f"weight_{a}"), a) for a in _SPARSE if getattr(config, f"weight_{a}")]


def summed_attributes(config: ClusterConfig) -> tuple[str, ...]:
    """The sparse attributes whose sums a story state keeps: those that scoring weighs."""
    return tuple(attribute for _, attribute in weighted_sparse(config))


def unit(vector: np.ndarray) -> np.ndarray:
    """A vector scaled to length 1 (a zero vector as it is), as float32."""
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm else vector).astype(np.float32)


def new_index(dim: int):
    """An empty usearch index of story centroids (cosine)."""
    from usearch.index import Index

    return Index(ndim=dim, metric="cos")


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
    states: dict[int, "StoryState"] = field(default_factory=dict)  # the new state of each story set


FeatureLoader = Callable[[Iterable[int]], dict[int, ArticleFeatures]]


@dataclass(frozen=True, slots=True)
class MemberTime:
    """What the year and time terms of average link need of one member: its years, whether it
    carries its own date, and its event spans (see _time_penalty)."""

    years: frozenset[int]
    day: int | None  # the member's own day as an ordinal; only whether it has one matters
    event: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, features: ArticleFeatures) -> "MemberTime":
        return cls(features.years, features.day.toordinal() if features.day else None, features.event)


@dataclass(frozen=True, slots=True)
class StoryState:
    """All that scoring an article against a story needs, without its members' features: the
    sums of their meaning vectors and of the sparse vectors that are weighted (average link is
    a dot product with these over the size), their index keys, and their times. Kept in the
    store, so that a process reads only the stories it scores."""

    story_id: int
    members: tuple[int, ...]
    vector_sum: np.ndarray
    sums: dict[str, dict[str, float]]  # attribute -> key -> sum over members
    # index key -> members carrying it; None for a state read from the store, whose keys are in
    # the store's postings (what scoring reads never needs them)
    keys: dict[str, int] | None
    times: tuple[MemberTime, ...]
    added_keys: tuple[str, ...] = ()  # keys of the member `plus` added (when `keys` is unknown)

    @classmethod
    def of(cls, story_id: int, features: Sequence[ArticleFeatures],
           attributes: Sequence[str] = _SPARSE) -> "StoryState":
        """Summed over `features`, for the sparse `attributes` given (those scoring weights)."""
        sums: dict[str, dict[str, float]] = {}
        for attribute in attributes:
            total: dict[str, float] = defaultdict(float)
            for f in features:
                for key, value in getattr(f, attribute).items():
                    total[key] += value
            sums[attribute] = dict(total)
        return cls(story_id=story_id, members=tuple(f.article_id for f in features),
                   vector_sum=np.sum([f.vector for f in features], axis=0).astype(np.float32), sums=sums,
                   keys=dict(Counter(key for f in features for key in _index_keys(f))),
                   times=tuple(MemberTime.of(f) for f in features))

    def plus(self, features: ArticleFeatures) -> "StoryState":
        """This story with one more member, without reading the others' features."""
        sums = {attribute: dict(total) for attribute, total in self.sums.items()}
        for attribute, total in sums.items():
            for key, value in getattr(features, attribute).items():
                total[key] = total.get(key, 0.0) + value
        added = _index_keys(features)
        keys = None
        if self.keys is not None:
            keys = dict(self.keys)
            for key in added:
                keys[key] = keys.get(key, 0) + 1
        return StoryState(story_id=self.story_id, members=(*self.members, features.article_id),
                          vector_sum=(self.vector_sum + features.vector).astype(np.float32), sums=sums, keys=keys,
                          times=(*self.times, MemberTime.of(features)), added_keys=tuple(added))

    @property
    def direction(self) -> np.ndarray:
        """The unit centroid, as the vector index holds it."""
        return unit(self.vector_sum)


class StoryBook:
    """Where the clusterer keeps its stories: their states, the entity/term postings and the
    centroid index. This one holds everything in memory (tests, benchmarks replaying a corpus);
    services.story_book.StoredStoryBook reads states and postings from the store instead."""

    def __init__(self, dim: int = 384):
        self._states: dict[int, StoryState] = {}
        self._postings: dict[str, set[int]] = defaultdict(set)
        self.index = new_index(dim)

    def get(self, story_ids: Iterable[int]) -> dict[int, StoryState]:
        return {s: self._states[s] for s in story_ids if s in self._states}

    def put(self, state: StoryState) -> None:
        self.drop(state.story_id)
        self._states[state.story_id] = state
        self.index.add(state.story_id, state.direction)
        for key in state.keys:
            self._postings[key].add(state.story_id)

    def drop(self, story_id: int) -> None:
        state = self._states.pop(story_id, None)
        if state is None:
            return
        self.index.remove(story_id)
        for key in state.keys:
            postings = self._postings[key]
            postings.discard(story_id)
            if not postings:
                del self._postings[key]

    def postings(self, keys: Iterable[str], limit: int) -> dict[str, list[int]]:
        """The stories holding each key, for keys held by 1 to `limit` stories."""
        found = {}
        for key in keys:
            stories = self._postings.get(key, ())
            if 0 < len(stories) <= limit:
                found[key] = list(stories)
        return found

    def nearest(self, vector: np.ndarray, count: int) -> list[int]:
        if not len(self.index):
            return []
        found = self.index.search(vector, min(count, len(self.index)))
        return [int(k) for k in np.atleast_1d(found.keys)]

    def all_members(self) -> dict[int, list[int]]:
        return {s: list(state.members) for s, state in self._states.items()}


FEATURE_CACHE = 4000  # articles' features kept for re-clustering; the rest are read again when needed


class StoryClusterer:
    """Online clustering over a StoryBook.

    Article features are fetched through `load_features` when a neighbourhood is re-clustered
    (and a bounded number kept), so the clusterer can start from a store without reading every
    article, and its memory does not grow with the store.
    """

    def __init__(self, config: ClusterConfig, load_features: FeatureLoader, new_story_id: Callable[[], int],
                 dim: int = 384, book: StoryBook | None = None):
        self.config = config
        self._load_features = load_features
        self._new_story_id = new_story_id
        self.book = book if book is not None else StoryBook(dim)
        self.summed = summed_attributes(config)
        self._features: OrderedDict[int, ArticleFeatures] = OrderedDict()
        self._changed: dict[int, StoryState] = {}  # the states set by the arrival under way
        self._arriving: ArticleFeatures | None = None  # the article being placed

    @property
    def members(self) -> dict[int, list[int]]:
        """Every story's members (an in-memory book only)."""
        return self.book.all_members()

    def members_of(self, story_id: int) -> list[int]:
        state = self.book.get([story_id]).get(story_id)
        return list(state.members) if state else []

    # -- state ------------------------------------------------------------------
    def restore(self, stories: dict[int, list[int]]) -> None:
        """Set stories from memberships (given articles' features)."""
        for story_id, article_ids in stories.items():
            self._set_story(story_id, list(article_ids))

    def _features_of(self, article_ids: Iterable[int]) -> list[ArticleFeatures]:
        ids = list(article_ids)
        cache = self._features
        arriving = self._arriving
        missing = [i for i in ids if i not in cache and (arriving is None or i != arriving.article_id)]
        loaded = self._load_features(missing) if missing else {}
        found = []
        for i in ids:
            if arriving is not None and i == arriving.article_id:  # not stored until placed
                features = arriving
            elif i in loaded:
                features = loaded[i]
            else:
                features = cache[i]
                cache.move_to_end(i)
            found.append(features)
        for i, features in loaded.items():
            cache[i] = features
        while len(cache) > FEATURE_CACHE:
            cache.popitem(last=False)
        return found

    def _remember(self, features: ArticleFeatures) -> None:
        self._features[features.article_id] = features
        self._features.move_to_end(features.article_id)

    def _set_story(self, story_id: int, article_ids: list[int]) -> None:
        self._put(StoryState.of(story_id, self._features_of(article_ids), self.summed))

    def _put(self, state: StoryState) -> None:
        self.book.put(state)
        self._changed[state.story_id] = state

    # -- arrival ----------------------------------------------------------------
    def add(self, features: ArticleFeatures) -> StoryChange:
        self._remember(features)
        self._arriving = features
        self._changed = {}
        scored, states = self._score_candidates(features)
        floor = self.config.threshold - self.config.candidate_margin
        chosen = [story for score, story in scored if score >= floor][: self.config.candidate_stories]
        local = [features.article_id] + [a for s in chosen for a in states[s].members]
        if not chosen or len(local) > self.config.max_local_articles:
            change = self._assign_greedily(features, scored, states)
        else:
            change = self._apply(self._recluster(local), {s: states[s] for s in chosen}, features.article_id)
        change.states = self._changed
        self._changed = {}
        self._arriving = None
        return change

    def _score_candidates(self, features: ArticleFeatures) -> tuple[list[tuple[float, int]], dict[int, StoryState]]:
        """Candidate stories by average link, the best first, and their states."""
        candidates = set(self.book.nearest(features.vector, self.config.vector_candidates))
        shared: dict[int, float] = defaultdict(float)
        for stories in self.book.postings(_index_keys(features), self.config.entity_posting_limit).values():
            for story in stories:
                shared[story] += 1.0 / len(stories)
        candidates.update(heapq.nlargest(self.config.key_candidates, shared, key=lambda s: (shared[s], s)))
        states = self.book.get(candidates)
        ordered = list(states.values())
        links = self._average_links(features, ordered)
        return sorted(((float(link), state.story_id) for link, state in zip(links, ordered)), reverse=True), states

    def _average_link(self, features: ArticleFeatures, state: StoryState) -> float:
        """Mean similarity of an article to a story's members, from the story's sums."""
        return float(self._average_links(features, [state])[0])

    def _average_links(self, features: ArticleFeatures, states: Sequence[StoryState]) -> np.ndarray:
        """The average link of an article to each story: dot products with the stories' sums, and
        the year and time terms over all their members at once (one array operation for every
        candidate, not one per story)."""
        config = self.config
        if not states:
            return np.zeros(0)
        sizes = np.array([len(state.members) for state in states], dtype=float)
        scores = config.weight_meaning * (np.stack([state.vector_sum for state in states]) @ features.vector) / sizes
        for weight, attribute in weighted_sparse(config):
            mine = getattr(features, attribute).items()
            scores += weight * np.array([sum(v * state.sums[attribute].get(k, 0.0) for k, v in mine)
                                         for state in states]) / sizes
        times = [t for state in states for t in state.times]
        starts = np.concatenate([[0], np.cumsum(sizes[:-1])]).astype(int)
        if config.weight_years:
            scores += config.weight_years * np.add.reduceat(_year_agreement([features], times)[0], starts) / sizes
        if config.time_penalty or config.time_wall_penalty:
            scores -= np.add.reduceat(_time_penalty([features], times, config)[0], starts) / sizes
        return scores

    def _assign_greedily(self, features: ArticleFeatures, scored, states: dict[int, StoryState]) -> StoryChange:
        if scored and scored[0][0] >= self.config.threshold:
            story = scored[0][1]
            grown = states[story].plus(features)  # a big story: no need to read its members' features
            self._put(grown)
            return StoryChange(story_id=story, memberships={story: list(grown.members)},
                               joined={story: [features.article_id]})
        story = self._new_story_id()
        self._put(StoryState.of(story, [features], self.summed))
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

    def _apply(self, groups: list[list[int]], old_states: dict[int, StoryState], new_article: int) -> StoryChange:
        old = {story: set(state.members) for story, state in old_states.items()}
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
                self.book.drop(story)
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
