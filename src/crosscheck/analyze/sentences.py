"""Sentence splitting: blingfire, plus repairs for abbreviations news copy uses.

blingfire splits after "Mr." or the "S." of "S. Korea"; those splits are
undone here. Sentences never cross a paragraph (line) boundary.
"""

from __future__ import annotations

import re

import blingfire

from ..records import Sentence

# Words that, with a full stop, almost never end a sentence.
_NEVER_FINAL = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "capt", "sgt", "maj", "adm", "gov", "sen", "rep",
    "prof", "rev", "hon", "pres", "st", "mt", "ft", "no", "nos", "vs", "approx", "est", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "vol", "ave",
    "blvd", "dept", "univ", "corp", "inc", "co", "ltd", "jr", "sr", "e.g", "i.e", "cf", "al",
}
_LAST_TOKEN = re.compile(r"(\S+)\.$")
_INITIAL = re.compile(r"^(?:[A-Z]|[A-Z]\.[A-Z])$")  # "S." of "S. Korea", "J." of "John J. Smith"
_TIME_ABBREV = re.compile(r"\b[ap]\.\s?m\.$", re.I)


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    offset = 0
    for paragraph, line in enumerate(text.split("\n")):
        if line.strip():
            for start, end in _repair(line, _blingfire_spans(line)):
                sentences.append(Sentence(index=len(sentences), start=offset + start, end=offset + end,
                                          text=line[start:end], paragraph=paragraph))
        offset += len(line) + 1
    return sentences


def _blingfire_spans(line: str) -> list[tuple[int, int]]:
    _, offsets = blingfire.text_to_sentences_and_offsets(line)
    return [(start, end) for start, end in offsets if line[start:end].strip()]


def _repair(line: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and _joins_next(line[merged[-1][0]:merged[-1][1]], line[span[0]:span[1]]):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def _joins_next(previous: str, following: str) -> bool:
    match = _LAST_TOKEN.search(previous)
    if not match:
        return False
    token = match.group(1).lstrip("(\"'“")
    if token.lower() in _NEVER_FINAL or _INITIAL.match(token):
        return True
    # "7:15 a. m. Dec. 7" -- a time abbreviation followed by more of the date
    return bool(_TIME_ABBREV.search(previous)) and following[:1].isdigit()
