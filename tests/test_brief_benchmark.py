"""The briefing benchmark's measures and baselines, on tiny hand-made inputs."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from bench_brief import (Picked, coverage, faithfulness, fit_budget, lead_summary, lexrank_order,  # noqa: E402
                         lexrank_summary, outlets_cited, redundancy)


def unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float64)
    return v / np.linalg.norm(v)


def test_redundancy_of_two_identical_vectors_is_one():
    v = unit(1, 2, 3)
    assert redundancy([v, v.copy()]) == pytest.approx(1.0)


def test_redundancy_is_the_largest_pairwise_cosine_and_zero_for_one_sentence():
    a, b, c = unit(1, 0, 0), unit(0, 1, 0), unit(1, 1, 0)
    assert redundancy([a]) == 0.0
    assert redundancy([]) == 0.0
    assert redundancy([a, b]) == pytest.approx(0.0)
    assert redundancy([a, b, c]) == pytest.approx(np.sqrt(0.5))


def test_faithfulness_detects_a_sentence_that_is_not_verbatim():
    article = "KESSWICK – A ferry capsized on Tuesday. Forty-one people died."
    assert faithfulness([("A ferry capsized on Tuesday.", article), ("Forty-one people died.", article)]) == 1.0
    assert faithfulness([("A ferry capsized on Tuesday.", article), ("41 people died.", article)]) == 0.5
    assert faithfulness([]) == 1.0


def test_outlets_count_sources_and_articles_without_an_outlet_each_count_once():
    outlets = {1: "Harbor Ledger", 2: "Harbor Ledger", 3: None, 4: None, 5: "Meridian Wire"}
    assert outlets_cited([1, 2], outlets) == 1
    assert outlets_cited([1, 2, 5], outlets) == 2
    assert outlets_cited([3, 4, 3], outlets) == 2
    assert outlets_cited([], outlets) == 0


def test_coverage_by_exact_evidence_or_close_cosine():
    same, near, far = unit(1, 0, 0), unit(1, 0.3, 0), unit(0, 1, 0)
    assert float(same @ near) >= 0.8 > float(same @ far)
    groups = [
        [(1, "The ferry sank.", None), (2, "A ferry went down.", None)],  # exact match only (no vectors)
        [(3, "Rescuers saved 87.", same)],  # covered by a close sentence of another article
        [(4, "The minister ordered an inquiry.", far)],  # not covered
    ]
    summary = [(2, "A ferry went down.", None), (5, "Crews rescued 87 survivors.", near)]
    assert coverage(summary, groups) == pytest.approx(2 / 3)
    # the same text in another article is not the group's evidence sentence
    assert coverage([(9, "The ferry sank.", None)], groups[:1]) == 0.0
    assert coverage(summary, []) is None


def test_budget_skips_a_sentence_that_would_exceed_it_and_tries_the_next():
    picks = [Picked(1, 0, "one two three", "one two three"),
             Picked(1, 1, "four five six seven", "four five six seven"),
             Picked(1, 2, "eight", "eight")]
    assert [p.index for p in fit_budget(picks, 5)] == [0, 2]
    assert fit_budget(picks, 0) == []


def test_lead_baseline_respects_the_budget_and_keeps_article_order():
    sentences = ["A ferry capsized in a storm on Tuesday.",  # 8 words
                 "The MV Saltmarsh Dawn was carrying about 130 passengers on its afternoon run.",  # 13
                 "Rescuers saved 87.",  # 3
                 "An inquiry was ordered."]  # 4
    lead = lead_summary(7, sentences, words=15)
    assert [p.index for p in lead] == [0, 2, 3]
    assert sum(p.words for p in lead) <= 15
    assert all(p.article_id == 7 and p.shown == sentences[p.index] for p in lead)
    assert [p.index for p in lead_summary(7, sentences, words=120)] == [0, 1, 2, 3]


def test_lexrank_ranks_every_distinct_sentence_once_within_the_budget():
    articles = [
        ["A ferry capsized on Lake Orvanne in a storm.", "Weather in the region was poor."],
        ["A ferry capsized on Lake Orvanne during a storm.", "Shares in the operator fell."],
        ["The ferry capsized on Lake Orvanne in a violent storm.", "Weather in the region was poor."],
    ]
    order = lexrank_order(articles)
    assert (2, 1) not in order  # an exact repeat of (0, 1)
    assert sorted(order) == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0)]
    summary = lexrank_summary([10, 20, 30], dict(zip([10, 20, 30], articles)), words=12)
    assert sum(p.words for p in summary) <= 12
    assert all(p.shown == articles[[10, 20, 30].index(p.article_id)][p.index] for p in summary)
