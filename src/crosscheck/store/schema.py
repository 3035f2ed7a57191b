"""The database schema, its version, and the migrations between versions.

One schema for SQLite and PostgreSQL: only portable SQLAlchemy Core types.
Each migration moves the database up one version inside one transaction, so a
database is always at a version this code knows how to read.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (BigInteger, Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary,
                        MetaData, String, Table, Text, UniqueConstraint, inspect)
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


# --- version 2: analysis, embeddings, stories, provenance ---------------------

analyses = Table(
    "analyses", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, nullable=False),
    # sentences, dates, quantities, entities and citations as one JSON document:
    # always read and written together, with the article.
    Column("data", Text, nullable=False),
    Column("date_anchor", Date),  # the date relative dates were resolved against
    Column("date_anchor_inferred", Boolean, nullable=False, default=False),
)

# Sentence embeddings keyed by the sentence text's hash and the model, so an
# identical sentence (a rewrite, a re-ingest) is never embedded twice.
sentence_vectors = Table(
    "sentence_vectors", metadata,
    Column("text_hash", String(40), primary_key=True),
    Column("model", String(40), primary_key=True),
    Column("vector", LargeBinary, nullable=False),  # float16, L2-normalized
)

article_features = Table(
    "article_features", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("vector", LargeBinary, nullable=False),  # float32 meaning vector
    Column("data", Text, nullable=False),  # entities, terms, numbers, years, day (JSON)
    Column("minhash", LargeBinary),  # MinHash signature for near-duplicate search
)

stories = Table(
    "stories", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

story_articles = Table(
    "story_articles", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=False),
    Index("ix_story_articles_story", "story_id"),
)

# What scoring an article against a story needs (stories.cluster.StoryState), kept as stories
# change, so that a process reads only the stories it scores instead of every article at start.
# `generation` is the placement_generation that wrote the row: a process catches up with what
# others changed by reading the rows newer than what it has seen. An absorbed story keeps a row
# with size 0, so that catching up also removes it.
story_state = Table(
    "story_state", metadata,
    Column("story_id", Integer, primary_key=True, autoincrement=False),
    Column("generation", BigInteger, nullable=False),
    Column("size", Integer, nullable=False),
    Column("vector_sum", LargeBinary),  # float32
    Column("data", LargeBinary),  # members, sparse sums, member times (packed: services.story_book)
    Index("ix_story_state_generation", "generation"),
)

# The entity/term index: which stories hold a key (a name, or "term:" and a distinctive term).
STORY_KEY_LENGTH = 200


def story_key(key: str) -> str:
    """An index key as `story_keys` holds it (a longer name is cut)."""
    return key[:STORY_KEY_LENGTH]


story_keys = Table(
    "story_keys", metadata,
    Column("key", String(STORY_KEY_LENGTH), primary_key=True),
    Column("story_id", Integer, primary_key=True),
    Index("ix_story_keys_story", "story_id"),
)

# MinHash LSH buckets (a hash of one band of an article's signature): articles sharing a bucket
# are near-duplicate candidates, found by the store instead of an index rebuilt at every start.
minhash_buckets = Table(
    "minhash_buckets", metadata,
    Column("bucket", BigInteger, primary_key=True),
    Column("article_id", Integer, primary_key=True),
)

story_redirects = Table(
    "story_redirects", metadata,
    Column("old_id", Integer, primary_key=True),
    Column("new_id", Integer, nullable=False),
)

# Articles that left a story which lives on (a split, or a move to another story), so that
# the old story can say where they went. Absorbed stories use story_redirects instead.
story_moves = Table(
    "story_moves", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("from_id", Integer, nullable=False),
    Column("to_id", Integer, nullable=False),
    Column("article_id", Integer, nullable=False),
    Column("moved_at", DateTime, nullable=False),
    Index("ix_story_moves_from", "from_id"),
)

article_entities = Table(
    "article_entities", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("canonical", String(200), primary_key=True),
    Column("label", String(10), nullable=False),
    Column("mentions", Integer, nullable=False),
    Index("ix_article_entities_canonical", "canonical"),
)

citations = Table(
    "citations", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("source", String(200), primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("mentions", Integer, nullable=False),
    Index("ix_citations_source", "source"),
)

# Sentence-level reuse: `article_id`'s sentence reuses `source_id`'s sentence,
# the source being the earlier publication.
sentence_reuse = Table(
    "sentence_reuse", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("sentence", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("source_sentence", Integer, nullable=False),
    Column("kind", String(12), nullable=False),  # "verbatim" | "paraphrase"
    Column("score", Float, nullable=False),
    Index("ix_sentence_reuse_source", "source_id"),
)

near_duplicates = Table(
    "near_duplicates", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("other_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("similarity", Float, nullable=False),  # estimated Jaccard of word shingles
)

# Article pairs already compared for reuse (smaller id first), so a pair is
# compared once even when stories later merge or split.
compared_pairs = Table(
    "compared_pairs", metadata,
    Column("first_id", Integer, primary_key=True),
    Column("second_id", Integer, primary_key=True),
)

# --- version 3: per-story results computed on demand ----------------------------

# Results derived from a whole story (claim groups, timeline, later briefings),
# valid while `key` (which names the story's members and their analyses) holds.
story_cache = Table(
    "story_cache", metadata,
    Column("story_id", Integer, primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("key", String(64), nullable=False),
    Column("data", Text, nullable=False),
)

# What PostgreSQL's full-text search indexes; Store.search repeats it to use the index.
PG_SEARCH_DOCUMENT = "to_tsvector('simple', coalesce(title, '') || ' ' || text || ' ' || coalesce(outlet, ''))"


def _pg_full_text(conn: Connection) -> None:
    """Full-text search on PostgreSQL: its own text search, over an expression GIN index."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_articles_search ON articles USING gin "
                             f"(({PG_SEARCH_DOCUMENT}))")


