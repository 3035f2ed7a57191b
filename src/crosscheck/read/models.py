"""Typed read models: what every face (CLI, REST API, web pages, feeds) shows of the store.

Each is built once per request by `read.queries` and rendered as it is, so a number
shown in two places comes from one computation: a story's article, outlet and
verdict counts are the same in `crosscheck story`, the API, the story page and the
briefing. Outlets are named by `analyze.outlets.source_label` everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .behaviour import OutletBehaviour
from ..records import Briefing, ClaimGroup, Contribution, FirstReport, Pickup, TimelineEvent, VerdictCounts, plain


@dataclass(frozen=True, slots=True)
class StorySummary:
    """A story as a list shows it. `outlets` are source labels, one per outlet."""

    id: int
    title: str
    articles: int
    outlets: tuple[str, ...]
    first: str | None
    last: str | None


@dataclass(frozen=True, slots=True)
class StoryCard:
    """A story on the home page and in the story list: its summary and verdict counts."""

    summary: StorySummary
    verdicts: VerdictCounts

    @property
    def has_conflicts(self) -> bool:
        return self.verdicts.conflicting > 0

    def to_json(self) -> dict[str, Any]:
        return _counts_json(self.summary, self.verdicts)


def _counts_json(summary: StorySummary, verdicts: VerdictCounts) -> dict[str, Any]:
    """A story's summary with its outlet and verdict counts: what every face compares."""
    return {**plain(summary), "outlet_count": len(summary.outlets), "verdicts": plain(verdicts)}


@dataclass(frozen=True, slots=True)
class ArticleRow:
    id: int
    external_id: str | None
    outlet: str  # the source label: never empty
    title: str | None
    published: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class StoryDetail:
    """A story with its articles, entities, dates, reuse and citations; `requested_id` is the
    id asked for (a merged or split story's old id resolves to this one)."""

    summary: StorySummary
    requested_id: int
    verdicts: VerdictCounts
    articles_detail: tuple[ArticleRow, ...]
    entities: tuple[dict, ...]
    dates: tuple[dict, ...]
    reuse: tuple[dict, ...]
    near_duplicates: tuple[dict, ...]
    citations: tuple[dict, ...]
    moved_out: tuple[dict, ...]
    # from the story's briefing (brief.coverage): one computation for every face
    first_report: FirstReport | None = None
    pickup: tuple[Pickup, ...] = ()
    contributions: tuple[Contribution, ...] = ()

    @property
    def id(self) -> int:
        return self.summary.id

    @property
    def title(self) -> str:
        return self.summary.title

    @property
    def articles(self) -> int:
        return self.summary.articles

    @property
    def outlets(self) -> tuple[str, ...]:
        return self.summary.outlets

    @property
    def first(self) -> str | None:
        return self.summary.first

    @property
    def last(self) -> str | None:
        return self.summary.last

    def to_json(self) -> dict[str, Any]:
        return {**_counts_json(self.summary, self.verdicts), "requested_id": self.requested_id,
                "articles_detail": plain(self.articles_detail),
                "entities": list(self.entities), "dates": list(self.dates), "reuse": list(self.reuse),
                "near_duplicates": list(self.near_duplicates), "citations": list(self.citations),
                "moved_out": list(self.moved_out), "first_report": plain(self.first_report),
                "pickup": plain(self.pickup), "contributions": [contribution_json(c) for c in self.contributions]}


@dataclass(frozen=True, slots=True)
class StoryPage:
    """Everything the story page shows: the detail, the briefing, the claim groups a reader
    sees (`shown_groups`) and the timeline."""

    detail: StoryDetail
    briefing: Briefing
    groups: tuple[ClaimGroup, ...]  # figures and dates
    statements: tuple[ClaimGroup, ...]  # statements more than one source makes
    hidden_statements: int  # single-source statements, left out of the page and the CLI list
    timeline: tuple[TimelineEvent, ...]
    reuse: tuple[dict, ...]  # with the two articles' rows
    citations: tuple[dict, ...]
    independent: tuple[ArticleRow, ...]
    dependent: tuple[ArticleRow, ...]
    entities: tuple[dict, ...]
    # the shown groups as ClaimReview JSON-LD, ready for a <script> element (claimreview.script_json):
    # built with the page, not at every request, since a big story's takes milliseconds
    claim_review: str = ""

    @property
    def id(self) -> int:
        return self.detail.id


