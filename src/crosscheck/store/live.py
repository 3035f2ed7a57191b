"""Live sources and alerts in the store: feed validators, follows and the alert outbox.

Queries only: when a feed is polled, what counts as an alert and how a webhook
is called are decided in crosscheck.live. Times are naive UTC datetimes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.engine import Engine

from .schema import alert_deliveries, feeds, follows, story_redirects


@dataclass(frozen=True, slots=True)
class FeedState:
    url: str
    etag: str | None
    last_modified: str | None
    last_polled: datetime | None
    last_status: str | None
    last_error: str | None
    failures: int
    articles: int


@dataclass(frozen=True, slots=True)
class Follow:
    id: int
    story_id: int  # as followed; resolve it through story redirects before use
    webhook: str
    user_id: int | None
    allow_private: bool
    snapshot: dict
    created_at: datetime
    secret: str | None = None  # the key its deliveries are signed with (shown to the follower once)


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    follow_id: int
    webhook: str
    allow_private: bool
    payload: str
    attempts: int
    created_at: datetime
    next_attempt: datetime
    delivered_at: datetime | None
    last_error: str | None
    secret: str | None = None


class LiveStore:
    """The feed, follow and delivery tables of one database, over its SQLAlchemy engine."""

    def __init__(self, engine: Engine):
        self.engine = engine

    # -- feeds ----------------------------------------------------------------------
    def feed_state(self, url: str) -> FeedState | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(feeds).where(feeds.c.url == url)).first()
        return FeedState(**row._mapping) if row else None

    def feed_states(self) -> list[FeedState]:
        with self.engine.connect() as conn:
            return [FeedState(**row._mapping) for row in conn.execute(select(feeds).order_by(feeds.c.url))]

    def record_feed_poll(self, url: str, *, now: datetime, status: str, etag: str | None = None,
                         last_modified: str | None = None, error: str | None = None, new_articles: int = 0) -> None:
        """One poll of a feed. Validators are replaced only by an "updated" poll: an unchanged
        feed keeps them, and a failed one must be read in full next time."""
        with self.engine.begin() as conn:
            row = conn.execute(select(feeds).where(feeds.c.url == url).with_for_update()).first()
            values: dict = {"last_polled": now, "last_status": status, "last_error": error}
            if status == "updated":
                values.update(etag=etag, last_modified=last_modified)
            values["failures"] = (row.failures if row else 0) + 1 if status == "error" else 0
            values["articles"] = (row.articles if row else 0) + new_articles
            if row is None:
                conn.execute(insert(feeds).values(url=url, **values))
            else:
                conn.execute(update(feeds).where(feeds.c.url == url).values(**values))

    # -- follows --------------------------------------------------------------------
    def add_follow(self, story_id: int, webhook: str, *, snapshot: dict, now: datetime,
                   user_id: int | None = None, allow_private: bool = False, secret: str | None = None) -> Follow:
        with self.engine.begin() as conn:
            follow_id = conn.execute(insert(follows).values(
                story_id=story_id, webhook=webhook, user_id=user_id, allow_private=allow_private,
                snapshot=_snapshot_json(snapshot), created_at=now, secret=secret)
                .returning(follows.c.id)).scalar_one()
        return self.follow(follow_id)

    def follow(self, follow_id: int) -> Follow | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(follows).where(follows.c.id == follow_id)).first()
        return _follow(row) if row else None

    def follows(self, *, user_id: int | None = None, story_ids: list[int] | None = None) -> list[Follow]:
        query = select(follows).order_by(follows.c.id)
        if user_id is not None:
            query = query.where(follows.c.user_id == user_id)
        if story_ids is not None:
            # a follow made before its story was merged still names the absorbed id
            absorbed = select(story_redirects.c.old_id).where(story_redirects.c.new_id.in_(story_ids))
            query = query.where(or_(follows.c.story_id.in_(story_ids), follows.c.story_id.in_(absorbed)))
        with self.engine.connect() as conn:
            return [_follow(row) for row in conn.execute(query)]

    def remove_follow(self, follow_id: int, *, user_id: int | None = None) -> bool:
        query = delete(follows).where(follows.c.id == follow_id)
        if user_id is not None:
            query = query.where(follows.c.user_id == user_id)
        with self.engine.begin() as conn:
            return conn.execute(query).rowcount > 0

    def record_alert(self, follow_id: int, *, expected_snapshot: dict, snapshot: dict, payload: dict | None,
                     now: datetime) -> bool:
        """Move a follow to its new snapshot and queue its alert, in one transaction.

        Compare-and-set on the old snapshot: when two processes find the same change,
        only the first queues it. False when the follow moved on (or was removed) meanwhile.
        """
        with self.engine.begin() as conn:
            moved = conn.execute(update(follows).where(
                follows.c.id == follow_id, follows.c.snapshot == _snapshot_json(expected_snapshot))
                .values(snapshot=_snapshot_json(snapshot))).rowcount
            if not moved:
                return False
            if payload is not None:
                conn.execute(insert(alert_deliveries).values(
                    follow_id=follow_id, payload=json.dumps(payload, ensure_ascii=False), created_at=now,
                    attempts=0, next_attempt=now))
        return True

    # -- deliveries -----------------------------------------------------------------
    def deliveries(self, *, pending_only: bool = False, due_at: datetime | None = None,
                   follow_id: int | None = None) -> list[Delivery]:
        query = (select(alert_deliveries, follows.c.webhook, follows.c.allow_private, follows.c.secret)
                 .join(follows, follows.c.id == alert_deliveries.c.follow_id).order_by(alert_deliveries.c.id))
        if pending_only or due_at is not None:
            query = query.where(alert_deliveries.c.delivered_at.is_(None))
        if due_at is not None:
            query = query.where(alert_deliveries.c.next_attempt <= due_at)
        if follow_id is not None:
            query = query.where(alert_deliveries.c.follow_id == follow_id)
        with self.engine.connect() as conn:
            return [Delivery(**row._mapping) for row in conn.execute(query)]

    def mark_delivered(self, delivery_id: int, *, now: datetime, attempts: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(alert_deliveries).where(alert_deliveries.c.id == delivery_id)
                         .values(delivered_at=now, attempts=attempts, last_error=None))

    def mark_failed(self, delivery_id: int, *, attempts: int, error: str, next_attempt: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(alert_deliveries).where(alert_deliveries.c.id == delivery_id)
                         .values(attempts=attempts, last_error=error[:500], next_attempt=next_attempt))


def _snapshot_json(snapshot: dict) -> str:
    # sorted keys: the compare-and-set in record_alert compares the text
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False)


def _follow(row) -> Follow:
    data = dict(row._mapping)
    data["snapshot"] = json.loads(data["snapshot"])
    data["allow_private"] = bool(data["allow_private"])
    return Follow(**data)
