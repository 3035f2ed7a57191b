"""What each article adds to its story, and how much of it is taken from earlier ones.

An article's additions are its sentences that no other article of the story says in much the
same words or meaning, nor copies. Among them, the figures no other article states are the
facts it brings, and each names its source or does not ("the coast guard said", "according
to X"). Two flags follow, each a measured property rather than a rating:
- derivative: most of the article reuses earlier articles of the story, and it brings no
  figure of its own;
- unsourced additions: it brings a figure found nowhere else in the story, naming no source.
"""

from __future__ import annotations

import re

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from ..analyze.citations import named_sources
from ..analyze.outlets import outlet_index, source_label
from ..records import Addition, Article, ClaimGroup, Contribution, SentenceReuse
from .summarize import StorySentence

# More of the article taken from earlier ones than written for it.
DERIVATIVE_SHARE = 0.5
# A sentence that opens a quotation is someone's words: its figures are the speaker's, who is
# named beside it ("…," said X) even when not in the same sentence.
_QUOTATION = re.compile(r"^\s*[\"“‘']")
QUOTED = "a quoted speaker"


def contributions(articles: Mapping[int, Article], items: Sequence[StorySentence],
                  groups: Iterable[ClaimGroup], reuse: Iterable[SentenceReuse],
                  known_outlets: Iterable[str] = ()) -> tuple[Contribution, ...]:
    """One Contribution per article, in publication order. `items`: the story's sentences of
    substance with the other articles that say the same (summarize.story_sentences). None for a
    story of one article: with nothing to compare it to, everything would be its own."""
    if len(articles) < 2:
        return ()
    reuse = list(reuse)
    reused_by_article: dict[int, dict[int, int]] = defaultdict(dict)  # article -> sentence -> source
    copied: set[tuple[int, int]] = set()  # (article, sentence) on either side of a reuse
    for r in reuse:
        reused_by_article[r.article_id].setdefault(r.sentence, r.source_id)
        copied |= {(r.article_id, r.sentence), (r.source_id, r.source_sentence)}
    own_figures = _own_figures(groups)
    by_article: dict[int, list[StorySentence]] = defaultdict(list)
    for item in items:
        by_article[item.article_id].append(item)
    known = outlet_index(known_outlets)  # once, not for every sentence
    out = []
    for article in sorted(articles.values(), key=Article.publication_order):
        mine = sorted(by_article.get(article.id, ()), key=lambda s: s.index)
        reused = {s.index: reused_by_article[article.id][s.index] for s in mine
                  if s.index in reused_by_article.get(article.id, {})}
        sources = Counter(reused.values())
        additions = tuple(
            Addition(sentence=s.index, text=s.text, figures=own_figures.get((article.id, s.text), ()),
                     sources=named_sources(s.text, known) or ((QUOTED,) if _QUOTATION.match(s.text) else ()))
            for s in mine if not s.supporters and (article.id, s.index) not in copied)
        brings_figures = any(a.figures for a in additions)
        out.append(Contribution(
            article_id=article.id, outlet=source_label(article), sentences=len(mine), reused=len(reused),
            reused_from=tuple((source, source_label(articles[source]), n) for source, n in
                              sorted(sources.items(), key=lambda kv: (-kv[1], kv[0])) if source in articles),
            additions=additions,
            derivative=bool(mine) and len(reused) >= DERIVATIVE_SHARE * len(mine) and not brings_figures,
            unsourced=any(a.figures and not a.sources for a in additions)))
    return tuple(out)


def _own_figures(groups: Iterable[ClaimGroup]) -> dict[tuple[int, str], tuple[str, ...]]:
    """(article, sentence) -> the figures it states that no other article of the story states.

    A figure is its article's own when its claim group holds no other article and no other
    article gives the same number about anything: grouping can miss that "rescued 87
    survivors" and "pulled 87 survivors from the water" are one claim, and a figure repeated
    elsewhere in the story is not found nowhere else. "One passenger" and "Korkoneas, 37" describe
    a person; they are not figures anyone sources, so figures below two and ages are left out."""
    groups = [g for g in groups if g.kind == "quantity"]
    stated: dict[tuple[float | None, float | None], set[int]] = defaultdict(set)
    for group in groups:
        for evidence in group.evidence:
            stated[(evidence.value, evidence.value_max)].add(evidence.article_id)
    found: dict[tuple[int, str], list[str]] = defaultdict(list)
    for group in groups:
        if len({e.article_id for e in group.evidence}) != 1 or _is_age(group):
            continue
        for evidence in group.evidence:
            if evidence.value is None or evidence.value < 2 or \
                    stated[(evidence.value, evidence.value_max)] != {evidence.article_id}:
                continue
            found[(evidence.article_id, evidence.sentence)].append(evidence.value_text)
    return {key: tuple(dict.fromkeys(values)) for key, values in found.items()}


def _is_age(group: ClaimGroup) -> bool:
    """Whether a group's figures are a person's age (claims.verdicts names them "age of X")."""
    return group.about == "age" or group.about.startswith("age of ")
