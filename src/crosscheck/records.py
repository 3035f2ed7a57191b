"""Typed records that flow between the pipeline stages.

Stages take and return these records; only `store` knows how they are persisted.
Records are frozen so a stage cannot quietly change what another stage produced.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

_LATEST = datetime.max.replace(tzinfo=UTC)  # where undated articles sort


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, as read from a source and, once stored, with its id.

    `published_has_time` is False when the source gave only a day, so that a
    date-only dateline is never shown as midnight.
    """

    text: str
    title: str | None = None
    title_derived: bool = False
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    published: datetime | None = None
    published_has_time: bool = False
    language: str | None = None
    external_id: str | None = None
    source: str | None = None  # where it was read from: path, path:line or URL
    content_hash: str = ""
    id: int | None = None
    ingested_at: datetime | None = None

    def published_iso(self) -> str | None:
        if self.published is None:
            return None
        if self.published_has_time:
            return self.published.isoformat()
        return self.published.date().isoformat()

    def publication_order(self) -> tuple:
        """A sort key: the earliest published first, undated last, then by id. ISO strings do not
        sort in time order across offsets ("10:00+09:00" is before "05:00+00:00"), so times
        are compared in UTC; a time without an offset is taken as UTC."""
        if self.published is None:
            return (True, _LATEST, self.id or 0)
        value = self.published
        return (False, value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC), self.id or 0)


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that could not become an article, with a reason a user can act on."""

    source: str  # path, path:line or URL
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(frozen=True, slots=True)
class StoredOutcome:
    """What happened to one article handed to the store."""

    article: Article
    created: bool  # False: the same article was already stored (as article.id)
    matched_on: str | None = None  # "url" or "text" when not created
    input_source: str | None = None  # the input that was handed in
    revised: bool = False  # the same URL with a new text: stored as the article's new revision


@dataclass(frozen=True, slots=True)
class ArticleRevision:
    """One text an article has had: revision 1 is the first stored, the highest is current."""

    article_id: int
    revision: int
    title: str | None
    text: str
    published: datetime | None
    published_has_time: bool
    stored_at: datetime
    current: bool


@dataclass(slots=True)
class IngestReport:
    stored: list[StoredOutcome] = field(default_factory=list)
    already_stored: list[StoredOutcome] = field(default_factory=list)
    revised: list[StoredOutcome] = field(default_factory=list)  # a stored URL whose text changed
    rejected: list[Rejection] = field(default_factory=list)
    unchanged_feeds: list[str] = field(default_factory=list)  # answered 304 to a conditional GET
    analysed: int = 0  # articles this run analysed and placed (its own, or others left pending)

    @property
    def ok(self) -> bool:
        return not self.rejected


# --- analysis -----------------------------------------------------------------
# Spans are character offsets into Article.text, so every extracted fact can be
# shown in its sentence and linked back to the exact words of its source.


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int  # position in the article, from 0
    start: int
    end: int
    text: str
    paragraph: int


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date the text mentions, resolved to the first day of its period."""

    sentence: int
    start: int
    end: int
    text: str
    value: date | None  # None: needs an anchor (a relative date, or a day with no year) and had none
    granularity: str  # "day" | "week" | "month" | "year"
    relative: bool = False  # "on Monday", "last week", "earlier this month"
    anchor: date | None = None  # the date a relative mention was resolved against
    inferred: bool = False  # anchor inferred from the story, not the article's own date


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number the text states, with what it counts and how it is hedged."""

    sentence: int
    start: int
    end: int
    text: str
    value: float
    value_max: float | None = None  # upper end of a range ("50,000 to 100,000")
    unit: str | None = None  # "tons", "%", "USD", "km" ...
    noun: str | None = None  # what is counted: "soldiers", "troops", "rice"
    qualifier: str | None = None  # normalized: "approximately", "more than", "at least", "up to" ...
    kind: str = "count"  # "count" | "percent" | "money" | "measure"


@dataclass(frozen=True, slots=True)
class EntityMention:
    sentence: int
    start: int
    end: int
    text: str
    label: str  # "PERSON" | "ORG" | "GPE" (countries, cities, regions) | "MISC"
    canonical: str  # one name per real-world entity: "North Korea", "Kim Jong Un"


@dataclass(frozen=True, slots=True)
class Citation:
    """Someone the article names as its source ("according to Reuters")."""

    sentence: int
    start: int
    end: int
    text: str  # the whole attribution phrase
    source: str  # normalized name: "AP News", "NDTV", "South Korean intelligence"
    kind: str  # "outlet" (a news organisation) | "other" (officials, agencies, people)


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the analyze stage learns about one article."""

    sentences: tuple[Sentence, ...]
    dates: tuple[DateMention, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    entities: tuple[EntityMention, ...] = ()
    citations: tuple[Citation, ...] = ()


# --- stories and provenance ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SentenceReuse:
    """Sentence `sentence` of `article_id` reuses sentence `source_sentence` of `source_id`."""

    article_id: int
    sentence: int
    source_id: int
    source_sentence: int
    kind: str  # "verbatim" | "paraphrase"
    score: float


# --- claims ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claim:
    """One checkable statement of one article: a figure, a dated event, or an attributed statement."""

    article_id: int
    sentence: int
    text: str  # the whole sentence, the evidence a reader sees
    kind: str  # "quantity" | "date" | "statement"
    start: int  # span of the value or date in the article text (the sentence for statements)
    end: int
    value_text: str = ""  # the value as written: "approximately 10,000 soldiers", "On Monday"
    event: str | None = None  # stem of the event word: "ratif", "sign", "capsiz"
    event_word: str | None = None  # as written: "ratified"
    actors: tuple[str, ...] = ()  # canonical entities of the sentence
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    noun: str | None = None
    qualifier: str | None = None
    date: date | None = None
    granularity: str | None = None
    hedges: tuple[str, ...] = ()  # "reportedly", "may have", "believed to" ...
    attributed_to: tuple[str, ...] = ()  # whom the article credits for it
    # what the value is about beyond unit and noun (claims/context.py)
    subject: str | None = None  # whose figure: the person named nearest the value in its clause
    modifiers: tuple[str, ...] = ()  # which figure of its kind: "rushing" yards, "North Korean" troops
    relative: bool = False  # a date said relative to the article's day ("on Monday", "this week")
    role: str | None = None  # killed, injured, missing, rescued, arrested, displaced, shot
    measure: str | None = None  # depth, distance:<place>, height, length
    scope: str | None = None  # part, running, background, future; None: the story's event itself
    inferred: bool = False  # a date resolved against a day inferred from the story, not the article's own
    # for a day: "late" ("late Thursday", "Thursday night") or "early" ("early Friday", "Friday
    # morning"), since one overnight happening is dated either side of midnight
    part_of_day: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """A claim as shown to a reader: which outlet said what, in which sentence."""

    article_id: int
    outlet: str | None
    title: str | None
    url: str | None
    published: str | None
    sentence: str
    value_text: str
    value: float | None = None
    value_max: float | None = None
    qualifier: str | None = None
    date: str | None = None
    granularity: str | None = None
    hedges: tuple[str, ...] = ()
    attributed_to: tuple[str, ...] = ()
    derived_from: tuple[int, ...] = ()  # articles this one rewrites or cites: not independent of them
    inferred: bool = False  # a date resolved against a day inferred from the story: shown, never decisive
    scope: str | None = None  # part, running, background, future (see Claim)


# A side of a disagreement: a value, who states it (with whom they credit), their articles.
Side = tuple[str, tuple[str, ...], tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class ClaimGroup:
    """Claims of different articles about the same thing, with one verdict."""

    id: str
    kind: str  # "quantity" | "date" | "statement"
    about: str  # a short label: "troops (North Korea, Russia)", "ratified (Kim Jong Un)"
    verdict: str  # "corroborated" | "single_source" | "conflicting" | "updated"
    evidence: tuple[Evidence, ...]
    independent_sources: int
    outlets: tuple[str, ...]
    values: tuple[str, ...] = ()  # the distinct values reported, for a conflict's spread
    hedged: bool = False  # every source hedges it
    # for a conflict or an update, each value with who states it (and whom they credit), in
    # order of first report: ("approximately 10,000", ("NDTV (citing Yonhap)",), (2,))
    sides: tuple[Side, ...] = ()


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    date: date
    granularity: str
    label: str
    verdict: str
    outlets: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    alternatives: tuple[str, ...] = ()  # other dates outlets give for it, when they disagree
    inferred: bool = False  # its date rests only on a day inferred from the story


# --- briefing -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BriefSentence:
    """A real sentence of a real article, as shown in a briefing, linked to its source.

    `text` is the sentence cleaned for display (a wrapper such as "apnews.com
    reported," removed); it is always a verbatim part of `source_text`.
    """

    text: str
    source_text: str
    article_id: int
    outlet: str | None
    url: str | None
    title: str | None
    published: str | None
    also: tuple[str, ...] = ()  # other outlets that say the same
    label: str | None = None  # "corroborated by 3 outlets", "single source", "hedged"


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A conflicting or updated claim group as a briefing shows it: its sides are the group's."""

    about: str
    kind: str
    sides: tuple[Side, ...]  # (value, outlets, article ids)
    evidence: tuple[Evidence, ...]
    verdict: str = "conflicting"  # or "updated": the figure moved as the story went on


@dataclass(frozen=True, slots=True)
class OutletCoverage:
    outlet: str
    articles: int
    first: str | None
    last: str | None
    article_ids: tuple[int, ...]
    # how long after the story's first report this outlet's first article came (its time to
    # pick the story up); None when either is undated, 0 for the first reporter
    lag_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class FirstReport:
    """The story's earliest dated article."""

    article_id: int
    outlet: str
    published: str


@dataclass(frozen=True, slots=True)
class Pickup:
    """One article taking from an earlier one of its story: reusing its sentences (two or more,
    or one verbatim), crediting its outlet, or both."""

    article_id: int
    outlet: str
    source_id: int
    source_outlet: str
    sentences: int  # sentences reused from the source; 0 when it only credits it
    verbatim: int
    credits: bool  # the article names the source's outlet ("according to Meridian Wire")
    lag_minutes: int | None  # None when either is undated


@dataclass(frozen=True, slots=True)
class Addition:
    """A sentence of an article that no other article of its story says (nor copies)."""

    sentence: int  # its index in the article
    text: str
    figures: tuple[str, ...]  # figures it states that no other article of the story states
    sources: tuple[str, ...]  # whom it credits ("according to X", "X said"); empty: names no source


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one article adds to its story, and how much of it is taken from earlier articles."""

    article_id: int
    outlet: str
    sentences: int  # its sentences of substance (MIN_WORDS words or more)
    reused: int  # of those, how many reuse a sentence of an earlier article of the story
    reused_from: tuple[tuple[int, str, int], ...]  # (source article, its outlet, sentences reused)
    additions: tuple[Addition, ...]
    derivative: bool  # mostly reused, and adds no figure of its own
    unsourced: bool  # adds a figure found nowhere else in the story, naming no source for it

    @property
    def unsourced_additions(self) -> tuple[Addition, ...]:
        return tuple(a for a in self.additions if a.figures and not a.sources)


@dataclass(frozen=True, slots=True)
class Rewrite:
    article_id: int
    outlet: str | None
    source_id: int
    source_outlet: str | None
    sentences: int
    verbatim: int



# The verdicts of a claim group, in the order readers see them (most in need of attention first).
VERDICTS = ("conflicting", "updated", "corroborated", "single_source")

# What a reader comment can be: shown, hidden by a moderator, deleted by its author or a moderator.
VISIBLE, HIDDEN, DELETED = "visible", "hidden", "deleted"


@dataclass(frozen=True, slots=True)
class VerdictCounts:
    """A story's figure and date claim groups by verdict: the one count every face shows
    (statements are listed, not counted)."""

    conflicting: int = 0
    updated: int = 0
    corroborated: int = 0
    single_source: int = 0

    @classmethod
    def of(cls, groups: Sequence[ClaimGroup]) -> VerdictCounts:
        counts = Counter(g.verdict for g in groups if g.kind != "statement")
        return cls(conflicting=counts["conflicting"], updated=counts["updated"],
                   corroborated=counts["corroborated"], single_source=counts["single_source"])


@dataclass(frozen=True, slots=True)
class Coverage:
    outlets: tuple[OutletCoverage, ...]
    rewrites: tuple[Rewrite, ...]
    most_cited: tuple[tuple[str, int], ...]  # (outlet, articles citing it)
    independent: tuple[int, ...]  # article ids
    dependent: tuple[int, ...]  # articles that rewrite or credit another of the story: not independent
    articles: tuple[dict, ...]  # id, outlet, title, url, published
    first_report: FirstReport | None = None
    pickup: tuple[Pickup, ...] = ()  # in the order the taking articles were published
    contributions: tuple[Contribution, ...] = ()  # one per article, in publication order


@dataclass(frozen=True, slots=True)
class Briefing:
    story_id: int
    headline: str
    articles: int
    words: int  # the summary's word budget
    key_points: tuple[BriefSentence, ...]
    summary: tuple[BriefSentence, ...]
    disagreements: tuple[Disagreement, ...]
    timeline: tuple[TimelineEvent, ...]
    background: tuple[BriefSentence, ...]
    coverage: Coverage
    verdicts: VerdictCounts = field(default_factory=lambda: VerdictCounts())


def plural(count: int, word: str, many: str | None = None) -> str:
    """"1 article", "2 articles"; "1 story", "3 stories" (`many` for an irregular plural). Here
    so that the briefing's renderers and the faces word a count alike."""
    return f"{count} {word}" if count == 1 else f"{count} {many or word + 's'}"


def plain(value):
    """A record as JSON-ready dicts and lists, as dataclasses.asdict gives it but without its deep
    copy of every value, which cost a tenth of placing an article and a quarter of a cross-check."""
    if is_dataclass(value) and not isinstance(value, type):
        return {name: plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


@lru_cache(maxsize=None)
def _field_names(record_type: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(record_type))
