"""The store: articles in SQLite (default) or PostgreSQL, through SQLAlchemy Core.

Every article is written in its own transaction, and identity is enforced by
unique keys in the database itself, so an interrupted run or two concurrent
writers can never leave a half-stored or double-stored article.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import json
import re
import zlib
from collections import defaultdict
from datetime import date

import numpy as np
from sqlalchemy import Integer, String, cast, create_engine, delete, event, func, insert, inspect, or_, select, text, update
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError, ArgumentError

from ..errors import NotFound, StoreError
from ..ingest.normalize import canonical_url
from ..records import Analysis, Article, ArticleRevision, SentenceReuse, StoredOutcome
from .codec import analysis_from_json, analysis_to_json
from .schema import (CREATE_EXTRA, MIGRATIONS, PG_SEARCH_DOCUMENT, SCHEMA_VERSION, analyses, article_entities, article_features, articles,
                     article_revisions, revisions_pending,
                     citations, compared_pairs, meta, metadata, near_duplicates, sentence_reuse,
                     minhash_buckets, sentence_vectors, stories, story_articles, story_cache, story_keys, story_moves,
                     story_key, story_redirects, story_state)

DEFAULT_DB = "crosscheck.db"
PLACEMENT_LOCK_KEY = 0x63726F73  # "cros": the advisory lock id of story placement
SCHEMA_LOCK_KEY = 0x63726F74  # and of creating or migrating the schema
ENV_VAR = "CROSSCHECK_DB"
OUTLET_RESCAN = 1000  # see Store.outlets




def resolve_db_url(value: str | None = None) -> str:
    """A --db value, else $CROSSCHECK_DB, else ./crosscheck.db, as an SQLAlchemy URL."""
    value = value or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    scheme = value.split("://", 1)[0].lower()
    if scheme in ("postgresql", "postgres"):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if scheme.startswith(("sqlite", "postgresql+")):
        return value
    raise StoreError(f"unsupported database URL {value!r}: use a file path, sqlite:///… or postgresql://…")


class Store:
    def __init__(self, db: str | None = None, *, create: bool = True):
        """`create=False` (commands that only read) refuses a store that does not exist yet
        instead of creating an empty one: a mistyped --db is an error, not an empty table."""
        self.url = resolve_db_url(db)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            path = self.url.removeprefix("sqlite:///")
            if path and path != ":memory:" and not Path(path).parent.is_dir():
                raise StoreError(f"cannot open database {path}: its directory does not exist")
            if not create and path and path != ":memory:" and not Path(path).is_file():
                raise NotFound(f"no store at {path} (check --db, or ingest articles into it first)")
        try:
            # Pooled connections also for SQLite: closing the last connection to
            # a WAL database checkpoints it, which made every query pay for one.
            self.engine: Engine = create_engine(
                self.url, future=True, connect_args={"timeout": 30} if self.is_sqlite else {})
        except (ArgumentError, ImportError) as exc:
            raise StoreError(f"cannot open database {self.url}: {exc}") from exc
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._claims = None  # see claim_pending
        self._held: set[int] = set()
        self._claim_space = 0
        if not create and not self.is_sqlite:
            try:
                exists = inspect(self.engine).has_table("meta")
            except (OperationalError, DatabaseError) as exc:
                raise StoreError(f"cannot open database {self.url}: {_reason(exc)}") from exc
            if not exists:
                raise NotFound(f"no crosscheck store in {self.url} (check --db, or ingest articles into it first)")
        self._migrate()

    # -- schema ---------------------------------------------------------------
    def _migrate(self) -> None:
        try:
            with self.engine.begin() as conn:
                _lock_schema(conn)
                metadata.create_all(conn, tables=[meta])
                version = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
                if version is None:
                    metadata.create_all(conn)
                    for step in CREATE_EXTRA:
                        step(conn)
                    conn.execute(insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
                    return
            version = int(version)
        except (OperationalError, DatabaseError) as exc:
            raise StoreError(f"cannot open database {self.url}: {_reason(exc)}") from exc
        if version > SCHEMA_VERSION:
            raise StoreError(f"database {self.url} has schema version {version}, newer than this "
                             f"crosscheck understands ({SCHEMA_VERSION}); upgrade crosscheck")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self.engine.begin() as conn:
                _lock_schema(conn)
                current = int(conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar_one())
                if current >= target:
                    continue  # another process opening the store took this step first
                MIGRATIONS[target](conn)
                conn.execute(meta.update().where(meta.c.key == "schema_version").values(value=str(target)))

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar_one())

    # -- articles -------------------------------------------------------------
    def add_article(self, article: Article) -> StoredOutcome:
        """Store an article unless the same one (canonical URL or normalized text) is stored. A
        stored URL whose text has changed (and is no other article's) is a revision: the article
        takes the new text, keeps the old one in its revisions, and awaits analysis again."""
        canonical = canonical_url(article.url)
        existing = self._find_same(canonical, article.content_hash, article.source)
        if existing is not None:
            if existing.matched_on == "url" and existing.article.content_hash != article.content_hash \
                    and not self._text_stored(article.content_hash):
                return self._revise(existing.article, article)
            return existing
        published, offset = _split_timezone(article.published)
        now = datetime.now(UTC).replace(tzinfo=None)
        row = dict(
            external_id=article.external_id, source=article.source, url=article.url,
            canonical_url=canonical, outlet=article.outlet, author=article.author,
            title=article.title, title_derived=article.title_derived, published=published,
            published_utc_offset_min=offset, published_has_time=article.published_has_time,
            text=article.text, language=article.language, content_hash=article.content_hash,
            ingested_at=now,
        )
        try:
            with self.engine.begin() as conn:
                new_id = conn.execute(insert(articles).values(**row).returning(articles.c.id)).scalar_one()
                if self.is_sqlite:  # the search index commits with the article
                    conn.exec_driver_sql("INSERT INTO articles_fts(rowid, title, text, outlet) VALUES (?, ?, ?, ?)",
                                         (new_id, article.title or "", article.text, article.outlet or ""))
        except IntegrityError:
            # Another writer stored the same article between our check and insert.
            existing = self._find_same(canonical, article.content_hash, article.source)
            if existing is None:
                raise
            return existing
        return StoredOutcome(article=self.get_article(new_id), created=True, input_source=article.source)

    def _find_same(self, canonical: str | None, digest: str, source: str | None) -> StoredOutcome | None:
        conditions = [articles.c.content_hash == digest]
        if canonical:
            conditions.append(articles.c.canonical_url == canonical)
        with self.engine.connect() as conn:
            row = conn.execute(select(articles).where(or_(*conditions)).limit(1)).first()
        if row is None:
            return None
        matched = "url" if canonical and row.canonical_url == canonical else "text"
        return StoredOutcome(article=_article(row), created=False, matched_on=matched, input_source=source)

    def _text_stored(self, digest: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(articles.c.id).where(articles.c.content_hash == digest).limit(1)).first() \
                is not None

    def _revise(self, current: Article, new: Article) -> StoredOutcome:
        """Keep the current text as a revision and take the new one (see add_article)."""
        now = datetime.now(UTC).replace(tzinfo=None)
        published, offset = _split_timezone(new.published)
        changes = dict(text=new.text, content_hash=new.content_hash, language=new.language)
        if new.title:
            changes.update(title=new.title, title_derived=new.title_derived)
        if new.published is not None:
            changes.update(published=published, published_utc_offset_min=offset,
                           published_has_time=new.published_has_time)
        try:
            with self.engine.begin() as conn:
                row = conn.execute(select(articles).where(articles.c.id == current.id)).one()
                last = conn.execute(select(func.max(article_revisions.c.revision),
                                           func.max(article_revisions.c.replaced_at))
                                    .where(article_revisions.c.article_id == current.id)).one()
                conn.execute(insert(article_revisions).values(
                    article_id=current.id, revision=(last[0] or 0) + 1, title=row.title, text=row.text,
                    content_hash=row.content_hash, published=row.published,
                    published_utc_offset_min=row.published_utc_offset_min,
                    published_has_time=row.published_has_time, stored_at=last[1] or row.ingested_at,
                    replaced_at=now))
                conn.execute(update(articles).where(articles.c.id == current.id).values(**changes))
                if self.is_sqlite:  # the search index: out with the old text, in with the new
                    conn.exec_driver_sql("INSERT INTO articles_fts(articles_fts, rowid, title, text, outlet) "
                                         "VALUES ('delete', ?, ?, ?, ?)",
                                         (current.id, row.title or "", row.text, row.outlet or ""))
                    conn.exec_driver_sql("INSERT INTO articles_fts(rowid, title, text, outlet) VALUES (?, ?, ?, ?)",
                                         (current.id, changes.get("title", row.title) or "", new.text,
                                          row.outlet or ""))
                if not conn.execute(select(revisions_pending.c.article_id)
                                    .where(revisions_pending.c.article_id == current.id)).first():
                    conn.execute(insert(revisions_pending).values(article_id=current.id))
                _bump(conn, "corrections")  # every result cached from the old text is rebuilt
        except IntegrityError:
            # another writer stored this text meanwhile (as this article's revision, or another's)
            existing = self._find_same(None, new.content_hash, new.source)
            if existing is None:
                raise
            return existing
        return StoredOutcome(article=self.get_article(current.id), created=False, matched_on="url",
                             input_source=new.source, revised=True)

    def revisions(self, article_id: int) -> list[ArticleRevision]:
        """An article's texts, oldest first, the current one last."""
        with self.engine.connect() as conn:
            current = conn.execute(select(articles).where(articles.c.id == article_id)).first()
            if current is None:
                return []
            rows = conn.execute(select(article_revisions).where(article_revisions.c.article_id == article_id)
                                .order_by(article_revisions.c.revision)).all()
        found = [ArticleRevision(article_id=article_id, revision=r.revision, title=r.title, text=r.text,
                                 published=_published(r), published_has_time=bool(r.published_has_time),
                                 stored_at=r.stored_at, current=False) for r in rows]
        found.append(ArticleRevision(article_id=article_id, revision=len(rows) + 1, title=current.title,
                                     text=current.text, published=_published(current),
                                     published_has_time=bool(current.published_has_time),
                                     stored_at=rows[-1].replaced_at if rows else current.ingested_at, current=True))
        return found

    def revisions_pending_among(self, article_ids: list[int]) -> set[int]:
        """Those of these articles whose analysis is still of an older text."""
        with self.engine.connect() as conn:
            return set(conn.execute(select(revisions_pending.c.article_id)
                                    .where(revisions_pending.c.article_id.in_(article_ids))).scalars())

    def recent_urls(self, since: datetime) -> list[str]:
        """The URLs of the articles stored (first ingested) since `since` (naive UTC), oldest first."""
        with self.engine.connect() as conn:
            return list(conn.execute(select(articles.c.url).where(articles.c.ingested_at >= since,
                                                                  articles.c.url.is_not(None))
                                     .order_by(articles.c.id)).scalars())

    def pending_revisions(self, limit: int) -> list[Article]:
        """Revised articles whose analysis is still of an older text."""
        with self.engine.connect() as conn:
            ids = conn.execute(select(revisions_pending.c.article_id).order_by(revisions_pending.c.article_id)
                               .limit(limit)).scalars().all()
        found = self.articles_by_id(list(ids)) if ids else {}
        return [found[i] for i in ids if i in found]

    def find_url(self, url: str) -> StoredOutcome | None:
        """The stored article with this canonical URL, if any: a feed entry already read
        needs no second fetch."""
        canonical = canonical_url(url)
        if not canonical:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(articles).where(articles.c.canonical_url == canonical)).first()
        return StoredOutcome(article=_article(row), created=False, matched_on="url", input_source=url) if row else None

    def get_article(self, article_id: int) -> Article | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(articles).where(articles.c.id == article_id)).first()
        return _article(row) if row else None

    def articles(self, *, limit: int | None = None, offset: int = 0) -> list[Article]:
        query = select(articles).order_by(articles.c.id).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [_article(row) for row in conn.execute(query)]

    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        last = 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(select(articles).where(articles.c.id > last)
                                    .order_by(articles.c.id).limit(batch)).all()
            if not rows:
                return
            for row in rows:
                yield _article(row)
            last = rows[-1].id

    def count_articles(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(articles)).scalar_one()

    def outlets(self, after_id: int = 0) -> tuple[set[str], int]:
        """The outlet names of articles after `after_id`, and the last article id read. The
        last OUTLET_RESCAN ids before `after_id` are read again: on PostgreSQL an id can
        become visible after a higher one (its transaction committed later)."""
        with self.engine.connect() as conn:
            last = conn.execute(select(func.max(articles.c.id))).scalar() or after_id
            names = {r[0] for r in conn.execute(
                select(articles.c.outlet).where(articles.c.outlet.is_not(None),
                                                articles.c.id > after_id - OUTLET_RESCAN,
                                                articles.c.id <= last).distinct())}
        return names, last

    # -- analysis -------------------------------------------------------------
    def claim_pending(self, limit: int, after_id: int = 0) -> tuple[list[Article], int | None]:
        """Up to `limit` articles after `after_id` that await analysis and that no other process
        is analysing, now held by this one until release_claims(); and the last article id
        looked at (None: nothing pending after `after_id`). On PostgreSQL each claim is a
        session advisory lock, which the server drops if this process dies, so concurrent
        ingest processes split the pending work instead of each doing all of it. SQLite has
        one writer at a time; its pending articles are not claimed."""
        if self.is_sqlite:
            batch = self.articles_without_analysis(limit=limit, after_id=after_id)
            return batch, (batch[-1].id if batch else None)
        candidates = self.articles_without_analysis(limit=4 * limit, after_id=after_id)
        if not candidates:
            return [], None
        conn = self._claims_connection()
        # an advisory lock is re-entrant within its session: what this process holds is skipped here
        claimed = set(conn.execute(text(
            "SELECT id FROM unnest(CAST(:ids AS integer[])) AS pending(id) WHERE pg_try_advisory_lock(:space, id)"),
            {"ids": [a.id for a in candidates if a.id not in self._held], "space": self._claim_space}).scalars())
        self._held |= claimed
        try:
            chosen = [a for a in candidates if a.id in claimed][:limit]
            # everything up to the last chosen one was looked at; with fewer, the whole window was
            last = chosen[-1].id if len(chosen) == limit else candidates[-1].id
            # another process may have placed one and let go of it between the two queries
            finished = self.analysed_ids([a.id for a in chosen]) if chosen else set()
            self.release_claims(claimed - {a.id for a in chosen} | finished)
        except BaseException:
            self.release_claims(claimed)  # nobody gets them: let others (and a later call) have them
            raise
        return [a for a in chosen if a.id not in finished], last

    def release_claims(self, article_ids: Iterable[int]) -> None:
        ids = [i for i in article_ids if i in self._held]
        if ids and not self.is_sqlite:
            self._claims_connection().execute(
                text("SELECT pg_advisory_unlock(:space, id) FROM unnest(CAST(:ids AS integer[])) AS claimed(id)"),
                {"ids": ids, "space": self._claim_space})
        self._held -= set(ids)  # only once let go: a failed unlock stays held, and known, until close

    def _claims_connection(self):
        """The one connection that holds this process's claims (session advisory locks live
        as long as the session that took them)."""
        if self._claims is None:
            self._claims = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            schema = self._claims.execute(text("SELECT current_schema()")).scalar() or ""
            # stores in different schemas of one database must not share claim ids
            self._claim_space = zlib.crc32(f"claims:{schema}".encode()) & 0x7FFFFFFF
        return self._claims

    def articles_without_analysis(self, limit: int = 1000, after_id: int = 0) -> list[Article]:
        query = (select(articles).outerjoin(analyses, analyses.c.article_id == articles.c.id)
                 .where(analyses.c.article_id.is_(None), articles.c.id > after_id)
                 .order_by(articles.c.id).limit(limit))
        with self.engine.connect() as conn:
            return [_article(row) for row in conn.execute(query)]

    def analysis(self, article_id: int) -> Analysis | None:
        with self.engine.connect() as conn:
            data = conn.execute(select(analyses.c.data).where(analyses.c.article_id == article_id)).scalar()
        return analysis_from_json(data) if data else None

    def date_anchors(self, article_ids: list[int]) -> dict[int, tuple[date | None, bool]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(analyses.c.article_id, analyses.c.date_anchor,
                                       analyses.c.date_anchor_inferred)
                                .where(analyses.c.article_id.in_(article_ids)))
            return {r.article_id: (r.date_anchor, bool(r.date_anchor_inferred)) for r in rows}

    def update_dates(self, article_id: int, analysis: Analysis, anchor: date, inferred: bool) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(analyses).where(analyses.c.article_id == article_id).values(
                data=analysis_to_json(analysis), date_anchor=anchor, date_anchor_inferred=inferred))

    def sentence_vectors(self, hashes: list[str], model: str) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(sorted(set(hashes)), 500):
                rows = conn.execute(select(sentence_vectors.c.text_hash, sentence_vectors.c.vector).where(
                    sentence_vectors.c.model == model, sentence_vectors.c.text_hash.in_(chunk)))
                for text_hash, blob in rows:
                    found[text_hash] = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
        return found

    def save_sentence_vectors(self, vectors: dict[str, np.ndarray], model: str) -> None:
        if not vectors:
            return
        rows = [{"text_hash": h, "model": model, "vector": v.astype(np.float16).tobytes()}
                for h, v in vectors.items()]
        with self.engine.begin() as conn:
            for chunk in _chunks(rows, 500):
                # another process may store the same sentence meanwhile: the same vector, keep theirs
                conn.execute(_insert_new(conn, sentence_vectors), chunk)

    def save_analysis(self, article: Article, analysis: Analysis, *, anchor: date | None, anchor_inferred: bool,
                      vector: np.ndarray, features: dict, minhash: bytes, story_change, near: list[tuple[int, float]],
                      reuse: list[SentenceReuse], compared: list[tuple[int, int]], analyzer_version: int,
                      story_states: list[dict] = (), buckets: list[int] = ()) -> list[tuple[int, list[str], list[str]]]:
        """Everything learned about one article, and the story changes it caused, in one transaction.
        `story_states`: the new state of each story changed (story_id, size, vector_sum, data, keys;
        size 0 for a story absorbed); `buckets`: the article's MinHash LSH buckets. Returns the
        index keys each story gained and lost."""
        now = datetime.now(UTC).replace(tzinfo=None)
        with self.engine.begin() as conn:
            self._insert_analysis(conn, article, analysis, anchor, anchor_inferred, vector, features, minhash, near,
                                  reuse, compared, analyzer_version, buckets)
            # revised before it was first analysed: this analysis is of its new text already
            conn.execute(delete(revisions_pending).where(revisions_pending.c.article_id == article.id))
            self._apply_story_change(conn, story_change, now)
            return _write_story_states(conn, story_states, _bump_generation(conn))

    @staticmethod
    def _insert_analysis(conn, article: Article, analysis: Analysis, anchor: date | None, anchor_inferred: bool,
                         vector: np.ndarray, features: dict, minhash: bytes, near: list[tuple[int, float]],
                         reuse: list[SentenceReuse], compared: list[tuple[int, int]], analyzer_version: int,
                         buckets: list[int]) -> None:
        conn.execute(insert(analyses).values(article_id=article.id, version=analyzer_version,
                                             data=analysis_to_json(analysis), date_anchor=anchor,
                                             date_anchor_inferred=anchor_inferred))
        conn.execute(insert(article_features).values(article_id=article.id,
                                                     vector=np.asarray(vector, np.float32).tobytes(),
                                                     data=json.dumps(features), minhash=minhash))
        entity_rows: dict[str, dict] = {}
        for mention in analysis.entities:
            key = mention.canonical[:200]
            row = entity_rows.setdefault(key, {"article_id": article.id, "canonical": key,
                                               "label": mention.label, "mentions": 0})
            row["mentions"] += 1
        if entity_rows:
            conn.execute(insert(article_entities), list(entity_rows.values()))
        citation_rows: dict[str, dict] = {}
        for citation in analysis.citations:
            key = citation.source[:200]
            row = citation_rows.setdefault(key, {"article_id": article.id, "source": key,
                                                 "kind": citation.kind, "mentions": 0})
            row["mentions"] += 1
            if citation.kind == "outlet":  # a name cited once as an outlet is an outlet
                row["kind"] = "outlet"
        if citation_rows:
            conn.execute(insert(citations), list(citation_rows.values()))
        if buckets:
            conn.execute(insert(minhash_buckets), [{"bucket": b, "article_id": article.id} for b in set(buckets)])
        if near:
            conn.execute(insert(near_duplicates), [
                {"article_id": article.id, "other_id": other, "similarity": round(sim, 4)} for other, sim in near])
        if reuse:
            conn.execute(insert(sentence_reuse), [{
                "article_id": r.article_id, "sentence": r.sentence, "source_id": r.source_id,
                "source_sentence": r.source_sentence, "kind": r.kind, "score": r.score} for r in reuse])
        if compared:
            conn.execute(insert(compared_pairs), [{"first_id": a, "second_id": b} for a, b in compared])

    def replace_analysis(self, article: Article, analysis: Analysis, *, anchor: date | None, anchor_inferred: bool,
                         vector: np.ndarray, features: dict, minhash: bytes, near: list[tuple[int, float]],
                         reuse: list[SentenceReuse], compared: list[tuple[int, int]], analyzer_version: int,
                         buckets: list[int] = (), story_states: list[dict] = ()) -> list[tuple[int, list[str], list[str]]]:
        """A revised article's analysis of its new text, in place of the old one, in one
        transaction: what was learned from the old text (analysis, features, names, citations,
        near-duplicates, sentence reuse either way) goes, and it leaves the revisions pending. It
        stays in its story, whose state (`story_states`) is written anew; returns the index keys
        the story gained and lost."""
        with self.engine.begin() as conn:
            for table in (analyses, article_features, article_entities, citations, minhash_buckets):
                conn.execute(delete(table).where(table.c.article_id == article.id))
            conn.execute(delete(near_duplicates).where(or_(near_duplicates.c.article_id == article.id,
                                                           near_duplicates.c.other_id == article.id)))
            conn.execute(delete(sentence_reuse).where(or_(sentence_reuse.c.article_id == article.id,
                                                          sentence_reuse.c.source_id == article.id)))
            conn.execute(delete(compared_pairs).where(or_(compared_pairs.c.first_id == article.id,
                                                          compared_pairs.c.second_id == article.id)))
            conn.execute(delete(revisions_pending).where(revisions_pending.c.article_id == article.id))
            self._insert_analysis(conn, article, analysis, anchor, anchor_inferred, vector, features, minhash, near,
                                  reuse, compared, analyzer_version, buckets)
            _bump(conn, "corrections")
            return _write_story_states(conn, story_states, _bump_generation(conn))

    @staticmethod
    def _apply_story_change(conn, change, now) -> None:
        for old, new in change.redirects.items():
            conn.execute(insert(story_redirects).values(old_id=old, new_id=new))
            # earlier redirects to the absorbed story now lead to the survivor
            conn.execute(update(story_redirects).where(story_redirects.c.new_id == old).values(new_id=new))
        if change.moved:
            conn.execute(insert(story_moves), [{"from_id": source, "to_id": target, "article_id": a, "moved_at": now}
                                               for source, target, went in change.moved for a in went])
        for story_id, members in change.memberships.items():
            conn.execute(delete(story_articles).where(story_articles.c.article_id.in_(members)))
            conn.execute(insert(story_articles), [{"article_id": a, "story_id": story_id} for a in members])
            conn.execute(update(stories).where(stories.c.id == story_id).values(updated_at=now))

    @contextmanager
    def placement_lock(self) -> Iterator[None]:
        """Held while articles are placed in stories, so that one process at a time does it:
        a PostgreSQL session advisory lock, or a lock file beside an SQLite database (SQLite
        has one writer anyway, but each process also keeps the stories in memory)."""
        if self.is_sqlite:
            path = self.url.removeprefix("sqlite:///")
            if not path or path == ":memory:":
                yield
                return
            from filelock import FileLock

            with FileLock(f"{path}.place-lock"):
                yield
            return
        with self.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PLACEMENT_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PLACEMENT_LOCK_KEY})
                conn.commit()

    def correct_article(self, article_id: int, **fields) -> Article | None:
        """Set an article's outlet, title or published time (keys of `fields`; a None outlet
        or title clears it) and count the correction, so that results cached from the old
        values are rebuilt. None for an unknown article."""
        row: dict = {}
        if "outlet" in fields:
            row["outlet"] = fields["outlet"]
        if "title" in fields:
            row.update(title=fields["title"], title_derived=False)
        if "published" in fields:
            published, has_time = fields["published"] if fields["published"] else (None, False)
            row["published"], row["published_utc_offset_min"] = _split_timezone(published)
            row["published_has_time"] = has_time
        with self.engine.begin() as conn:
            before = conn.execute(select(articles.c.title, articles.c.text, articles.c.outlet)
                                  .where(articles.c.id == article_id)).first()
            if before is None:
                return None
            conn.execute(update(articles).where(articles.c.id == article_id).values(**row))
            if self.is_sqlite and ("outlet" in row or "title" in row):
                # the search index holds a copy of the row (external content): out with the old
                # values, in with the new
                conn.exec_driver_sql("INSERT INTO articles_fts(articles_fts, rowid, title, text, outlet) "
                                     "VALUES ('delete', ?, ?, ?, ?)",
                                     (article_id, before.title or "", before.text, before.outlet or ""))
                after = conn.execute(select(articles.c.title, articles.c.outlet)
                                     .where(articles.c.id == article_id)).one()
                conn.exec_driver_sql("INSERT INTO articles_fts(rowid, title, text, outlet) VALUES (?, ?, ?, ?)",
                                     (article_id, after.title or "", before.text, after.outlet or ""))
            _bump(conn, "corrections")
        return self.get_article(article_id)

    def corrections(self) -> int:
        """How many article corrections the store has seen (part of every cached result's key)."""
        return self._counters("corrections")[0]

    def placement_generation(self) -> int:
        """How many placements the store has seen: a process whose count is behind knows
        another one changed stories since it last looked."""
        return self._counters("placement_generation")[0]

    def version(self) -> tuple[int, int]:
        """(placement_generation(), corrections()) in one read: what a kept story list or page
        reflects, checked on every request."""
        return self._counters("placement_generation", "corrections")

    def _counters(self, *keys: str) -> tuple[int, ...]:
        """Counters kept in `meta` (see _bump), 0 where never bumped, read in one query."""
        with self.engine.connect() as conn:
            values = dict(conn.execute(select(meta.c.key, meta.c.value).where(meta.c.key.in_(keys))).all())
        return tuple(int(values.get(key) or 0) for key in keys)

    def analysed_ids(self, article_ids: list[int]) -> set[int]:
        with self.engine.connect() as conn:
            return set(conn.execute(select(analyses.c.article_id)
                                    .where(analyses.c.article_id.in_(article_ids))).scalars())

    def new_story_id(self) -> int:
        now = datetime.now(UTC).replace(tzinfo=None)
        with self.engine.begin() as conn:
            return conn.execute(insert(stories).values(created_at=now, updated_at=now)
                                .returning(stories.c.id)).scalar_one()

    def story_memberships(self, story_ids: Iterable[int] | None = None) -> dict[int, list[int]]:
        """Every story's article ids in id order, or these stories' (those with none left out)."""
        query = select(story_articles.c.article_id, story_articles.c.story_id).order_by(story_articles.c.article_id)
        found: dict[int, list[int]] = defaultdict(list)
        with self.engine.connect() as conn:
            chunks = [None] if story_ids is None else _chunks(sorted(set(story_ids)), 500)
            for chunk in chunks:
                for article_id, story_id in conn.execute(
                        query if chunk is None else query.where(story_articles.c.story_id.in_(chunk))):
                    found[story_id].append(article_id)
        return dict(found)

    def stories_changed_since(self, generation: int) -> list[int]:
        """Stories whose members changed (or that were absorbed) after that placement generation."""
        with self.engine.connect() as conn:
            return list(conn.execute(select(story_state.c.story_id)
                                     .where(story_state.c.generation > generation)).scalars())

    def story_members(self, story_id: int) -> list[int]:
        """One story's article ids in id order (what story_memberships() holds for it), by its index."""
        with self.engine.connect() as conn:
            return list(conn.execute(select(story_articles.c.article_id).where(story_articles.c.story_id == story_id)
                                     .order_by(story_articles.c.article_id)).scalars())

    def story_updated(self, story_ids: list[int]) -> dict[int, datetime]:
        """When each story last changed (naive UTC)."""
        found = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(list(story_ids), 500):
                found.update(conn.execute(select(stories.c.id, stories.c.updated_at)
                                          .where(stories.c.id.in_(chunk))).all())
        return found

    def story_of(self, article_ids: list[int]) -> dict[int, int]:
        with self.engine.connect() as conn:
            return dict(conn.execute(select(story_articles.c.article_id, story_articles.c.story_id)
                                     .where(story_articles.c.article_id.in_(article_ids))).all())

    def moved_out(self, story_id: int) -> dict[int, list[int]]:
        """Articles that left this story while it lived on (it split, or they moved to another
        story), by the story each is in now; those back in this story are not listed."""
        with self.engine.connect() as conn:
            left = conn.execute(select(story_moves.c.article_id).distinct()
                                .where(story_moves.c.from_id == story_id)).scalars().all()
        went: dict[int, list[int]] = {}
        for article_id, now in sorted(self.story_of(list(left)).items()):
            if now != story_id:
                went.setdefault(now, []).append(article_id)
        return went

    def resolve_story(self, story_id: int) -> int | None:
        """A story id, following redirects of merged stories; None if unknown."""
        with self.engine.connect() as conn:
            target = conn.execute(select(story_redirects.c.new_id)
                                  .where(story_redirects.c.old_id == story_id)).scalar()
            story_id = target or story_id
            exists = conn.execute(select(story_articles.c.story_id)
                                  .where(story_articles.c.story_id == story_id).limit(1)).scalar()
        return story_id if exists is not None else None

    def features(self, article_ids) -> dict[int, tuple[np.ndarray, dict, bytes | None]]:
        found = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(list(article_ids), 500):
                for row in conn.execute(select(article_features).where(article_features.c.article_id.in_(chunk))):
                    found[row.article_id] = (np.frombuffer(row.vector, dtype=np.float32), json.loads(row.data),
                                             row.minhash)
        return found

    def minhashes(self) -> dict[int, bytes]:
        with self.engine.connect() as conn:
            return dict(conn.execute(select(article_features.c.article_id, article_features.c.minhash)
                                     .where(article_features.c.minhash.is_not(None))).all())

    def bucket_mates(self, buckets: Iterable[int]) -> dict[int, bytes]:
        """The stored signatures of the articles sharing at least one MinHash bucket with these."""
        mates = select(minhash_buckets.c.article_id).where(minhash_buckets.c.bucket.in_(sorted(set(buckets))))
        with self.engine.connect() as conn:
            return dict(conn.execute(select(article_features.c.article_id, article_features.c.minhash)
                                     .where(article_features.c.article_id.in_(mates),
                                            article_features.c.minhash.is_not(None))).all())

    def story_states(self, story_ids: Iterable[int]) -> dict[int, tuple[bytes, bytes]]:
        """Live stories' stored states: (vector_sum, data)."""
        found = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(list(story_ids), 500):
                found.update((row.story_id, (row.vector_sum, row.data)) for row in conn.execute(
                    select(story_state.c.story_id, story_state.c.vector_sum, story_state.c.data)
                    .where(story_state.c.story_id.in_(chunk), story_state.c.size > 0)))
        return found

    def story_vectors(self, since: int | None = None) -> Iterator[tuple[int, int, bytes | None]]:
        """(story, size, vector_sum) of every live story, or of every story whose state changed
        after generation `since` (size 0: absorbed), streamed."""
        query = select(story_state.c.story_id, story_state.c.size, story_state.c.vector_sum)
        query = query.where(story_state.c.size > 0) if since is None else \
            query.where(story_state.c.generation > since)
        with self.engine.connect() as conn:
            for batch in conn.execution_options(stream_results=True, yield_per=2000).execute(query).partitions(2000):
                yield from ((row.story_id, row.size, row.vector_sum) for row in batch)

    def live_story_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(story_state)
                                    .where(story_state.c.size > 0)).scalar_one())

    def story_postings(self, keys: Iterable[str], limit: int) -> dict[str, tuple[int, list[int] | None]]:
        """For each key, how many stories hold it and, when 1 to `limit` do, which (a key in
        more is too common to tell stories apart: its stories are not read)."""
        keys = sorted({story_key(key) for key in keys})
        if not keys:
            return {}
        found: dict[str, tuple[int, list[int] | None]] = {key: (0, []) for key in keys}
        with self.engine.connect() as conn:
            counts = conn.execute(select(story_keys.c.key, func.count()).where(story_keys.c.key.in_(keys))
                                  .group_by(story_keys.c.key)).all()
            for key, count in counts:
                found[key] = (count, [] if count <= limit else None)
            wanted = [key for key, count in counts if count <= limit]
            if wanted:
                for key, story_id in conn.execute(select(story_keys.c.key, story_keys.c.story_id)
                                                  .where(story_keys.c.key.in_(wanted))):
                    found[key][1].append(story_id)
        return found

    def replace_placement_index(self, states: Iterable[dict], buckets: Iterable[tuple[int, int]],
                                version: str) -> None:
        """Write every story's state and every article's MinHash buckets afresh (a store from
        before they were kept, or from an older layout), then mark them as of `version`."""
        with self.engine.begin() as conn:
            conn.execute(delete(story_keys))
            conn.execute(delete(story_state))
            conn.execute(delete(minhash_buckets))
            generation = int(conn.execute(select(meta.c.value)
                                          .where(meta.c.key == "placement_generation")).scalar() or 0)
            for chunk in _chunks(states, 1000):
                conn.execute(insert(story_state), [
                    {"story_id": st["story_id"], "generation": generation, "size": st["size"],
                     "vector_sum": st["vector_sum"], "data": st["data"]} for st in chunk])
                conn.execute(insert(story_keys), [{"key": key, "story_id": st["story_id"]}
                                                  for st in chunk for key in sorted({story_key(k) for k in st["keys"]})])
            for chunk in _chunks(buckets, 5000):
                conn.execute(insert(minhash_buckets), [{"bucket": b, "article_id": a} for b, a in chunk])
            _set_meta(conn, "placement_index", version)

    def meta_value(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()

    def store_token(self) -> str:
        """A random token set once per store: files kept beside a store (the story vector index)
        name it, so that they are never taken for another store's."""
        token = self.meta_value("store_token")
        if token is None:
            import uuid

            with self.engine.begin() as conn:
                conn.execute(_insert_new(conn, meta), [{"key": "store_token", "value": uuid.uuid4().hex}])
            token = self.meta_value("store_token")
        return token

    def compared_among(self, pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
        """Those of `pairs` (first id < second id) already compared for sentence reuse."""
        wanted = set(pairs)
        found: set[tuple[int, int]] = set()
        with self.engine.connect() as conn:
            # by the key's first column, which the index serves: SQLite answers a row-value IN
            # with a scan of the whole table, a cost that grew with the store
            for chunk in _chunks(sorted({a for a, _ in wanted}), 300):
                found.update((a, b) for a, b in conn.execute(
                    select(compared_pairs.c.first_id, compared_pairs.c.second_id)
                    .where(compared_pairs.c.first_id.in_(chunk))) if (a, b) in wanted)
        return found

    def articles_by_id(self, article_ids) -> dict[int, Article]:
        found = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(list(article_ids), 500):
                for row in conn.execute(select(articles).where(articles.c.id.in_(chunk))):
                    found[row.id] = _article(row)
        return found

    def article_heads(self, article_ids) -> dict[int, Article]:
        """Articles without their text (it comes back empty): what lists and summaries show,
        at a fraction of the reading."""
        columns = [c for c in articles.c if c.name != "text"]
        found = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(list(article_ids), 500):
                for row in conn.execute(select(*columns).where(articles.c.id.in_(chunk))):
                    found[row.id] = _article(row, text="")
        return found

    def sentence_texts(self, article_ids) -> dict[int, tuple[datetime | None, tuple[str, ...]]]:
        """(publication time, sentence texts) of each analysed article, for sentence reuse: only
        the columns and the part of the analysis it needs, many articles a query."""
        found = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(sorted(set(article_ids)), 500):
                for row in conn.execute(select(articles.c.id, articles.c.published,
                                               articles.c.published_utc_offset_min, analyses.c.data)
                                        .join(analyses, analyses.c.article_id == articles.c.id)
                                        .where(articles.c.id.in_(chunk))):
                    found[row.id] = (_published(row),
                                     tuple(s["text"] for s in json.loads(row.data)["sentences"]))
        return found

    def analyses_by_id(self, article_ids) -> dict[int, Analysis]:
        found = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(list(article_ids), 500):
                for article_id, data in conn.execute(select(analyses.c.article_id, analyses.c.data)
                                                     .where(analyses.c.article_id.in_(chunk))):
                    found[article_id] = analysis_from_json(data)
        return found

    def story_entities(self, article_ids: list[int]) -> list[tuple[str, str, int, int]]:
        """(canonical, label, articles, mentions) over the given articles, most covered first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(article_entities.c.canonical, article_entities.c.label,
                                       func.count(), func.sum(article_entities.c.mentions))
                                .where(article_entities.c.article_id.in_(article_ids))
                                .group_by(article_entities.c.canonical, article_entities.c.label))
            # sorted here, names breaking ties: each backend orders tied rows (and collates text) its own way
            return sorted((tuple(r) for r in rows), key=lambda r: (-r[2], -r[3], r[0], r[1]))

    def citations_of(self, article_ids: list[int]) -> list[tuple[int, str, str, int]]:
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(
                select(citations.c.article_id, citations.c.source, citations.c.kind, citations.c.mentions)
                .where(citations.c.article_id.in_(article_ids)).order_by(citations.c.article_id))]

    def reuse_among(self, article_ids: list[int]) -> list[SentenceReuse]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(sentence_reuse).where(sentence_reuse.c.article_id.in_(article_ids),
                                                             sentence_reuse.c.source_id.in_(article_ids))
                                .order_by(sentence_reuse.c.article_id, sentence_reuse.c.sentence))
            return [_sentence_reuse(r) for r in rows]

    def reuse_within_stories(self) -> list[SentenceReuse]:
        """Every reuse between two articles of one story, in one query: what reuse_among()
        gives for each story in turn, without a query per story (the outlet list reads all)."""
        taker, source = story_articles.alias("taker"), story_articles.alias("source")
        query = (select(sentence_reuse)
                 .join(taker, taker.c.article_id == sentence_reuse.c.article_id)
                 .join(source, (source.c.article_id == sentence_reuse.c.source_id)
                       & (source.c.story_id == taker.c.story_id))
                 .order_by(sentence_reuse.c.article_id, sentence_reuse.c.sentence))
        with self.engine.connect() as conn:
            return [_sentence_reuse(r) for r in conn.execute(query)]

    def reuse_counts_among(self, article_ids: list[int]) -> list[tuple[int, int, str, int]]:
        """(article id, source id, kind, sentences) for reuse within the given articles: what
        reuse_among() returns, counted in the database instead of read row by row."""
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(
                select(sentence_reuse.c.article_id, sentence_reuse.c.source_id, sentence_reuse.c.kind, func.count())
                .where(sentence_reuse.c.article_id.in_(article_ids), sentence_reuse.c.source_id.in_(article_ids))
                .group_by(sentence_reuse.c.article_id, sentence_reuse.c.source_id, sentence_reuse.c.kind))]

    def near_duplicates_among(self, article_ids: list[int]) -> list[tuple[int, int, float]]:
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(
                select(near_duplicates.c.article_id, near_duplicates.c.other_id, near_duplicates.c.similarity)
                .where(near_duplicates.c.article_id.in_(article_ids)))]

    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[tuple[int, str]]:
        """(article id, snippet) for articles matching a full-text query, best first."""
        terms = [t for t in re.findall(r"\w+", query) if t]
        if not terms:
            return []
        if self.is_sqlite:
            match = " ".join(f'"{t}"' for t in terms)  # quoted: user text is never FTS syntax
            sql = ("SELECT rowid, snippet(articles_fts, 1, '[', ']', '…', 12) FROM articles_fts "
                   "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?")
            with self.engine.connect() as conn:
                return [(r[0], r[1]) for r in conn.exec_driver_sql(sql, (match, limit, offset))]
        # PostgreSQL's own search: every term must match (as the quoted FTS5 terms above),
        # best ranked first, with a highlighted excerpt like FTS5's snippet
        sql = text(f"SELECT id, ts_headline('simple', text, query, 'StartSel=[, StopSel=], MaxWords=14, "
                   f"MinWords=6, MaxFragments=1, FragmentDelimiter=…') FROM articles, "
                   f"plainto_tsquery('simple', :terms) AS query WHERE {PG_SEARCH_DOCUMENT} @@ query "
                   f"ORDER BY ts_rank({PG_SEARCH_DOCUMENT}, query) DESC, id LIMIT :limit OFFSET :offset")
        with self.engine.connect() as conn:
            return [(r[0], r[1]) for r in conn.execute(sql, {"terms": " ".join(terms), "limit": limit,
                                                             "offset": offset})]

    def cached(self, story_id: int, kind: str, key: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(story_cache.c.key, story_cache.c.data).where(
                story_cache.c.story_id == story_id, story_cache.c.kind == kind)).first()
        return row.data if row and row.key == key else None

    def save_cached(self, story_id: int, kind: str, key: str, data: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(story_cache).where(story_cache.c.story_id == story_id, story_cache.c.kind == kind))
            # a web server next door may have stored the same result between the two statements
            conn.execute(_insert_new(conn, story_cache).values(story_id=story_id, kind=kind, key=key, data=data))

    def close(self) -> None:
        if self._claims is not None:
            self._claims.close()  # and with it, any claim still held
            self._claims = None
            self._held.clear()
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _lock_schema(conn) -> None:
    """Processes opening a new store at once create its tables one after another (until the
    transaction ends): an advisory lock on PostgreSQL; on SQLite, taking the write lock
    first (the driver would otherwise start the transaction only at the first insert, after
    the other process's CREATE TABLE)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _insert_new(conn, table):
    """INSERT that skips rows whose key is already stored (ON CONFLICT DO NOTHING)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table).on_conflict_do_nothing()


def _set_meta(conn, key: str, value: str) -> None:
    if not conn.execute(update(meta).where(meta.c.key == key).values(value=value)).rowcount:
        conn.execute(insert(meta).values(key=key, value=value))


def _bump(conn, key: str) -> None:
    """Add one to a counter in `meta`, atomically (one UPDATE), creating it at 1."""
    done = conn.execute(update(meta).where(meta.c.key == key)
                        .values(value=cast(cast(meta.c.value, Integer) + 1, String))).rowcount
    if not done:
        conn.execute(insert(meta).values(key=key, value="1"))


def _bump_generation(conn) -> int:
    """The new placement generation."""
    _bump(conn, "placement_generation")
    return int(conn.execute(select(meta.c.value).where(meta.c.key == "placement_generation")).scalar_one())


def _write_story_states(conn, states: Iterable[dict], generation: int) -> list[tuple[int, list[str], list[str]]]:
    """Replace stories' states, stamped with the generation, and bring their index keys in line
    (only the keys that changed are written: a big story keeps thousands). The keys each story
    gained and lost: (story, added, removed)."""
    changes = []
    for state in states:
        story_id = state["story_id"]
        conn.execute(delete(story_state).where(story_state.c.story_id == story_id))
        conn.execute(insert(story_state).values(story_id=story_id, generation=generation, size=state["size"],
                                                vector_sum=state["vector_sum"], data=state["data"]))
        if state["keys"] is None:  # a member added: its keys join the story's, the rest stay
            candidates = sorted({story_key(key) for key in state.get("added_keys", ())})
            held = set(conn.execute(select(story_keys.c.key).where(
                story_keys.c.story_id == story_id, story_keys.c.key.in_(candidates))).scalars()) if candidates else set()
            added, gone = [key for key in candidates if key not in held], []
        else:
            wanted = {story_key(key) for key in state["keys"]}
            held = set(conn.execute(select(story_keys.c.key).where(story_keys.c.story_id == story_id)).scalars())
            added, gone = sorted(wanted - held), sorted(held - wanted)
        for chunk in _chunks(gone, 500):
            conn.execute(delete(story_keys).where(story_keys.c.story_id == story_id, story_keys.c.key.in_(chunk)))
        if added:
            conn.execute(insert(story_keys), [{"key": key, "story_id": story_id} for key in added])
        changes.append((story_id, added, gone))
    return changes


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _split_timezone(value: datetime | None) -> tuple[datetime | None, int | None]:
    if value is None or value.tzinfo is None:
        return value, None
    offset = value.utcoffset()
    return value.replace(tzinfo=None), int(offset.total_seconds() // 60) if offset is not None else None


def _published(row: Row) -> datetime | None:
    published = row.published
    if published is not None and row.published_utc_offset_min is not None:
        published = published.replace(tzinfo=timezone(timedelta(minutes=row.published_utc_offset_min)))
    return published


def _article(row: Row, text: str | None = None) -> Article:
    published = _published(row)
    return Article(
        id=row.id, external_id=row.external_id, source=row.source, url=row.url, outlet=row.outlet,
        author=row.author, title=row.title, title_derived=bool(row.title_derived), published=published,
        published_has_time=bool(row.published_has_time), text=row.text if text is None else text,
        language=row.language,
        content_hash=row.content_hash, ingested_at=row.ingested_at,
    )


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    """`items` in lists of `size`, without holding them all."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc).splitlines()[0]


def _sentence_reuse(row) -> SentenceReuse:
    return SentenceReuse(article_id=row.article_id, sentence=row.sentence, source_id=row.source_id,
                         source_sentence=row.source_sentence, kind=row.kind, score=row.score)
