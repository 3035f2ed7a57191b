"""Key points, disagreements and background of a briefing.

Key points prefer what independent outlets agree on; a single-source or hedged
statement appears only with its label. Disagreements are the conflicting claim
groups, one line each with who says what. Background is what the articles say
happened well before the story itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import re

from ..claims.extract import HEDGES
from ..claims.verdicts import format_figure
from ..records import Article, BriefSentence, ClaimGroup, Disagreement, TimelineEvent
from .summarize import SUPPORT_COSINE, StorySentence, to_brief_sentence

MAX_KEY_POINTS = 6
MIN_KEY_POINTS = 3
# Key points may be closer to each other than summary sentences: two facts about
# one treaty (its ratification, its mutual-aid clause) read alike to a sentence model.
KEY_POINT_REDUNDANT_COSINE = 0.8
# Opinion and speculation are not key points, however many outlets voice them.
_SPECULATIVE = re.compile(r"\b(could|would|might|may|should|likely|potentially|expected to|bound to|poised to)\b",
                          re.I)
BACKGROUND_BEFORE_DAYS = 14  # events this long before the first article are background
MAX_BACKGROUND = 4


def _label(support: int, hedged: bool) -> str:
    label = f"corroborated by {support} outlets" if support >= 2 else "single source"
    return label + ", hedged" if hedged else label


def key_points(groups: Sequence[ClaimGroup], items: Sequence[StorySentence],
               articles: Mapping[int, Article]) -> list[BriefSentence]:
    by_sentence = {(s.article_id, s.text): s for s in items}
    chosen: list[tuple[StorySentence, str]] = []
    # A sentence that carries a disputed figure or date belongs under Disagreements,
    # however many outlets say something like it.
    disputed = {(e.article_id, e.sentence) for g in groups if g.verdict == "conflicting" for e in g.evidence}

    covered: set[tuple[int, int]] = set()  # sentences that say what a chosen point says

    def add(item: StorySentence | None, label: str) -> None:
        if item is None or len(chosen) >= MAX_KEY_POINTS or (item.article_id, item.text) in disputed:
            return
        if (item.article_id, item.index) in covered or \
                any(float(item.vector @ c.vector) >= KEY_POINT_REDUNDANT_COSINE for c, _ in chosen):
            return
        chosen.append((item, label))
        covered.update(_echoes(item, items))

    # 1. claim groups independent outlets agree on, the most widely agreed first
    corroborated = [g for g in groups if g.verdict == "corroborated" and g.kind in ("date", "quantity")]
    for group in sorted(corroborated, key=lambda g: -g.independent_sources):
        candidates = [by_sentence.get((e.article_id, e.sentence)) for e in group.evidence]
        candidates = [c for c in candidates if c is not None]
        if candidates:
            add(max(candidates, key=lambda c: c.centrality), _label(group.independent_sources, group.hedged))
    # 2. statements several independent outlets make in their own words
    for item in sorted(items, key=lambda s: (-s.independent_support, -s.centrality)):
        if item.independent_support >= 2 and not _SPECULATIVE.search(item.text) and not HEDGES.search(item.text):
            add(item, _label(item.independent_support, False))
    # 3. too few agreed facts: the most central single-source sentences, labelled
    for item in sorted(items, key=lambda s: -s.centrality):
        if len(chosen) >= MIN_KEY_POINTS:
            break
        add(item, _label(item.independent_support, bool(HEDGES.search(item.text))))
    return [to_brief_sentence(item, articles, label) for item, label in chosen]


def _echoes(item: StorySentence, items: Sequence[StorySentence]) -> set[tuple[int, int]]:
    """In each other article, the sentence that says most nearly what `item` says, if it says it."""
    best: dict[int, tuple[float, int]] = {}
    for other in items:
        if other.article_id == item.article_id:
            continue
        score = float(item.vector @ other.vector)
        if score >= SUPPORT_COSINE and score > best.get(other.article_id, (0.0, -1))[0]:
            best[other.article_id] = (score, other.index)
    return {(article_id, index) for article_id, (_, index) in best.items()}


def disagreements(groups: Sequence[ClaimGroup]) -> list[Disagreement]:
    found = []
    for group in groups:
        if group.verdict != "conflicting":
            continue
        sides: dict[str, tuple[list[str], list[int]]] = {}
        for evidence in group.evidence:
            value = evidence.date if group.kind == "date" else format_figure(
                evidence.value, evidence.value_max, evidence.qualifier, fallback=evidence.value_text)
            outlets, ids = sides.setdefault(value, ([], []))
            outlet = evidence.outlet or f"article {evidence.article_id}"
            if outlet not in outlets:
                outlets.append(outlet)
            ids.append(evidence.article_id)
        found.append(Disagreement(about=group.about, kind=group.kind, evidence=group.evidence,
                                  sides=tuple((v, tuple(o), tuple(i)) for v, (o, i) in sides.items())))
    return found


def background(timeline: Sequence[TimelineEvent], items: Sequence[StorySentence],
               articles: Mapping[int, Article]) -> list[BriefSentence]:
    published = [a.published.date() for a in articles.values() if a.published]
    if published:
        start = min(published) - timedelta(days=BACKGROUND_BEFORE_DAYS)
    else:  # undated story: before its best-supported event
        main = max(timeline, key=lambda e: len(e.evidence), default=None)
        start = main.date - timedelta(days=BACKGROUND_BEFORE_DAYS) if main else date.min
    by_sentence = {(s.article_id, s.text): s for s in items}
    found: list[BriefSentence] = []
    for event in timeline:
        if event.date >= start or len(found) >= MAX_BACKGROUND:
            continue
        evidence = event.evidence[0]
        item = by_sentence.get((evidence.article_id, evidence.sentence))
        if item is not None and all(b.source_text != item.text for b in found):
            found.append(to_brief_sentence(item, articles, event.date.isoformat()[:{"year": 4, "month": 7}
                                                                                  .get(event.granularity, 10)]))
    return found
