"""Following stories from outside: webhook follows and their alerts, Atom feeds, and the
article export."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from ..analyze.outlets import source_label
from ..errors import NotFound
from ..live.alerts import alert_changes, alert_payload, story_snapshot
from ..live.atom import FeedEntry, render_feed
from ..live.webhooks import QUICK_RETRY_PAUSES, DeliveryRound, check_webhook, deliver, retry_delay
from ..read.models import StorySummary
from ..read.queries import Queries, representative_title
from ..records import Analysis, Article, ClaimGroup
from ..store import Store
from ..store.live import Follow, LiveStore
from .results import Results
from .sources import utcnow


class Following:
    def __init__(self, store: Store, live: LiveStore, results: Results, queries: Queries):
        self.store = store
        self.live = live
        self.results = results
        self.queries = queries

    # -- follows and alerts -------------------------------------------------------
    def follow(self, story_id: int, webhook: str, *, user_id: int | None = None,
               allow_private: bool = False, checked: bool = False) -> Follow:
        """Follow a story: its webhook gets an alert when the story gains an outlet or a
        conflict, or a claim's verdict changes. NotFound for an unknown story, InputError
        for a webhook that is not a public http(s) URL (unless private ones are allowed);
        `checked`: the caller has just checked it (each delivery checks it again anyway)."""
        resolved = self.store.resolve_story(story_id)
        if resolved is None:
            raise NotFound(f"no story {story_id}")
        if not checked:
            check_webhook(webhook, allow_private=allow_private)
        snapshot, _, _ = self._story_snapshot(resolved)
        return self.live.add_follow(resolved, webhook, snapshot=snapshot, now=utcnow(), user_id=user_id,
                                    allow_private=allow_private, secret=secrets.token_urlsafe(32))

    def _story_snapshot(self, story_id: int) -> tuple[dict, list[ClaimGroup], dict[int, Article]]:
        resolved, groups, _ = self.results.cross_check(story_id)
        articles = self.store.articles_by_id(self.store.story_members(resolved))
        return story_snapshot(list(articles), articles, groups), groups, articles

    def check_alerts(self, story_url: Callable[[int], str] | None = None) -> int:
        """Compare every follow's snapshot with its story now and queue an alert for what
        changed (in the transaction that moves the snapshot); the number queued. Nothing
        depends on having seen articles arrive, so a crash loses no alert: the next check
        finds the same difference."""
        queued = 0
        for follow in self.live.follows():
            resolved = self.store.resolve_story(follow.story_id)
            if resolved is None or self.store.story_members(resolved) == follow.snapshot.get("members"):
                continue
            snapshot, groups, articles = self._story_snapshot(resolved)
            changes = alert_changes(follow.snapshot, snapshot, groups, articles)
            payload = alert_payload(story_id=resolved, followed_id=follow.story_id,
                                    title=representative_title(list(articles.values())), snapshot=snapshot,
                                    changes=changes, created_at=utcnow().isoformat(timespec="seconds") + "Z",
                                    story_url=story_url(resolved) if story_url else None) if changes else None
            if self.live.record_alert(follow.id, expected_snapshot=follow.snapshot, snapshot=snapshot,
                                      payload=payload, now=utcnow()):
                queued += payload is not None
        return queued

    def deliver_alerts(self, *, sleep: Callable[[float], None] = time.sleep, **post_options) -> DeliveryRound:
        """POST every queued alert that is due; one that fails stays queued, to be tried
        again later (1 min, 2, 4, … at most an hour), never dropped."""
        result = DeliveryRound()
        per_round = len(QUICK_RETRY_PAUSES) + 1
        for delivery in self.live.deliveries(due_at=utcnow()):
            body = json.dumps({"delivery_id": delivery.id, **json.loads(delivery.payload)},
                              ensure_ascii=False).encode("utf-8")
            try:
                attempts, error = deliver(delivery.webhook, body, delivery_id=delivery.id, secret=delivery.secret,
                                          allow_private=delivery.allow_private, sleep=sleep, **post_options)
            except Exception as exc:  # noqa: BLE001  one reader's broken webhook must not stop the others'
                attempts, error = 1, f"{type(exc).__name__}: {exc}"
            total = delivery.attempts + attempts
            if error is None:
                self.live.mark_delivered(delivery.id, now=utcnow(), attempts=total)
                result.delivered.append(delivery.id)
            else:
                delay = retry_delay(-(-total // per_round))
                self.live.mark_failed(delivery.id, attempts=total, error=error,
                                      next_attempt=utcnow() + timedelta(seconds=delay))
                result.failed.append((delivery.id, error))
        result.pending = len(self.live.deliveries(pending_only=True))
        return result

    # -- Atom feeds ---------------------------------------------------------------
    def stories_atom(self, base_url: str, *, limit: int = 50) -> str:
        """An Atom feed of the most recently updated stories: a story is as recent as its
        latest article's publication (its ingest, for an undated one)."""
        base = base_url.rstrip("/")
        summaries = {s.id: s for s in self.queries.stories()}
        ingested = self.store.story_updated(list(summaries))
        updated = {s: _published_utc(summaries[s].last) or ingested.get(s) for s in summaries}
        recent = sorted(summaries, key=lambda s: (updated.get(s) or datetime.min, s), reverse=True)[:limit]
        leads = self._story_leads([summaries[s] for s in recent])
        entries = [FeedEntry(id=f"{base}/stories/{s}", title=summaries[s].title, link=f"{base}/stories/{s}",
                             updated=updated.get(s) or utcnow(), authors=tuple(summaries[s].outlets),
                             summary=leads.get(s, (None, None))[0], source_url=leads.get(s, (None, None))[1],
                             related=f"{base}/stories/{s}/feed.atom") for s in recent]
        return render_feed(feed_id=f"{base}/feeds/stories.atom", title="crosscheck: stories",
                           self_link=f"{base}/feeds/stories.atom", alternate=f"{base}/", entries=entries)

    def story_atom(self, story_id: int, base_url: str, *, limit: int = 100) -> str | None:
        """An Atom feed of one story's articles, the newest first (by publication, else by
        ingest); None for an unknown story."""
        resolved = self.store.resolve_story(story_id)
        if resolved is None:
            return None
        base = base_url.rstrip("/")
        articles = self.store.articles_by_id(self.store.story_members(resolved))

        def updated(a: Article) -> datetime:
            return _published_utc(a.published_iso()) or a.ingested_at or utcnow()

        newest = sorted(articles.values(), key=lambda a: (updated(a), a.id), reverse=True)[:limit]
        analyses = self.store.analyses_by_id([a.id for a in newest])
        entries = [FeedEntry(
            id=f"{base}/articles/{a.id}", title=a.title or "(untitled)", link=f"{base}/articles/{a.id}",
            updated=updated(a), published=a.published,
            authors=tuple(n for n in (source_label(a), a.author) if n), source_url=a.url,
            summary=_first_sentence(analyses.get(a.id))) for a in newest]
        title = representative_title(list(articles.values()))
        return render_feed(feed_id=f"{base}/stories/{resolved}/feed.atom", title=f"crosscheck: {title}",
                           self_link=f"{base}/stories/{resolved}/feed.atom", alternate=f"{base}/stories/{resolved}",
                           entries=entries)

    def _story_leads(self, summaries: list[StorySummary]) -> dict[int, tuple[str | None, str | None]]:
        """story id -> (first sentence, url) of the article whose title is the story's."""
        members = {s.id: self.store.story_members(s.id) for s in summaries}
        articles = self.store.articles_by_id([a for ms in members.values() for a in ms])
        chosen = {}
        for s in summaries:
            titled = [articles[a] for a in members[s.id] if a in articles and articles[a].title == s.title]
            if titled:
                chosen[s.id] = titled[0]
        analyses = self.store.analyses_by_id([a.id for a in chosen.values()])
        return {story: (_first_sentence(analyses.get(a.id)), a.url) for story, a in chosen.items()}

    # -- export -------------------------------------------------------------------
    def export_rows(self) -> Iterator[dict[str, Any]]:
        """One row per article in the documented export schema (see README)."""
        batch: list[Article] = []
        for article in self.store.iter_articles():
            batch.append(article)
            if len(batch) == 500:
                yield from self._export_batch(batch)
                batch = []
        yield from self._export_batch(batch)

    def _export_batch(self, batch: list[Article]) -> Iterator[dict[str, Any]]:
        stories = self.store.story_of([a.id for a in batch]) if batch else {}
        for article in batch:
            yield {
                "id": article.external_id or article.url or str(article.id),
                "outlet": article.outlet,
                "source_label": source_label(article),
                "url": article.url,
                "title": article.title,
                "published": article.published_iso(),
                "author": article.author,
                "text": article.text,
                "story_id": stories.get(article.id),
            }


def _published_utc(iso: str | None) -> datetime | None:
    """A publication time as naive UTC (a date-only one at midnight); None when unknown."""
    if not iso:
        return None
    value = datetime.fromisoformat(iso)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _first_sentence(analysis: Analysis | None) -> str | None:
    return analysis.sentences[0].text if analysis and analysis.sentences else None
