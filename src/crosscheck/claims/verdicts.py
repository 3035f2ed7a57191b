"""One verdict per claim group, with its evidence.

- corroborated: two or more independent sources agree;
- single_source: one independent source states it (however many copies);
- conflicting: values or dates disagree beyond what their qualifiers allow;
- updated: a tally (deaths, arrests...) reported higher as time went on, not a dispute.

A date resolved against a day inferred from the story (the article gave none)
is shown as evidence but decides nothing.

Sources are independent unless one copies the other's sentence word for word,
cites the other, or they are the same outlet: a blog copying a wire story adds
nothing to it. Two outlets stating one fact in their own words are two reports.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone

from ..analyze.outlets import source_key, source_label
from ..links import safe_url
from ..records import VERDICTS, Article, Claim, ClaimGroup, Evidence, SentenceReuse, Side
from .context import UNCLEAR
from .extract import same_words
from .values import agree

def independent_sources(article_ids: Sequence[int], articles: Mapping[int, Article],
                        derived_from: Mapping[int, set[int]]) -> list[set[int]]:
    """Articles grouped into independent sources: same outlet, or one derived from another."""
    parent = {a: a for a in article_ids}

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    by_outlet: dict[str, int] = {}
    for a in article_ids:
        outlet = source_key(articles[a])
        if outlet in by_outlet:
            union(a, by_outlet[outlet])
        else:
            by_outlet[outlet] = a
        for source in derived_from.get(a, ()):
            if source in parent:
                union(a, source)
    components: dict[int, set[int]] = {}
    for a in article_ids:
        components.setdefault(find(a), set()).add(a)
    return list(components.values())


VERDICT_ORDER = {verdict: rank for rank, verdict in enumerate(VERDICTS)}


def copies_of(reuse: Iterable[SentenceReuse]) -> dict[tuple[int, int], set[tuple[int, int]]]:
    """(article, sentence) -> the (article, sentence) pairs it copies. A copy is the same
    words, lightly edited (verbatim reuse); outlets reporting one fact in their own words (a
    paraphrase) are independent reports of it, unless one credits the other."""
    copies: dict[tuple[int, int], set[tuple[int, int]]] = {}
    for r in reuse:
        if r.kind == "verbatim":
            copies.setdefault((r.article_id, r.sentence), set()).add((r.source_id, r.source_sentence))
    return copies


def judge(groups: Sequence[Sequence[Claim]], articles: Mapping[int, Article],
          derived_from: Mapping[int, set[int]],
          copies: Mapping[tuple[int, int], set[tuple[int, int]]] | None = None
          ) -> list[ClaimGroup]:
    """Verdicts for aligned claims. Two claims are one source when their articles share an
    outlet, one article credits the other (`derived_from`), or one claim's sentence copies
    the other's sentence (`copies`: (article, sentence) -> the (article, sentence) it copies)."""
    judged = [_judge_one(group, articles, derived_from, copies or {}) for group in groups]
    return sorted(judged, key=lambda g: (VERDICT_ORDER[g.verdict], -g.independent_sources, g.about))


def _judge_one(group: Sequence[Claim], articles: Mapping[int, Article],
               derived_from: Mapping[int, set[int]],
               copies: Mapping[tuple[int, int], set[tuple[int, int]]]) -> ClaimGroup:
    # A date resolved against a day inferred from the story is shown, but it neither
    # corroborates nor contradicts: the article never said which day it meant.
    decisive = [c for c in group if not c.inferred]
    derived = dict(derived_from)
    for claim in decisive:
        # a sentence copied from another article repeats that article's figure; one that
        # changes the figure ("killed 14" over "killing at least 12") is a report of its own
        copied = {source for source, source_sentence in copies.get((claim.article_id, claim.sentence), ())
                  if any((other.article_id, other.sentence) == (source, source_sentence)
                         and _same_figure(claim, other) for other in decisive)}
        # a sentence word for word another's, whether or not reuse detection paired them
        copied |= {other.article_id for other in decisive if other.article_id != claim.article_id
                   and _same_figure(claim, other) and same_words(claim, other)}
        if copied:
            derived[claim.article_id] = set(derived.get(claim.article_id, ())) | copied
    # a group whose every date is inferred still has its one source, for what that is worth
    sources = independent_sources([c.article_id for c in decisive or group], articles, derived)
    conflict = any(not agree(a, b) for i, a in enumerate(decisive) for b in decisive[i + 1:])
    if conflict:
        verdict = "updated" if _is_update(decisive, articles) else "conflicting"
    elif len(sources) >= 2:
        verdict = "corroborated"
    else:
        verdict = "single_source"
    kind = group[0].kind
    ordered = sorted(group, key=lambda c: (_published_key(articles[c.article_id]), c.article_id))
    evidence = tuple(_evidence(c, articles[c.article_id], derived_from) for c in ordered)
    outlets = tuple(dict.fromkeys(e.outlet for e in evidence))
    sides = _sides(ordered, articles) if verdict in ("conflicting", "updated") else ()
    return ClaimGroup(id=_group_id(group), kind=kind, about=_about(group), verdict=verdict, evidence=evidence,
                      independent_sources=len(sources), outlets=outlets, values=_values(group),
                      hedged=all(c.hedges for c in group), sides=sides)


