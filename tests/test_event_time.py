"""Stories: event time, splits and the names clustering reads. Two earthquakes in one town two years apart stay
apart, a follow-up months later that names its quake's date joins it, and a story
that splits keeps its id for the larger part and says where the rest went."""

from __future__ import annotations

import itertools
import json
from datetime import date

import numpy as np

from crosscheck import Engine
from conftest import run_cli
from crosscheck.analyze import analyze_article
from crosscheck.records import Article
from crosscheck.stories.cluster import ClusterConfig, StoryClusterer, similarity_matrix
from crosscheck.stories.features import ArticleFeatures, build_features, event_spans

# Two quakes in one (fictional) town, reported in the same words by the same kind of
# outlets: the names, the place and the mayor are shared, and so is the vocabulary.
FIRST_QUAKE = [
    ("quake-a1", "Harbour Courier", "2023-03-14T09:00",
     "A magnitude 5.9 earthquake struck the town of Vellmar on Tuesday, killing 7 people and damaging "
     "the old harbour wall. Mayor Ilse Brandauer said rescue teams were searching the rubble of two "
     "houses near the Vellmar fish market. The quake was felt across the Ostra valley."),
    ("quake-a2", "Ostra Daily", "2023-03-14T11:30",
     "Seven people died when an earthquake of magnitude 5.9 hit Vellmar on Tuesday morning, Mayor Ilse "
     "Brandauer told reporters. The harbour wall cracked and houses near the fish market collapsed. "
     "Residents of the Ostra valley felt the tremor."),
    ("quake-a3", "Valley Post", "2023-03-15T07:00",
     "Vellmar counted its dead on Wednesday after Tuesday's magnitude 5.9 earthquake, which killed 7 "
     "people. Mayor Ilse Brandauer said the harbour wall would be rebuilt. Teams searched the rubble "
     "near the fish market through the night, and the Ostra valley schools stayed shut."),
]
SECOND_QUAKE = [
    ("quake-b1", "Harbour Courier", "2025-04-08T09:00",
     "A magnitude 5.6 earthquake struck the town of Vellmar on Tuesday, killing 3 people and damaging "
     "houses near the harbour. Mayor Ilse Brandauer said rescue teams were searching the rubble near "
     "the Vellmar fish market. The quake was felt across the Ostra valley."),
    ("quake-b2", "Ostra Daily", "2025-04-08T12:00",
     "Three people died when an earthquake of magnitude 5.6 hit Vellmar on Tuesday, Mayor Ilse "
     "Brandauer told reporters. Houses near the fish market collapsed and the harbour road cracked. "
     "Residents of the Ostra valley felt the tremor."),
    ("quake-b3", "Valley Post", "2025-04-09T07:00",
     "Vellmar counted its dead on Wednesday after Tuesday's magnitude 5.6 earthquake, which killed 3 "
     "people. Mayor Ilse Brandauer said the damaged houses would be rebuilt. Teams searched the rubble "
     "near the fish market through the night, and the Ostra valley schools stayed shut."),
]
# Three months after the first quake; it names the quake's day, not the day it is published.
FOLLOW_UP = ("quake-a-later", "Valley Post", "2023-06-14T08:00",
             "Three months after the 14 March earthquake that killed 7 people in Vellmar, families from "
             "the houses near the fish market still live in tents. Mayor Ilse Brandauer said the harbour "
             "wall would be rebuilt by winter, and the Ostra valley has raised money for the families.")


def _write(tmp_path, rows) -> list:
    paths = []
    for external_id, outlet, published, text in rows:
        path = tmp_path / f"{external_id}.json"
        path.write_text(json.dumps({"id": external_id, "outlet": outlet, "published": published,
                                    "title": text.split(",")[0], "text": text}))
        paths.append(path)
    return paths


def _stories(engine) -> dict[str, int]:
    return {row["id"]: row["story_id"] for row in engine.export_rows()}


def test_two_quakes_in_one_town_two_years_apart_stay_apart_and_a_follow_up_joins_its_quake(db_path, tmp_path):
    rows = [*FIRST_QUAKE, *SECOND_QUAKE, FOLLOW_UP]
    with Engine(db_path) as engine:
        # the follow-up arrives last, after both quakes' stories exist
        assert engine.ingest(_write(tmp_path, rows)).ok
        story = _stories(engine)
    first = {story[r[0]] for r in FIRST_QUAKE}
    second = {story[r[0]] for r in SECOND_QUAKE}
    assert len(first) == 1 and len(second) == 1
    assert first != second
    assert story[FOLLOW_UP[0]] in first


def _features(rows) -> list[ArticleFeatures]:
    from crosscheck.analyze.embed import get_embedder
    from crosscheck.ingest.published import parse_published
    from crosscheck.stories.features import meaning_vector

    embedder = get_embedder()
    found = []
    for article_id, (external_id, outlet, published, text) in enumerate(rows, start=1):
        when, has_time = parse_published(published)
        article = Article(text=text, outlet=outlet, published=when, published_has_time=has_time,
                          external_id=external_id, id=article_id)
        analysis = analyze_article(article)
        vectors = embedder.encode([s.text for s in analysis.sentences])
        found.append(build_features(article, analysis, meaning_vector(vectors)))
    return found


def test_without_event_time_the_two_quakes_would_merge():
    """The control: it is time, not wording, that keeps the quakes apart."""
    features = _features([*FIRST_QUAKE, *SECOND_QUAKE])
    with_time = similarity_matrix(features[:3], features[3:], ClusterConfig())
    timeless = similarity_matrix(features[:3], features[3:], ClusterConfig(time_penalty=0.0, time_wall_penalty=0.0))
    assert timeless.mean() >= ClusterConfig().threshold  # alike enough to share a story
    assert with_time.max() < ClusterConfig().threshold


