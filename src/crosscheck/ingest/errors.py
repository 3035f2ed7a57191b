"""The one error type readers raise for input they cannot turn into an article."""

from ..errors import BadInput


class InputError(BadInput):
    """Bad input, with a one-line reason; the caller adds the file (and line)."""
