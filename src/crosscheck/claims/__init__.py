"""Cross-check: claims of a story's articles, lined up, judged, and put on a timeline.

(`claims/` rather than `crosscheck/`, which would make a crosscheck.crosscheck package.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..records import Analysis, Article, ClaimGroup, TimelineEvent
from .align import AlignConfig, SentenceVectors, WordVectors, align_claims
from .extract import extract_claims
from .timeline import build_timeline
from .verdicts import copies_of, judge


def cross_check(items: Sequence[tuple[Article, Analysis]], sentence_vectors: SentenceVectors,
                word_vectors: WordVectors, derived_from: Mapping[int, set[int]],
                copies: Mapping[tuple[int, int], set[tuple[int, int]]] | None = None,
                config: AlignConfig = AlignConfig()) -> tuple[list[ClaimGroup], list[TimelineEvent]]:
    """A story's claim groups with verdicts, and its timeline.

    `derived_from`: article -> articles it is not independent of (it cites them);
    `copies`: (article, sentence) -> the (article, sentence) pairs it copies word for word.
    """
    claims = [claim for article, analysis in items for claim in extract_claims(article, analysis)]
    groups = judge(align_claims(claims, sentence_vectors, word_vectors, config),
                   {article.id: article for article, _ in items}, derived_from, copies or {})
    return groups, build_timeline(groups)


__all__ = ["AlignConfig", "copies_of", "cross_check", "extract_claims", "build_timeline", "judge", "align_claims"]
