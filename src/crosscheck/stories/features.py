"""What story clustering knows about one article: meaning, names, terms, numbers, time.

Weights come from a fixed background frequency table (wordfreq), not from the
articles seen so far, so an article's features do not depend on what arrived
before it: clustering then barely depends on arrival order, and the same
defaults work on any corpus.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np

from ..analyze.dates import period_of
from ..records import Analysis, Article

# Zipf frequency of "the" is ~7.7; a word at zipf 7 carries no information.
_INFO_CEILING = 7.0
_WORD = re.compile(r"[a-z][a-z'-]{2,}")
_NUMBER = re.compile(r"\b\d+(?:[-–:.,/]\d+)+\b|\b\d{2,}\b")
_YEAR_LIKE = re.compile(r"(?:1[89]|20)\d\d")
# Frequent news words that say nothing about which event an article covers.
_GENERIC = frozenset("""
said says told according reported report reports also would could year years week weeks
monday tuesday wednesday thursday friday saturday sunday today yesterday people time
""".split())
MAX_TERMS = 60  # the most informative terms carry the signal; the tail is noise and size


@lru_cache(maxsize=200_000)
def information(token: str) -> float:
    """How surprising a word is in general English: 0 for 'the', ~7 for unseen names."""
    from wordfreq import zipf_frequency  # imports a frequency table; only the first call pays

    return max(0.0, _INFO_CEILING - zipf_frequency(token, "en"))


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    article_id: int
    vector: np.ndarray  # unit-length meaning vector
    entities: dict[str, float] = field(default_factory=dict)  # unit-length sparse vectors
    terms: dict[str, float] = field(default_factory=dict)
    numbers: dict[str, float] = field(default_factory=dict)
    years: frozenset[int] = frozenset()
    day: date | None = None  # publication day, when known
    # When the reported event may have happened: spans of days (first, last; ordinals), see event_spans.
    event: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        if not self.event and self.day is not None:  # built by hand with a day only
            object.__setattr__(self, "event", ((self.day.toordinal(), self.day.toordinal()),))


# Runs of capitalised words: the surface names an article uses. The recognizer
# folds a city into its country and may miss an unusual name; the surface
# tokens keep what is specific ("Rahman", "SAP Arena") for telling events apart.
# A name word: "Kursk", "O'Brien", "McDonald", "Jean-Pierre", "NATO"; a possessive "'s" is
# not part of the name ("New Zealand's" is New Zealand), or the two would never match.
_NAME_WORD = r"(?:[A-Z](?:[a-z]+(?:['’]?[A-Z][a-z]+)*|['’][A-Z][a-z]+)(?:-[A-Za-z][a-z]+)*|[A-Z]{2,})"
_CAPITALISED_RUN = re.compile(rf"{_NAME_WORD}(?:\s+{_NAME_WORD})*")
_NOT_NAMES = frozenset("""
the a an in on at of to for and but with by from as it this that he she they his her their we
monday tuesday wednesday thursday friday saturday sunday january february march april may june july
august september october november december mr mrs ms dr
""".split())
LEAD_SENTENCES = 3  # news puts the event in its first sentences
LEAD_WEIGHT = 3.0


def names_of(text: str, analysis: Analysis) -> Counter:
    """Recognised entities (canonical names) plus surface capitalised names and their words."""
    counts = Counter(m.canonical.casefold() for m in analysis.entities)
    for match in _CAPITALISED_RUN.finditer(text):
        words = [w for w in match.group(0).split() if w.casefold() not in _NOT_NAMES]
        if words:
            counts[" ".join(words).casefold()] += 1
            if len(words) > 1:
                counts.update(w.casefold() for w in words)
    return counts


def meaning_vector(sentence_vectors: np.ndarray) -> np.ndarray:
    """The article's meaning: its sentences' mean, with the lead counting more."""
    if not len(sentence_vectors):
        return np.zeros(sentence_vectors.shape[1] if sentence_vectors.ndim == 2 else 384, np.float32)
    weights = np.ones(len(sentence_vectors), np.float32)
    weights[:LEAD_SENTENCES] = LEAD_WEIGHT
    mean = (sentence_vectors * weights[:, None]).sum(axis=0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm if norm else mean).astype(np.float32)


def build_features(article: Article, analysis: Analysis, vector: np.ndarray) -> ArticleFeatures:
    entity_counts = names_of(article.text, analysis)
    entities = _unit({key: (1 + math.log(n)) * _name_information(key) for key, n in entity_counts.items()})

    words = Counter(w for w in _WORD.findall(article.text.lower()) if w not in _GENERIC)
    if article.title and not article.title_derived:
        words.update(w for w in _WORD.findall(article.title.lower()) if w not in _GENERIC)
    weighted = {w: (1 + math.log(n)) * information(w) for w, n in words.items()}
    terms = _unit(dict(sorted(weighted.items(), key=lambda kv: -kv[1])[:MAX_TERMS]))

    numbers = Counter(n for n in _NUMBER.findall(article.text) if not _YEAR_LIKE.fullmatch(n))
    number_vector = _unit({n: 1 + math.log(c) for n, c in numbers.items()})

    years = {d.value.year for d in analysis.dates if d.value is not None and not d.relative}
    day = article.published.date() if article.published else None
    if day:
        years.add(day.year)
    return ArticleFeatures(article_id=article.id, vector=np.asarray(vector, dtype=np.float32),
                           entities=entities, terms=terms, numbers=number_vector,
                           years=frozenset(years), day=day, event=event_spans(article, analysis))


# Where news says when its event happened; scraped text often spends a line or two of its
# first sentences on a headline and subheads. (5 against 3: better on every ECB+ dev fold.)
EVENT_LEAD_SENTENCES = 5
EVENT_DATES = 5  # the lead's first dates; later ones are background more often than not
_EVENT_GRANULARITIES = frozenset({"day", "week", "month"})  # a bare year is too coarse to place an event


def event_spans(article: Article, analysis: Analysis) -> tuple[tuple[int, int], ...]:
    """The times an article is about, as spans of days (a month mention spans the month): its
    publication day and the first dates of its lead, resolved against its own date.

    An article is about one of these, but which one cannot be read reliably: a lead may
    open with background ("previously at the clinic from September 2010") or with its
    event ("struck on Tuesday"). So two articles are as far apart in time as their closest
    spans: a follow-up months later that names its event's date ("three months after
    the 3 March quake") is near that event, while a look-alike event years later, which
    names none of its dates, is not. A date resolved against a guessed anchor (the
    story's) is not the article's own word and is left out.
    """
    spans: list[tuple[int, int]] = []
    if article.published is not None:
        day = article.published.date().toordinal()
        spans.append((day, day))
    lead = [m for m in analysis.dates if m.sentence < EVENT_LEAD_SENTENCES and m.value is not None
            and not m.inferred and m.granularity in _EVENT_GRANULARITIES]
    for mention in sorted(lead, key=lambda m: (m.sentence, m.start))[:EVENT_DATES]:
        first, last = period_of(mention.value, mention.granularity)
        if (first.toordinal(), last.toordinal()) not in spans:
            spans.append((first.toordinal(), last.toordinal()))
    return tuple(spans)


def _name_information(name: str) -> float:
    tokens = [t for t in re.split(r"[\s-]+", name) if t]
    return max((information(t) for t in tokens), default=0.0) or 0.5


def _unit(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {k: w / norm for k, w in weights.items() if w > 0} if norm else {}