def test_event_spans_take_the_lead_dates_resolved_against_the_article_date():
    from crosscheck.ingest.published import parse_published

    when, has_time = parse_published(FOLLOW_UP[2])
    article = Article(text=FOLLOW_UP[3], published=when, published_has_time=has_time, id=1)
    spans = event_spans(article, analyze_article(article))
    days = {date.fromordinal(first) for first, _ in spans}
    assert days == {date(2023, 6, 14), date(2023, 3, 14)}  # published, and the quake it names
    month = Article(text="Vellmar was shaken in March by a strong quake, officials said.",
                    published=when, id=2)
    _published, march = event_spans(month, analyze_article(month))
    assert (date.fromordinal(march[0]), date.fromordinal(march[1])) == (date(2023, 3, 1), date(2023, 3, 31))
    undated = Article(text="A strong quake shook Vellmar on Tuesday, officials said.", id=3)
    assert event_spans(undated, analyze_article(undated)) == ()


# -- splitting ---------------------------------------------------------------------------------


def _feature(article_id: int, vector: np.ndarray, names: dict[str, float], day: date) -> ArticleFeatures:
    norm = sum(v * v for v in names.values()) ** 0.5
    return ArticleFeatures(article_id=article_id, vector=(vector / np.linalg.norm(vector)).astype(np.float32),
                           entities={k: v / norm for k, v in names.items()}, day=day)


def test_a_story_that_turns_out_to_hold_two_events_splits_and_the_larger_part_keeps_its_id():
    rng = np.random.default_rng(3)
    shared = rng.normal(size=384)
    # a bridge article names both events and arrives early, so the first articles of two
    # events sit in one story; as more articles of each event arrive, they pull apart
    event_a = [_feature(i, shared + 0.3 * rng.normal(size=384), {"alpha": 1.0, "harbour": 0.5}, date(2026, 5, 1))
               for i in (1, 2, 4, 6, 8, 9)]
    event_b = [_feature(i, shared + 0.3 * rng.normal(size=384), {"beta": 1.0, "harbour": 0.5}, date(2026, 5, 1))
               for i in (3, 5, 7, 10)]
    bridge = _feature(11, shared, {"alpha": 0.7, "beta": 0.7, "harbour": 0.5}, date(2026, 5, 1))
    config = ClusterConfig(threshold=0.45)
    by_id = {f.article_id: f for f in [*event_a, *event_b, bridge]}
    counter = itertools.count(1)
    clusterer = StoryClusterer(config, lambda ids: {i: by_id[i] for i in ids}, lambda: next(counter))

    # the early articles: one of each event and the bridge, grouped together
    forced = {1: [1, 3, 11]}
    clusterer.restore(forced)
    next(counter)
    changes = [clusterer.add(f) for f in sorted([*event_a, *event_b], key=lambda f: f.article_id) if f.article_id not in (1, 3)]
    moved = [m for change in changes for m in change.moved]
    a_ids = {f.article_id for f in event_a}
    b_ids = {f.article_id for f in event_b}
    story_of = {a: s for s, members in clusterer.members.items() for a in members}
    assert {story_of[a] for a in a_ids} == {1}  # the larger part keeps the id
    assert len({story_of[b] for b in b_ids}) == 1 and story_of[3] != 1
    assert (1, story_of[3], [3]) in moved  # the old story knows where its article went


def test_a_split_story_says_where_its_articles_went(db_path, tmp_path):
    from crosscheck.stories.cluster import StoryChange
    from datetime import datetime

    with Engine(db_path) as engine:
        assert engine.ingest(_write(tmp_path, FIRST_QUAKE)).ok
        (story, members), = engine.store.story_memberships().items()
        leaving = members[-1]
        new_story = engine.store.new_story_id()
        with engine.store.engine.begin() as conn:
            engine.store._apply_story_change(conn, StoryChange(
                story_id=new_story, memberships={story: members[:-1], new_story: [leaving]},
                created=[new_story], moved=[(story, new_story, [leaving])]), now=datetime(2026, 1, 1))
        detail = engine.story(story)
        assert detail.id == story and detail.articles == len(members) - 1
        assert detail.moved_out == ({"story_id": new_story, "articles": [leaving]},)
        assert engine.story(new_story).articles == 1  # both ids keep working
    # every face says it: the CLI, the story page and the API
    shown = run_cli("story", str(story), "--db", db_path)
    assert shown.returncode == 0, shown.stderr
    assert f"1 article once in this story now in story {new_story}: #{leaving}" in shown.stdout
    from fastapi.testclient import TestClient
    from crosscheck.web import create_app

    with TestClient(create_app(db_path)) as client:
        page = client.get(f"/stories/{story}")
        assert page.status_code == 200
        assert f'1 article once in this story is now in <a href="/stories/{new_story}">story {new_story}</a>' in page.text
        api = client.get(f"/api/v1/stories/{story}").json()
        assert api["moved_out"] == [{"story_id": new_story, "articles": [leaving]}]
        assert client.get(f"/stories/{new_story}").status_code == 200


def test_surface_names_are_read_whole_and_without_possessives():
    from crosscheck.records import Analysis
    from crosscheck.stories.features import names_of

    names = names_of("Jim O'Brien met New Zealand's envoy, Jean-Pierre McDonald, in Perth.", Analysis(sentences=()))
    assert {"jim o'brien", "new zealand", "jean-pierre mcdonald", "perth"} <= set(names)
    assert not any(name.endswith("'s") or name.endswith("o'") for name in names)
