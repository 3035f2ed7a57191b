"""Faces on the web: server-rendered pages and the REST API (see app.py)."""

from .app import create_app

__all__ = ["create_app"]
