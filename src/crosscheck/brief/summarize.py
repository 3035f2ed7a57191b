"""Which sentences of a story say what its outlets agree on, and an extractive summary.

Nothing here writes a sentence: every sentence shown is a sentence of an
article, at most trimmed of a wrapper such as "apnews.com reported," so that
what a reader sees is always a verbatim part of its source.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..claims.verdicts import independent_sources
from ..analyze.outlets import source_label
from ..links import safe_url
from ..records import Article, BriefSentence

SUPPORT_COSINE = 0.7  # a sentence of another article that says much the same thing
# ... and one that says the same statement, close enough to name that outlet as reporting it
# ("Putin signed the treaty into law" is near "Kim signed a decree ratifying it" at 0.71)
STATEMENT_COSINE = 0.8
REDUNDANT_COSINE = 0.72  # two summary sentences this alike say the same thing twice
MIN_WORDS = 6

# "apnews.com reported, The pact ...": the wrapper credits a source but is not the statement.
_WRAPPER = re.compile(
    r"^\s*(?:[\w-]+(?:\.[\w-]+)+|[A-Z][\w&.'’ -]{1,40}?)\s+(?:reported|reports|noted|notes|said|says|wrote|"
    r"writes|added|adds|observed)\s*,\s+(?=[A-Z\"“])")
# Wire datelines: "KESSWICK, Veyrland – A passenger ferry ..."
_DATELINE = re.compile(r"^\s*[A-Z]{3,}[A-Z .'-]*(?:,\s*[A-Z][\w .'-]{1,30})?\s+[–—-]{1,2}\s+(?=[A-Z\"“])")


def clean_for_display(sentence: str) -> str:
    """The sentence without leading credit wrappers or wire datelines; never reworded."""
    cleaned = sentence
    for pattern in (_DATELINE, _WRAPPER):
        cleaned = pattern.sub("", cleaned, count=1)
    return cleaned.strip()


@dataclass
class StorySentence:
    article_id: int
    index: int
    text: str
    vector: np.ndarray
    supporters: set[int] = field(default_factory=set)  # other articles saying the same
    independent_support: int = 1  # independent sources among the article and its supporters
    reporters: set[int] = field(default_factory=set)  # other articles making the same statement
    independent_reports: int = 1  # independent sources among the article and its reporters
    centrality: float = 0.0  # how much the story's other articles say the same, on average


def story_sentences(articles: Mapping[int, Article], sentences: Mapping[int, Sequence[str]],
                    vectors: Mapping[tuple[int, int], np.ndarray],
                    derived_from: Mapping[int, set[int]]) -> list[StorySentence]:
    """Every substantial sentence of a story, with how widely it is supported."""
    items = [StorySentence(a, i, text, vectors[(a, i)]) for a, texts in sentences.items()
             for i, text in enumerate(texts)
             if (a, i) in vectors and len(text.split()) >= MIN_WORDS and text.rstrip()[-1:] in ".!?\"”'’)"]
    if not items:
        return []
    # columns in blocks, one per article in id order, so that one reduceat gives each
    # sentence's best match in every article (a loop over articles took most of a big
    # story's first page view)
    order = sorted(range(len(items)), key=lambda k: items[k].article_id)
    owners = np.array([items[k].article_id for k in order])
    article_ids, starts = np.unique(owners, return_index=True)
    matrix = np.stack([s.vector for s in items])
    best = np.maximum.reduceat(matrix @ matrix[order].T, starts, axis=1).astype(np.float64)
    counted: dict[frozenset[int], int] = {}

    def independent(group: frozenset[int]) -> int:
        if group not in counted:
            counted[group] = len(independent_sources(sorted(group), articles, derived_from))
        return counted[group]

    for row, sentence in enumerate(items):
        other = article_ids != sentence.article_id
        scores, ids = best[row, other], article_ids[other]
        sentence.supporters.update(ids[scores >= SUPPORT_COSINE].tolist())
        sentence.reporters.update(ids[scores >= STATEMENT_COSINE].tolist())
        sentence.centrality = float(np.mean(scores)) if len(scores) else 0.0
        sentence.independent_support = independent(frozenset([sentence.article_id, *sentence.supporters]))
        sentence.independent_reports = independent(frozenset([sentence.article_id, *sentence.reporters]))
    return items


def summarize(items: Sequence[StorySentence], articles: Mapping[int, Article], words: int,
              claim_sentences: Mapping[tuple[int, int], set[str]]) -> list[StorySentence]:
    """Pick sentences for centrality, coverage of corroborated claim groups, new outlets and
    no repetition, within a word budget."""
    chosen: list[StorySentence] = []
    covered: set[str] = set()
    outlets: set[str] = set()
    used = 0
    remaining = list(items)
    while remaining:
        def gain(s: StorySentence) -> float:
            new_groups = len(claim_sentences.get((s.article_id, s.index), set()) - covered)
            new_outlet = source_of(articles[s.article_id]) not in outlets
            return s.centrality + 0.25 * min(new_groups, 2) + 0.1 * new_outlet + 0.05 * min(s.independent_support, 4)

        remaining.sort(key=gain, reverse=True)
        picked = None
        for candidate in remaining:
            length = len(clean_for_display(candidate.text).split())
            if used + length > words:
                continue
            if any(float(candidate.vector @ c.vector) >= REDUNDANT_COSINE for c in chosen):
                continue
            picked = candidate
            break
        if picked is None:
            break
        chosen.append(picked)
        used += len(clean_for_display(picked.text).split())
        covered |= claim_sentences.get((picked.article_id, picked.index), set())
        outlets.add(source_of(articles[picked.article_id]))
        remaining = [s for s in remaining if s is not picked]
    return chosen


def source_of(article: Article) -> str:
    """The name a reader sees for where an article comes from (analyze.outlets.source_label)."""
    return source_label(article)


def to_brief_sentence(item: StorySentence, articles: Mapping[int, Article], label: str | None = None,
                      also: tuple[str, ...] | None = None) -> BriefSentence:
    """`also`: the other outlets to name; by default those with a sentence of much the same meaning."""
    article = articles[item.article_id]
    if also is None:
        also = tuple(sorted({source_of(articles[a]) for a in item.supporters} - {source_of(article)}))
    return BriefSentence(text=clean_for_display(item.text), source_text=item.text, article_id=article.id,
                         outlet=source_label(article), url=safe_url(article.url), title=article.title,
                         published=article.published_iso(), also=also, label=label)