@dataclass(frozen=True, slots=True)
class ArticleSentenceView:
    index: int
    text: str
    reused_by: tuple[dict, ...]
    reuses: dict | None
    verdict: str | None


@dataclass(frozen=True, slots=True)
class RevisionView:
    """One text an article has had, and what changed from the one before (text_diff)."""

    revision: int
    title: str | None
    published: str | None
    stored_at: str  # ISO, UTC
    current: bool
    diff: tuple[str, ...]  # "- " sentences dropped, "+ " sentences added; empty for the first

    @property
    def dropped(self) -> int:
        return sum(line.startswith("-") for line in self.diff)

    @property
    def added(self) -> int:
        return sum(line.startswith("+") for line in self.diff)


@dataclass(frozen=True, slots=True)
class ArticleView:
    id: int
    title: str | None
    outlet: str
    stored_outlet: str | None  # what the article itself says, None when it names none
    author: str | None
    url: str | None
    published: str | None
    story_id: int | None
    paragraphs: tuple[tuple[ArticleSentenceView, ...], ...]
    text: str
    contribution: Contribution | None = None  # what it adds to its story; None outside a story
    revisions: tuple[RevisionView, ...] = ()  # its texts, oldest first; empty when never revised

    def to_json(self) -> dict[str, Any]:
        """What the CLI's `article --json` and the API give for an article."""
        return {"id": self.id, "outlet": self.outlet, "stored_outlet": self.stored_outlet, "url": self.url,
                "title": self.title, "author": self.author, "published": self.published, "story_id": self.story_id,
                "text": self.text,
                "contribution": contribution_json(self.contribution) if self.contribution else None,
                "revisions": plain(self.revisions)}


def contribution_json(c: Contribution) -> dict[str, Any]:
    """A contribution with the additions that carry its unsourced flag named."""
    return {**plain(c), "unsourced_additions": [a.sentence for a in c.unsourced_additions]}


@dataclass(frozen=True, slots=True)
class OutletRow:
    """Per outlet: articles, stories covered, how often first in a story, sentences reused."""

    outlet: str
    articles: int
    stories: int
    first: int
    reused: int
    story_ids: tuple[int, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class OutletPage:
    """One outlet: its row of the list, the stories it covered, and how it behaves in them."""

    row: OutletRow
    cards: tuple[StoryCard, ...]
    behaviour: OutletBehaviour

    def to_json(self) -> dict[str, Any]:
        return {**plain(self.row), "stories_detail": [card.to_json() for card in self.cards],
                "behaviour": behaviour_json(self.behaviour)}


def behaviour_json(b: OutletBehaviour) -> dict[str, Any]:
    """An outlet's behaviour with its derived figures (median lag, reused share) spelled out."""
    return {**plain(b), "median_lag_minutes": b.median_lag_minutes,
            "reused_share": round(b.reused_share, 3) if b.reused_share is not None else None,
            "figures": {verdict: [{"story_id": s, "group": g} for s, g in groups] for verdict, groups in b.figures}}


@dataclass(frozen=True, slots=True)
class SearchHit:
    article_id: int
    title: str | None
    outlet: str
    published: str | None
    story_id: int | None
    snippet: str


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a longer list: `total` items in all, `items` from `offset`."""

    items: tuple
    total: int
    limit: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None


def shown_groups(groups) -> tuple[tuple[ClaimGroup, ...], tuple[ClaimGroup, ...], tuple[ClaimGroup, ...]]:
    """(figure and date groups, statements more than one source makes, single-source statements):
    every face lists the first two, and leaves the third out unless asked."""
    figures = tuple(g for g in groups if g.kind != "statement")
    statements = tuple(g for g in groups if g.kind == "statement" and g.independent_sources > 1)
    hidden = tuple(g for g in groups if g.kind == "statement" and g.independent_sources <= 1)
    return figures, statements, hidden
