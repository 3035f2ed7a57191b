"""Named entities: who, which organisations and which places an article names.

Story clustering and claim alignment compare entities across outlets, so the
canonical name matters more than the label: "DPRK", "North Korean" and
"Pyongyang" must all come out as "North Korea", and "Putin" two paragraphs
after "President Vladimir Putin" as "Vladimir Putin".

No statistical model can be assumed here, so the default recognizer works from
capitalization, gazetteers (gazetteer.py, pycountry) and cue words. When spaCy
and an English model are installed, `get_recognizer()` uses the model for
finding spans and the same gazetteers and in-article linking for naming them.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Protocol, Sequence, runtime_checkable

from ..records import EntityMention, Sentence
from . import gazetteer as gz

PERSON, ORG, GPE, MISC = "PERSON", "ORG", "GPE", "MISC"

__all__ = [
    "EntityRecognizer", "RuleEntityRecognizer", "SpacyEntityRecognizer", "RecognizerUnavailable",
    "get_recognizer", "canonical_key",
]


class RecognizerUnavailable(RuntimeError):
    """The requested recognizer cannot run on this machine (e.g. spaCy is not installed)."""


@runtime_checkable
class EntityRecognizer(Protocol):
    name: str

    def recognize(self, text: str, sentences: Sequence[Sentence]) -> list[EntityMention]: ...


# --- normalization ---------------------------------------------------------------

_POSSESSIVE = re.compile(r"['’]s\b|(?<=s)['’](?!\w)")
_APOSTROPHES = re.compile(r"['’‘`]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def canonical_key(name: str) -> str:
    """The form two spellings of one name share: "Kim Jong-un" and "Kim Jong Un" -> "kim jong un".

    Folds accents, case, hyphens, full stops ("U.S." -> "us"), apostrophes and
    possessives, and a leading "the". It does not resolve aliases ("DPRK" and
    "North Korea" keep different keys); recognizers do that through canonical names.
    """
    if name.isascii():
        if name.isalnum():
            return name.lower()
    else:
        name = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    key = _POSSESSIVE.sub("", name.lower())
    key = _APOSTROPHES.sub("", key).replace(".", "").replace("&", " and ")
    key = _NON_ALNUM.sub(" ", key).strip()
    if key.startswith("the ") and len(key) > 4:
        key = key[4:]
    return key


def _fold_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


# --- lexicon ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    canonical: str
    label: str
    demonym: bool = False


@dataclass(slots=True)
class _Lexicon:
    phrases: dict[str, _Entry] = field(default_factory=dict)  # canonical_key -> entry
    acronyms: dict[str, _Entry] = field(default_factory=dict)  # "US", "NATO": matched only in capitals
    exact: dict[str, _Entry] = field(default_factory=dict)  # "Calif.": matched only as written
    places: dict[str, str] = field(default_factory=dict)  # key of every country/region canonical -> canonical
    max_tokens: int = 1

    def add(self, alias: str, entry: _Entry) -> None:
        letters = alias.replace(".", "")
        if " " not in alias and letters.isalpha() and letters.isupper() and len(letters) >= 2:
            self.acronyms.setdefault(letters, entry)
            return
        key = canonical_key(alias)
        if key:
            self.phrases.setdefault(key, entry)
            self.max_tokens = max(self.max_tokens, key.count(" ") + 1)


def _country_names() -> dict[str, tuple[str, list[str]]]:
    """alpha-3 -> (canonical, aliases) from pycountry; empty when it is not installed."""
    try:
        import pycountry
    except ImportError:  # the hand table still covers the countries news copy names most
        return {}
    names: dict[str, tuple[str, list[str]]] = {}
    for country in pycountry.countries:
        official = getattr(country, "official_name", None)
        common = getattr(country, "common_name", None)
        aliases = [n for n in (country.name, official, common) if n and not any(c in n for c in ",()")]
        canonical = common or (country.name if "," not in country.name and "(" not in country.name else None)
        names[country.alpha_3] = (canonical or (aliases[0] if aliases else country.name), aliases)
    return names


def _subdivision_names() -> list[str]:
    try:
        import pycountry
    except ImportError:
        return []
    names = []
    for code in gz.SUBDIVISION_COUNTRIES:
        for sub in pycountry.subdivisions.get(country_code=code) or ():
            if sub.name not in gz.DROPPED_SUBDIVISIONS and "," not in sub.name:
                names.append(_fold_accents(sub.name))
    return names


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    lex = _Lexicon()
    # People and organisations first: their multi-word aliases must win over a
    # place of the same spelling ("Wall Street Journal" vs "Wall Street").
    for canonical, *rest in gz.PERSON_ROWS:
        entry = _Entry(canonical, PERSON)
        for alias in [canonical, *gz.items(rest[0] if rest else "")]:
            lex.add(alias, entry)
    for canonical, *rest in gz.ORG_ROWS:
        entry = _Entry(canonical, ORG)
        aliases = gz.items(rest[0]) if rest else []
        acronyms = gz.items(rest[1]) if len(rest) > 1 else []
        for alias in [canonical, *aliases]:
            lex.add(alias, entry)
        for acronym in acronyms:
            lex.acronyms.setdefault(acronym.replace(".", ""), entry)

    pycountry_names = _country_names()
    hand_rows = {row[0]: row for row in gz.COUNTRY_ROWS}
    for alpha3 in sorted(set(pycountry_names) | set(hand_rows)):
        row = hand_rows.get(alpha3, [alpha3, "", "", "", ""]) + ["", "", "", ""]
        py_canonical, py_aliases = pycountry_names.get(alpha3, ("", []))
        canonical = row[1] or py_canonical
        if not canonical:
            continue
        entry = _Entry(canonical, GPE)
        demonym = _Entry(canonical, GPE, demonym=True)
        lex.places[canonical_key(canonical)] = canonical
        for alias in [canonical, *gz.items(row[2]), *py_aliases, *gz.items(row[4])]:
            if alias not in gz.DROPPED_COUNTRY_ALIASES:
                lex.add(alias, entry)
        for alias in gz.items(row[3]):
            lex.add(alias, demonym)
    for canonical, *rest in gz.REGION_ROWS:
        rest += ["", ""]
        entry = _Entry(canonical, GPE)
        lex.places[canonical_key(canonical)] = canonical
        for alias in [canonical, *gz.items(rest[0])]:
            lex.add(alias, entry)
        for alias in gz.items(rest[1]):
            lex.add(alias, _Entry(canonical, GPE, demonym=True))
    for name in _subdivision_names():
        lex.add(name, _Entry(name, GPE))
    for abbreviation, state in gz.STATE_ABBREVIATIONS.items():
        lex.exact[abbreviation] = _Entry(state, GPE)
    return lex


# --- word lists used by the rules ------------------------------------------------

_STOP = gz.STOP_WORDS
_FUNCTION_WORDS = gz.FUNCTION_WORDS
_ABBREVIATIONS = gz.ABBREVIATIONS
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_TITLE_WORDS = gz.TITLE_WORDS
_TITLE_HEADS = gz.TITLE_HEADS
_ORG_HEADS = gz.ORG_HEADS
_ORG_PREFIX_HEADS = gz.ORG_PREFIX_HEADS
_PLACE_SUFFIXES = gz.PLACE_SUFFIXES
_PLACE_PREFIXES = gz.PLACE_PREFIXES
_MISC_HEADS = gz.MISC_HEADS
_MISC_PREFIX_HEADS = gz.MISC_PREFIX_HEADS
_NAME_HEAD_WORDS = _ORG_HEADS | _PLACE_SUFFIXES | _MISC_HEADS
_OF_CONNECTORS = frozenset({"of", "for", "on", "upon"})
_GIVEN = gz.GIVEN_NAMES
_DEMONYM_SUFFIXES = ("ians", "ian", "ans", "an", "ese", "ish", "is", "i", "ers", "er", "ns", "n")
# "a call from Matt Smith", "into Betty Ford": places for one word, rarely for a full name.
_PERSON_PREPOSITIONS = frozenset({"from", "into", "via", "toward", "towards"})
# Against words not known to be places only the unmistakable endings count.
_STRICT_DEMONYM_SUFFIXES = ("ians", "ian", "ans", "an", "ese", "is", "i")

# --- tokens ----------------------------------------------------------------------

_WORD = re.compile(
    r"(?P<acr>(?:[A-Z]\.){2,})"  # U.S.  D.P.R.K.
    r"|[^\W_]\w*(?:['’][^\W\d_]+)*(?:[-‐‑–][^\W_]\w*(?:['’][^\W\d_]+)*)*(?:(?<=s)['’](?!\w))?"
)
_HYPHEN_PARTS = re.compile(r"[^-‐‑–]+")
_PERSON_AFTER = re.compile(r",\s+(?:who\b|\d{1,3},)")


@dataclass(slots=True)
class _Unit:
    """One word of a sentence, or one capitalized part of a hyphenated word."""

    start: int
    end: int  # excludes a possessive "'s"
    text: str
    key: str
    cap: bool  # can be part of a name
    acr: bool
    poss: bool
    hyph: bool  # joined to the previous unit by a hyphen
    joined: bool  # only spaces (or a hyphen) since the previous unit
    conn: bool  # lower-case connector inside names: "of", "for", "the", "van"
    lower: str  # the word itself in lower case, for cue lookups
    full_end: int  # end including the possessive
    plural_poss: bool = False  # "Farmers'": inside an organisation's name, but ends a person's


def _units(text: str, start: int, end: int) -> list[_Unit]:
    """The words of text[start:end], with the parts of hyphenated words split where they are names."""
    units: list[_Unit] = []
    previous_end = start
    dropped_tail = False  # "Supermax-in Florence": the dropped "-in" separates the two names
    for match in _WORD.finditer(text, start, end):
        m_start, m_end = match.span()
        gap = text[previous_end:m_start]
        joined = bool(units) and (not gap or gap.isspace()) and "\n" not in gap and not dropped_tail
        dropped_tail = False
        previous_end = m_end
        token = match.group()
        if token.isalpha():  # the common case: no hyphen, apostrophe, digit or full stop to handle
            unit = _make_unit(text, m_start, m_end, joined, hyph=False)
            units.append(unit)
            if unit.cap and m_end < end and text[m_end] == "." and (len(token) == 1 or unit.lower in _ABBREVIATIONS):
                _extend(unit, text, m_end + 1)  # "N. Korea", "Mr.", "St."
                previous_end = m_end + 1
            continue
        if match.lastgroup == "acr":
            units.append(_Unit(m_start, m_end, token, token.replace(".", "").lower(), True, True,
                               False, False, joined, False, token.lower(), m_end))
            continue
        made = 0  # units made from this token so far
        particle_start: int | None = None
        for index, part in enumerate(_HYPHEN_PARTS.finditer(token)):
            p_start, p_end = m_start + part.start(), m_start + part.end()
            word = part.group()
            if word[0].isdigit():
                if made and units[-1].full_end == p_start - 1:  # "Hwasong-19"
                    _extend(units[-1], text, p_end)
                continue
            if index == 0 and word.lower() in gz.NAME_PARTICLES and len(word) <= 3 and part.end() < len(token):
                particle_start = p_start  # "al-Assad", "Al-Amin": the particle belongs to the next part
                continue
            if word[0].islower() and particle_start is None:
                if index == 0:
                    units.append(_make_unit(text, p_start, p_end, joined, hyph=False))
                    made += 1
                elif made and len(units) > 1 and units[-1].cap and not units[-1].acr and units[-1].joined \
                        and units[-2].cap and len(units[-1].text) <= 5 and _given_name_syllable(word) \
                        and units[-1].end == p_start - 1:
                    _extend(units[-1], text, p_end)  # "Kim Jong-un": a syllable of a given name
                else:
                    dropped_tail = True  # "Russian-backed": the rest is not part of a name
                    break
                continue
            u_start = p_start if particle_start is None else particle_start
            units.append(_make_unit(text, u_start, p_end, joined if not made else True, hyph=made > 0))
            made += 1
            particle_start = None
        if not made:
            dropped_tail = True  # "Davison (5th Doctor": a number between two names separates them
        elif units[-1].full_end == m_end and m_end < end and text[m_end] == "." and units[-1].cap \
                and units[-1].lower.rsplit("-", 1)[-1] in _ABBREVIATIONS:
            _extend(units[-1], text, m_end + 1)  # "Aoraki-Mt. Cook"
            previous_end = m_end + 1
    return units


def _extend(unit: _Unit, text: str, end: int) -> None:
    unit.full_end = end
    if text.endswith(("'s", "’s"), unit.start, end):  # "Jong-un's"
        end -= 2
        unit.poss = True
    unit.end = end
    unit.text = text[unit.start:end]
    unit.key = canonical_key(unit.text)


def _given_name_syllable(word: str) -> bool:
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    return len(word) <= 6 and word.isalpha() and word not in gz.HYPHEN_SUFFIXES and word not in _FUNCTION_WORDS


def _make_unit(text: str, start: int, end: int, joined: bool, hyph: bool) -> _Unit:
    word = text[start:end]
    if word.islower() and word.isalpha() and word.isascii():  # most words: nothing to normalize
        return _Unit(start, end, word, word, False, False, False, hyph, joined, word in gz.CONNECTORS, word, end)
    poss = False
    full_end = end
    if word.endswith(("'s", "’s")) and len(word) > 2:
        poss, end, word = True, end - 2, word[:-2]
    plural_poss = word.endswith(("s'", "s’"))
    if plural_poss:
        end, word = end - 1, word[:-1]
    lower = word.lower()
    head = word[0]
    letters = word.replace("'", "").replace("’", "")
    acr = len(letters) >= 2 and letters.isalpha() and letters.isupper()
    particle, _, rest = word.partition("-")
    cap = head.isupper() or (bool(rest) and particle.lower() in gz.NAME_PARTICLES and rest[:1].isupper())
    conn = not cap and lower in gz.CONNECTORS
    return _Unit(start, end, word, canonical_key(word), cap, acr, poss, hyph, joined, conn, lower, full_end,
                 plural_poss)


# --- candidates --------------------------------------------------------------------


@dataclass(slots=True)
class _Candidate:
    sentence: int
    start: int
    end: int
    label: str | None
    canonical: str | None
    kind: str  # "gaz" | "pattern" | "person" | "run" | "acronym" | "model"
    keys: tuple[str, ...] = ()
    display: str = ""
    weak: bool = False  # found in a heading: kept only if the body confirms it
    initial: bool = False  # first word of a sentence
    person_cue: bool = False
    place_cue: str = ""  # the word that says place: "in", "near", "region"
    demonym: bool = False
    given_first: bool = False
    acronym: str | None = None  # "(ISW)" right after this name
    bounds: tuple[tuple[int, int], ...] = ()  # each word's span, for cutting a heading's run short


@dataclass(slots=True)
class _Context:
    units: list[_Unit]
    lo: int  # chunk start index in units
    hi: int  # chunk end index (exclusive)
    sentence: Sentence
    text: str
    weak: bool
    shouting: bool


class RuleEntityRecognizer:
    """Capitalization, gazetteers and cue words; no model, no training data."""

    name = "rules"

    def __init__(self) -> None:
        self._lex = _lexicon()

    def recognize(self, text: str, sentences: Sequence[Sentence]) -> list[EntityMention]:
        if not sentences:
            if not text.strip():
                return []
            from .sentences import split_sentences
            sentences = split_sentences(text)
        candidates: list[_Candidate] = []
        for sentence in sentences:
            candidates.extend(self._sentence_candidates(text, sentence))
        return _finalize(candidates, text, self._lex)

    def _sentence_candidates(self, text: str, sentence: Sentence) -> list[_Candidate]:
        """Candidates from each run of capitalized words ("Institute for the Study of War" is one run)."""
        weak_spans = _heading_spans(text, sentence)
        upper, lower = sum(map(str.isupper, sentence.text)), sum(map(str.islower, sentence.text))
        shouting = upper + lower >= 12 and upper > 4 * lower  # an all-capitals line: acronyms mean nothing there
        units = _units(text, sentence.start, sentence.end)
        found: list[_Candidate] = []
        consumed = 0
        dateline = _dateline(text, sentence, units, self._lex)
        if dateline:
            found.extend(dateline[0])
            consumed = dateline[1]
        i = consumed
        n = len(units)
        while i < n:
            if not units[i].cap:
                i += 1
                continue
            j = i + 1
            while j < n and units[j].joined and (units[j].cap or (units[j].conn and _cap_follows(units, j))):
                j += 1
            weak = shouting or any(s <= units[i].start < e for s, e in weak_spans)
            ctx = _Context(units, i, j, sentence, text, weak, shouting)
            found.extend(self._segment(ctx))
            i = j
        return found

    def _segment(self, ctx: _Context) -> list[_Candidate]:
        """Cut one run of capitalized words into names.

        At each word: the longer of a gazetteer name and a name built on a head
        word ("... Coast Guard", "Lake ..."); else a title, which makes the next
        name a person; else a common word to skip; else a run of unknown words
        whose label the whole article decides later (`_finalize`).
        """
        units, lo, hi = ctx.units, ctx.lo, ctx.hi
        out: list[_Candidate] = []
        place_cue = _place_cue_before(ctx)
        role_cue = _role_cue_before(ctx)
        i = lo
        title_before = False
        while i < hi:
            unit = units[i]
            if unit.conn:
                i += 1
                continue
            # "Bill Gates", "Will Smith"; but a sentence opening "Will Kesswick recover?" asks a question
            given_name = unit.lower in _GIVEN and i + 1 < hi and self._unknown_name_word(ctx, i + 1)
            if unit.lower in _FUNCTION_WORDS and not unit.acr and not (given_name and not _is_initial(ctx, i)) \
                    and not _gazetteer_match(self._lex, units, i, hi, ctx):
                place_cue = unit.lower if unit.lower in gz.PLACE_PREPOSITIONS else ""
                role_cue = role_cue or (unit.lower == "by" and i == 0)  # a byline: "By Sam Oderin"
                i += 1
                continue
            initial = _is_initial(ctx, i)
            gaz = _gazetteer_match(self._lex, units, i, hi, ctx)
            pat = _pattern_match(units, i, hi, self._lex, ctx)
            if gaz and gaz[0] == 1 and unit.lower in _GIVEN and not gaz[1].demonym and not title_before \
                    and not place_cue and i + 1 < hi and self._unknown_name_word(ctx, i + 1):
                gaz = None  # "Jordan Peterson", "Paris Hilton": a given name that is also a place
            if gaz and (not pat or gaz[0] >= pat[0] or ctx.weak):
                length, entry = gaz
                if entry.demonym and i + length < hi and not units[i + length - 1].poss:
                    misc_end = self._demonym_phrase_end(units, i + length, hi, ctx)
                    if misc_end:  # "American Pie": a title led by a demonym names a work, not a country
                        out.append(_span_candidate(ctx, i, misc_end, MISC, "pattern", initial))
                        i = misc_end
                        continue
                cand = _span_candidate(ctx, i, i + length, entry.label, "gaz", initial)
                cand.canonical = entry.canonical
                cand.demonym = entry.demonym
                if entry.label == GPE and not entry.demonym:
                    _extend_with_descriptor(ctx, i + length, cand)
                if entry.label == PERSON:
                    cand.keys = _person_keys(entry.canonical)
                out.append(cand)
                i += length
                title_before, place_cue = False, ""
                continue
            if pat:
                length, label, kind = pat
                cand = _span_candidate(ctx, i, i + length, label, kind, initial)
                if kind != "pattern":  # the ship's or the state's own name: "Saltmarsh Dawn", "Kesh"
                    k = i + 1
                    while units[k].conn:
                        k += 1
                    cand.canonical = " ".join(ctx.text[units[k].start:cand.end].split())
                if label == GPE:
                    _extend_with_descriptor(ctx, i + length, cand)
                out.append(cand)
                i += length
                title_before, place_cue = False, ""
                continue
            title_end = _title_end(units, i, hi)
            if title_end:
                i = title_end
                title_before = True
                continue
            if (unit.lower in _STOP and not given_name) \
                    or (unit.acr and (unit.text.replace(".", "") in gz.ACRONYM_STOP or ctx.shouting)):
                end = self._common_word_name_end(ctx, i, initial)
                if end:  # "Internet Explorer": mid-sentence, a common word can open a name
                    out.append(_span_candidate(ctx, i, end, MISC, "run", initial))
                    i = end
                else:
                    i += 1
                place_cue = ""
                continue
            if len(unit.text) == 1 and i + 1 < hi and units[i + 1].hyph:
                i += 1  # the party letter of "(D-Wash.)"
                continue
            if initial and i + 1 < hi and units[i + 1].cap and units[i + 1].joined and len(unit.lower) > 4 \
                    and unit.lower.endswith(("ing", "ed", "ly")) and unit.lower not in _GIVEN:
                i += 1  # "Losing Thomas ...": a verb or adverb opening the sentence
                continue
            end = _run_end(self._lex, units, i, hi, ctx, allow_gazetteer=title_before or unit.lower in _GIVEN)
            if (end == i + 1 and (len(unit.text.rstrip(".")) == 1 or unit.text in _NAME_HEAD_WORDS
                                  or unit.lower in _ABBREVIATIONS)) \
                    or all(u.text in _TITLE_WORDS for u in units[i:end]):
                i += 1  # a lone initial, "E!", "St.", "Avenue" or "Minister" without a name
                continue
            person_cue = title_before or (role_cue and i == _first_name_index(ctx))
            cand = _span_candidate(ctx, i, end, None, "person" if person_cue else "run", initial)
            cand.person_cue = person_cue
            cand.place_cue = place_cue
            cand.given_first = unit.lower in _GIVEN
            if end == hi:
                _cues_after(ctx, cand)
            if unit.acr and end == i + 1:
                cand.kind = "acronym"
            out.append(cand)
            i = end
            title_before, place_cue = False, ""
        _mark_acronym_definitions(ctx, out)
        return out

    def _unknown_name_word(self, ctx: _Context, j: int) -> bool:
        """Whether units[j] could be a surname: capitalized, and no known or common word."""
        u = ctx.units[j]
        return u.cap and not u.conn and not u.acr and not u.hyph and u.lower not in _STOP \
            and u.text not in _NAME_HEAD_WORDS and not _gazetteer_match(self._lex, ctx.units, j, ctx.hi, ctx)

    def _common_word_name_end(self, ctx: _Context, i: int, initial: bool) -> int:
        """End of a name opened by a common word ("Internet Explorer"), or 0.

        Only mid-sentence and outside headings, where the capital letter is deliberate.
        """
        units, hi = ctx.units, ctx.hi
        unit = units[i]
        if initial or ctx.weak or unit.acr or unit.poss or unit.lower in _FUNCTION_WORDS or unit.text in _TITLE_WORDS:
            return 0
        nxt = i + 1
        if nxt >= hi or not units[nxt].cap or units[nxt].acr or units[nxt].lower in _STOP \
                or _gazetteer_match(self._lex, units, nxt, hi, ctx) or _pattern_match(units, nxt, hi, self._lex, ctx):
            return 0
        end = _run_end(self._lex, units, nxt, hi, ctx, allow_gazetteer=False)
        if any(u.text in _TITLE_WORDS for u in units[i:end]):
            return 0
        return end

    def _demonym_phrase_end(self, units: list[_Unit], i: int, hi: int, ctx: _Context) -> int:
        """End of "American Pie": capitalized words after a demonym that are not a title, name or place."""
        j = i
        while j < hi and units[j].cap and not units[j].acr:
            u = units[j]
            if u.lower in _STOP or u.text in _TITLE_WORDS or u.lower in _GIVEN or u.text in _NAME_HEAD_WORDS:
                break
            if _gazetteer_match(self._lex, units, j, hi, ctx):
                break
            j += 1
            if u.poss:
                break
        if j == i:
            return 0
        # a name-like head after the run means a pattern will claim it ("Russian Orthodox Church")
        if j < hi and units[j].text in _NAME_HEAD_WORDS:
            return 0
        return j


def _cap_follows(units: list[_Unit], j: int) -> bool:
    """Whether the connectors at j ("of", "for the") lead on to another capitalized word."""
    k = j
    while k < len(units) and units[k].conn and units[k].joined:
        k += 1
    return k < len(units) and k > j and units[k].cap and units[k].joined and k - j <= 2


def _first_name_index(ctx: _Context) -> int:
    for k in range(ctx.lo, ctx.hi):
        u = ctx.units[k]
        if not u.conn and u.lower not in _FUNCTION_WORDS:
            return k
    return ctx.lo


def _is_initial(ctx: _Context, i: int) -> bool:
    """Whether units[i] opens a sentence, a quote or what follows a colon: places where any word has a capital."""
    units = ctx.units
    if i == 0:
        return True
    if any(units[k].lower not in _FUNCTION_WORDS for k in range(ctx.lo, i) if not units[k].conn) and i > ctx.lo:
        return False
    lo = ctx.lo
    if lo == 0:
        return True
    gap = ctx.text[units[lo - 1].full_end:units[lo].start].strip()
    return bool(gap) and gap[-1] in ':"“‘([—–•*;'


def _gazetteer_match(lex: _Lexicon, units: list[_Unit], i: int, hi: int, ctx: _Context) -> tuple[int, _Entry] | None:
    """The longest gazetteer name starting at units[i], as (number of units, entry)."""
    first = units[i]
    if first.conn:
        return None
    top = min(hi - i, lex.max_tokens)
    for length in range(top, 1, -1):
        if units[i + length - 1].conn:
            continue
        entry = lex.phrases.get(" ".join(u.key for u in units[i:i + length]))
        if entry:
            return length, entry
    entry = lex.exact.get(first.text)
    if entry:
        return 1, entry
    if first.acr:
        acronym = first.text.replace(".", "")
        if not ctx.shouting:
            entry = lex.acronyms.get(acronym)
            if entry:
                return 1, entry
        if len(acronym) >= 4:
            entry = lex.phrases.get(first.key)
            return (1, entry) if entry else None
        return None
    entry = lex.phrases.get(first.key)
    return (1, entry) if entry else None


def _pattern_match(units: list[_Unit], i: int, hi: int, lex: _Lexicon | None = None,
                   ctx: _Context | None = None) -> tuple[int, str, str] | None:
    """Longest organisation, place or event name built around a head word at i."""
    first = units[i]
    word = first.text
    if word in gz.VESSEL_PREFIXES:  # "MV Orvanne Star" is a ship whatever its last word says
        j = _cap_run_end(units, i + 1, hi)
        return (j - i, MISC, "vessel") if j > i + 1 else None
    best: tuple[int, str, str] | None = None
    # suffix heads: "Veyrland Coast Guard", "Ardmoor Province", "Cold War"
    k = i
    crossed_and = False
    while k < hi and (units[k].cap or (units[k].lower == "and" and k > i and k + 1 < hi and units[k + 1].cap)):
        if units[k].conn:  # "Relief and Works Agency", but not "Dunmere and Callow Bridge"
            before = _gazetteer_match(lex, units, i, hi, ctx) if lex else None
            if best or lex is None or (before and i + before[0] == k) or _gazetteer_match(lex, units, k + 1, hi, ctx):
                break  # "Palmer Fire Department and ...", "U.S. and European Union"
            crossed_and = True
            k += 1
            continue
        if k > i and (units[k].lower in _FUNCTION_WORDS or _title_end(units, k, hi)):
            break  # "Lindsay Lohan Checks Into Betty Ford Clinic"; "Fulton County District Attorney Paul Howard"
        if k > i and units[k].text in _NAME_HEAD_WORDS and units[k].lower not in _FUNCTION_WORDS:
            label = _head_label(units[k].text)
            if label == ORG or not crossed_and:
                end = _of_extension(units, k + 1, hi, label) or k + 1
                best = (end - i, label, "pattern")
        if units[k].poss:
            break
        k += 1
    # prefix heads: "Department of Justice", "Republic of Kesh", "Lake Orvanne"
    label = None
    end = 0
    if word in _ORG_PREFIX_HEADS or word in _PLACE_PREFIXES or word in _MISC_PREFIX_HEADS \
            or word in gz.STATE_PREFIXES:
        label = ORG if word in _ORG_PREFIX_HEADS else (MISC if word in _MISC_PREFIX_HEADS else GPE)
        end = _of_extension(units, i + 1, hi, label)
    if not end and (word in _PLACE_PREFIXES or word in _MISC_PREFIX_HEADS) and not first.poss:
        j = _cap_run_end(units, i + 1, hi)
        if j > i + 1:
            end = j
            label = GPE if word in _PLACE_PREFIXES else MISC
    if end and label and (not best or end - i > best[0]):
        best = (end - i, label, "state" if word in gz.STATE_PREFIXES else "pattern")
    return best


def _cap_run_end(units: list[_Unit], j: int, hi: int) -> int:
    while j < hi and units[j].cap and not units[j].conn and units[j].lower not in _STOP:
        j += 1
        if units[j - 1].poss:
            break
    return j


def _head_label(word: str) -> str:
    if word in _ORG_HEADS:
        return ORG
    if word in _PLACE_SUFFIXES:
        return GPE
    return MISC


def _of_extension(units: list[_Unit], k: int, hi: int, label: str) -> int:
    """End of "of Justice" / "for the Study of War" after a head word, or 0."""
    if k >= hi or not units[k].conn or units[k].lower not in _OF_CONNECTORS or units[k - 1].poss:
        return 0
    if label == GPE and units[k].lower != "of":
        return 0  # "Gulf of Mexico", but not "National Park on New Zealand"
    k += 1
    if k < hi and units[k].lower == "the":
        k += 1
    end = 0
    while k < hi:
        u = units[k]
        if u.cap and u.lower not in _FUNCTION_WORDS:
            end = k + 1
            k += 1
            if u.poss:
                break
        elif u.conn and u.lower in ("of", "and", "for", "the") and k + 1 < hi and \
                (units[k + 1].cap or (units[k + 1].lower == "the" and u.lower != "and" and k + 2 < hi)):
            k += 1  # "for the Study of War", but not "of Justice and the Institute ..."
        else:
            break
    return end


def _title_end(units: list[_Unit], i: int, hi: int) -> int:
    """End of a title like "Transport Minister" when a name follows it, else 0."""
    j = i
    end = 0
    while j < hi and units[j].cap and not units[j].conn and j - i < 4:
        word = units[j].text
        if word in _TITLE_HEADS:
            end = j + 1
        elif word not in _TITLE_WORDS and not _open_title_follows(units, j, hi):
            break
        j += 1
    if not end:
        return 0
    if end < hi and units[end].cap and not units[end].conn and not units[end].acr \
            and units[end].lower not in _STOP and units[end].text not in _NAME_HEAD_WORDS:
        return end
    return 0


def _open_title_follows(units: list[_Unit], j: int, hi: int) -> bool:
    """ "Water Minister": an unlisted word is part of a title when a minister-like head follows."""
    for k in (j + 1, j + 2):
        if k < hi and units[k].cap and not units[k].conn:
            if units[k].text in gz.OPEN_TITLE_HEADS:
                return not units[j].acr and units[j].lower not in _FUNCTION_WORDS
            continue
        return False
    return False


def _run_end(lex: _Lexicon, units: list[_Unit], i: int, hi: int, ctx: _Context, allow_gazetteer: bool) -> int:
    """End of a run of name words starting at i: the unknown name to classify."""
    j = i
    while j < hi and j - i < 5:
        u = units[j]
        if u.conn or not u.cap:
            if u.conn and u.lower in gz.NAME_PARTICLES and j > i and j + 1 < hi and units[j + 1].cap \
                    and u.lower not in ("of", "for", "on", "the", "and"):
                j += 1  # "Ursula von der Leyen"
                continue
            break
        if j > i:
            if u.lower in _STOP and not (u.text in gz.MONTHS and units[i].lower in _GIVEN):
                break
            if u.text in _NAME_HEAD_WORDS or (u.acr and not _initials(u)) or (units[i].acr and not _initials(units[i])):
                break  # "WR Terrance Copper", "NBA Charlotte Bobcats"; but "J.J. Redick"
            if not allow_gazetteer and _gazetteer_match(lex, units, j, hi, ctx):
                break
            if u.text in _TITLE_WORDS and _title_end(units, j, hi):
                break  # "Valdorian President Ilsa Marrow"
        j += 1
        if u.poss or u.plural_poss:
            break
    return max(j, i + 1)


def _initials(unit: _Unit) -> bool:
    return unit.acr and "." in unit.text and len(unit.key) <= 3


def _span_candidate(ctx: _Context, i: int, j: int, label: str | None, kind: str, initial: bool) -> _Candidate:
    units = ctx.units
    start, end = units[i].start, units[j - 1].end
    return _Candidate(ctx.sentence.index, start, end, label, None, kind, keys=tuple(u.key for u in units[i:j]),
                      weak=ctx.weak, initial=initial, bounds=tuple((u.start, u.end) for u in units[i:j]))


def _extend_with_descriptor(ctx: _Context, j: int, cand: _Candidate) -> None:
    """Take "region" into "the Kursk region" (the canonical stays "Kursk")."""
    units = ctx.units
    if j == ctx.hi and j < len(units) and units[j].joined and units[j].lower in gz.ADMIN_DESCRIPTORS \
            and not units[j - 1].poss:
        cand.end = units[j].end


def _place_cue_before(ctx: _Context) -> str:
    units, lo = ctx.units, ctx.lo
    if lo == 0:
        return ""
    if not units[lo].joined:
        return ""
    # "in Dunmere", but not "in the Saints' game": a place after "the" needs a place noun
    # after it ("in the Ardmoor region"), which _cues_after looks for
    k = lo - 1
    prev = units[k]
    if prev.lower in gz.PLACE_PREPOSITIONS:
        return prev.lower
    if prev.lower == "of" and k > 0 and units[k].joined:
        before = units[k - 1].lower
        if before in gz.PLACE_OF_NOUNS or before == "out":  # "the town of Dunmere", "out of Dunmere"
            return before
    return ""


def _role_cue_before(ctx: _Context) -> bool:
    units, lo = ctx.units, ctx.lo
    if lo == 0:
        return False
    prev = units[lo - 1]
    if prev.cap or prev.lower not in gz.ROLE_NOUNS:
        return False
    gap = ctx.text[prev.full_end:units[lo].start]
    return gap.strip() in ("", ",")


def _cues_after(ctx: _Context, cand: _Candidate) -> None:
    units, hi = ctx.units, ctx.hi
    last = units[hi - 1]
    if hi < len(units) and units[hi].joined and not last.poss:
        nxt = units[hi]
        if nxt.lower in gz.SPEECH_VERBS:
            cand.person_cue = True
        elif nxt.lower in gz.PLACE_NOUNS or (nxt.lower in gz.STATE_NOUNS and len(cand.keys) == 1):
            cand.place_cue = nxt.lower
            if nxt.lower in gz.ADMIN_DESCRIPTORS:
                cand.end = nxt.end
    if _PERSON_AFTER.match(ctx.text, last.full_end, ctx.sentence.end):
        cand.person_cue = True


def _mark_acronym_definitions(ctx: _Context, out: list[_Candidate]) -> None:
    """Note "(ISW)" right after "Institute for the Study of War" so later "ISW" links."""
    text = ctx.text
    for cand in out:
        if cand.end + 3 < len(text) and text.startswith(" (", cand.end):
            close = text.find(")", cand.end + 2, cand.end + 14)
            inner = text[cand.end + 2:close] if close > 0 else ""
            letters = inner.replace(".", "")
            if 2 <= len(letters) <= 10 and letters.isalpha() and letters.isupper():
                cand.acronym = letters


def _heading_spans(text: str, sentence: Sentence) -> list[tuple[int, int]]:
    """Spans of title-case headings ("Global Implications of the Treaty") in this sentence.

    Capitalization there carries no signal, so only names the gazetteers know
    or the body of the article confirms are kept from them.
    """
    spans = []
    line_start = text.rfind("\n", 0, sentence.start) + 1
    line_end = text.find("\n", sentence.end)
    line_end = len(text) if line_end < 0 else line_end
    whole_line = not text[line_start:sentence.start].strip() and not text[sentence.end:line_end].strip()
    stripped = sentence.text.rstrip().rstrip("'\"’”")
    if whole_line and stripped and stripped[-1] not in '.!?"”’\'' and not _BYLINE.match(stripped):
        if _title_case(stripped):
            spans.append((sentence.start, sentence.end))
            return spans
    colon = sentence.text.find(": ", 0, 120)
    if colon > 0:
        head_start = max(sentence.text.rfind(", ", 0, colon), sentence.text.rfind(". ", 0, colon))
        head_start = 0 if head_start < 0 else head_start + 2
        if _title_case(sentence.text[head_start:colon]):
            spans.append((sentence.start + head_start, sentence.start + colon))
    return spans


_BYLINE = re.compile(r"\s*By\s+[A-Z]")
_HEADING_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_HEADING_SMALL = frozenset("a an the of and or in on at to for by with from as its is are vs via".split())


def _title_case(fragment: str) -> bool:
    words = [w for w in _HEADING_WORD.findall(fragment) if w.lower() not in _HEADING_SMALL]
    if not words:
        return False
    capitalized = sum(1 for w in words if w[0].isupper())
    if len(words) == 1:
        return capitalized == 1 and words[0].lower() in _STOP
    return capitalized >= 0.75 * len(words)


_DATELINE = re.compile(r"\s*([A-Z][A-Z'’.\-]{2,}(?: [A-Z][A-Z'’.\-]+)*)(?:,\s+([A-Z][\w.'’\-]*(?: [A-Z][\w.'’\-]*)?))?"
                       r"\s+(?:\([^)]{1,30}\)\s+)?[–—-]{1,2}\s")


def _dateline(text: str, sentence: Sentence, units: list[_Unit], lex: _Lexicon) -> tuple[list[_Candidate], int] | None:
    """"KESSWICK, Veyrland – A ferry ...": the place the story was filed from."""
    if text[text.rfind("\n", 0, sentence.start) + 1:sentence.start].strip():
        return None
    match = _DATELINE.match(text, sentence.start, sentence.end)
    if not match:
        return None
    found = []
    for group in (1, 2):
        if match.group(group):
            start, end = match.span(group)
            name = match.group(group)
            entry = lex.phrases.get(canonical_key(name)) or lex.acronyms.get(name.replace(".", ""))
            canonical = entry.canonical if entry and entry.label == GPE else _title(name)
            found.append(_Candidate(sentence.index, start, end, GPE, canonical, "gaz" if entry else "pattern",
                                    keys=tuple(canonical_key(name).split())))
    consumed = next((k for k, u in enumerate(units) if u.start >= match.end()), len(units))
    return found, consumed


def _title(name: str) -> str:
    return " ".join(part[:1].upper() + part[1:].lower() for part in name.split())


# --- naming and linking ----------------------------------------------------------------


def _person_keys(canonical: str) -> tuple[str, ...]:
    return tuple(canonical_key(canonical).split())


def _person_display(text: str) -> str:
    """"Kim Jong-un" -> "Kim Jong Un": one spelling for the hyphenated Korean style."""
    words = []
    for word in text.split():
        parts = word.split("-")
        if len(parts) > 1 and all(p[:1].islower() for p in parts[1:]) and parts[0].lower() not in gz.NAME_PARTICLES:
            words.extend(p[:1].upper() + p[1:] for p in parts)
        else:
            words.append(word)
    return " ".join(words)


def _strip_descriptors(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[-1].lower() in gz.ADMIN_DESCRIPTORS:
        words.pop()
    while len(words) > 1 and words[0].lower() == "the":
        words.pop(0)
    return " ".join(words)


def _surface(text: str, cand: _Candidate) -> str:
    return " ".join(text[cand.start:cand.end].split())


def _demonym_place(word_key: str, places: dict[str, str], suffixes: tuple[str, ...] = ()) -> str | None:
    """"valdorian" -> "Valdoria" when a place whose name the demonym's stem starts is known."""
    for suffix in suffixes or _DEMONYM_SUFFIXES:
        if word_key.endswith(suffix) and len(word_key) - len(suffix) >= 4:
            stem = word_key[:-len(suffix)]
            for place_key, canonical in places.items():
                if place_key != word_key and place_key.startswith(stem) and len(place_key) - len(stem) <= 3 \
                        and " " not in place_key and not place_key.endswith(("ing", "ed", "ers")):
                    return canonical
    return None