def _v4_full_text(conn: Connection) -> None:
    """Full-text search over articles: SQLite FTS5 (PostgreSQL's comes with version 6)."""
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
                         "title, text, outlet, content='articles', content_rowid='id', tokenize='unicode61')")
    conn.exec_driver_sql("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")


# --- version 5: reader discussion (accounts, sessions, comments, moderation) ------

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(32), nullable=False),  # as the reader typed it
    Column("username_key", String(32), nullable=False),  # lower-cased: names are unique ignoring case
    Column("password_hash", String(255), nullable=False),  # argon2id, never the password
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("suspended", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("username_key", name="uq_users_username_key"),
)

# Server-side sessions: the cookie holds a random token, the table only its SHA-256.
sessions = Table(
    "sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),  # per-session CSRF token for forms and API writes
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Index("ix_sessions_user", "user_id"),
    Index("ix_sessions_expires", "expires_at"),
)

# One level of replies: parent_id is always a top-level comment of the same story.
comments = Table(
    "comments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("story_id", Integer, nullable=False),  # a story merged later is found through story_redirects
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("parent_id", Integer, ForeignKey("comments.id", ondelete="CASCADE")),
    Column("body", Text, nullable=False),  # plain text; emptied when the comment is deleted
    Column("status", String(10), nullable=False, default="visible"),  # visible | hidden | deleted
    Column("created_at", DateTime, nullable=False),
    Column("edited_at", DateTime),
    Column("moderated_by", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("moderated_at", DateTime),
    Index("ix_comments_story", "story_id", "created_at"),
    Index("ix_comments_parent", "parent_id"),
    Index("ix_comments_user", "user_id", "created_at"),
)

comment_reports = Table(
    "comment_reports", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("comment_id", Integer, ForeignKey("comments.id", ondelete="CASCADE"), nullable=False),
    Column("reporter_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("resolved_at", DateTime),
    Column("resolved_by", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    UniqueConstraint("comment_id", "reporter_id", name="uq_comment_reports_once"),
    Index("ix_comment_reports_open", "resolved_at"),
)

# Failed sign-ins, per account ("user", lower-cased name) and per client address ("ip"),
# with the back-off they earned.
login_attempts = Table(
    "login_attempts", metadata,
    Column("scope", String(8), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure", DateTime, nullable=False),
    Column("locked_until", DateTime),
)

V5_TABLES = [users, sessions, comments, comment_reports, login_attempts]


# --- version 6: live sources (feeds polled) and alerts (follows, deliveries) ----

# One row per feed URL ever read: what conditional GET needs (ETag, Last-Modified),
# written only after every entry of a changed feed was handled, so a crash mid-feed
# makes the next poll read the whole feed again instead of answering 304.
feeds = Table(
    "feeds", metadata,
    Column("url", String(2000), primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_polled", DateTime),
    Column("last_status", String(12)),  # "updated" | "unchanged" | "error"
    Column("last_error", Text),
    Column("failures", Integer, nullable=False, default=0),  # consecutive
    Column("articles", Integer, nullable=False, default=0),  # new articles it brought, in all
)

# A webhook following one story. `snapshot` is the story as last alerted on (members,
# outlets, claim groups and verdicts, JSON): alerts are the difference between it and
# the story now, so an alert missed by a crash is found again on the next check.
follows = Table(
    "follows", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("story_id", Integer, nullable=False),  # a story merged later is found through story_redirects
    Column("webhook", Text, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE")),  # None: made with the CLI
    Column("allow_private", Boolean, nullable=False, default=False),  # only the CLI can set it
    Column("snapshot", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("secret", Text),  # signs each delivery (HMAC-SHA256); None for follows made before version 8
    Index("ix_follows_story", "story_id"),
)

# The outbox: an alert is written here in the transaction that moves its follow's
# snapshot, and stays until a POST succeeds (delivered_at), however often it fails.
alert_deliveries = Table(
    "alert_deliveries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("follow_id", Integer, ForeignKey("follows.id", ondelete="CASCADE"), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt", DateTime, nullable=False),
    Column("delivered_at", DateTime),
    Column("last_error", Text),
    Index("ix_alert_deliveries_pending", "delivered_at", "next_attempt"),
)

V6_TABLES = [feeds, follows, alert_deliveries]


# --- version 11: revisions ------------------------------------------------------
# An article's earlier texts: a page ingested again with other words is the same article,
# revised. `articles` holds the current text; each row here is one it replaced, numbered from 1.
article_revisions = Table(
    "article_revisions", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("revision", Integer, primary_key=True, autoincrement=False),
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("published", DateTime),
    Column("published_utc_offset_min", Integer),
    Column("published_has_time", Boolean, nullable=False, default=False),
    Column("stored_at", DateTime, nullable=False),  # when this text was stored
    Column("replaced_at", DateTime, nullable=False),  # when the next one replaced it
)

# Revised articles whose analysis is of their old text: analysed again (in place, in their
# story) by the next ingest, however the process that stored the revision ended.
revisions_pending = Table(
    "revisions_pending", metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
)


V2_TABLES = [analyses, sentence_vectors, article_features, stories, story_articles, story_redirects,
             article_entities, citations, sentence_reuse, near_duplicates, compared_pairs]


# version -> the step that brings an existing database from version-1 to it.
# A new database is created from the tables above (plus CREATE_EXTRA), stamped
# with the latest version, so a step only has to be right for upgrading.
# Add a step with explicit DDL (op on the connection) whenever a table changes.
def _v8_follow_secrets(conn: Connection) -> None:
    """Deliveries are signed with a secret per follow. A store that gained the follows table in
    this same upgrade (created_all at version 5) has the column already."""
    if "secret" not in {c["name"] for c in inspect(conn).get_columns("follows")}:
        conn.exec_driver_sql("ALTER TABLE follows ADD COLUMN secret TEXT")


def _v10_packed_states(conn: Connection) -> None:
    """States are packed bytes, no longer JSON text. They are derived from the stored articles'
    features, and a store of the older layout has them rebuilt when placement opens it, so the
    table is made afresh (with its postings, which are rebuilt with it) rather than converted."""
    for table in (story_keys, story_state):
        table.drop(conn, checkfirst=True)
    metadata.create_all(conn, tables=[story_state, story_keys])
    conn.execute(meta.delete().where(meta.c.key == "placement_index"))


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: lambda conn: metadata.create_all(conn, tables=[articles]),
    2: lambda conn: metadata.create_all(conn, tables=V2_TABLES),
    3: lambda conn: metadata.create_all(conn, tables=[story_cache]),
    4: _v4_full_text,
    5: lambda conn: metadata.create_all(conn, tables=V5_TABLES),
    6: lambda conn: (metadata.create_all(conn, tables=V6_TABLES), _pg_full_text(conn)),
    7: lambda conn: metadata.create_all(conn, tables=[story_moves]),
    8: lambda conn: _v8_follow_secrets(conn),
    # filled from the stories and signatures already stored when placement first opens the store
    9: lambda conn: metadata.create_all(conn, tables=[story_state, story_keys, minhash_buckets]),
    10: _v10_packed_states,
    11: lambda conn: metadata.create_all(conn, tables=[article_revisions, revisions_pending]),
}
SCHEMA_VERSION = max(MIGRATIONS)
# Steps that SQLAlchemy tables cannot express (virtual tables), run on new databases too.
CREATE_EXTRA: list[Callable[[Connection], None]] = [_v4_full_text, _pg_full_text]
