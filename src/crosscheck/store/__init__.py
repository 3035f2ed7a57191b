"""Persistence at the edge of the pipeline: stages never import this package."""

from .db import DEFAULT_DB, ENV_VAR, Store, StoreError, resolve_db_url
from .schema import SCHEMA_VERSION, story_key

__all__ = ["DEFAULT_DB", "ENV_VAR", "SCHEMA_VERSION", "Store", "StoreError", "resolve_db_url", "story_key"]
