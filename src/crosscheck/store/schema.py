"""The database schema, its version, and the migrations between versions.

One schema for SQLite and PostgreSQL: only portable SQLAlchemy Core types.
Each migration moves the database up one version inside one transaction, so a
database is always at a version this code knows how to read.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (Boolean, Column, DateTime, Integer, MetaData, String, Table, Text,
                        UniqueConstraint, Index)
from sqlalchemy.engine import Connection

metadata = MetaData()

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

articles = Table(
    "articles", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("external_id", Text),
    Column("source", Text),
    Column("url", Text),
    Column("canonical_url", Text),
    Column("outlet", Text),
    Column("author", Text),
    Column("title", Text),
    Column("title_derived", Boolean, nullable=False, default=False),
    # Wall-clock time as the outlet wrote it, plus its UTC offset when known:
    # relative dates ("on Monday") resolve against the local day, not UTC's.
    Column("published", DateTime),
    Column("published_utc_offset_min", Integer),
    Column("published_has_time", Boolean, nullable=False, default=False),
    Column("text", Text, nullable=False),
    Column("language", String(16)),
    Column("content_hash", String(64), nullable=False),
    Column("ingested_at", DateTime, nullable=False),
    UniqueConstraint("content_hash", name="uq_articles_content_hash"),
    Index("uq_articles_canonical_url", "canonical_url", unique=True),
    Index("ix_articles_published", "published"),
)


# version -> the step that brings an existing database from version-1 to it.
# A new database is created from the tables above and stamped with the latest
# version, so a step only has to be right for upgrading an older database.
# Add a step with explicit DDL (op on the connection) whenever a table changes.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: lambda conn: metadata.create_all(conn, tables=[articles]),
}
SCHEMA_VERSION = max(MIGRATIONS)
