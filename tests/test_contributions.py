"""What each article adds, the story's first report and who picked it up from whom.

End to end on the bundled sample (a wire story, a rewrite of it, other outlets' reports) and
on the real seeds (one of which adds a figure no other seed gives, naming no source), and
stage by stage on records built here.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from fastapi.testclient import TestClient

from conftest import run_cli
from crosscheck import Engine
from crosscheck.analyze.citations import named_sources
from crosscheck.brief.contributions import DERIVATIVE_SHARE, contributions
from crosscheck.brief.coverage import coverage, first_report
from crosscheck.brief.summarize import StorySentence
from crosscheck.records import Article, ClaimGroup, Evidence, SentenceReuse
from crosscheck.web import create_app


def _article(article_id: int, outlet: str, published: datetime | None, has_time: bool = True) -> Article:
    return Article(id=article_id, external_id=f"a{article_id}", url=None, title=f"Title {article_id}",
                   text="text", outlet=outlet, published=published, published_has_time=has_time)


def _figure_group(group_id: str, article_id: int, sentence: str, value: float, text: str) -> ClaimGroup:
    evidence = Evidence(article_id=article_id, outlet=None, title=None, url=None, published=None,
                        sentence=sentence, value_text=text, value=value)
    return ClaimGroup(id=group_id, kind="quantity", about=text, verdict="single_source", evidence=(evidence,),
                      independent_sources=1, outlets=("x",))


def _sentence(article_id: int, index: int, text: str, supporters: set[int] = frozenset()) -> StorySentence:
    return StorySentence(article_id, index, text, np.zeros(3, np.float32), supporters=set(supporters))


# -- whom a sentence names as its source ---------------------------------------------------------

@pytest.mark.parametrize("text, named", [
    ("The ferry capsized, killing 41 people, the Veyrland Coast Guard said.", "Veyrland Coast Guard"),
    ('"We did what we could," said Commander Aldo Brennick.', "Commander Aldo Brennick"),
    ("The president, on Tuesday, disclosed that 50,000 soldiers had massed.", "president"),  # a role names him
    ("The figures, on Tuesday, disclosed that 50,000 soldiers had massed.", None),
    ("Storm warnings were in force, according to the national weather service.", "national weather service"),
    ("Flags were lowered, and the town council said a vigil would be held.", "town council"),
    ("Ships carried supplies, according to assessments by the Institute for the Study of War.",
     "Institute for the Study of War"),
])
def test_a_sentence_that_credits_someone_names_a_source(text, named):
    found = named_sources(text)
    if named is None:
        assert found == ()
    else:
        assert named in found, found


@pytest.mark.parametrize("text", [
    "What is important to understand is that Moscow used to send 50,000 tons of rice.",
    "Russia's parliament gave its consent to the treaty on November 6.",
    "It is believed that these troops are stationed in the Kursk region.",
    "Reports indicate that soldiers were deployed at the beginning of November.",
])
def test_a_sentence_that_credits_no_one_names_no_source(text):
    assert named_sources(text) == ()


# -- contributions, stage by stage ------------------------------------------------------------------

def test_a_rewrite_that_adds_no_figure_is_derivative_and_one_that_adds_an_unsourced_figure_is_flagged():
    day = datetime(2026, 3, 10, 18, 0, tzinfo=timezone.utc)
    articles = {1: _article(1, "Wire", day), 2: _article(2, "Copy", day + timedelta(hours=1)),
                3: _article(3, "Extra", day + timedelta(hours=2))}
    items = [_sentence(1, i, f"Wire sentence {i} of the report here.", {2}) for i in range(4)]
    items += [_sentence(2, i, f"Wire sentence {i} of the report here.", {1}) for i in range(3)]
    items += [_sentence(2, 3, "Flags flew at half-mast and the council said a vigil would follow.")]
    items += [_sentence(3, 0, "Wire sentence 0 of the report here.", {1, 2}),
              _sentence(3, 1, "Moscow used to send 50,000 tons of rice to the north each year.")]
    reuse = [SentenceReuse(article_id=2, sentence=i, source_id=1, source_sentence=i, kind="verbatim", score=1.0)
             for i in range(3)]
    groups = [_figure_group("g1", 3, "Moscow used to send 50,000 tons of rice to the north each year.", 50_000,
                            "50,000 tons of rice")]
    by_id = {c.article_id: c for c in contributions(articles, items, groups, reuse)}

    wire, copy, extra = by_id[1], by_id[2], by_id[3]
    assert (wire.reused, wire.derivative, wire.unsourced) == (0, False, False)
    assert copy.reused == 3 and copy.sentences == 4 and copy.reused_from == ((1, "Wire", 3),)
    assert copy.derivative and not copy.unsourced
    assert [a.text for a in copy.additions] == ["Flags flew at half-mast and the council said a vigil would follow."]
    assert copy.additions[0].sources == ("council",)
    assert extra.unsourced and not extra.derivative
    assert [(a.sentence, a.figures) for a in extra.unsourced_additions] == [(1, ("50,000 tons of rice",))]


def test_a_rewrite_that_brings_a_figure_of_its_own_is_not_derivative():
    day = datetime(2026, 3, 10, 18, 0, tzinfo=timezone.utc)
    articles = {1: _article(1, "Wire", day), 2: _article(2, "Copy", day + timedelta(hours=1))}
    own = "Eleven survivors remained in hospital, the coast guard said."
    items = [_sentence(1, i, f"Wire sentence {i} of the report here.", {2}) for i in range(3)]
    items += [_sentence(2, i, f"Wire sentence {i} of the report here.", {1}) for i in range(3)]
    items += [_sentence(2, 3, own)]
    reuse = [SentenceReuse(article_id=2, sentence=i, source_id=1, source_sentence=i, kind="verbatim", score=1.0)
             for i in range(3)]
    copy = contributions(articles, items, [_figure_group("g", 2, own, 11, "Eleven survivors")], reuse)[1]
    assert copy.reused / copy.sentences >= DERIVATIVE_SHARE
    assert not copy.derivative and not copy.unsourced  # its figure names the coast guard
    assert copy.additions[0].figures == ("Eleven survivors",)


def test_a_figure_another_article_gives_is_not_an_addition_even_when_grouped_apart():
    day = datetime(2026, 3, 10, 18, 0, tzinfo=timezone.utc)
    articles = {1: _article(1, "Wire", day), 2: _article(2, "Post", day + timedelta(hours=1))}
    first, second = "Rescuers pulled 87 survivors from the lake by night.", "Crews brought 87 survivors ashore by boat."
    items = [_sentence(1, 0, first), _sentence(2, 0, second)]
    groups = [_figure_group("a", 1, first, 87, "87 survivors"), _figure_group("b", 2, second, 87, "87 survivors")]
    found = contributions(articles, items, groups, [])
    assert all(not c.unsourced and all(not a.figures for a in c.additions) for c in found)


# -- first report and pickup ---------------------------------------------------------------------

def test_the_first_report_is_the_earliest_across_time_zones_and_unknown_when_a_bare_date_ties():
    utc = timezone.utc
    seoul = timezone(timedelta(hours=9))
    wire = _article(1, "Wire", datetime(2026, 3, 10, 18, 0, tzinfo=utc))
    local = _article(2, "Local", datetime(2026, 3, 11, 2, 30, tzinfo=seoul))  # 17:30 UTC: earlier
    assert first_report({1: wire, 2: local}).article_id == 2
    bare = _article(3, "Daily", datetime(2026, 3, 10), has_time=False)
    assert first_report({1: wire, 2: local, 3: bare}) is None  # 10 March, any time of it
    later = _article(4, "Weekly", datetime(2026, 3, 12), has_time=False)
    assert first_report({1: wire, 4: later}).article_id == 1
    assert first_report({5: _article(5, "Undated", None)}) is None


def test_pickup_names_who_took_from_whom_with_the_lag_and_each_outlets_time_to_pick_up():
    day = datetime(2026, 3, 10, 18, 42, tzinfo=timezone.utc)
    articles = {1: _article(1, "Wire", day), 2: _article(2, "Ledger", day + timedelta(minutes=83)),
                3: _article(3, "Weekly", datetime(2026, 3, 12), has_time=False)}
    reuse = [SentenceReuse(article_id=2, sentence=i, source_id=1, source_sentence=i,
                           kind="verbatim" if i else "paraphrase", score=1.0) for i in range(3)]
    citations = [(2, "Wire", "outlet", 1), (3, "Wire", "outlet", 1)]
    result = coverage(articles, reuse, citations, {2: {1}, 3: {1}})
    assert result.first_report.article_id == 1
    taken = {(p.article_id, p.source_id): p for p in result.pickup}
    assert (taken[(2, 1)].sentences, taken[(2, 1)].verbatim, taken[(2, 1)].credits) == (3, 2, True)
    assert taken[(2, 1)].lag_minutes == 83
    assert taken[(3, 1)].sentences == 0 and taken[(3, 1)].credits and taken[(3, 1)].lag_minutes is None
    lags = {o.outlet: o.lag_minutes for o in result.outlets}
    assert lags == {"Wire": 0, "Ledger": 83, "Weekly": None}


# -- end to end ---------------------------------------------------------------------------------

def _ferry_story(engine: Engine) -> int:
    return next(s.id for s in engine.stories()
                if any(a.title == "Ferry capsizes in storm on Lake Orvanne, 41 dead"
                       for a in engine.story(s.id).articles_detail))


def test_the_sample_ferry_story_names_its_first_report_pickup_and_the_derivative_rewrite(stores):
    db = stores.sample()
    with Engine(db) as engine:
        story_id = _ferry_story(engine)
    result = run_cli("story", str(story_id), "--db", db, "--json")
    assert result.returncode == 0, result.stderr
    story = json.loads(result.stdout)
    outlets = {a["id"]: a["outlet"] for a in story["articles_detail"]}
    assert story["first_report"]["outlet"] == "Meridian Wire"
    ledger = [p for p in story["pickup"] if p["outlet"] == "Harbor Ledger"]
    assert [p["source_outlet"] for p in ledger] == ["Meridian Wire"]
    reused = [r for r in story["reuse"] if outlets[r["article_id"]] == "Harbor Ledger"]
    assert ledger[0]["sentences"] == sum(r["sentences"] for r in reused) >= 5
    assert ledger[0]["credits"] and ledger[0]["lag_minutes"] > 0
    flagged = {outlets[c["article_id"]] for c in story["contributions"] if c["derivative"]}
    assert flagged == {"Harbor Ledger"}
    assert not any(c["derivative"] for c in story["contributions"] if c["article_id"] == story["first_report"]["article_id"])


def test_the_seed_that_adds_an_unsourced_figure_is_flagged_with_its_sentence(stores):
    db = stores.seeds()
    with Engine(db) as engine:
        (story,) = engine.stories()
        detail = engine.story(story.id)
        names = {a.id: a.external_id or "" for a in detail.articles_detail}
        flagged = {c.article_id: c for c in detail.contributions if c.unsourced}
        assert {names[a] for a in flagged} == {"003_9b91517afd0cde04.txt"}, names
        (contribution,) = flagged.values()
        assert [a.text for a in contribution.unsourced_additions] == [
            "What is important to understand is that Moscow used to send 50,000 to 100,000 tons of rice to North "
            "Korea at a time."]
        view = engine.article_view(contribution.article_id)
        assert view.contribution == contribution
        # the seed whose new figure is Zelenskyy's is not flagged: it names him
        zelenskyy = next(c for c in detail.contributions if names[c.article_id].startswith("002_"))
        assert any("Zelenskyy" in " ".join(a.sources) for a in zelenskyy.additions if a.figures)


def test_the_story_and_article_pages_and_api_show_the_same_contributions(stores):
    db = stores.sample()
    with Engine(db) as engine:
        story_id = _ferry_story(engine)
        detail = engine.story(story_id)
    derivative = next(c for c in detail.contributions if c.derivative)
    client = TestClient(create_app(db, create=False))
    page = client.get(f"/stories/{story_id}").text
    assert 'id="first-report"' in page and "Meridian Wire" in page
    assert f'href="/articles/{derivative.article_id}">#{derivative.article_id} Harbor Ledger</a>' in page
    assert "DERIVATIVE" in page
    article_page = client.get(f"/articles/{derivative.article_id}").text
    assert "What it adds to its story" in article_page and "town council" in article_page
    api = client.get(f"/api/v1/articles/{derivative.article_id}").json()
    assert api["contribution"]["derivative"] is True
    assert api["contribution"]["reused"] == derivative.reused


# -- outlet behaviour -------------------------------------------------------------------------------

def test_outlets_json_shows_the_ferry_first_report_and_harbor_ledger_reusing_meridian_wire(stores):
    db = stores.sample()
    with Engine(db) as engine:
        ferry = _ferry_story(engine)
        reuse = engine.story(ferry).reuse
        outlets_of = {a.id: a.outlet for a in engine.story(ferry).articles_detail}
    result = run_cli("outlets", "--db", db, "--json")
    assert result.returncode == 0, result.stderr
    by_name = {b["outlet"]: b for b in json.loads(result.stdout)}
    wire, ledger = by_name["Meridian Wire"], by_name["Harbor Ledger"]
    assert ferry in wire["first_reports"]
    (taken,) = [link for link in ledger["reused_from"] if link["outlet"] == "Meridian Wire"]
    stored = sum(r["sentences"] for r in reuse
                 if outlets_of[r["article_id"]] == "Harbor Ledger" and outlets_of[r["source_id"]] == "Meridian Wire")
    assert taken["count"] == stored >= 5
    (given,) = [link for link in wire["reused_by"] if link["outlet"] == "Harbor Ledger"]
    assert (given["count"], given["article_ids"]) == (taken["count"], taken["article_ids"])  # seen from either side
    assert [link["outlet"] for link in wire["cited_by"]] == ["Harbor Ledger"]
    assert set(ledger["derivative"]) <= set(ledger["article_ids"]) and ledger["derivative"]
    assert ledger["median_lag_minutes"] > 0
    # every figure group named is one of the story's groups, with the outlet's evidence in it
    with Engine(db) as engine:
        for verdict, groups in wire["figures"].items():
            for entry in groups:
                _, found, _ = engine.cross_check(entry["story_id"])
                group = next(g for g in found if g.id == entry["group"])
                assert group.verdict == verdict
                assert any(e.outlet == "Meridian Wire" or outlets_of.get(e.article_id) == "Meridian Wire"
                           for e in group.evidence)


def test_the_outlet_list_and_the_outlet_page_count_the_same(stores):
    db = stores.sample()
    with Engine(db) as engine:
        rows = {r.outlet: r for r in engine.outlets()}
        everyone = {b.outlet: b for b in engine.outlet_behaviour()}
        for name, row in rows.items():
            page = engine.outlet(name)
            assert page.behaviour == everyone[name]  # over its own stories, or over all: the same
            assert row.first == len(page.behaviour.first_reports)
            assert row.reused == sum(link.count for link in page.behaviour.reused_by)
            assert row.articles == len(page.behaviour.article_ids)
    client = TestClient(create_app(db, create=False))
    html = client.get("/outlets/Harbor%20Ledger").text
    assert 'id="figures-chart"' in html and "How it reports, measured" in html
    api = client.get("/api/v1/outlets/Harbor%20Ledger").json()
    assert api["behaviour"]["derivative"] == list(everyone["Harbor Ledger"].derivative)


# -- ClaimReview ------------------------------------------------------------------------------------

def _check_claim_review(document: dict, groups) -> None:
    """The fields fact-checking tools read, for every group shown, each claim a real sentence."""
    assert document["@context"] == "https://schema.org"
    reviews = [node for node in document["@graph"] if node["@type"] == "ClaimReview"]
    articles = {node["@id"]: node for node in document["@graph"] if node["@type"] == "NewsArticle"}
    groups = [g for g in groups if g.verdict != "single_source"]
    assert [r["identifier"] for r in reviews] == [g.id for g in groups] and reviews
    for review, group in zip(reviews, groups):
        sentences = [e.sentence for e in group.evidence]
        assert review["claimReviewed"] and any(review["claimReviewed"] in s for s in sentences)
        item = review["itemReviewed"]
        assert item["@type"] == "Claim" and item["firstAppearance"] == item["appearance"][0]
        assert {a["@id"] for a in item["appearance"]} == {f"/articles/{e.article_id}" for e in group.evidence}
        assert all(articles[a["@id"]]["headline"] for a in item["appearance"])
        rating = review["reviewRating"]
        assert rating["@type"] == "Rating" and rating["alternateName"]
        expected = {"conflicting": "Conflicting", "updated": "Updated", "corroborated": "Corroborated"}[group.verdict]
        assert rating["alternateName"].startswith(expected)
        assert review["author"]["@type"] == "Organization"


def test_claims_jsonld_is_claimreview_for_the_groups_shown_and_the_story_page_embeds_it(stores):
    import re

    from crosscheck.read.models import shown_groups

    db = stores.sample()
    with Engine(db) as engine:
        story_id = _ferry_story(engine)
        _, groups, _ = engine.cross_check(story_id)
    figures, statements, _ = shown_groups(groups)
    result = run_cli("claims", str(story_id), "--db", db, "--format", "jsonld")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    _check_claim_review(document, [*figures, *statements])
    conflicts = [r for r in document["@graph"] if r["@type"] == "ClaimReview"
                 and r["reviewRating"]["alternateName"].startswith("Conflicting")]
    assert any("41" in r["reviewRating"]["alternateName"] and "43" in r["reviewRating"]["alternateName"]
               for r in conflicts)
    page = TestClient(create_app(db, create=False)).get(f"/stories/{story_id}").text
    embedded = re.search(r'<script type="application/ld\+json" id="claim-review">(.*?)</script>', page, re.S)
    assert embedded
    on_page = json.loads(embedded.group(1))
    on_page_reviews = [r for r in on_page["@graph"] if r["@type"] == "ClaimReview"]
    assert [r["identifier"] for r in on_page_reviews] == [r["identifier"] for r in document["@graph"]
                                                          if r["@type"] == "ClaimReview"]
    assert all(r["url"] == f"/stories/{story_id}#claims" for r in on_page_reviews)


def test_text_from_an_article_cannot_end_the_embedded_claimreview():
    from crosscheck.read.claimreview import claim_reviews, script_json

    hostile = "41 people died</script><script>alert(1)</script><!-- said officials & others."
    evidence = Evidence(article_id=1, outlet="Wire</script>", title="<b>t</b>", url="javascript:alert(1)",
                        published="2026-03-10T18:42:00", sentence=hostile, value_text="41 people", value=41)
    group = ClaimGroup(id="g", kind="quantity", about="killed", verdict="corroborated", evidence=(evidence,),
                       independent_sources=2, outlets=("Wire",))
    text = script_json(claim_reviews([group]))
    assert "<" not in text and ">" not in text and "&" not in text
    article, review = json.loads(text)["@graph"]
    assert review["claimReviewed"] == hostile  # the same text, only escaped
    assert article["@type"] == "NewsArticle" and "url" not in article  # not an http(s) link


def test_a_briefing_is_built_from_one_read_of_a_story_another_process_is_changing(stores, monkeypatch):
    db = stores.sample()
    with Engine(db) as engine:
        story_id = _ferry_story(engine)
        members = engine.store.story_members(story_id)
        corroborating = Counter(e.article_id for g in engine.cross_check(story_id)[1]
                                if g.verdict == "corroborated" for e in g.evidence)
        leaving = corroborating.most_common(1)[0][0]
        engine.results.forget()
        reads = []
        real = engine.store.story_members

        def moving(story):  # an ingest elsewhere moves an article out between two reads
            reads.append(story)
            found = real(story)
            return found if len(reads) == 1 else [a for a in found if a != leaving]

        monkeypatch.setattr(engine.store, "story_members", moving)
        briefing = engine.briefing(story_id)
        assert briefing is not None and briefing.articles in (len(members), len(members) - 1)
        shown = {e.article_id for g in engine.cross_check(story_id)[1] for e in g.evidence}
        assert shown <= set(members)


def test_a_story_of_one_article_has_no_contributions_to_compare():
    day = datetime(2026, 3, 10, 18, 0, tzinfo=timezone.utc)
    lone = "Moscow used to send 50,000 tons of rice to the north each year."
    found = contributions({1: _article(1, "Wire", day)}, [_sentence(1, 0, lone)],
                          [_figure_group("g", 1, lone, 50_000, "50,000 tons of rice")], [])
    assert found == ()  # not "everything it says is its own, unsourced"


def test_ages_and_quoted_figures_are_not_unsourced_additions():
    day = datetime(2026, 3, 10, 18, 0, tzinfo=timezone.utc)
    articles = {1: _article(1, "Wire", day), 2: _article(2, "Post", day + timedelta(hours=1))}
    aged = "Epaminondas Korkoneas, 37, was charged with the killing on Monday night."
    quoted = '"We lost 41 of our neighbours in one night," the mayor told the crowd later.'
    quote_open = '"We lost 41 of our neighbours in one night.'
    items = [_sentence(1, 0, aged), _sentence(1, 1, quote_open), _sentence(2, 0, "Police made arrests downtown.")]
    age = _figure_group("a", 1, aged, 37, "37")
    age = dataclasses.replace(age, about="age of Epaminondas Korkoneas")
    groups = [age, _figure_group("q", 1, quote_open, 41, "41 of our neighbours")]
    (wire, _) = contributions(articles, items, groups, [])
    assert not wire.unsourced
    assert [a.figures for a in wire.additions] == [(), ("41 of our neighbours",)]
    assert wire.additions[1].sources == ("a quoted speaker",)
    assert "mayor" in " ".join(named_sources(quoted))


def test_a_sentence_taken_from_a_wire_story_and_its_update_counts_once_between_outlets():
    from crosscheck.read.behaviour import between_outlets

    outlet_of = {1: ("wire", "Wire"), 2: ("wire", "Wire"), 3: ("ledger", "Ledger"), 4: ("wire", "Wire")}
    reuse = [SentenceReuse(article_id=3, sentence=0, source_id=1, source_sentence=0, kind="verbatim", score=1.0),
             SentenceReuse(article_id=3, sentence=0, source_id=2, source_sentence=0, kind="verbatim", score=1.0),
             SentenceReuse(article_id=3, sentence=1, source_id=2, source_sentence=4, kind="paraphrase", score=0.9),
             SentenceReuse(article_id=4, sentence=0, source_id=1, source_sentence=0, kind="verbatim", score=1.0)]
    assert between_outlets(reuse, outlet_of) == [(3, "wire", 2)]  # the wire's own update is not counted
