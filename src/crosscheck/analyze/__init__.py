"""Analyze: one article in, its sentences, dates, quantities, entities and citations out.

`analyze_article` is the stage function; each part lives in its own module and
can be used alone. Embeddings (`embed.py`) are computed in batches by the engine,
because the model is far cheaper per sentence when it sees many at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from ..records import Analysis, Article
from .citations import extract_citations
from .dates import dateline_day, extract_dates
from .entities import EntityRecognizer, get_recognizer
from .quantities import extract_quantities
from .sentences import split_sentences

ANALYZER_VERSION = 3


def analyze_article(article: Article, *, recognizer: EntityRecognizer | None = None,
                    anchor: date | None = None, anchor_inferred: bool = False,
                    known_outlets: Mapping[str, str] | Iterable[str] = ()) -> Analysis:
    """Everything the analyze stage learns about one article.

    Relative dates resolve against the article's own day (its publication day, else a
    dateline among its first lines) unless an `anchor` is given (a date inferred from
    the article's story, for articles that carry no date of their own).
    """
    text = article.text
    sentences = split_sentences(text)
    if anchor is None:
        anchor, anchor_inferred = own_day(article, sentences), False
    recognizer = recognizer or get_recognizer()
    return Analysis(
        sentences=tuple(sentences),
        dates=tuple(extract_dates(text, sentences, anchor, inferred=anchor_inferred)),
        quantities=tuple(extract_quantities(text, sentences)),
        entities=tuple(recognizer.recognize(text, sentences)),
        citations=tuple(extract_citations(text, sentences, known_outlets)),
    )


def own_day(article: Article, sentences) -> date | None:
    """The day an article dates itself by: its publication day, else its dateline."""
    if article.published is not None:
        return article.published.date()
    return dateline_day(sentences, extract_dates(article.text, sentences, None))


def reresolve_dates(article: Article, analysis: Analysis, anchor: date, inferred: bool) -> Analysis:
    """The same analysis with its dates resolved against another anchor."""
    from dataclasses import replace

    dates = extract_dates(article.text, list(analysis.sentences), anchor, inferred=inferred)
    return replace(analysis, dates=tuple(dates))
