"""Identity of an article: canonical URL and normalized-text hash.

Two inputs are the same article when they share a canonical URL or the same
normalized text; these functions define "same" for the store's unique keys.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|ref|ref_src|cmpid|ocid|smid)$", re.I)
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def canonical_url(url: str | None) -> str | None:
    """Lower-case host, https, no www., no fragment, no tracking parameters."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # "http://[::1", "http://host:99999": malformed, so no canonical form
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    if parts.netloc.rpartition("@")[2].startswith("["):
        host = f"[{host}]"  # an IPv6 literal keeps its brackets: "https://::1:8080/" is no URL
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING_PARAMS.match(k)))
    path = parts.path.rstrip() or "/"  # a space before "?" ("/a ?b=1") outlives the strip() above
    if len(path) > 1:
        path = path.rstrip("/")
    return urlunsplit(("https", host, path, query, ""))


def clean_text(text: str) -> str:
    """Unicode-normalize, unify line endings and trim each paragraph."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    # NUL is not text and PostgreSQL refuses it; it gets here past the binary sniff of
    # a file's first 8 kB, or from a JSON "\u0000".
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\x00", "")
    paragraphs = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(p for p in paragraphs if p)


def normalized_for_identity(text: str) -> str:
    """The form two copies of one article share despite typography and spacing."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return _SPACE.sub(" ", text).strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalized_for_identity(text).encode("utf-8")).hexdigest()


_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "with", "was", "on", "as", "by", "has", "have"},
    "de": {"der", "die", "und", "das", "den", "nicht", "ist", "mit", "von", "sich", "auf", "für", "ein", "eine"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "dans", "pour", "qui", "que", "du", "sur", "pas"},
    "es": {"el", "la", "los", "las", "y", "que", "del", "en", "por", "una", "con", "para", "es", "se"},
    "it": {"il", "di", "che", "la", "e", "per", "una", "del", "della", "sono", "con", "non", "gli", "le"},
    "nl": {"de", "het", "een", "en", "van", "dat", "niet", "met", "voor", "zijn", "op", "ook", "aan"},
    "pt": {"o", "os", "da", "do", "que", "em", "uma", "para", "com", "não", "dos", "das", "foi"},
}
_WORD = re.compile(r"[^\W\d_]+")


def guess_language(text: str) -> str | None:
    """A stopword vote: enough to tell English from the other big Latin-script languages.

    Returns None when the text is too short or no language clearly wins; the
    analysis stages are English-first and use this to skip what they cannot read.
    """
    words = [w.casefold() for w in _WORD.findall(text[:5000])]
    if len(words) < 20:
        return None
    if sum(1 for ch in text[:2000] if "\u0400" <= ch <= "\u04ff") > 200:
        return "ru"
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    lang, best = max(scores.items(), key=lambda kv: kv[1])
    return lang if best / len(words) >= 0.08 else None