def _same_figure(a: Claim, b: Claim) -> bool:
    """The very figure or date, as stated: "14" is not a copy of "at least 12", though both can be true."""
    return (a.value, a.value_max, a.qualifier, a.date, a.granularity) == (b.value, b.value_max, b.qualifier, b.date,
                                                                           b.granularity)


# Tallies that grow as a story unfolds: a higher later count is news, not a contradiction.
_TALLY_ROLES = frozenset({"killed", "injured", "missing", "rescued", "arrested", "displaced"})
_UPDATE_WORDS = re.compile(r"\b(?:rose|risen|rising|climbed|climbing|increased|jumped|grew|mounted|reached|"
                           r"revised|updated|latest|now\s+(?:stands|at)|has\s+(?:risen|climbed|grown)|"
                           r"bringing|brings|raised)\b", re.I)


UPDATE_WORD_REACH = 40  # characters before a figure in which "rose to", "bringing the toll to" speak of it


def _is_update(claims: Sequence[Claim], articles: Mapping[int, Article]) -> bool:
    """A tally (deaths, injuries, arrests...) whose reports rise with time: each later
    report at least the earlier ones, by publication time where every article has one,
    else where the higher reports say the count moved ("rose to", "bringing the toll to")."""
    if not all(c.kind == "quantity" and (c.role in _TALLY_ROLES or c.scope == "running") for c in claims):
        return False
    if any(c.scope == "background" for c in claims):
        return False  # a toll of another time (the 2004 tsunami's) is not a count still moving
    moments = [_moment(articles[c.article_id]) for c in claims]
    if all(moments) and len(set(moments)) > 1:
        ordered = [c for _, c in sorted(zip(moments, claims), key=lambda pair: pair[0])]
        lows = [c.value or 0.0 for c in ordered]
        return all(later >= earlier for earlier, later in zip(lows, lows[1:]))
    top = max(c.value or 0.0 for c in claims)
    return all(_says_it_moved(c) or c.scope == "running" for c in claims if (c.value or 0.0) == top)


def _says_it_moved(claim: Claim) -> bool:
    """An update word next to the figure ("the toll rose to 43"), not anywhere in its sentence
    ("the latest tremor to shake the region where five people were killed")."""
    at = claim.text.find(claim.value_text)
    if at < 0:
        return False
    return _UPDATE_WORDS.search(claim.text, max(0, at - UPDATE_WORD_REACH), at + len(claim.value_text)) is not None


def _moment(article: Article) -> datetime | None:
    """When an article was published, comparable across outlets (UTC where the offset is
    known); None when only its day is known and the order within a day matters."""
    when = article.published
    if when is None:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return when if article.published_has_time else datetime.combine(when.date(), datetime.min.time())


def _sides(claims: Sequence[Claim], articles: Mapping[int, Article]) -> tuple[Side, ...]:
    """Each value with who states it, and whom they credit, in order of first report:
    ("41", ("Meridian Wire", "Harbor Ledger"), (6, 4)), ("43", ("Lakeside Observer (citing
    Kesswick General Hospital)",), (5,)). A date inferred from the story takes no side, and
    neither does a value every other value agrees with ("May" beside "2 May" and "3 May")."""
    def label(claim: Claim) -> str:
        return format_figure(claim.value, claim.value_max, claim.qualifier) if claim.kind == "quantity" \
            else _date_text(claim)

    stated = [c for c in claims if not c.inferred]
    neutral = {label(c) for c in stated
               if all(agree(c, other) for other in stated if label(other) != label(c))}
    by_value: dict[str, tuple[list[str], list[int]]] = {}
    for claim in stated:
        value = label(claim)
        if value in neutral:
            continue
        article = articles[claim.article_id]
        who = source_label(article)
        if claim.attributed_to:
            who += f" (citing {', '.join(claim.attributed_to)})"
        names, ids = by_value.setdefault(value, ([], []))
        if who not in names:
            names.append(who)
        ids.append(claim.article_id)
    return tuple((value, tuple(names), tuple(ids)) for value, (names, ids) in by_value.items())


def format_figure(value: float | None, value_max: float | None, qualifier: str | None,
                  fallback: str = "") -> str:
    """A reported figure as a reader sees it: "approximately 10,000", "50,000–100,000",
    "2.4 billion"; a vague multiple as it was said: "dozens", "several thousand"."""
    if qualifier and qualifier.endswith(" of"):
        return qualifier[:-3]  # "dozens of" counts 12 or more: the reader saw "dozens"
    if qualifier == "several":
        return f"several {_SCALE_WORDS[value]}" if value in _SCALE_WORDS else "several"
    text = format_number(value) if value is not None else fallback
    if value_max:
        text += f"–{format_number(value_max)}"
    return f"{qualifier} {text}" if qualifier else text