# How sure the way a mention was found makes its label: a later, vaguer mention
# of the same name takes the label and canonical name of the surest one.
_RANK = {"gaz": 5, "vessel": 4, "state": 4, "dateline": 4, "pattern": 3, "person": 3, "acronym": 2, "model": 2,
         "run": 1}


def _finalize(cands: list[_Candidate], text: str, lex: _Lexicon) -> list[EntityMention]:
    """Label the unknown names and give every mention its canonical name, article-wide."""
    for c in cands:
        if c.label is None and len(c.keys) >= 2 and c.kind in ("run", "person"):
            c.label = _multiword_label(c, text)
        if c.label is not None and not c.canonical:
            _name(c, text, lex)

    # "the Saltmarsh Dawn" after "MV Saltmarsh Dawn"; a headline's name after the body's
    surest: dict[str, _Candidate] = {}
    for c in cands:
        if c.label and c.canonical and not c.weak:
            key = canonical_key(c.canonical)
            if key not in surest or _RANK[c.kind] > _RANK[surest[key].kind]:
                surest[key] = c
    for c in cands:
        if c.label and c.canonical and len(c.keys) >= 2 and c.kind != "gaz":
            best = surest.get(canonical_key(c.canonical))
            if best and _RANK[best.kind] > _RANK[c.kind]:
                c.label, c.canonical = best.label, best.canonical

    _settle_headings(cands, surest, text)
    strong = [c for c in cands if c.label and not c.weak]
    people = [c for c in strong if c.label == PERSON and len(c.keys) >= 2]
    places: dict[str, str] = {}
    for c in strong:
        if c.label == GPE and not c.demonym:
            places.setdefault(canonical_key(c.canonical), c.canonical)
            places.setdefault(canonical_key(_strip_descriptors(_surface(text, c))), c.canonical)
    acronyms = {c.acronym: (c.canonical, c.label) for c in reversed(strong) if c.acronym and c.label != PERSON}
    surnames = {_surname(p.keys) for p in people if p.kind != "gaz"}
    for c in cands:  # "Jordan" in an article about Michael Jordan
        if c.kind == "gaz" and len(c.keys) == 1 and not c.demonym and c.label != PERSON \
                and c.keys[0] in surnames and not c.place_cue:
            c.label, c.canonical, c.kind, c.person_cue = None, None, "run", True

    singles = [c for c in cands if c.label is None]
    # first the words whose own context decides, so the rest can link to them
    for c in singles:
        surface = _surface(text, c)
        if c.kind == "acronym" and surface.replace(".", "") in acronyms:
            c.canonical, c.label = acronyms[surface.replace(".", "")]
            continue
        person = _nearest_person(people, c)
        if person:
            c.label, c.canonical = PERSON, person.canonical
        elif c.place_cue and not c.person_cue and c.kind != "acronym" and c.keys[0] not in _GIVEN \
                and c.keys[0].isalpha():
            c.label = GPE
            c.canonical = _strip_descriptors(_title(surface) if surface.isupper() else surface)
            if not c.weak:
                places.setdefault(canonical_key(c.canonical), c.canonical)
    known = {canonical_key(c.canonical): (c.canonical, c.label) for c in cands if c.label and not c.weak}
    # "Valdorian" makes "Valdoria's" a place even where nothing else would
    unresolved = {c.keys[0]: _surface(text, c) for c in singles
                  if c.label is None and c.kind != "acronym" and not c.person_cue}
    for c in singles:
        if c.label is None and c.kind != "acronym" and not c.person_cue and c.keys[0] not in places:
            place = _demonym_place(c.keys[0], unresolved, _STRICT_DEMONYM_SUFFIXES)
            if place:
                places.setdefault(canonical_key(place), place)
    for c in singles:
        if c.label is not None:
            continue
        key = " ".join(c.keys)
        surface = _surface(text, c)
        if key in places:
            c.label, c.canonical = GPE, places[key]
        elif key in known:
            c.canonical, c.label = known[key]
        elif not c.person_cue and (place := _demonym_place(key, places) or _demonym_place(key, lex.places)):
            c.label, c.canonical, c.demonym = GPE, place, True
        elif c.weak:
            continue
        elif c.kind == "acronym":  # unknown initials are mostly agencies; long all-caps words mostly shouting
            letters = surface.replace(".", "")
            c.label, c.canonical = (ORG if len(letters) <= 4 else MISC), letters
        elif c.person_cue:
            c.label, c.canonical = PERSON, _person_display(surface)
        elif not c.initial:
            c.label, c.canonical = MISC, surface

    # one label per name: the surest way it was found decides ("Reid said" makes every "Reid" a person)
    best_label: dict[str, tuple[int, str]] = {}
    for c in cands:
        if c.label and c.canonical:
            key, score = canonical_key(c.canonical), _score(c)
            if key not in best_label or score > best_label[key][0]:
                best_label[key] = (score, c.label)
    for c in cands:
        if c.label and c.canonical and c.kind != "gaz":
            c.label = best_label[canonical_key(c.canonical)][1]

    # headings keep only what the gazetteers or the body confirm
    confirmed = {canonical_key(c.canonical) for c in strong if c.canonical}
    confirmed.update(places)
    mentions = []
    for c in cands:
        if not c.label or not c.canonical:
            continue
        if c.weak and c.kind != "gaz" and canonical_key(c.canonical) not in confirmed:
            continue
        mentions.append(EntityMention(sentence=c.sentence, start=c.start, end=c.end, text=text[c.start:c.end],
                                      label=c.label, canonical=c.canonical))
    return mentions


