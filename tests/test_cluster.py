"""Online story clustering on synthetic articles: events apart, order stability,
stable ids across merges, and candidates from the indexes rather than a scan."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import numpy as np
import pytest

from crosscheck.stories.scoring import bcubed
from crosscheck.stories.cluster import ClusterConfig, StoryClusterer, similarity_matrix
from crosscheck.stories.features import ArticleFeatures


def _unit(d):
    n = sum(v * v for v in d.values()) ** 0.5
    return {k: v / n for k, v in d.items()}


class World:
    """Events grouped in topics: events of one topic read alike but differ in names, numbers and time."""

    def __init__(self, topics=6, events_per_topic=2, articles_per_event=6, seed=0):
        rng = np.random.default_rng(seed)
        self.features: list[ArticleFeatures] = []
        self.gold: dict[int, int] = {}
        article_id = itertools.count(1)
        event_id = itertools.count()
        for t in range(topics):
            topic_vec = rng.normal(size=384)
            for e in range(events_per_topic):
                ev = next(event_id)
                event_vec = rng.normal(size=384)
                # a topic's events are over a year apart, as ECB+'s are: time alone separates
                # such events (the wall); events weeks apart must differ in names and figures
                day = date(2026, 1, 1) + timedelta(days=400 * e + 7 * t)
                names = {f"person{ev}": 1.0, f"place{ev}": 0.8, f"topicname{t}": 0.6}
                for _ in range(articles_per_event):
                    v = topic_vec + 0.6 * event_vec + 0.5 * rng.normal(size=384)
                    ents = {k: w * rng.uniform(0.7, 1.0) for k, w in names.items() if rng.random() > 0.15}
                    terms = {f"topicterm{t}_{i}": rng.uniform(0.5, 1) for i in range(5)}
                    terms.update({f"eventterm{ev}_{i}": rng.uniform(0.3, 0.8) for i in range(3)})
                    aid = next(article_id)
                    self.features.append(ArticleFeatures(
                        article_id=aid, vector=(v / np.linalg.norm(v)).astype(np.float32),
                        entities=_unit(ents or {f"topicname{t}": 1.0}), terms=_unit(terms),
                        numbers=_unit({f"{ev * 17 + 3}": 1.0}), years=frozenset({day.year}),
                        day=day + timedelta(days=int(rng.integers(0, 3)))))
                    self.gold[aid] = ev

    def run(self, order=None, config=ClusterConfig()):
        features = {f.article_id: f for f in self.features}
        counter = itertools.count(1)
        clusterer = StoryClusterer(config, lambda ids: {i: features[i] for i in ids}, lambda: next(counter))
        for f in (order or self.features):
            clusterer.add(f)
        return {a: s for s, members in clusterer.members.items() for a in members}, clusterer


def bcubed_f1(predicted, gold):
    return bcubed(predicted, gold)[2]


def test_events_of_the_same_kind_stay_apart():
    world = World()
    predicted, _ = world.run()
    assert bcubed_f1(predicted, world.gold) >= 0.95
    # each event's articles share one story, and no story holds two events
    for ev in set(world.gold.values()):
        assert len({predicted[a] for a, e in world.gold.items() if e == ev}) == 1
    assert len(set(predicted.values())) == len(set(world.gold.values()))


def test_look_alike_articles_a_year_apart_are_different_stories_and_months_apart_cost_less():
    world = World(topics=1, events_per_topic=1, articles_per_event=2, seed=4)
    base, other = world.features
    # alike: the same meaning and place, but not the same figures or people
    alike = dict(vector=other.vector, entities=_unit({"place0": 0.6, "topicname0": 0.6, "elsewhere": 1.0}), terms=other.terms,
                 numbers=_unit({"999": 1.0}), years=base.years)
    same_week = ArticleFeatures(article_id=98, day=base.day + timedelta(days=2), **alike)
    months_later = ArticleFeatures(article_id=99, day=base.day + timedelta(days=100), **alike)
    year_later = ArticleFeatures(article_id=100, day=base.day + timedelta(days=380), **alike)
    sims = similarity_matrix([base], [same_week, months_later, year_later], ClusterConfig())
    assert sims[0, 0] >= ClusterConfig().threshold > sims[0, 2]
    # months apart: a penalty, milder than the wall, since a follow-up may come months later
    assert sims[0, 0] > sims[0, 1] > sims[0, 2] + 1.0


def test_shuffled_arrival_barely_changes_the_result():
    world = World(topics=8, seed=3)
    reference, _ = world.run()
    f_ref = bcubed_f1(reference, world.gold)
    for seed in range(3):
        order = list(world.features)
        random.Random(seed).shuffle(order)
        shuffled, _ = world.run(order)
        assert abs(bcubed_f1(shuffled, world.gold) - f_ref) < 0.02


def test_ids_stay_stable_and_a_merged_story_redirects():
    world = World(topics=1, events_per_topic=1, articles_per_event=4, seed=5)
    a1, a2, b1, b2 = world.features
    features = {f.article_id: f for f in world.features}
    counter = itertools.count(1)
    # a strict threshold first keeps the halves apart, as if the bridge had not arrived yet
    clusterer = StoryClusterer(ClusterConfig(threshold=0.99), lambda ids: {i: features[i] for i in ids},
                               lambda: next(counter))
    first = clusterer.add(a1).story_id
    clusterer.add(a2)
    assert first in clusterer.members
    clusterer.config = ClusterConfig()  # a looser threshold: the next arrival bridges everything
    clusterer._set_story(first, [a1.article_id, a2.article_id])
    second = clusterer._new_story_id()
    clusterer._set_story(second, [b1.article_id])
    change = clusterer.add(b2)
    assert change.story_id == first  # the bigger, older story keeps its id
    assert change.redirects == {second: first}
    assert sorted(clusterer.members[first]) == sorted(f.article_id for f in world.features)
    assert second not in clusterer.members


def test_candidates_come_from_the_indexes_not_a_scan(monkeypatch):
    world = World(topics=12, events_per_topic=2, articles_per_event=3, seed=9)
    _, clusterer = world.run()
    stories_before = len(clusterer.members)
    assert stories_before >= 20
    scored = []
    real = clusterer._average_links

    def counting(features, states):
        scored.extend(state.story_id for state in states)
        return real(features, states)

    monkeypatch.setattr(clusterer, "_average_links", counting)
    probe = world.features[0]
    clusterer.add(ArticleFeatures(article_id=10_000, vector=probe.vector, entities=probe.entities,
                                  terms=probe.terms, numbers=probe.numbers, years=probe.years, day=probe.day))
    limit = clusterer.config.vector_candidates + len(probe.entities) * 2
    assert 0 < len(scored) <= limit < stories_before


def test_story_sums_give_the_same_average_link_as_pairwise_similarity():
    world = World(topics=2, events_per_topic=2, articles_per_event=4, seed=11)
    _, clusterer = world.run()
    probe = world.features[3]
    for story, members in clusterer.members.items():
        pairwise = similarity_matrix([probe], clusterer._features_of(members), clusterer.config).mean()
        state = clusterer.book.get([story])[story]
        assert clusterer._average_link(probe, state) == pytest.approx(float(pairwise), abs=1e-5)