_LARGE = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
_SCALE_WORDS = {100.0: "hundred", 1e3: "thousand", 1e6: "million", 1e9: "billion"}


def format_number(value: float) -> str:
    """A number as people write it: "100 billion" and "2.4 billion" rather than 1e+11 or
    2,400,000,000; "12,345,678" and "6.1" as they are. Never in exponent notation."""
    for size, word in _LARGE:
        if abs(value) >= size:
            mantissa = f"{value / size:,.4g}"
            if "e" not in mantissa and math.isclose(float(mantissa.replace(",", "")) * size, value, rel_tol=1e-9):
                return f"{mantissa} {word}"
            break
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.10f}".rstrip("0").rstrip(".")


def _values(group: Sequence[Claim]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for claim in group:
        if claim.kind == "quantity":
            seen[format_figure(claim.value, claim.value_max, claim.qualifier)] = None
        elif claim.kind == "date":
            seen[_date_text(claim)] = None
    return tuple(seen)


def _date_text(claim: Claim) -> str:
    if claim.granularity == "year":
        return str(claim.date.year)
    if claim.granularity == "month":
        return claim.date.strftime("%Y-%m")
    return claim.date.isoformat()


_MEASURE_WORDS = {"depth": "depth", "distance": "distance", "height": "height", "length": "length", "fall": "fall"}
# Counted nouns a role ("killed", "injured", "rescued") can belong to; "buildings killed" cannot
_PEOPLE = frozenset("""
people persons person others men women children residents individuals civilians adults passengers soldiers troops
survivors victims students workers crew miners protesters demonstrators refugees migrants patients pilgrims
tourists fans officers police firefighters rebels militants fighters prisoners inmates hostages climbers
villagers pupils teenagers journalists staff employees
""".split())


def _about(group: Sequence[Claim]) -> str:
    """What a group is about, as a reader would say it: "people killed", "age of Kimani Gray",
    "distance from Manokwari (km)", "date: ratified", with the names its sentences share."""
    first = group[0]
    actors = []
    for claim in group:
        for actor in claim.actors:
            if actor not in actors:
                actors.append(actor)
    # the words most of the outlets use, not whichever claim happens to come first
    verb = _most_common(c.event_word.lower() for c in group if c.event_word)
    owner = _most_common(c.subject for c in group if c.subject and c.subject != UNCLEAR)
    if first.kind == "quantity":
        thing = _most_common(c.noun for c in group if c.noun) or _most_common(c.unit for c in group if c.unit)
        role = _most_common(c.role for c in group if c.role)
        measure = _most_common(c.measure for c in group if c.measure)
        unit = _most_common(c.unit for c in group if c.unit)
        if unit == "age":
            label = f"age of {owner}" if owner else "age"
        elif measure:
            kind, _, place = measure.partition(":")
            label = _MEASURE_WORDS.get(kind, kind) + (f" from {place.title()}" if place else "") + \
                (f" ({unit})" if unit else "")
        elif role and role != "population" and (not thing or thing.lower() in _PEOPLE):
            label = f"{thing or 'people'} {role}"
        elif role == "population":
            label = "population"
        else:
            label = f"{thing or 'figure'}{' ' + verb if verb else ''}"
        if owner and unit != "age":
            label += f", {owner}"
    elif first.kind == "date":
        label = f"date: {verb}" if verb else "date"
    else:
        words = first.text.split()
        return " ".join(words[:10]) + ("…" if len(words) > 10 else "")
    shown = [a for a in actors if a != owner][:3]
    return label + (f" ({', '.join(shown)})" if shown else "")


def _most_common(values) -> str | None:
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], v)) if counts else None


def _evidence(claim: Claim, article: Article, derived_from: Mapping[int, set[int]]) -> Evidence:
    return Evidence(
        article_id=claim.article_id, outlet=source_label(article), title=article.title, url=safe_url(article.url),
        published=article.published_iso(), sentence=claim.text, value_text=claim.value_text,
        value=claim.value, value_max=claim.value_max, qualifier=claim.qualifier,
        date=_date_text(claim) if claim.date else None, granularity=claim.granularity,
        hedges=claim.hedges, attributed_to=claim.attributed_to,
        derived_from=tuple(sorted(derived_from.get(claim.article_id, ()))), inferred=claim.inferred,
        scope=claim.scope)


def _published_key(article: Article) -> str:
    return article.published_iso() or "9999"


def _group_id(group: Sequence[Claim]) -> str:
    key = "|".join(sorted(f"{c.article_id}:{c.sentence}:{c.start}" for c in group))
    return group[0].kind[0] + hashlib.sha1(key.encode()).hexdigest()[:10]
