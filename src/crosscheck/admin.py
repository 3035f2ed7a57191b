"""Store administration behind the CLI: copying a store and creating discussion accounts.

The faces never touch the store themselves; these are the operations they ask for.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from .store import Store
from .store.copy import copy_store as _copy_rows
from .store.discussion import DiscussionStore


def copy_store(source_db: str | None, target_db: str,
               progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Copy every row of the store at `source_db` (which must exist) into the empty database
    `target_db`, ids and all; rows copied per table."""
    with Store(source_db, create=False) as source, Store(target_db) as destination:
        return _copy_rows(source, destination, progress=progress) if progress else _copy_rows(source, destination)


def create_user(db: str | None, username: str, password_hash: str, *, admin: bool, now: datetime) -> None:
    """A discussion account; errors.Conflict (UsernameTaken) when the name is taken."""
    store = Store(db)
    try:
        DiscussionStore(store.engine).create_user(username, password_hash, now=now, is_admin=admin)
    finally:
        store.close()
