"""Key points, disagreements and background of a briefing.

Key points prefer what independent outlets agree on; a single-source or hedged
statement appears only with its label. A point that carries a figure or a date
takes its label and its "also" outlets from that claim's group, so the briefing
says exactly what the claims list says; "corroborated" is never said of a
sentence no claim group backs. Disagreements are the conflicting claim
groups, one line each with who says what. Background is what the articles say
happened well before the story itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import re

from ..claims.extract import HEDGES
from ..records import Article, BriefSentence, ClaimGroup, Disagreement, TimelineEvent
from .summarize import SUPPORT_COSINE, StorySentence, source_of, to_brief_sentence

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


def claim_label(group: ClaimGroup) -> str:
    """What a key point may say of its claim: the claim group's own verdict and count,
    so that the briefing, the claims list and the web's badges never disagree."""
    if group.verdict == "corroborated":
        label = f"corroborated by {group.independent_sources} outlets"
    elif group.verdict == "updated":
        label = "updated as the story went on"
    elif group.verdict == "conflicting":
        label = "disputed"
    else:
        label = "single source"
    return label + ", hedged" if group.hedged else label


def _statement_label(support: int, hedged: bool) -> str:
    # a sentence that carries no checked figure or date: outlets say much the same, which
    # is not a cross-check, so it never reads "corroborated"
    label = f"reported by {support} outlets" if support >= 2 else "single source"
    return label + ", hedged" if hedged else label


def key_points(groups: Sequence[ClaimGroup], items: Sequence[StorySentence],
               articles: Mapping[int, Article]) -> list[BriefSentence]:
    by_sentence = {(s.article_id, s.text): s for s in items}
    chosen: list[tuple[StorySentence, str, tuple[str, ...] | None]] = []
    checked = [g for g in groups if g.kind in ("date", "quantity")]
    # the claim groups each sentence's figures and dates belong to
    groups_of: dict[tuple[int, str], list[ClaimGroup]] = {}
    for group in checked:
        for evidence in group.evidence:
            groups_of.setdefault((evidence.article_id, evidence.sentence), []).append(group)
    # A sentence that carries a disputed figure or date belongs under Disagreements,
    # however many outlets say something like it.
    disputed = {key for key, found in groups_of.items() if any(g.verdict == "conflicting" for g in found)}

    covered: set[tuple[int, int]] = set()  # sentences that say what a chosen point says

    def add(item: StorySentence | None, label: str, also: tuple[str, ...] | None = None) -> None:
        if item is None or len(chosen) >= MAX_KEY_POINTS or (item.article_id, item.text) in disputed:
            return
        if (item.article_id, item.index) in covered or \
                any(float(item.vector @ c.vector) >= KEY_POINT_REDUNDANT_COSINE for c, _, _ in chosen):
            return
        chosen.append((item, label, also))
        covered.update(_echoes(item, items))

    def weakest(item: StorySentence) -> ClaimGroup | None:
        found = groups_of.get((item.article_id, item.text), [])
        return min(found, key=lambda g: (g.verdict == "corroborated", g.independent_sources), default=None)

    # 1. claim groups independent outlets agree on, the most widely agreed first; the point
    #    names as "also" only the outlets that state that claim
    for group in sorted((g for g in checked if g.verdict == "corroborated"), key=lambda g: -g.independent_sources):
        # a sentence whose other figures are not corroborated would claim more than it may
        candidates = [by_sentence.get((e.article_id, e.sentence)) for e in group.evidence]
        candidates = [c for c in candidates if c is not None and weakest(c).verdict == "corroborated"]
        if candidates:
            item = max(candidates, key=lambda c: c.centrality)
            add(item, claim_label(weakest(item)), _outlets_besides(weakest(item), item, articles))
    # 2. statements several independent outlets make in their own words; one that carries a
    #    figure or date takes its claim group's verdict, and is left out unless corroborated
    for item in sorted(items, key=lambda s: (-s.independent_reports, -s.independent_support, -s.centrality)):
        if item.independent_support >= 2 and not _SPECULATIVE.search(item.text) and not HEDGES.search(item.text):
            group = weakest(item)
            if group is None:
                add(item, _statement_label(item.independent_reports, False), _reporting(item, articles))
            elif group.verdict == "corroborated":
                add(item, claim_label(group), _outlets_besides(group, item, articles))
    # 3. too few agreed facts: the most central single-source sentences, labelled
    for item in sorted(items, key=lambda s: -s.centrality):
        if len(chosen) >= MIN_KEY_POINTS:
            break
        group = weakest(item)
        if group is None:
            add(item, _statement_label(item.independent_reports, bool(HEDGES.search(item.text))),
                _reporting(item, articles))
        else:
            add(item, claim_label(group), _outlets_besides(group, item, articles))
    return [to_brief_sentence(item, articles, label, also) for item, label, also in chosen]


def _reporting(item: StorySentence, articles: Mapping[int, Article]) -> tuple[str, ...]:
    own = source_of(articles[item.article_id])
    return tuple(sorted({source_of(articles[a]) for a in item.reporters} - {own}))


def _outlets_besides(group: ClaimGroup, item: StorySentence, articles: Mapping[int, Article]) -> tuple[str, ...]:
    own = source_of(articles[item.article_id])
    return tuple(sorted({source_of(articles[e.article_id]) for e in group.evidence} - {own}))


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
    """Conflicts, then updates, each with the sides its claim group found."""
    return [Disagreement(about=g.about, kind=g.kind, evidence=g.evidence, sides=g.sides, verdict=g.verdict)
            for verdict in ("conflicting", "updated") for g in groups if g.verdict == verdict]


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
