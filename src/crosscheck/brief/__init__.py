"""Brief: a story's briefing, written from its articles alone.

Headline, key points, an extractive summary within a word budget, the
disagreements, the timeline, background and coverage. Every sentence is a real
sentence of a real article, linked to it; nothing is generated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..records import Article, Briefing, ClaimGroup, SentenceReuse, TimelineEvent, VerdictCounts
from .contributions import contributions
from .coverage import coverage
from .keypoints import background, disagreements, key_points
from .summarize import clean_for_display, source_of, story_sentences, summarize, to_brief_sentence

DEFAULT_WORDS = 120
TOP_EVENTS = 8


def build_briefing(story_id: int, headline: str, articles: Mapping[int, Article],
                   sentences: Mapping[int, Sequence[str]], vectors: Mapping[tuple[int, int], np.ndarray],
                   groups: Sequence[ClaimGroup], timeline: Sequence[TimelineEvent],
                   derived_from: Mapping[int, set[int]], reuse: Sequence[SentenceReuse],
                   citations: Sequence[tuple[int, str, str, int]], words: int = DEFAULT_WORDS) -> Briefing:
    items = story_sentences(articles, sentences, vectors, derived_from)
    corroborated_by_sentence: dict[tuple[int, int], set[str]] = {}
    index_of = {(s.article_id, s.text): s.index for s in items}
    for group in groups:
        if group.verdict == "corroborated":
            for evidence in group.evidence:
                key = (evidence.article_id, index_of.get((evidence.article_id, evidence.sentence), -1))
                corroborated_by_sentence.setdefault(key, set()).add(group.id)
    disputed = {(e.article_id, e.sentence) for g in groups if g.verdict == "conflicting" for e in g.evidence}
    summary = [to_brief_sentence(s, articles, "disputed" if (s.article_id, s.text) in disputed else None)
               for s in summarize(items, articles, words, corroborated_by_sentence)]
    ranked = sorted(timeline, key=lambda e: (e.verdict != "corroborated", -len(e.evidence)))[:TOP_EVENTS]
    top_events = tuple(e for e in timeline if e in ranked)
    return Briefing(
        story_id=story_id, headline=headline, articles=len(articles), words=words,
        key_points=tuple(key_points(groups, items, articles)),
        summary=tuple(summary),
        disagreements=tuple(disagreements(groups)),
        timeline=top_events,
        background=tuple(background(timeline, items, articles)),
        coverage=coverage(articles, reuse, citations, derived_from,
                          contributions(articles, items, groups, reuse, {source_of(a) for a in articles.values()})),
        verdicts=VerdictCounts.of(groups),
    )


__all__ = ["DEFAULT_WORDS", "build_briefing", "clean_for_display"]
