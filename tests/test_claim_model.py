"""What a claim is about (role, measure, subject, scope), when two claims are surely one,
and the verdicts that follow: conflicts only between one claim's reports, updates,
copies counted once, and dates resolved against an inferred day deciding nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import numpy as np
import pytest

from crosscheck.analyze import analyze_article, own_day
from crosscheck.analyze.dates import extract_dates
from crosscheck.analyze.sentences import split_sentences
from crosscheck.claims.align import align_claims, same_claim
from crosscheck.claims.context import (UNCLEAR, age_owner, located, measure, part_of_day, role, same_person, scope,
                                       subject)
from crosscheck.claims.extract import extract_claims
from crosscheck.claims.timeline import build_timeline
from crosscheck.claims.values import agree
from crosscheck.claims.verdicts import judge
from crosscheck.ingest import ReadOptions, make_article
from crosscheck.ingest.text import TextFields
from crosscheck.records import Article, Claim


def _span(sentence: str, value: str) -> tuple[int, int]:
    start = sentence.index(value)
    return start, start + len(value)


# -- reading what a figure is about ---------------------------------------------------

@pytest.mark.parametrize("sentence, value, expected", [
    ("Officials said 12 people were killed and 20 were wounded.", "12 people", "killed"),
    ("Officials said 12 people were killed and 20 were wounded.", "20", "injured"),
    ("The gunman shot three co-workers, killing two.", "three co-workers", "shot"),
    ("The gunman shot three co-workers, killing two.", "two", "killed"),
    ("The number of people killed now stands at 43.", "43", "killed"),
    ("The quake struck, killing at least three people and injuring dozens more.", "at least three people", "killed"),
    ("Manokwari, a city of 160,000 people, was hit hardest.", "160,000 people", "population"),
    ("The council approved 14 new bus routes.", "14 new bus routes", None),
])
def test_role_is_what_happened_to_what_is_counted(sentence, value, expected):
    assert role(sentence, *_span(sentence, value)) == expected


@pytest.mark.parametrize("sentence, value, unit, expected", [
    ("The quake struck at a depth of 10 km near the coast.", "10 km", "km", "depth"),
    ("The quake struck 75 kilometers west of Manokwari.", "75 kilometers", "km", "distance:manokwari"),
    ("The climber died after falling about 150 metres.", "about 150 metres", "m", "fall"),
    ("The bridge is 300 metres long.", "300 metres", "m", "length"),
    ("The quake measured 6.1.", "6.1", None, None),
])
def test_a_length_says_whether_it_is_a_depth_a_distance_or_a_fall(sentence, value, unit, expected):
    assert measure(sentence, *_span(sentence, value), unit) == expected


@pytest.mark.parametrize("sentence, value, home_year, expected", [
    ("Eight of the jurors were black.", "Eight", None, "part"),
    ("Garrard completed 28 of 41 passes.", "41 passes", None, "total"),
    ("Echenique scored five of Creighton's first eight points.", "eight points", None, "total"),
    ("More than 600 Palestinians have been killed so far.", "More than 600 Palestinians", None, "running"),
    ("He will be 29 in April.", "29", None, "future"),
    ("The previous quake killed 40 people.", "40 people", None, "background"),
    ("At least 43 people were killed in the school.", "At least 43 people", None, None),
    ("McDermott scored the team's first 17 points.", "17 points", None, "part"),
    ("The Jaguars had one final chance to win.", "one final chance", None, "part"),
    ("Another 12 people were rescued.", "12 people", None, "part"),
    ("Three of the four Israeli soldiers died.", "Three of the four Israeli soldiers", None, "part"),
    ("He ran 80 yards on the opening play two weeks ago.", "80 yards", None, "background"),
])
def test_scope_tells_parts_totals_running_counts_and_other_times(sentence, value, home_year, expected):
    assert scope(sentence, *_span(sentence, value), value, [], None, home_year) == expected


def test_a_figure_in_a_sentence_about_another_year_is_background():
    sentence = "In December 2004, a tsunami left at least 230,000 people dead."
    start, end = _span(sentence, "at least 230,000 people")
    assert scope(sentence, start, end, "at least 230,000 people", [(date(2004, 12, 1), "month")], None, 2012) \
        == "background"
    assert scope(sentence, start, end, "at least 230,000 people", [(date(2004, 12, 1), "month")], None, 2004) is None


def test_subject_is_the_person_the_figure_belongs_to():
    sentence = "Hansbrough scored 20 points as Ford watched."
    names = [(0, 10, "Tyler Hansbrough"), (31, 35, "Phil Ford")]
    assert subject(sentence, *_span(sentence, "20 points"), names) == "Tyler Hansbrough"
    pronoun = "He had 793 yards and six touchdowns."
    assert subject(pronoun, *_span(pronoun, "793 yards"), []) == UNCLEAR
    speaker = "Manrosan said that the 7.7 magnitude quake damaged 42 buildings."
    assert subject(speaker, *_span(speaker, "7.7 magnitude"), [(0, 8, "Manrosan")]) is None
    assert same_person("Duncan Rait", "Duncan Raite") and not same_person("Duncan Rait", "Robert Buckley")
    assert same_person("Mo Cheeks", "Maurice Cheeks") and not same_person("Kimani Gray", "Mahnefah Gray")
    assert not same_person(UNCLEAR, UNCLEAR)


def test_an_age_belongs_to_the_name_it_is_set_against_never_to_a_later_name():
    sentence = "Media attention on the 10-year-old's death and Timmons' arrest grew."
    assert age_owner(sentence, *_span(sentence, "10-year-old"), [(47, 54, "Jermayne Timmons")]) == UNCLEAR
    named = "The jury heard that 15-year-old Timmons had a gun."
    assert age_owner(named, *_span(named, "15-year-old"), [(32, 39, "Jermayne Timmons")]) == "Jermayne Timmons"


def test_a_distance_belongs_to_the_place_set_before_it():
    sentence = "One rocket hit the town of Gadera, 17 miles from Tel Aviv."
    places = [(27, 33, "Gadera"), (49, 57, "Tel Aviv")]
    assert located(sentence, sentence.index("17 miles"), places) == "Gadera"
    unnamed = "One rocket struck about 32km from Tel Aviv."
    assert located(unnamed, unnamed.index("about 32km"), [(34, 42, "Tel Aviv")]) is None


@pytest.mark.parametrize("sentence, day, expected", [
    ("She checked in late Thursday, dodging arrest.", "Thursday", "late"),
    ("She checked in on Thursday night.", "Thursday", "late"),
    ("Early Friday morning, around 1:30 a. m., she checked in.", "Friday", "early"),
    ("On Friday around 1:30 a.m. she checked in.", "Friday", "early"),
    ("She checked in on Friday, police said.", "Friday", None),
])
def test_part_of_day_reads_late_and_early(sentence, day, expected):
    assert part_of_day(sentence, *_span(sentence, day), day) == expected


def test_late_one_day_and_early_the_next_are_one_night_but_a_plain_next_day_is_not():
    late = Claim(article_id=1, sentence=0, text="x", kind="date", start=0, end=1, date=date(2013, 5, 2),
                 granularity="day", part_of_day="late")
    early = replace(late, article_id=2, date=date(2013, 5, 3), part_of_day="early")
    assert agree(late, early) and agree(early, late)
    assert not agree(late, replace(early, part_of_day=None))
    assert not agree(replace(late, part_of_day="early"), early)  # Thursday morning is not Friday morning
    assert not agree(late, replace(early, date=date(2013, 5, 4)))


# -- values --------------------------------------------------------------------------

def _q(article_id: int, value: float, **fields) -> Claim:
    base = dict(sentence=0, text=f"sentence {article_id}", kind="quantity", start=0, end=1, value=value,
                noun="people", role="killed")
    return Claim(article_id=article_id, **{**base, **fields})


def test_qualified_and_converted_figures_agree_as_readers_read_them():
    assert agree(_q(1, 300, qualifier="nearly"), _q(2, 300, qualifier="more than"))
    assert agree(_q(1, 6, unit="miles", noun=None), _q(2, 10, unit="km", noun=None))
    assert agree(_q(1, 200, unit="ft", qualifier="approximately"), _q(2, 60, unit="m", qualifier="approximately"))
    assert not agree(_q(1, 10_000, qualifier="approximately"), _q(2, 11_000, qualifier="approximately"))


# -- alignment: a conflict needs one claim ---------------------------------------------

def _vectors(claims: list[Claim], cosine: float = 0.9) -> dict:
    base, other = np.array([1.0, 0.0]), np.array([cosine, np.sqrt(1 - cosine ** 2)])
    return {(c.article_id, c.sentence): base if i % 2 == 0 else other for i, c in enumerate(claims)}


def _nouns(words):
    return {w: np.ones(3) for w in words}


@pytest.mark.parametrize("change", [
    dict(role="injured"),  # killed against injured
    dict(subject="Phil Ford"),  # two people's figures
    dict(subject=UNCLEAR),  # "he had 40"
    dict(scope="background"),  # last year's toll
    dict(scope="part"),  # "30 of the 40"
])
def test_figures_that_are_not_one_claim_never_conflict(change):
    a = _q(1, 40, subject="Tyler Hansbrough")
    b = replace(_q(2, 43, subject="Tyler Hansbrough"), **change)
    for group in align_claims([a, b], _vectors([a, b]), _nouns):
        assert len({c.value for c in group}) == 1


def test_reports_of_one_claim_that_disagree_are_one_group():
    a, b = _q(1, 41), _q(2, 43)
    assert same_claim(a, b, 0.8, {})
    [group] = align_claims([a, b], _vectors([a, b]), _nouns)
    assert {c.value for c in group} == {41, 43}


def test_a_third_report_cannot_bridge_two_different_claims():
    # 226 yards for Charles and 205 for Luck, with an unnamed 226 between them
    charles, luck = _q(1, 226, noun="yards", role=None, subject="Jamaal Charles"), \
        _q(2, 205, noun="yards", role=None, subject="Andrew Luck")
    unnamed = _q(3, 226, noun="yards", role=None)
    groups = align_claims([charles, luck, unnamed], _vectors([charles, luck, unnamed]), _nouns)
    assert all(len({c.value for c in g}) == 1 for g in groups)


def test_a_disagreement_needs_a_pair_that_is_surely_one_claim():
    # "more than 40" agrees with both 41 and 43 and reads like the 43; the 41 reads like
    # neither, so nothing shows that 41 and 43 are one claim
    a, b, c = _q(1, 41), _q(2, 40, qualifier="more than"), _q(3, 43)
    vectors = {(1, 0): np.array([1.0, 0.0]), (2, 0): np.array([0.0, 1.0]), (3, 0): np.array([0.0, 1.0])}
    assert all(len({x.value for x in g} - {40}) <= 1 for g in align_claims([a, b, c], vectors, _nouns))
    close = {**vectors, (1, 0): np.array([0.6, 0.8])}
    assert any({41, 43} <= {x.value for x in g} for g in align_claims([a, b, c], close, _nouns))


def test_reports_of_the_very_same_figure_in_unlike_sentences_are_one_group():
    # "Danny Green had 14 as the Tar Heels pulled away" and "Danny Green (14 points) ..."
    a = _q(1, 14, noun="points", role=None, subject="Danny Green")
    b = _q(2, 14, noun="points", role=None, subject="Danny Green")
    groups = align_claims([a, b], _vectors([a, b], cosine=0.3), _nouns)
    assert [len(g) for g in groups] == [2]
    other = replace(b, subject="Ty Lawson")  # another player's 14 stays apart
    assert sorted(len(g) for g in align_claims([a, other], _vectors([a, other], cosine=0.3), _nouns)) == [1, 1]


def test_a_generic_count_needs_the_same_sentence_to_conflict():
    a, b = _q(1, 60, role=None), _q(2, 36, role=None)  # "60 people inside", "three dozen people rampaged"
    assert not same_claim(a, b, 0.6, {}) and same_claim(a, b, 0.75, {})


# -- verdicts --------------------------------------------------------------------------

def _articles(*published) -> dict[int, Article]:
    return {i: Article(id=i, text="x", outlet=f"Outlet {i}", published=when, published_has_time=True)
            for i, when in enumerate(published, start=1)}


def test_a_tally_that_rises_with_time_is_updated_not_conflicting():
    claims = [_q(1, 41), _q(2, 43)]
    articles = _articles(datetime(2026, 3, 10, 18, 42), datetime(2026, 3, 10, 21, 5))
    [group] = judge([claims], articles, {})
    assert group.verdict == "updated"
    assert [value for value, _, _ in group.sides] == ["41", "43"]
    later_lower = _articles(datetime(2026, 3, 10, 21, 5), datetime(2026, 3, 10, 18, 42))
    assert judge([claims], later_lower, {})[0].verdict == "conflicting"


def test_an_update_needs_a_count_of_now_said_to_have_moved():
    undated = _articles(None, None)
    # a past event's toll is no count still moving, whatever the dates of the reports
    tsunami = [_q(1, 13, scope="background"), _q(2, 14, scope="background")]
    rising = _articles(datetime(2026, 3, 10, 9, 0), datetime(2026, 3, 10, 18, 0))
    assert judge([tsunami], rising, {})[0].verdict == "conflicting"
    # "the latest" far from the figure says nothing of it; "rose to" right before it does
    far = [_q(1, 4, text="Four people were killed."),
           _q(2, 5, value_text="five people",
              text="The latest powerful tremor to shake the region where five people were killed and hundreds hurt.")]
    assert judge([far], undated, {})[0].verdict == "conflicting"
    near = [far[0], _q(2, 5, value_text="5", text="The number of people killed rose to 5.")]
    assert judge([near], undated, {})[0].verdict == "updated"


def test_a_conflict_names_its_sides_with_whom_they_credit():
    claims = [_q(1, 10_000, role=None, noun="troops", attributed_to=("Yonhap",)), _q(2, 11_000, role=None,
                                                                                    noun="troops")]
    [group] = judge([claims], _articles(None, None), {})
    assert group.verdict == "conflicting"
    assert group.sides == (("10,000", ("Outlet 1 (citing Yonhap)",), (1,)), ("11,000", ("Outlet 2",), (2,)))


def test_a_copied_sentence_counts_once_unless_it_changes_the_figure():
    articles = _articles(None, None)
    same = [_q(1, 12, sentence=0), _q(2, 12, sentence=3)]
    assert judge([same], articles, {}, {(2, 3): {(1, 0)}})[0].verdict == "single_source"
    # a copy of another sentence of that article is no copy of this figure
    assert judge([same], articles, {}, {(2, 3): {(1, 5)}})[0].verdict == "corroborated"
    changed = [_q(1, 12, qualifier="at least", sentence=0), _q(2, 14, sentence=3)]
    [group] = judge([changed], articles, {}, {(2, 3): {(1, 0)}})
    assert group.verdict == "corroborated" and group.independent_sources == 2


def test_the_same_sentence_word_for_word_is_one_source_without_reuse_rows():
    words = "Sky News estimates at least 50 people were injured."
    copies = [_q(1, 50, text=words), _q(2, 50, text=words.replace("estimates", "estimates,"))]
    [group] = judge([copies], _articles(None, None), {})
    assert group.verdict == "single_source"
    reworded = [_q(1, 50, text=words), _q(2, 50, text="At least 50 people were hurt, Sky News says.")]
    assert judge([reworded], _articles(None, None), {})[0].verdict == "corroborated"


def _d(article_id: int, day: date, inferred: bool = False) -> Claim:
    return Claim(article_id=article_id, sentence=0, text=f"on day {article_id}", kind="date", start=0, end=1,
                 date=day, granularity="day", event="sign", inferred=inferred)


def test_a_date_resolved_against_an_inferred_day_decides_nothing():
    articles = _articles(None, None, None)
    stated = [_d(1, date(2026, 3, 10)), _d(2, date(2026, 3, 10))]
    guessed = _d(3, date(2026, 3, 9), inferred=True)
    [group] = judge([[*stated, guessed]], articles, {})
    assert group.verdict == "corroborated" and group.independent_sources == 2
    [alone] = judge([[_d(1, date(2026, 3, 10)), guessed]], articles, {})
    assert alone.verdict == "single_source"
    [event] = build_timeline(judge([[guessed, _d(1, date(2026, 3, 10))]], articles, {}))
    assert event.date == date(2026, 3, 10) and not event.inferred
    [only_guess] = build_timeline(judge([[guessed]], articles, {}))
    assert only_guess.inferred


# -- extraction: ages, labels, anchors -----------------------------------------------

def _article(body: str, published=datetime(2026, 3, 11)) -> Article:
    return replace(make_article(TextFields(body=body, title="T", outlet="Paper", published=published), source="t",
                                external_id="a", options=ReadOptions()), id=1)


def test_ages_are_claims_and_labels_and_records_are_not():
    article = _article("Lindsay Lohan, 26, checked in on Thursday. She is a five-time nominee. "
                       "North Carolina (10-0) won again.")
    claims = [c for c in extract_claims(article, analyze_article(article)) if c.kind == "quantity"]
    assert [(c.value, c.unit) for c in claims] == [(26, "age")]


def test_an_offset_is_no_figure_and_a_date_belongs_to_what_it_dates():
    article = _article("Fifteen games later the Colts stand at 10-5. Her lawyer said Thursday she checked in. "
                       "Heller told a hearing Thursday morning that she had checked in.")
    claims = extract_claims(article, analyze_article(article))
    assert not [c for c in claims if c.kind == "quantity"]
    assert [c.event_word for c in claims if c.kind == "date"] == ["said", "hearing"]


def test_a_weekday_in_the_future_tense_is_the_coming_one():
    text = "The bill is to be voted on Thursday. The army attacked on Thursday."
    found = extract_dates(text, split_sentences(text), date(2026, 3, 10))  # a Tuesday
    assert [d.value for d in found] == [date(2026, 3, 12), date(2026, 3, 5)]
    fixtures = "Kesswick plays at Orvanne on Saturday. The trial begins Monday. He plays well, and lost on Saturday."
    found = extract_dates(fixtures, split_sentences(fixtures), date(2026, 3, 10))
    assert [d.value for d in found] == [date(2026, 3, 14), date(2026, 3, 16), date(2026, 3, 7)]


def test_an_undated_article_is_anchored_by_its_own_dateline():
    article = replace(_article("Flood closes the valley road\nMay 03, 2013\nThe road closed on Friday.",
                               published=None))
    sentences = split_sentences(article.text)
    assert own_day(article, sentences) == date(2013, 5, 3)
    analysis = analyze_article(article)
    friday = next(d for d in analysis.dates if d.relative)
    assert friday.value == date(2013, 5, 3) and not friday.inferred
    assert [c for c in extract_claims(article, analysis) if c.kind == "date"][0].text.startswith("The road")


def test_the_cli_shows_a_conflicts_sides_as_text(stores):
    from conftest import run_cli

    result = run_cli("claims", "1", "--db", stores.seeds(), "--kind", "quantity")
    assert result.returncode == 0, result.stderr
    line = next(row for row in result.stdout.splitlines() if row.startswith("conflicting"))
    assert "[approximately 10,000 (" in line and "vs approximately 11,000 (" in line


def test_vague_multiples_read_as_they_were_said():
    from crosscheck.claims.verdicts import format_figure

    assert format_figure(12, None, "dozens of") == "dozens"
    assert format_figure(1e4, None, "tens of thousands of") == "tens of thousands"
    assert format_figure(1e3, None, "several") == "several thousand"
    assert format_figure(10_000, None, "approximately") == "approximately 10,000"


def test_a_value_every_side_agrees_with_takes_no_side():
    days = [_d(1, date(2026, 5, 2)), _d(2, date(2026, 5, 3)),
            replace(_d(3, date(2026, 5, 1)), granularity="month", text="in May")]
    [group] = judge([days], _articles(None, None, None), {})
    assert group.verdict == "conflicting"
    assert [value for value, _, _ in group.sides] == ["2026-05-02", "2026-05-03"]
