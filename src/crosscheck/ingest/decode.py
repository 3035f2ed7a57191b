"""Bytes to text: size cap, binary detection and charset detection.

Every reader goes through here, so a binary, empty, oversized or undecodable
file is rejected the same way whatever its extension claims.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import InputError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
# Control characters other than tab, newline, carriage return and form feed
# do not occur in text; many of them mean the bytes are not text at all.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def read_capped(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    size = path.stat().st_size
    if size == 0:
        raise InputError("empty file")
    if size > max_bytes:
        raise InputError(f"file too large ({size:,} bytes; the limit is {max_bytes:,})")
    return path.read_bytes()


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS[:2] + _BOMS[3:]):
        return False  # UTF-16/32 text is full of NUL bytes by design
    if b"\x00" in head:
        return True
    controls = sum(head.count(bytes([c])) for c in _CONTROL)
    return controls > max(8, len(head) // 100)


def decode_text(data: bytes, *, html: bool = False) -> str:
    """Decode bytes whose charset is unknown; raise InputError if they are not text."""
    if not data.strip():
        raise InputError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(f"undecodable text ({encoding} BOM but {exc.reason})") from exc
    if looks_binary(data):
        raise InputError("binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and not data[:exc.start].isascii():
            # UTF-8 (its other characters say so) cut inside its last character, as a
            # capped download or a truncated copy is: only that character is lost, while
            # detection would read the whole text in some other charset
            return data[:exc.start].decode("utf-8")
    if html:
        declared = _HTML_CHARSET.search(data[:4096])
        if declared:
            try:
                return data.decode(declared.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong declaration is common; fall back to detection
    best = _best_guess(data)
    if best is None or best.encoding is None:
        raise InputError("undecodable text: not UTF-8 and no charset could be detected")
    text = str(best)
    if _mostly_garbage(text):
        raise InputError(f"undecodable text: detected {best.encoding} but the result is not readable")
    return text


# When the detector cannot separate candidates (plain Latin text often decodes
# identically in several code pages), prefer the encodings the web actually uses.
_PREFERRED = ("cp1252", "latin_1", "iso8859_15", "cp1251", "koi8_r", "shift_jis", "gb18030", "euc_kr")


def _best_guess(data: bytes):
    matches = list(from_bytes(data))
    if not matches:
        return None
    top = matches[0]
    tied = [m for m in matches
            if m.chaos <= top.chaos + 0.005 and m.coherence >= top.coherence - 0.005]
    return min(tied, key=lambda m: _PREFERRED.index(m.encoding) if m.encoding in _PREFERRED else len(_PREFERRED))


def _mostly_garbage(text: str) -> bool:
    sample = text[:4000]
    if not sample:
        return True
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in sample)
    if printable / len(sample) < 0.9:
        return True
    # Text in any script with word spacing has a space every few dozen characters;
    # CJK text has none but is made of ideographs and kana.
    spaces = sum(ch.isspace() for ch in sample)
    ideographs = sum("\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in sample)
    return len(sample) > 200 and spaces < len(sample) / 40 and ideographs < len(sample) / 2
