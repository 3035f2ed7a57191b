"""Typed records that flow between the pipeline stages.

Stages take and return these records; only `store` knows how they are persisted.
Records are frozen so a stage cannot quietly change what another stage produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


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


@dataclass(slots=True)
class IngestReport:
    stored: list[StoredOutcome] = field(default_factory=list)
    already_stored: list[StoredOutcome] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected
