"""Copy a whole store to another database: how a newsroom moves from a laptop's SQLite to a
shared PostgreSQL (or takes a PostgreSQL store home), keeping every id, so story links,
comments and follows stay valid."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select, text

from .db import Store, StoreError
from .schema import meta, metadata

BATCH = 2000
# Keys of `meta` that belong to the database itself, not to what is stored in it.
OWN_KEYS = {"schema_version"}


def copy_store(source: Store, target: Store,
               progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Every row of every table of `source` into `target`, which must hold nothing yet; rows
    copied per table. One transaction on the target: a failed copy leaves it empty."""
    if source.schema_version() != target.schema_version():
        raise StoreError(f"{source.url} is at schema version {source.schema_version()} and {target.url} at "
                         f"{target.schema_version()}; open both with this crosscheck first")
    tables = [t for t in metadata.sorted_tables if t is not meta]
    with target.engine.connect() as conn:
        occupied = [t.name for t in tables if conn.execute(select(func.count()).select_from(t)).scalar()]
    if occupied:
        raise StoreError(f"{target.url} is not empty (it has rows in {', '.join(occupied)}); "
                         f"copy into a new database")
    copied: dict[str, int] = {}
    with source.engine.connect() as reader, target.engine.begin() as writer:
        own = {row.key for row in writer.execute(select(meta.c.key))} | OWN_KEYS
        rows = [dict(r._mapping) for r in reader.execute(select(meta)) if r.key not in own]
        if rows:
            writer.execute(meta.insert(), rows)
        for table in tables:
            total = reader.execute(select(func.count()).select_from(table)).scalar()
            done = 0
            # in key order, streamed: a store of millions of rows never sits in memory at once
            result = reader.execution_options(stream_results=True, yield_per=BATCH).execute(
                select(table).order_by(*table.primary_key.columns))
            for batch in result.partitions(BATCH):
                writer.execute(table.insert(), [dict(r._mapping) for r in batch])
                done += len(batch)
                if progress:
                    progress(table.name, done, total)
            copied[table.name] = done
        _after_copy(writer)
    return copied


def _after_copy(conn) -> None:
    """What the database keeps beside the rows: PostgreSQL's id sequences (rows came with their
    ids, so the next id handed out must come after them) and SQLite's search index."""
    if conn.dialect.name == "postgresql":
        for table in metadata.sorted_tables:
            key = list(table.primary_key.columns)
            if len(key) == 1 and key[0].autoincrement is True:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key[0].name}'), "
                                  f"coalesce(max({key[0].name}), 1), max({key[0].name}) IS NOT NULL) "
                                  f"FROM {table.name}"))
        # statistics for the planner now, not when autovacuum gets round to the new rows
        conn.exec_driver_sql("ANALYZE")
    else:
        conn.exec_driver_sql("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
