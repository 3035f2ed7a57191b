"""Date mentions: absolute and relative forms, anchoring, spans and false positives."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from crosscheck.analyze.dates import extract_dates
from crosscheck.analyze.sentences import split_sentences

TUESDAY = date(2024, 11, 12)  # the seeds' publication day, a Tuesday


def dates_in(text: str, anchor: date | None = TUESDAY, **kwargs):
    mentions = extract_dates(text, split_sentences(text), anchor, **kwargs)
    for m in mentions:
        assert text[m.start:m.end] == m.text
    return mentions


def only_mention(text: str, anchor: date | None = TUESDAY, **kwargs):
    mentions = dates_in(text, anchor, **kwargs)
    assert len(mentions) == 1, [m.text for m in mentions]
    return mentions[0]


# --- absolute dates -----------------------------------------------------------------


@pytest.mark.parametrize(("text", "span", "value", "granularity"), [
    ("The vote took place on 11 November 2024 in Seoul.", "11 November 2024", date(2024, 11, 11), "day"),
    ("Ministers met on Nov. 11, 2024, in Moscow.", "Nov. 11, 2024", date(2024, 11, 11), "day"),
    ("The summit opened on June 19, 2024, in Pyongyang.", "June 19, 2024", date(2024, 6, 19), "day"),
    ("Both leaders signed on the 19th of June 2024 at noon.", "19th of June 2024", date(2024, 6, 19), "day"),
    ("The towers fell on Sept. 11, 2001, in New York.", "Sept. 11, 2001", date(2001, 9, 11), "day"),
    ("Delegates met June 19-20, 2024 in the capital.", "June 19-20, 2024", date(2024, 6, 19), "day"),
    ("The decree appeared on 2024-11-12T07:29 on the portal.", "2024-11-12", date(2024, 11, 12), "day"),
    ("The memo is dated 11/30/2009 in the archive.", "11/30/2009", date(2009, 11, 30), "day"),
    ("The full-scale invasion began in February 2022.", "February 2022", date(2022, 2, 1), "month"),
    ("Kim visited the spaceport in September of 2023.", "September of 2023", date(2023, 9, 1), "month"),
    ("The minister flew to Moscow in early November 2024.", "early November 2024", date(2024, 11, 1), "month"),
    ("The minister flew to Moscow in mid-Nov. 2024 for talks.", "mid-Nov. 2024", date(2024, 11, 1), "month"),
    ("Exports rose sharply in 2024.", "2024", date(2024, 1, 1), "year"),
    ("Ties have deepened since 2022.", "2022", date(2022, 1, 1), "year"),
    ("The factory was rebuilt in mid-2023 after the floods.", "mid-2023", date(2023, 1, 1), "year"),
    ("The base should be finished by the end of 2026, officials say.", "end of 2026", date(2026, 1, 1), "year"),
])
def test_absolute_dates_need_no_anchor(text, span, value, granularity):
    m = only_mention(text, anchor=None)
    assert (m.text, m.value, m.granularity) == (span, value, granularity)
    assert not m.relative and m.anchor is None and not m.inferred
    assert m.start == text.index(span) and m.end == m.start + len(span)


def test_weekday_before_a_date_is_part_of_it_not_a_second_mention():
    m = only_mention("Parliament voted on Monday, November 11, after a long debate.")
    assert m.text == "Monday, November 11" and m.value == date(2024, 11, 11)
    assert not m.relative


def test_years_joined_by_and_or_a_dash_are_each_reported():
    mentions = dates_in("Output fell in 2022 and 2023, and again from 2019-2021.", anchor=None)
    assert [(m.text, m.value) for m in mentions] == [
        ("2022", date(2022, 1, 1)), ("2023", date(2023, 1, 1)),
        ("2019", date(2019, 1, 1)), ("2021", date(2021, 1, 1))]


def test_day_first_and_month_first_numeric_dates_only_when_unambiguous():
    assert only_mention("Filed on 30/11/2009 in Kyiv.", None).value == date(2009, 11, 30)
    assert dates_in("Filed on 3/4/2024 in Kyiv.", None) == []  # March 4 or 3 April?
    assert only_mention("Filed on 7/7/2024 in Kyiv.", None).value == date(2024, 7, 7)


@pytest.mark.parametrize("anchor", [TUESDAY, None])
@pytest.mark.parametrize("text", [
    "Nothing happened on February 30 at all.",
    "Nothing happened on 31 June at all.",
    "Nothing happened on 2023-02-29 at all.",
    "Nothing happened on 13/13/2020 at all.",
])
def test_impossible_calendar_dates_are_not_reported(text, anchor):
    assert dates_in(text, anchor) == []


# --- dates that take their year from the anchor ----------------------------------------


@pytest.mark.parametrize(("text", "span", "value", "granularity", "relative"), [
    ("The North Korean leader ratified it on 11th November.", "11th November", date(2024, 11, 11), "day", False),
    ("It was ratified on the 11th of November, state media said.", "11th of November", date(2024, 11, 11), "day", False),
    ("On November 11, North Korea ratified the treaty.", "November 11", date(2024, 11, 11), "day", False),
    ("Putin visited Pyongyang on June 19 with a large delegation.", "June 19", date(2024, 6, 19), "day", False),
    ("Troops were deployed at the beginning of November.", "beginning of November", date(2024, 11, 1), "month", False),
    ("The accord was first drafted in late June.", "late June", date(2024, 6, 1), "month", False),
    ("The leaders met in Pyongyang in June.", "June", date(2024, 6, 1), "month", False),
    ("In June this year, the leaders signed the treaty.", "June this year", date(2024, 6, 1), "month", True),
    ("A similar pact lapsed in March last year.", "March last year", date(2023, 3, 1), "month", True),
    ("Last June the talks stalled.", "Last June", date(2024, 6, 1), "month", True),
    ("Talks resume next March in Geneva.", "next March", date(2025, 3, 1), "month", True),
])
def test_dates_without_a_year_are_resolved_against_the_anchor(text, span, value, granularity, relative):
    m = only_mention(text)
    assert (m.text, m.value, m.granularity, m.relative) == (span, value, granularity, relative)
    assert m.anchor == TUESDAY and not m.inferred


@pytest.mark.parametrize(("anchor", "text", "value"), [
    # a January article: December is last month, not eleven months ahead
    (date(2025, 1, 3), "Shelling resumed on December 30 near the border.", date(2024, 12, 30)),
    (date(2025, 1, 3), "Shelling resumed in December near the border.", date(2024, 12, 1)),
    # a late-December article: early January is next week
    (date(2024, 12, 28), "The session opens on January 2 in Seoul.", date(2025, 1, 2)),
    (date(2024, 12, 28), "The session opens in January in Seoul.", date(2025, 1, 1)),
    # exactly six months either way: the past wins
    (TUESDAY, "The plan was announced in May by the ministry.", date(2024, 5, 1)),
    (date(2024, 6, 15), "The plan was announced in December by the ministry.", date(2023, 12, 1)),
    # February 29 goes to the leap year nearest the anchor
    (date(2023, 5, 1), "The decree was signed on February 29 in Minsk.", date(2024, 2, 29)),
])
def test_year_inference_picks_the_nearest_year_across_year_boundaries(anchor, text, value):
    assert only_mention(text, anchor).value == value


# --- relative dates ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "span", "value"), [
    ("On Monday, Kim Jong Un signed the decree.", "Monday", date(2024, 11, 11)),
    ("Monday's vote in the Duma was unanimous.", "Monday", date(2024, 11, 11)),
    ("Officials met on Tuesday to sign it.", "Tuesday", TUESDAY),  # the anchor's own weekday is the anchor
    ("Officials met on Wednesday to sign it.", "Wednesday", date(2024, 11, 6)),
    ("He arrived last Tuesday with an escort.", "last Tuesday", date(2024, 11, 5)),
    ("The envoy flies home next Friday, aides said.", "next Friday", date(2024, 11, 15)),
    ("The envoy flies home next Tuesday, aides said.", "next Tuesday", date(2024, 11, 19)),
    ("She will speak this Thursday in Seoul.", "this Thursday", date(2024, 11, 14)),
    ("Crowds gathered this past Sunday downtown.", "this past Sunday", date(2024, 11, 10)),
])
def test_weekdays(text, span, value):
    m = only_mention(text)
    assert (m.text, m.value, m.granularity, m.relative, m.anchor) == (span, value, "day", True, TUESDAY)


@pytest.mark.parametrize(("text", "span", "value"), [
    ("Officials said today that the talks had failed.", "today", TUESDAY),
    ("Today, the parliament is expected to vote.", "Today", TUESDAY),
    ("The president will address the nation tonight.", "tonight", TUESDAY),
    ("Officials said this morning that the talks had failed.", "this morning", TUESDAY),
    ("Yesterday's statement was brief.", "Yesterday", date(2024, 11, 11)),
    ("Sirens sounded in Kyiv last night.", "last night", date(2024, 11, 11)),
    ("The border closed the day before yesterday at dawn.", "the day before yesterday", date(2024, 11, 10)),
    ("The border reopens tomorrow at dawn.", "tomorrow", date(2024, 11, 13)),
])
def test_days_relative_to_the_anchor(text, span, value):
    m = only_mention(text)
    assert (m.text, m.value, m.granularity, m.relative) == (span, value, "day", True)


@pytest.mark.parametrize(("text", "span", "value", "granularity"), [
    ("Talks collapsed last week in Geneva.", "last week", date(2024, 11, 4), "week"),
    ("Results are due this week from the commission.", "this week", date(2024, 11, 11), "week"),
    ("Earlier this week, the envoy left.", "Earlier this week", date(2024, 11, 11), "week"),
    ("The envoy returns next week for talks.", "next week", date(2024, 11, 18), "week"),
    ("Prices jumped last month across the region.", "last month", date(2024, 10, 1), "month"),
    ("Prices jumped earlier this month across the region.", "earlier this month", date(2024, 11, 1), "month"),
    ("Yoon issued a caution earlier in the month, aides said.", "earlier in the month", date(2024, 11, 1), "month"),
    ("Prices jumped this month across the region.", "this month", date(2024, 11, 1), "month"),
    ("Growth slowed earlier this year in the south.", "earlier this year", date(2024, 1, 1), "year"),
    ("Growth slowed this year in the south.", "this year", date(2024, 1, 1), "year"),
    ("Growth slowed last year in the south.", "last year", date(2023, 1, 1), "year"),
    ("Growth slowed late last year in the south.", "late last year", date(2023, 1, 1), "year"),
    ("The deal was struck two weeks ago in Moscow.", "two weeks ago", date(2024, 10, 28), "week"),
    ("The deal was struck 3 days ago in Moscow.", "3 days ago", date(2024, 11, 9), "day"),
    ("The deal was struck six months ago in Moscow.", "six months ago", date(2024, 5, 1), "month"),
    ("The deal was struck twenty-five years ago in Moscow.", "twenty-five years ago", date(1999, 1, 1), "year"),
    ("The deal was struck a decade ago in Moscow.", "a decade ago", date(2014, 1, 1), "year"),
])
def test_periods_relative_to_the_anchor(text, span, value, granularity):
    m = only_mention(text)
    assert (m.text, m.value, m.granularity, m.relative) == (span, value, granularity, True)


def test_a_datetime_anchor_still_gives_dates():
    m = only_mention("Sirens sounded in Kyiv last night.", datetime(2024, 11, 12, 7, 29))
    assert type(m.value) is date and m.value == date(2024, 11, 11)
    assert type(m.anchor) is date


def test_a_period_before_year_one_is_dropped_not_raised():
    assert dates_in("The valley formed 900 decades ago, geologists say.") == []


def test_relative_periods_cross_the_year_boundary():
    friday = date(2025, 1, 3)
    mentions = dates_in("Last week, last month and last year were all hard.", friday)
    assert [(m.text, m.value) for m in mentions] == [
        ("Last week", date(2024, 12, 23)), ("last month", date(2024, 12, 1)), ("last year", date(2024, 1, 1))]


# --- no anchor, then an inferred one ----------------------------------------------------


def test_without_an_anchor_mentions_that_need_one_have_no_value_and_resolve_later():
    text = ("On Monday, the leaders met, as they had on June 19 and in June this year.\n"
            "The pact was signed on June 19, 2024, two weeks ago.")
    sentences = split_sentences(text)
    unresolved = extract_dates(text, sentences, None)
    assert [(m.text, m.value) for m in unresolved] == [
        ("Monday", None), ("June 19", None), ("June this year", None),
        ("June 19, 2024", date(2024, 6, 19)), ("two weeks ago", None)]
    assert all(m.anchor is None and not m.inferred for m in unresolved)
    assert [m.relative for m in unresolved] == [True, False, True, False, True]

    story_date = date(2024, 11, 12)
    resolved = extract_dates(text, sentences, story_date, inferred=True)
    assert [(m.start, m.end) for m in resolved] == [(m.start, m.end) for m in unresolved]
    assert [m.value for m in resolved] == [
        date(2024, 11, 11), date(2024, 6, 19), date(2024, 6, 1), date(2024, 6, 19), date(2024, 10, 28)]
    # only what needed the inferred date says so; the full date stands on its own
    assert [m.inferred for m in resolved] == [True, True, True, False, True]
    assert [m.anchor for m in resolved] == [story_date, story_date, story_date, None, story_date]


def test_a_publication_date_anchor_is_not_marked_inferred():
    m = only_mention("On Monday, the leaders met.", TUESDAY)
    assert m.anchor == TUESDAY and not m.inferred


# --- spans, sentences, overlaps ---------------------------------------------------------


def test_spans_and_sentence_indexes_across_paragraphs():
    text = ("Russia is strengthening its ties.\n"
            "In June this year, the leaders met. They met again on 11th November.\n"
            "\n"
            "Reports say troops arrived at the beginning of November, not in 2023.")
    sentences = split_sentences(text)
    mentions = extract_dates(text, sentences, TUESDAY)
    assert [(m.text, m.sentence) for m in mentions] == [
        ("June this year", 1), ("11th November", 2), ("beginning of November", 3), ("2023", 3)]
    for m in mentions:
        sentence = sentences[m.sentence]
        assert sentence.start <= m.start < m.end <= sentence.end
        assert text[m.start:m.end] == m.text
    assert mentions[1].start == text.index("11th November")


def test_overlapping_readings_are_reported_once_as_the_longest():
    text = "The accord of June 19, 2024 was recalled earlier this year and in June this year."
    assert [m.text for m in dates_in(text)] == ["June 19, 2024", "earlier this year", "June this year"]


def test_several_mentions_in_one_sentence_come_in_text_order():
    mentions = dates_in("After talks last Tuesday and on November 6, a vote is set for next Friday.")
    assert [m.text for m in mentions] == ["last Tuesday", "November 6", "next Friday"]
    assert [m.value for m in mentions] == [date(2024, 11, 5), date(2024, 11, 6), date(2024, 11, 15)]


def test_a_mention_never_crosses_a_sentence_boundary():
    # "June" ends one sentence and "2024" opens the next: not "June 2024"
    mentions = dates_in("The talks ended in June.\n2024 figures were published later.")
    assert [(m.text, m.sentence) for m in mentions] == [("June", 0)]


def test_no_sentences_means_no_mentions():
    assert extract_dates("On Monday, in June 2024.", [], TUESDAY) == []


# --- false positives ------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "North Korea may have sent approximately 10,000 soldiers to Russia.",
    "It may also prompt a stronger alignment among democratic nations.",
    "Thousands march through the capital every week to protest.",
    "The March on Washington drew vast crowds.",
    "Theresa May said the deal was dead.",
    "Critics inside May's cabinet objected.",
    "Ministers in May's cabinet objected.",
    "Delegates heard a speech from May on the treaty.",
    "The statement was released at 07:29 local time.",
    "Moscow used to send 50,000 to 100,000 tons of rice to North Korea.",
    "The unit lost 2,024 soldiers in the assault.",
    "Section 2024 of the code applies here.",
    "A force of 2000 troops crossed the river.",
    "The drive shipped 2048 units to the front.",
    "Prices rose 2024% in the crisis.",
    "He was quoted by USA Today on the matter.",
    "Over the last week, prices fell sharply.",
    "The mayor quit during the last year of her term.",
    "The Good Friday Agreement ended the conflict.",
    "Jan Novak, a Czech diplomat, joined the talks.",
    "The 1950s were a time of upheaval.",
    "This is the first visit in 24 years.",
    "Rates rose 2.5 percent, to 1.9 in some regions.",
    "Case file 5/11/30/2009 was closed.",
    "Part number AB2024-11-12 was recalled.",
    "He paid in $2024 bills.",
    "Ballots were cast in 3000 districts.",
    "The archive holds 12024-11-12 as a serial.",
    "Talks collapsed last weekend in Geneva.",
    "The agency publishes this yearly report.",
    "The LiveMay 9 festival was cancelled.",
])
def test_no_false_positives(text):
    assert dates_in(text) == []


@pytest.mark.parametrize(("text", "span"), [
    ("The parliament met in May to ratify it.", "May"),
    ("Fighting intensified in early March near the border.", "early March"),
    ("The parliament met on May 9 to ratify it.", "May 9"),
    ("The parliament met on 3 March 2024 to ratify it.", "3 March 2024"),
    ("Strikes continued from June to August across the region.", "June"),
])
def test_ambiguous_month_names_count_in_clear_date_context(text, span):
    assert dates_in(text)[0].text == span


def test_a_number_is_a_year_only_with_a_year_context():
    text = "In 2024, 2024 tonnes were sold, and by 2030 the plan ends."
    mentions = dates_in(text, anchor=None)
    assert [(m.text, m.start) for m in mentions] == [("2024", 3), ("2030", text.index("2030"))]


# --- the real seed articles -------------------------------------------------------------


def _seed_mentions(seeds_dir, prefix: str, anchor: date, **kwargs):
    (path,) = seeds_dir.glob(f"{prefix}_*")
    text = path.read_text(encoding="utf-8")
    return text, extract_dates(text, split_sentences(text), anchor, **kwargs)


def _mention_at(text: str, mentions, lead: str, phrase: str):
    start = text.index(lead + phrase) + len(lead)
    (m,) = [m for m in mentions if m.start == start]
    assert m.text == phrase and m.end == start + len(phrase)
    return m


def test_seed_without_a_dateline_resolves_on_monday_against_the_story_date(seeds_dir):
    text, mentions = _seed_mentions(seeds_dir, "002", TUESDAY, inferred=True)
    m = _mention_at(text, mentions, "On ", "Monday")
    assert (m.value, m.granularity, m.relative, m.inferred) == (date(2024, 11, 11), "day", True, True)
    assert _mention_at(text, mentions, "on ", "June 19").value == date(2024, 6, 19)
    assert _mention_at(text, mentions, "on ", "November 6").value == date(2024, 11, 6)


def test_seed_on_november_11(seeds_dir):
    text, mentions = _seed_mentions(seeds_dir, "003", TUESDAY)
    m = _mention_at(text, mentions, "On ", "November 11")
    assert (m.value, m.granularity, m.relative) == (date(2024, 11, 11), "day", False)
    assert _mention_at(text, mentions, "in ", "February 2022").value == date(2022, 2, 1)
    assert _mention_at(text, mentions, "in ", "early November 2024").granularity == "month"


def test_seed_june_this_year_and_11th_november(seeds_dir):
    text, mentions = _seed_mentions(seeds_dir, "000", TUESDAY)
    june = _mention_at(text, mentions, "In ", "June this year")
    assert (june.value, june.granularity) == (date(2024, 6, 1), "month")
    november = _mention_at(text, mentions, "on ", "11th November")
    assert (november.value, november.granularity) == (date(2024, 11, 11), "day")
    # "may have sent approximately 10,000 soldiers" and "07:29" are not dates
    assert not [m for m in mentions if m.text.lower() == "may" or "10,000" in m.text or "07:29" in m.text]