def _score(c: _Candidate) -> int:
    return _RANK[c.kind] * 2 + (3 if (c.person_cue or c.place_cue) and c.kind != "acronym" else 0)


def _settle_headings(cands: list[_Candidate], surest: dict[str, _Candidate], text: str) -> None:
    """Cut a heading's run of capitalized words down to a name the body confirms.

    "Lindsay Lohan Checks Into ..." -> "Lindsay Lohan", because the body names
    her in full or mentions "Lohan".
    """
    body_words = {c.keys[0] for c in cands if not c.weak and len(c.keys) == 1}
    for c in cands:
        if not c.weak or c.kind == "gaz" or len(c.bounds) < 2:
            continue
        if c.canonical and canonical_key(c.canonical) in surest:
            continue
        for n in range(len(c.keys) - 1, 0, -1):
            best = surest.get(" ".join(c.keys[:n]))
            if best and (n > 1 or best.label != PERSON):
                c.end, c.keys, c.bounds = c.bounds[n - 1][1], c.keys[:n], c.bounds[:n]
                c.label, c.canonical = best.label, best.canonical
                break
        else:
            if c.given_first and c.keys[1] in body_words:
                c.end, c.keys, c.bounds = c.bounds[1][1], c.keys[:2], c.bounds[:2]
                c.label, c.canonical = PERSON, _person_display(_surface(text, c))
                c.keys, c.weak = _person_keys(c.canonical), False


