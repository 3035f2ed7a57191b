"""The one error type readers raise for input they cannot turn into an article."""


class InputError(ValueError):
    """Bad input, with a one-line reason; the caller adds the file (and line)."""
