"""Whom an article names as its source: "according to Reuters", "apnews.com
reported", "told Yonhap", "Refrence From: www.ndtv.com".

Outlet citations feed provenance (an article that cites another is not an
independent witness); other attributions ("according to South Korean
intelligence") are kept for the claims they support.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from ..records import Citation, Sentence
from .outlets import normalize_outlet, outlet_index

_NAME = r"(?:[A-Z][\w&'’.!-]*|\d+)(?:\s+(?:(?:of|for|and|&|the|de|la)\s+)?(?:[A-Z][\w&'’.!-]*|\d+)){0,5}"
_DOMAIN = r"(?:https?://)?(?:www\.)?(?:[a-z0-9-]+\.)+[a-z]{2,}"
_SOURCE = rf"(?P<source>(?:the\s+)?{_NAME}|{_DOMAIN})"
_REPORT_VERBS = r"(?:reported|reports|noted|notes|wrote|writes|said|says|added|confirmed|revealed|quoted|stated|observed|cited)"
_PARTICIPLES = r"(?:reported|noted|highlighted|discussed|stated|cited|published|first reported|quoted|told)"
_EVIDENCE_NOUNS = (r"(?:analysis|assessments?|projections?|reports?|reporting|figures|data|estimates?|"
                   r"calculations|findings|a report|an analysis|a statement)")
# Lower-case sources worth keeping: groups of people or institutions, not
# "according to the agreement".
_COLLECTIVE = re.compile(
    r"\b(?:media|officials?|intelligence|police|authorities|sources?|ministry|spokes(?:man|woman|person)|"
    r"government|agency|experts?|analysts?|witnesses|residents|military|army|prosecutors?|investigators|"
    r"rescuers|doctors|hospital|observers|diplomats|lawmakers)\b", re.I)

_PATTERNS = [
    # "Reference from: www.ndtv.com", "Source: Reuters", "Via AP" -- a line of its own
    re.compile(rf"^\s*(?:re(?:f)?(?:e)?rr?ence[sd]?\s+from|source[sd]?|via|originally published (?:by|in|at)|"
               rf"first published (?:by|in|at)|courtesy(?: of)?)\s*:?\s*{_SOURCE}\s*\.?\s*$", re.I),
    # "apnews.com reported, ..." opening a sentence
    re.compile(rf"^\s*(?P<source>{_DOMAIN})\s+{_REPORT_VERBS}\b", re.I),
    # "according to South Korean intelligence": a name followed by who in it spoke
    re.compile(rf"\baccording to\s+(?:{_EVIDENCE_NOUNS}\s+(?:by|from|of|in)\s+)?(?P<source>(?:the\s+)?{_NAME}"
               rf"\s+(?:intelligence|officials|media|sources|authorities|police|government|military|analysts|"
               rf"experts|prosecutors|investigators)(?:\s+(?:sources|officials|agencies|reports))?)\b"),
    re.compile(rf"\baccording to\s+(?:{_EVIDENCE_NOUNS}\s+(?:by|from|of|in)\s+)?{_SOURCE}"),
    re.compile(rf"\bas\s+{_PARTICIPLES}\s+(?:by|in)\s+{_SOURCE}"),
    re.compile(rf"\b(?:{_PARTICIPLES}|cited|citing|quoting)\s+(?:by\s+)?{_SOURCE}"),
    re.compile(rf"\b(?:told|in an interview with|speaking to|in a statement to)\s+{_SOURCE}"),
    re.compile(rf"{_SOURCE}\s+{_REPORT_VERBS}\b"),
    # wire-style credit: "KESSWICK (Meridian Wire) --"
    re.compile(rf"^[A-Z][A-Z .'-]+\s*\((?P<source>{_NAME})\)\s*[-–—]"),
    # lower-case collective sources: "according to state media sources"
    re.compile(r"\baccording to\s+(?P<source>(?:the\s+)?[a-z][a-z -]{2,60}?)(?=[,.;:]|\s+(?:in|on|that|who|and)\b|$)"),
]
_STOP_SOURCES = {"he", "she", "they", "it", "this", "that", "these", "those", "officials", "the", "we", "i",
                 "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


def extract_citations(text: str, sentences: Sequence[Sentence],
                      known_outlets: Mapping[str, str] | Iterable[str] = ()) -> list[Citation]:
    """Every attribution in the article, with the cited name normalized. `known_outlets`:
    stored outlet names, or their outlet_index (cheaper for many articles)."""
    known = known_outlets if isinstance(known_outlets, Mapping) else outlet_index(known_outlets)
    found: list[Citation] = []
    for sentence in sentences:
        taken: list[tuple[int, int]] = []
        for pattern in _PATTERNS:
            for match in pattern.finditer(sentence.text):
                start, end = match.span("source")
                if any(start < e and s < end for s, e in taken):
                    continue
                raw = sentence.text[start:end].strip()
                trimmed = len(raw) - len(raw.rstrip(".,;:"))
                end -= trimmed
                citation = _citation(raw, match, sentence, start, end, known)
                if citation:
                    taken.append((start, end))
                    found.append(citation)
    return found


def _citation(raw, match, sentence, start, end, known) -> Citation | None:
    raw = raw.rstrip(".,;:")
    if not raw or raw.lower() in _STOP_SOURCES:
        return None
    source, is_outlet = normalize_outlet(raw, known)
    if not is_outlet:
        lowered = raw[0].islower()
        if lowered and not _COLLECTIVE.search(raw):
            return None
        # "Putin said" is a quote, not a citation; keep people only when the
        # phrase is explicitly one of sourcing ("according to", "told").
        if "accord" not in match.group(0).lower() and not lowered:
            return None
        source = re.sub(r"^the\s+", "", source, flags=re.I)
    phrase_end = end if match.end() == match.end("source") else match.end()
    phrase = sentence.text[match.start():phrase_end]
    lead = len(phrase) - len(phrase.lstrip())
    return Citation(sentence=sentence.index, start=sentence.start + match.start() + lead,
                    end=sentence.start + phrase_end, text=phrase.strip(), source=source,
                    kind="outlet" if is_outlet else "other")


# Who a sentence quotes: "the Veyrland Coast Guard said", "Zelenskyy, on recent note, disclosed",
# "said Commander Aldo Brennick", "officials told reporters". A figure given this way names
# its source even when no outlet is credited; "it is believed", "reports indicate" name none.
_SPEECH = (r"(?:said|says|told|tells|stated|states|announced|announces|disclosed|discloses|confirmed|confirms|"
           r"reported|reports|estimated|estimates|added|adds|claimed|claims|warned|warns|wrote|writes|noted|"
           r"explained|insisted|acknowledged|admitted|testified|estimated)")
_COLLECTIVE_SPEAKERS = (r"(?i:(?:the\s+|a\s+)?(?:[a-z]+\s+)?(?:company|ministry|government|council|agency|army|"
                        r"military|police|court|authorities|officials?|spokes(?:man|woman|person)|witnesses|"
                        r"experts|analysts|residents|survivors|rescuers|investigators|prosecutors|doctors|hospital|"
                        r"guard|service|department|office|board|commission|firefighters|officers|operator|union|"
                        r"mayor|minister|president|governor|chief|commissioner|coach|director|secretary|"
                        r"senator|judge|sheriff|captain|manager|owner|teacher|neighbou?r|relative|father|mother))")
_SPEAKER = re.compile(
    rf"(?P<who>\b[A-Z][\w'’.-]+(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'’.-]+)*|\b(?:he|she|they)\b|{_COLLECTIVE_SPEAKERS})"
    rf"(?:,[^,]{{1,60}},)?\s+(?:has\s+|have\s+|had\s+)?(?:also\s+)?{_SPEECH}\b")
_SAID_BY = re.compile(rf"\b{_SPEECH}\s+(?P<who>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)*)")
_ACCORDING_TO = re.compile(r"(?i:\baccording to)\s+(?P<who>[^,.;:()]{3,80})")
# "assessments by the Institute for the Study of War": who, not the kind of evidence
_EVIDENCE_BY = re.compile(r"^(?i:(?:an?\s+|the\s+)?(?:analysis|analyses|assessments?|projections?|reports?|"
                          r"reporting|estimates?|figures|data|findings|calculations|a statement)\s+(?:by|from|of)\s+)")
_NOT_SPEAKERS = {"it", "this", "that", "there", "what", "which", "who"}


def named_sources(text: str, known_outlets: Mapping[str, str] | Iterable[str] = ()) -> tuple[str, ...]:
    """Whom one sentence gives as the source of what it says: its citations, and who it quotes
    as saying it. Empty when it names none."""
    sentence = Sentence(index=0, start=0, end=len(text), text=text, paragraph=0)
    found = [c.source for c in extract_citations(text, [sentence], known_outlets)]
    for pattern in (_SPEAKER, _SAID_BY, _ACCORDING_TO):
        for match in pattern.finditer(text):
            who = _EVIDENCE_BY.sub("", match.group("who").strip().rstrip(".!?\"”'’"))
            who = re.sub(r"^(?i:the|a)\s+", "", who)
            if who.lower() in _NOT_SPEAKERS or any(_overlaps(who, name) for name in found):
                continue
            found.append(who)
    return tuple(dict.fromkeys(found))


def _overlaps(a: str, b: str) -> bool:
    """One name within the other ("Yonhap", "Yonhap News Agency"): the same source named twice."""
    a, b = a.casefold(), b.casefold()
    return a in b or b in a
