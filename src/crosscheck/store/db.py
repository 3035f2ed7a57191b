"""The store: articles in SQLite (default) or PostgreSQL, through SQLAlchemy Core.

Every article is written in its own transaction, and identity is enforced by
unique keys in the database itself, so an interrupted run or two concurrent
writers can never leave a half-stored or double-stored article.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, event, func, insert, or_, select
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError, ArgumentError
from sqlalchemy.pool import NullPool

from ..ingest.normalize import canonical_url
from ..records import Article, StoredOutcome
from .schema import MIGRATIONS, SCHEMA_VERSION, articles, meta, metadata

DEFAULT_DB = "crosscheck.db"
ENV_VAR = "CROSSCHECK_DB"


class StoreError(RuntimeError):
    """The database cannot be opened or used; the message says which and why."""


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
    def __init__(self, db: str | None = None):
        self.url = resolve_db_url(db)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            path = self.url.removeprefix("sqlite:///")
            if path and path != ":memory:" and not Path(path).parent.is_dir():
                raise StoreError(f"cannot open database {path}: its directory does not exist")
        try:
            self.engine: Engine = create_engine(
                self.url, future=True,
                # SQLite connections are cheap and WAL needs no pooling; a pool
                # would keep files open across forks (Dask, crash tests).
                poolclass=NullPool if self.is_sqlite else None,
                connect_args={"timeout": 30} if self.is_sqlite else {},
            )
        except (ArgumentError, ImportError) as exc:
            raise StoreError(f"cannot open database {self.url}: {exc}") from exc
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._migrate()

    # -- schema ---------------------------------------------------------------
    def _migrate(self) -> None:
        try:
            with self.engine.begin() as conn:
                metadata.create_all(conn, tables=[meta])
                version = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
                if version is None:
                    metadata.create_all(conn)
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
                MIGRATIONS[target](conn)
                conn.execute(meta.update().where(meta.c.key == "schema_version").values(value=str(target)))

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar_one())

    # -- articles -------------------------------------------------------------
    def add_article(self, article: Article) -> StoredOutcome:
        """Store an article unless the same one (canonical URL or normalized text) is stored."""
        canonical = canonical_url(article.url)
        existing = self._find_same(canonical, article.content_hash, article.source)
        if existing is not None:
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

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


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


def _article(row: Row) -> Article:
    published = row.published
    if published is not None and row.published_utc_offset_min is not None:
        published = published.replace(tzinfo=timezone(timedelta(minutes=row.published_utc_offset_min)))
    return Article(
        id=row.id, external_id=row.external_id, source=row.source, url=row.url, outlet=row.outlet,
        author=row.author, title=row.title, title_derived=bool(row.title_derived), published=published,
        published_has_time=bool(row.published_has_time), text=row.text, language=row.language,
        content_hash=row.content_hash, ingested_at=row.ingested_at,
    )


def _reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc).splitlines()[0]