def _multiword_label(c: _Candidate, text: str) -> str:
    """An unknown name of several words: a person unless a cue says otherwise."""
    if c.person_cue or c.kind == "person":
        return PERSON
    if c.place_cue and c.place_cue not in _PERSON_PREPOSITIONS and not c.given_first:
        return GPE
    words = sum(1 for key in c.keys if key not in _NAME_SUFFIXES)
    if words > 4 or (words == 4 and not c.given_first):
        return MISC  # "Enhanced Mitigation Experience Toolkit"
    return PERSON


def _name(c: _Candidate, text: str, lex: _Lexicon) -> None:
    surface = _surface(text, c)
    entry = lex.phrases.get(canonical_key(surface))
    if entry and (entry.label == c.label or c.kind == "model"):
        c.canonical, c.label, c.demonym = entry.canonical, entry.label, entry.demonym
    elif c.label == PERSON:
        c.canonical = _person_display(surface)
        c.keys = _person_keys(c.canonical)
    elif c.label == GPE:
        name = _strip_descriptors(surface)
        c.canonical = _title(name) if name.isupper() and len(name) > 3 else name
    elif c.label == ORG:
        c.canonical = surface.replace(".", "") if c.kind == "acronym" else _strip_descriptors(surface)
    else:
        c.canonical = surface


