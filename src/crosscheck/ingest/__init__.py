"""Ingest: sources (files now; URLs and feeds later) to Article records."""

from .errors import InputError
from .files import READERS, ReadOptions, discover, make_article, read_file

__all__ = ["InputError", "READERS", "ReadOptions", "discover", "make_article", "read_file"]
