"""The errors crosscheck raises on purpose, and what each means to a user.

Every face maps them here and nowhere else: the CLI to an exit code
(`exit_code`), the web app and REST API to an HTTP status (`http_status`).
A stage raises the most specific one with a one-line message naming the file,
field or address at fault.
"""

from __future__ import annotations


class CrosscheckError(Exception):
    """Something a user can act on; the message says what and where."""

    http_status = 500


class NotFound(CrosscheckError, LookupError):
    """No such story, article, follow or store."""

    http_status = 404


class BadInput(CrosscheckError, ValueError):
    """Input that cannot be used: a file, a field, a URL, a date."""

    http_status = 422


class ForbiddenAddress(BadInput):
    """A URL whose address is not allowed (loopback, private, link-local, not http(s))."""

    http_status = 403


class FetchFailed(CrosscheckError):
    """A page, feed or webhook did not answer as it should."""

    http_status = 502


class Conflict(BadInput):
    """The request clashes with what is stored (a username already taken)."""

    http_status = 409


class StoreError(CrosscheckError, RuntimeError):
    """The database cannot be opened or used; the message says which and why."""

    http_status = 503


def exit_code(error: BaseException) -> int:
    """The CLI's exit status for an error: 2 for a usage error (bad input on the command
    line is reported by Typer itself), 1 for every failed operation."""
    return 1 if isinstance(error, (CrosscheckError, OSError)) else 2


def http_status(error: BaseException) -> int:
    return error.http_status if isinstance(error, CrosscheckError) else 500