def _surname(keys: tuple[str, ...]) -> str:
    """ "comeaux" for Arcade Joseph Comeaux Jr."""
    for key in reversed(keys):
        if key not in _NAME_SUFFIXES:
            return key
    return keys[-1]


def _first_word_names(person: _Candidate) -> bool:
    """Whether a lone first word can mean this person: "Kim" for Kim Jong Un, "Lindsay" for
    Lindsay Lohan, but not "Jacksonville" for a misread "Jacksonville Jaguars"."""
    first = person.keys[0]
    return first in _GIVEN or first in gz.FAMILY_FIRST_NAMES or person.kind in ("gaz", "person") or person.person_cue


def _nearest_person(people: list[_Candidate], cand: _Candidate) -> _Candidate | None:
    """The full name this lone surname (or Korean-style family name) refers to.

    The closest full name before it wins; a headline's "Putin" can also point
    forward to the first full name in the body.
    """
    if len(cand.keys) != 1:
        return None
    word = cand.keys[0]
    before = after = None
    for person in people:
        if person is cand:
            continue
        if word == _surname(person.keys) or (word == person.keys[0] and _first_word_names(person)):
            if person.start < cand.start:
                before = person
            elif after is None:
                after = person
    return before or after


# --- spaCy plug-in -----------------------------------------------------------------

