"""Cross-check: claims, alignment, verdicts and timeline."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

from crosscheck import Engine, sample_corpus_path
from crosscheck.analyze import analyze_article
from crosscheck.claims.align import align_claims, date_gap_days
from crosscheck.claims.extract import extract_claims
from crosscheck.claims.timeline import build_timeline
from crosscheck.claims.values import value_interval
from crosscheck.claims.verdicts import judge
from crosscheck.ingest import ReadOptions, make_article
from crosscheck.ingest.text import TextFields
from crosscheck.records import Article, Claim
from conftest import run_cli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))


def _article(body: str, article_id: int = 1, outlet: str = "Paper", published=datetime(2026, 3, 11)) -> Article:
    base = make_article(TextFields(body=body, title="T", outlet=outlet, published=published), source="t",
                        external_id=f"a{article_id}", options=ReadOptions())
    return replace(base, id=article_id)


def _claims(body: str, **kw) -> list[Claim]:
    article = _article(body, **kw)
    return extract_claims(article, analyze_article(article))


# -- extraction -----------------------------------------------------------------

@pytest.mark.parametrize("sentence, hedge", [
    ("The rebels reportedly seized 40 trucks near the border.", "reportedly"),
    ("The army may have sent 2,000 soldiers to the front.", "may have"),
    ("About 300 fighters are believed to be hiding in the hills.", "are believed to"),
    ("Officials said 12 people were allegedly detained.", "allegedly"),
])
def test_hedges_are_recorded(sentence, hedge):
    [claim] = [c for c in _claims(sentence) if c.kind == "quantity"]
    assert hedge in claim.hedges


def test_unhedged_claim_has_no_hedge():
    [claim] = [c for c in _claims("The council approved 14 new bus routes on Monday.") if c.kind == "quantity"]
    assert claim.hedges == ()


def test_claim_records_qualifier_noun_event_actors_and_attribution():
    text = ("Valdoria sent approximately 1,200 engineers to the border on 3 March, "
            "according to the Kesh Evening Standard.")
    claims = _claims(text)
    quantity = next(c for c in claims if c.kind == "quantity")
    assert (quantity.value, quantity.qualifier, quantity.noun) == (1200, "approximately", "engineers")
    assert quantity.event_word == "sent"
    assert "Kesh Evening Standard" in quantity.attributed_to
    dated = next(c for c in claims if c.kind == "date")
    assert dated.date == date(2026, 3, 3) and dated.granularity == "day"


# -- qualifiers and verdicts --------------------------------------------------------

def _q(article_id, value, qualifier=None, noun="soldiers", value_max=None):
    return Claim(article_id=article_id, sentence=0, text=f"{value} {noun}", kind="quantity", start=0, end=1,
                 value=value, value_max=value_max, qualifier=qualifier, noun=noun)


@pytest.mark.parametrize("a, b, agree", [
    (_q(1, 10_000, "approximately"), _q(2, 11_000, "approximately"), False),
    (_q(1, 12, "at least"), _q(2, 14), True),
    (_q(1, 300, "more than"), _q(2, 350), True),
    (_q(1, 300, "more than"), _q(2, 250), False),
    (_q(1, 50, "up to"), _q(2, 60), False),
    (_q(1, 41), _q(2, 43), False),
    (_q(1, 130, "approximately"), _q(2, 131, "approximately"), True),
    (_q(1, 50_000, value_max=100_000), _q(2, 70_000), True),
])
def test_qualifiers_decide_agreement(a, b, agree):
    articles = {1: _article("x", 1, "One"), 2: _article("y", 2, "Two")}
    [group] = judge([[a, b]], articles, {})
    assert group.verdict == ("corroborated" if agree else "conflicting")


def test_value_intervals_follow_the_qualifier():
    assert value_interval(_q(1, 10_000, "approximately")) == pytest.approx((9_700, 10_300))
    assert value_interval(_q(1, 12, "at least"))[0] == 12 and value_interval(_q(1, 12, "at least"))[1] > 1e9
    assert value_interval(_q(1, 50, "up to")) == (0.0, 50)
    assert value_interval(_q(1, 50_000, value_max=100_000))[1] == pytest.approx(100_500)


def test_a_rewrite_does_not_corroborate_its_source():
    articles = {1: _article("x", 1, "Wire"), 2: _article("y", 2, "Blog"), 3: _article("z", 3, "Daily")}
    # two sentences in their own words (the same words would be a copy, one source)
    same = [replace(_q(1, 87, noun="survivors"), text="Crews rescued 87 survivors."),
            replace(_q(2, 87, noun="survivors"), text="87 survivors were pulled from the lake.")]
    [rewritten] = judge([same], articles, {2: {1}})
    assert rewritten.verdict == "single_source" and rewritten.independent_sources == 1
    [independent] = judge([same], articles, {})
    assert independent.verdict == "corroborated" and independent.independent_sources == 2
    third = replace(_q(3, 87, noun="survivors"), text="The coast guard counted 87 survivors.")
    [with_third] = judge([same + [third]], articles, {2: {1}})
    assert with_third.verdict == "corroborated" and with_third.independent_sources == 2


def test_two_articles_of_one_outlet_are_one_source():
    articles = {1: _article("x", 1, "Wire"), 2: _article("y", 2, "Wire")}
    [group] = judge([[_q(1, 5), _q(2, 5)]], articles, {})
    assert group.verdict == "single_source"


# -- alignment and the timeline ---------------------------------------------------------

def _d(article_id, day, granularity="day", event="sign", sentence=0):
    return Claim(article_id=article_id, sentence=sentence, text="signed the pact", kind="date", start=0, end=1,
                 event=event, event_word="signed", actors=("Valdoria", "Kesh"), date=day, granularity=granularity)


def _vectors(claims):
    v = np.ones(8) / np.sqrt(8)
    return {(c.article_id, c.sentence): v for c in claims}


def test_the_same_event_at_month_and_day_precision_merges():
    claims = [_d(1, date(2026, 6, 1), "month"), _d(2, date(2026, 6, 19)), _d(3, date(2026, 6, 1), "month")]
    assert date_gap_days(claims[0], claims[1]) == 0
    groups = align_claims(claims, _vectors(claims), lambda words: {})
    assert len(groups) == 1
    articles = {i: _article("x", i, f"Outlet {i}") for i in (1, 2, 3)}
    [event] = build_timeline(judge(groups, articles, {}))
    assert (event.date, event.granularity, event.verdict) == (date(2026, 6, 19), "day", "corroborated")


def test_dates_weeks_apart_are_different_events():
    claims = [_d(1, date(2026, 6, 19)), _d(2, date(2026, 7, 30))]
    assert len(align_claims(claims, _vectors(claims), lambda words: {})) == 2


def test_figures_of_different_orders_are_not_aligned():
    claims = [_q(1, 10_000), _q(2, 50_000)]
    assert len(align_claims(claims, _vectors(claims), lambda w: {x: np.ones(4) for x in w})) == 2


# -- end to end -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_story(stores):
    with Engine(stores.seeds()) as engine:
        story_id = engine.stories()[0].id
        _, groups, timeline = engine.cross_check(story_id)
        ids = {a.id: a.external_id[:3] for a in engine.articles()}
        yield groups, timeline, ids


def test_seed_troop_count_conflicts_without_the_50000(seed_story):
    groups, _, ids = seed_story
    troops = [g for g in groups if g.kind == "quantity" and any(e.value == 10_000 for e in g.evidence)]
    assert len(troops) == 1
    group = troops[0]
    assert group.verdict == "conflicting"
    by_file = {ids[e.article_id]: e.value for e in group.evidence}
    assert by_file["000"] == 10_000 and by_file["002"] == 11_000
    values = {e.value for e in group.evidence}
    assert not values & {50_000, 1_000_000} and not any(e.value_max for e in group.evidence)


def test_seed_ratification_is_corroborated_by_three(seed_story):
    groups, _, ids = seed_story
    [group] = [g for g in groups if g.kind == "date" and any(e.date == "2024-11-11" for e in g.evidence)]
    assert group.verdict == "corroborated"
    assert {"000", "002", "003"} <= {ids[e.article_id] for e in group.evidence}
    monday = next(e for e in group.evidence if ids[e.article_id] == "002")
    assert "Monday" in monday.value_text


def test_seed_timeline_orders_the_story(seed_story):
    groups, timeline, _ = seed_story
    signing = next(e for e in timeline if e.date == date(2024, 6, 19) and e.verdict == "corroborated")
    assert len(signing.evidence) >= 3
    order = [(e.date, e.granularity) for e in timeline]
    wanted = [(date(2023, 9, 1), "month"), (date(2024, 6, 19), "day"), (date(2024, 11, 6), "day"),
              (date(2024, 11, 11), "day")]
    positions = [order.index(w) for w in wanted]
    assert positions == sorted(positions)


def test_sample_verdicts_against_the_gold(stores):
    from bench_claims import sample_gold, score_engine

    with Engine(stores.sample()) as engine:
        result = score_engine(engine, sample_gold)
    assert result["conflict_precision"] >= 0.9 and result["conflict_recall"] >= 0.8, result
    assert result["corroboration_recall"] >= 0.8 and result["verdict_accuracy"] >= 0.9, result
    rows = {about: predicted for about, _, predicted, _ in result["rows"]}
    assert rows["date of the capsizing"] == "conflicting"  # 9 March against 10 March


def test_a_new_article_recomputes_only_its_own_story(db_path, monkeypatch):
    import crosscheck.services.results as engine_module

    sample = sample_corpus_path()
    with Engine(db_path) as engine:
        engine.ingest([sample / "ferry_meridian_wire.txt", sample / "treaty_valdoria_courier.html",
                       sample / "treaty_kesh_standard.txt"])
        stories = {s.title: s.id for s in engine.stories()}
        for story in stories.values():
            engine.cross_check(story)
        computed = []
        real = engine_module.cross_check
        monkeypatch.setattr(engine_module, "cross_check", lambda items, *a, **k: computed.append(
            sorted(x.id for x, _ in items)) or real(items, *a, **k))
        engine.ingest([sample / "ferry_harbor_ledger.txt"])
        for story in stories.values():
            engine.cross_check(story)
        assert len(computed) == 1 and len(computed[0]) == 2  # only the ferry story, now two articles


def test_cli_claims_and_timeline_json(db_path):
    db = db_path
    assert run_cli("ingest", "--db", db, str(sample_corpus_path() / "wire_feed.jsonl")).returncode == 0
    story = json.loads(run_cli("stories", "--db", db, "--json").stdout)["items"][0]["id"]
    claims = json.loads(run_cli("claims", str(story), "--db", db, "--json").stdout)
    assert claims["story_id"] == story
    for group in claims["claim_groups"]:
        assert group["verdict"] in ("corroborated", "single_source", "conflicting")
        assert all(e["sentence"] and "article_id" in e and "outlet" in e for e in group["evidence"])
    events = json.loads(run_cli("timeline", str(story), "--db", db, "--json").stdout)["events"]
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)
    missing = run_cli("claims", "9999", "--db", db)
    assert missing.returncode == 1 and "no story 9999" in missing.stderr


def test_claim_pairs_compare_only_across_articles_and_within_a_kind(stores):
    """All pairs are scored at once: the matrix is symmetric, and a claim is never compared with
    itself, with another claim of its own article, or with a claim of another kind."""
    from crosscheck.claims.align import similarity_matrix

    with Engine(stores.seeds()) as engine:
        members = engine.store.story_members(engine.stories()[0].id)
        articles, analyses = engine.store.articles_by_id(members), engine.store.analyses_by_id(members)
        claims = [c for m in members for c in extract_claims(articles[m], analyses[m])]
        vectors = {(m, i): v for m in members for i, v in enumerate(engine.sentences.of(m).vectors)}
        nouns = engine.sentences.word_vectors(sorted({c.noun for c in claims if c.noun}))
    similarity = similarity_matrix(claims, vectors, nouns)
    assert similarity == pytest.approx(similarity.T)
    same_article = np.array([[a.article_id == b.article_id for b in claims] for a in claims])
    other_kind = np.array([[a.kind != b.kind for b in claims] for a in claims])
    assert not similarity[same_article | other_kind].any()
    for kind in ("quantity", "date", "statement"):  # every kind has pairs that are alike
        rows = [i for i, c in enumerate(claims) if c.kind == kind]
        assert similarity[np.ix_(rows, rows)].max() > 0.5


def test_records_convert_for_storage_as_dataclasses_asdict_would(stores):
    """The stored JSON of a cross-check and a briefing is built without asdict's deep copy,
    and must be the same."""
    from dataclasses import asdict

    from crosscheck.records import plain

    with Engine(stores.seeds()) as engine:
        story_id = engine.stories()[0].id
        _, groups, timeline = engine.cross_check(story_id)
        records = [*groups, *timeline, engine.briefing(story_id)]
    assert len(records) > 10
    for record in records:
        assert json.dumps(plain(record), default=str) == json.dumps(asdict(record), default=str)


@pytest.mark.parametrize("value, shown", [
    (1e11, "100 billion"), (2.4e9, "2.4 billion"), (310e6, "310 million"), (1.5e6, "1.5 million"),
    (1234567, "1,234,567"), (12345678901, "12,345,678,901"), (10000, "10,000"), (6.1, "6.1"), (0.5, "0.5"),
])
def test_figures_read_as_people_write_them(value, shown):
    from crosscheck.claims.verdicts import format_figure

    assert format_figure(value, None, None) == shown
    assert "e+" not in format_figure(value * 1000, None, "about")
