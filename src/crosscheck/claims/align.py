"""Line up the claims that different articles of a story make about the same thing.

Two claims are about the same thing when their sentences mean alike (embeddings),
they name the same actors, they count the same kind of thing (counted noun and
unit) or tell the same happening (event word), and their values are of one
order. Values may disagree — that is what cross-checking is for — but a figure
five times another is a different figure ("50,000 soldiers amassed" is not
"10,000 soldiers sent"), and dates weeks apart are different events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from ..records import Claim
from .extract import stem

QUANTITY_THRESHOLD = 0.5
DATE_THRESHOLD = 0.45
LEAD = 1  # sentence indexes 0 and 1
STATEMENT_THRESHOLD = 0.82  # only near-paraphrases are the same statement
MAX_VALUE_RATIO = 2.5  # beyond this, two figures count different things
MAX_DATE_GAP_DAYS = 3  # beyond this, two dates are different events
NOUN_SYNONYM_COSINE = 0.55

# A claim's sentence vector, and a word's vector for comparing counted nouns.
SentenceVectors = dict[tuple[int, int], np.ndarray]
WordVectors = Callable[[Sequence[str]], dict[str, np.ndarray]]


@dataclass(frozen=True, slots=True)
class AlignConfig:
    quantity_threshold: float = QUANTITY_THRESHOLD
    date_threshold: float = DATE_THRESHOLD
    statement_threshold: float = STATEMENT_THRESHOLD


def align_claims(claims: Sequence[Claim], sentence_vectors: SentenceVectors, word_vectors: WordVectors,
                 config: AlignConfig = AlignConfig()) -> list[list[Claim]]:
    """Groups of claims about the same thing; each group holds at most one claim per article."""
    groups: list[list[Claim]] = []
    nouns = word_vectors(sorted({c.noun for c in claims if c.noun}))
    for kind, threshold in (("quantity", config.quantity_threshold), ("date", config.date_threshold),
                            ("statement", config.statement_threshold)):
        of_kind = [c for c in claims if c.kind == kind]
        groups.extend(_group(of_kind, sentence_vectors, nouns, threshold))
    return groups


def _group(claims: list[Claim], vectors: SentenceVectors, nouns, threshold: float) -> list[list[Claim]]:
    if len(claims) <= 1:
        return [[c] for c in claims]
    n = len(claims)
    similarity = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            similarity[i, j] = similarity[j, i] = claim_similarity(claims[i], claims[j], vectors, nouns)
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    labels = fcluster(linkage(squareform(distance, checks=False), method="average"), 1.0 - threshold,
                      criterion="distance")
    grouped: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        grouped[label].append(index)
    result: list[list[Claim]] = []
    for members in grouped.values():
        result.extend(_one_claim_per_article(members, claims, similarity))
    return result


def _one_claim_per_article(members: list[int], claims: list[Claim], similarity: np.ndarray) -> list[list[Claim]]:
    """An article saying two things in one group keeps the one closest to the others;
    the rest stand alone."""
    by_article: dict[int, list[int]] = defaultdict(list)
    for index in members:
        by_article[claims[index].article_id].append(index)
    keep, alone = [], []
    for indexes in by_article.values():
        others = [m for m in members if claims[m].article_id != claims[indexes[0]].article_id]
        best = max(indexes, key=lambda i: similarity[i, others].mean() if others else 0.0)
        keep.append(best)
        alone.extend(i for i in indexes if i != best)
    return [[claims[i] for i in sorted(keep)]] + [[claims[i]] for i in alone]


def claim_similarity(a: Claim, b: Claim, vectors: SentenceVectors, nouns: dict[str, np.ndarray]) -> float:
    if a.article_id == b.article_id or a.kind != b.kind:
        return 0.0
    meaning = _cosine(vectors.get((a.article_id, a.sentence)), vectors.get((b.article_id, b.sentence)))
    actors = _jaccard(set(a.actors), set(b.actors))
    same_event = 1.0 if a.event and a.event == b.event else 0.0
    # News states its main event and figures in the first sentences: two leads
    # that give a date or a figure are most likely giving the same one.
    both_lead = 1.0 if a.sentence <= LEAD and b.sentence <= LEAD else 0.0
    if a.kind == "quantity":
        if not _comparable_quantities(a, b):
            return 0.0
        noun = _noun_similarity(a, b, nouns)
        if a.unit and a.unit == b.unit and a.unit not in ("", None):
            noun = max(noun, 0.8)  # "magnitude 6.1" and "a 6.1 quake" measure one thing
        return (0.3 * meaning + 0.3 * noun + 0.15 * actors + 0.1 * same_event
                + 0.15 * _closeness(a, b) + 0.1 * both_lead)
    if a.kind == "date":
        gap = date_gap_days(a, b)
        if gap > MAX_DATE_GAP_DAYS:
            return 0.0
        same_period = 1.0 if (a.date, a.granularity) == (b.date, b.granularity) else 0.5 if gap == 0 else 0.0
        return 0.3 * same_event + 0.3 * meaning + 0.15 * actors + 0.15 * same_period + 0.2 * both_lead
    return meaning


def _closeness(a: Claim, b: Claim) -> float:
    """1 for equal figures, falling to 0 at the largest ratio two readings of one figure may have."""
    low, high = sorted([a.value or 0.0, b.value or 0.0])
    if low <= 0:
        return 0.0
    return max(0.0, 1.0 - (high / low - 1.0) / (MAX_VALUE_RATIO - 1.0))


def _comparable_quantities(a: Claim, b: Claim) -> bool:
    if (a.unit or b.unit) and stem(a.unit or "") != stem(b.unit or ""):
        return False
    low_a, low_b = a.value or 0.0, b.value or 0.0
    high_a, high_b = a.value_max or low_a, b.value_max or low_b
    if min(high_a, high_b) <= 0:
        return False
    # compare the nearest ends: a range "50,000 to 100,000" is of one order with 60,000
    if max(low_a, low_b) <= min(high_a, high_b):
        return True
    ratio = max(low_a, low_b) / min(high_a, high_b)
    return ratio <= MAX_VALUE_RATIO


def _noun_similarity(a: Claim, b: Claim, nouns: dict[str, np.ndarray]) -> float:
    if not a.noun or not b.noun:
        return 0.3 if a.noun == b.noun else 0.0
    if stem(a.noun) == stem(b.noun):
        return 1.0
    cosine = _cosine(nouns.get(a.noun), nouns.get(b.noun))
    return cosine if cosine >= NOUN_SYNONYM_COSINE else 0.0


def period(claim: Claim) -> tuple[date, date]:
    """The first and last day a dated claim covers."""
    start = claim.date
    if claim.granularity == "year":
        return start, date(start.year, 12, 31)
    if claim.granularity == "month":
        following = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        return start, following - timedelta(days=1)
    if claim.granularity == "week":
        return start, start + timedelta(days=6)
    return start, start


def date_gap_days(a: Claim, b: Claim) -> int:
    """Days between two dated claims' periods; 0 when one contains or overlaps the other."""
    (a0, a1), (b0, b1) = period(a), period(b)
    if a1 < b0:
        return (b0 - a1).days
    if b1 < a0:
        return (a0 - b1).days
    return 0


def _cosine(u, v) -> float:
    if u is None or v is None:
        return 0.0
    return float(np.dot(u, v) / ((np.linalg.norm(u) * np.linalg.norm(v)) or 1.0))


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