_SPACY_LABELS = {
    "PERSON": PERSON, "PER": PERSON, "ORG": ORG, "GPE": GPE, "LOC": GPE, "FAC": GPE, "NORP": MISC,
    "EVENT": MISC, "LAW": MISC, "WORK_OF_ART": MISC, "PRODUCT": MISC, "LANGUAGE": MISC, "MISC": MISC,
}
_SPACY_MODELS = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg", "en_core_web_trf")
_LEADING_THE = re.compile(r"(?:the|The|THE)\s+")
_LEADING_WORD = re.compile(r"(\S+)\s+")


class SpacyEntityRecognizer:
    """A spaCy model finds the spans; the gazetteers and article-level linking name them.

    `nlp` may be any callable returning an object with `.ents` whose items have
    `start_char`, `end_char` and `label_`, so the mapping can be tested without spaCy.
    """

    name = "spacy"

    def __init__(self, model: str | None = None, nlp: Any = None) -> None:
        self._lex = _lexicon()
        if nlp is None:
            nlp = _load_spacy(model)
        self._nlp = nlp
        self.model = model or getattr(nlp, "meta", {}).get("name", "custom")

    def recognize(self, text: str, sentences: Sequence[Sentence]) -> list[EntityMention]:
        if not text.strip():
            return []
        starts = [s.start for s in sentences]
        doc = self._nlp(text)
        cands: list[_Candidate] = []
        for ent in doc.ents:
            label = _SPACY_LABELS.get(ent.label_)
            if label is None:
                continue
            start, end = _trim_span(text, ent.start_char, ent.end_char, label == PERSON)
            if start >= end:
                continue
            index = max(bisect_right(starts, start) - 1, 0) if starts else 0
            surface = text[start:end]
            key = canonical_key(surface)
            entry = self._lex.phrases.get(key)
            if entry is None and " " not in surface.strip():
                entry = self._lex.acronyms.get(surface.replace(".", ""))
            cand = _Candidate(index, start, end, label, None, "model", keys=tuple(key.split()))
            if entry:
                cand.label, cand.canonical, cand.demonym, cand.kind = entry.label, entry.canonical, entry.demonym, "gaz"
                if entry.label == PERSON:
                    cand.keys = _person_keys(entry.canonical)
            elif ent.label_ == "NORP":
                place = _demonym_place(key, self._lex.places)
                if place:
                    cand.label, cand.canonical, cand.demonym = GPE, place, True
            elif label == PERSON and len(cand.keys) == 1:
                cand.label, cand.kind = None, "run"  # link it to a full name below
                cand.person_cue = True
            cands.append(cand)
        return _finalize(cands, text, self._lex)


