"""Stories and provenance end to end: the seeds, the sample corpus, ECB+ beside the seeds."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import pytest

from crosscheck import Engine, sample_corpus_path
from crosscheck.records import SentenceReuse
from crosscheck.stories.cluster import StoryChange
from conftest import ECB_DEV, require

GOLD = Path(__file__).resolve().parent.parent / "benchmarks" / "gold" / "sample_gold.json"


@pytest.fixture(scope="module")
def seeded(stores):
    with Engine(stores.seeds()) as engine:
        yield engine


def _by_file(engine):
    return {a.external_id[:3]: a for a in engine.articles()}


def test_the_five_seeds_form_one_story(seeded):
    stories = seeded.stories()
    assert len(stories) == 1 and stories[0].articles == 5


def test_seed_quantities_have_qualifier_and_counted_noun(seeded):
    arts = _by_file(seeded)
    q0 = seeded.store.analysis(arts["000"].id).quantities
    q2 = seeded.store.analysis(arts["002"].id).quantities
    assert any(q.value == 10_000 and q.qualifier == "approximately" and q.noun == "soldiers" for q in q0)
    assert any(q.value == 11_000 and q.qualifier == "approximately" and q.noun == "troops" for q in q2)


def test_undated_seed_resolves_on_monday_against_its_story(seeded):
    arts = _by_file(seeded)
    assert arts["002"].published is None
    mondays = [d for d in seeded.store.analysis(arts["002"].id).dates if "Monday" in d.text]
    assert mondays and all(d.value == date(2024, 11, 11) and d.relative and d.inferred for d in mondays)


def test_seed_entity_aliases_are_one_entity_each(seeded):
    story = seeded.story(seeded.stories()[0].id)
    names = {e["name"] for e in story.entities}
    assert "Kim Jong Un" in names and "Kim Jong-un" not in names
    assert "North Korea" in names and not names & {"DPRK", "Democratic People's Republic of Korea"}
    kim = next(e for e in story.entities if e["name"] == "Kim Jong Un")
    assert kim["articles"] >= 4  # 003 writes "Kim Jong-un", the others "Kim Jong Un"


def test_seed_citations_to_ap_and_ndtv(seeded):
    story = seeded.story(seeded.stories()[0].id)
    cited = {c["source"] for c in story.citations if c["kind"] == "outlet"}
    assert {"AP News", "NDTV"} <= cited


@pytest.fixture(scope="module")
def sample(stores):
    with Engine(stores.sample()) as engine:
        yield engine


def _partition(engine):
    rows = list(engine.export_rows())
    groups = {}
    for row in rows:
        groups.setdefault(row["story_id"], set()).add(row["id"])
    return {frozenset(g) for g in groups.values()}


def test_sample_stories_match_the_gold(sample):
    gold = json.loads(GOLD.read_text())["articles"]
    expected = {}
    for key, row in gold.items():
        expected.setdefault(row["story"], set()).add(key)
    assert _partition(sample) == {frozenset(g) for g in expected.values()}


def test_sample_rewrites_are_found_with_their_direction(sample):
    gold = json.loads(GOLD.read_text())
    ids = {a.external_id: a.id for a in sample.articles()}
    reuse = sample.store.reuse_among(list(ids.values()))
    for rewrite in gold["rewrites"]:
        derived, source = ids[rewrite["derived"]], ids[rewrite["source"]]
        pairs = [r for r in reuse if r.article_id == derived and r.source_id == source]
        assert pairs, rewrite
        assert not [r for r in reuse if r.article_id == source and r.source_id == derived]
        kinds = {r.kind for r in pairs}
        if rewrite["kind"] == "near_verbatim":
            assert sum(r.kind == "verbatim" for r in pairs) >= 5
        else:
            assert "paraphrase" in kinds
    near = {(a, o) for a, o, _ in sample.store.near_duplicates_among(list(ids.values()))}
    verbatim = next(r for r in gold["rewrites"] if r["kind"] == "near_verbatim")
    pair = (ids[verbatim["derived"]], ids[verbatim["source"]])
    assert pair in near or pair[::-1] in near


def test_sample_outlet_citations_match_the_gold(sample):
    gold = json.loads(GOLD.read_text())["citations"]
    ids = {a.external_id: a.id for a in sample.articles()}
    found = {(a, s) for a, s, kind, _ in sample.store.citations_of(list(ids.values())) if kind == "outlet"}
    for citation in gold:
        assert (ids[citation["article"]], citation["cites"]) in found, citation


def test_arrival_order_does_not_change_the_sample_stories(sample, stores):
    reference = _partition(sample)
    files = [p for p in sample_corpus_path().iterdir() if p.is_file()]
    for seed in (1, 2):
        random.Random(seed).shuffle(files)
        with Engine(stores.empty()) as engine:
            for path in files:
                assert engine.ingest([path]).ok
            assert _partition(engine) == reference


def test_merged_story_ids_redirect(db_path):
    with Engine(db_path) as engine:
        assert engine.ingest([sample_corpus_path() / "wire_feed.jsonl"]).ok
        memberships = engine.store.story_memberships()
        keep, gone = sorted(memberships)[:2]
        merged = memberships[keep] + memberships[gone]
        with engine.store.engine.begin() as conn:
            engine.store._apply_story_change(conn, StoryChange(story_id=keep, memberships={keep: merged},
                                                               redirects={gone: keep}), now=_now())
        assert engine.store.resolve_story(gone) == keep
        detail = engine.story(gone)
        assert detail.id == keep and detail.requested_id == gone
        assert detail.articles == len(merged)


def _now():
    from datetime import datetime
    return datetime(2026, 1, 1)


# 501 articles through the whole pipeline: the slowest test of the suite on either backend.
# Placement on PostgreSQL is checked against the sample's gold (test_sample_stories_match_the_gold
# runs on both backends); this one checks what real news does to the seeds' story, on the
# default backend only.
@pytest.mark.parametrize("backend", ["sqlite"])
def test_seeds_stay_apart_from_ecb_stories(db_path):
    require(ECB_DEV)
    seeds = require(ECB_DEV.parent.parent / "corpus" / "seeds")
    with Engine(db_path) as engine:
        assert engine.ingest([ECB_DEV, seeds]).ok
        rows = list(engine.export_rows())
    seed_stories = {r["story_id"] for r in rows if r["id"].endswith(".txt")}
    assert len(seed_stories) == 1
    shared = [r for r in rows if r["story_id"] in seed_stories and not r["id"].endswith(".txt")]
    assert shared == []


def test_an_article_keeps_only_its_closest_near_duplicates(db_path, tmp_path):
    from crosscheck.stories.provenance import NEAR_DUPLICATE_LIMIT

    body = ("The harbour authority of Vellmar closed the northern pier on Tuesday after inspectors found "
            "cracks in three of its pillars. Ferries to the islands will leave from the southern quay "
            "until repairs are finished, the authority said in a statement. Repairs are expected to take "
            "several weeks, and the cost has not been estimated. Local traders said the closure would hurt "
            "the summer trade, which depends on visitors arriving by ferry.")
    # five copies with a long tail of their own (further from the last article), then close ones
    tails = [5] * 5 + [1] * NEAR_DUPLICATE_LIMIT + [1]
    with Engine(db_path) as engine:
        for i, notes in enumerate(tails):  # one at a time, as a wire story reaches outlet after outlet
            tail = " ".join(f"Harbour note {i}-{k} was added by the desk." for k in range(notes))
            path = tmp_path / f"copy{i}.json"
            path.write_text(json.dumps({"id": f"copy{i}", "outlet": f"Outlet {chr(65 + i)}",
                                        "title": "Vellmar pier closed", "published": f"2026-05-{i + 1:02d}T08:00",
                                        "text": f"{body} {tail}"}))
            assert engine.ingest([path]).ok
        ids = {a.external_id: a.id for a in engine.articles()}
        last = ids[f"copy{len(tails) - 1}"]
        near = [(other, sim) for article, other, sim in engine.store.near_duplicates_among([last]) if article == last]
    assert len(near) == NEAR_DUPLICATE_LIMIT  # fifteen earlier copies are near; the closest ten are kept
    assert {other for other, _ in near} == {ids[f"copy{i}"] for i in range(5, 5 + NEAR_DUPLICATE_LIMIT)}


def test_a_near_duplicate_in_another_story_is_not_compared_for_reuse(tmp_path):
    """Reuse is read within a story, so placing an article compares it with its story's members
    only: the same warehouse-fire text five years apart is a near-duplicate, but another
    event, and its sentences are not matched against the earlier one's."""
    body = ("A fire destroyed a grain warehouse on the edge of Ostermark late on Tuesday night. "
            "Forty firefighters fought the blaze for six hours before it was under control. "
            "No one was hurt, but about 900 tonnes of grain were lost, the owner told reporters. "
            "The cause of the fire is not yet known, and the county fire service has opened an inquiry. "
            "Neighbours said the smoke could be seen from the motorway for most of the night.")
    folder = tmp_path / "in"
    folder.mkdir()
    for name, day, outlet, crew in (("first", "2019-03-12", "Ostermark Echo", "Forty"),
                                    ("again", "2024-10-08", "Vellin Daily", "Forty-two")):
        (folder / f"{name}.jsonl").write_text(json.dumps({
            "id": name, "title": "Fire destroys warehouse in Ostermark", "outlet": outlet,
            "published": f"{day}T09:00:00+00:00", "text": body.replace("Forty", crew)}) + "\n", encoding="utf-8")
    db = str(tmp_path / "fires.db")
    with Engine(db) as engine:
        assert engine.ingest([folder / "first.jsonl"]).ok and engine.ingest([folder / "again.jsonl"]).ok
        first, again = sorted(a.id for a in engine.store.iter_articles())
        stories = engine.store.story_of([first, again])
        assert stories[first] != stories[again]  # five years apart: two events
        assert engine.store.near_duplicates_among([first, again])  # the texts are near-duplicates
        assert not engine.store.compared_among({(first, again)})
        assert not engine.store.reuse_among([first, again])