def _trim_span(text: str, start: int, end: int, person: bool) -> tuple[int, int]:
    """Drop what our mentions leave out: a leading "the", a possessive, and a person's title."""
    match = _LEADING_THE.match(text, start, end)
    if match:
        start = match.end()
    while person:
        match = _LEADING_WORD.match(text, start, end)
        if not match or match.group(1) not in _TITLE_WORDS or match.end() >= end:
            break
        start = match.end()
    if text.endswith(("'s", "’s"), start, end):
        end -= 2
    while end > start and text[end - 1] in " .,;:":
        end -= 1
    return start, end


def _load_spacy(model: str | None) -> Any:
    try:
        import spacy
    except ImportError as exc:
        raise RecognizerUnavailable(
            "the 'spacy' entity recognizer needs spaCy: pip install spacy && "
            "python -m spacy download en_core_web_sm (or use the 'rules' recognizer)") from exc
    names: Iterable[str] = (model,) if model else _SPACY_MODELS
    errors = []
    for candidate in names:
        try:
            return spacy.load(candidate, disable=["lemmatizer", "textcat"])
        except (OSError, ImportError, ValueError) as exc:
            errors.append(f"{candidate}: {exc}")
    raise RecognizerUnavailable(
        "spaCy is installed but no English model could be loaded "
        f"({'; '.join(errors)}); install one with: python -m spacy download en_core_web_sm")


# --- choosing a recognizer -----------------------------------------------------------


@lru_cache(maxsize=8)
def get_recognizer(name: str = "auto") -> EntityRecognizer:
    """"auto": spaCy when it and an English model load, else rules; "rules"; "spacy".

    Cached: building the gazetteers or loading a model happens once per process.
    """
    choice = name.strip().lower()
    if choice == "rules":
        return RuleEntityRecognizer()
    if choice == "spacy":
        return SpacyEntityRecognizer()
    if choice == "auto":
        try:
            return SpacyEntityRecognizer()
        except RecognizerUnavailable:
            return RuleEntityRecognizer()
    raise ValueError(f"unknown entity recognizer {name!r}; choose 'auto', 'rules' or 'spacy'")
