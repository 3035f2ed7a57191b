"""One verdict per claim group, with its evidence.

- corroborated: two or more independent sources agree;
- single_source: one independent source states it (however many copies);
- conflicting: values or dates disagree beyond what their qualifiers allow.

Sources are independent unless one rewrites or cites the other (provenance),
or they are the same outlet: a blog rewriting a wire story adds nothing to it.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Mapping, Sequence

from ..records import Article, Claim, ClaimGroup, Evidence
from .align import period

APPROXIMATE_TOLERANCE = 0.03  # "approximately 10,000" allows 9,700-10,300, not 11,000
EXACT_TOLERANCE = 0.005
NEARLY_TOLERANCE = 0.10


def value_interval(claim: Claim) -> tuple[float, float]:
    """The values a figure allows, given its qualifier."""
    low = claim.value or 0.0
    high = claim.value_max if claim.value_max is not None else low
    qualifier = claim.qualifier or ""
    if qualifier == "approximately":
        return low * (1 - APPROXIMATE_TOLERANCE), high * (1 + APPROXIMATE_TOLERANCE)
    if qualifier in ("more than",):
        return high * (1 + 1e-9), math.inf
    if qualifier == "at least":
        return low, math.inf
    if qualifier in ("up to", "at most"):
        return 0.0, high
    if qualifier == "less than":
        return 0.0, high * (1 - 1e-9)
    if qualifier == "nearly":
        return high * (1 - NEARLY_TOLERANCE), high
    if qualifier.endswith(" of"):  # "millions of": at least the multiple
        return low, low * 1000
    return low * (1 - EXACT_TOLERANCE), high * (1 + EXACT_TOLERANCE)


def _agree(a: Claim, b: Claim) -> bool:
    if a.kind == "quantity":
        (a0, a1), (b0, b1) = value_interval(a), value_interval(b)
    elif a.kind == "date":
        (a0, a1), (b0, b1) = period(a), period(b)
    else:
        return True
    return a0 <= b1 and b0 <= a1


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
        outlet = (articles[a].outlet or "").casefold()
        if outlet:
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


def judge(groups: Sequence[Sequence[Claim]], articles: Mapping[int, Article],
          derived_from: Mapping[int, set[int]]) -> list[ClaimGroup]:
    judged = [_judge_one(group, articles, derived_from) for group in groups]
    order = {"conflicting": 0, "corroborated": 1, "single_source": 2}
    return sorted(judged, key=lambda g: (order[g.verdict], -g.independent_sources, g.about))


def _judge_one(group: Sequence[Claim], articles: Mapping[int, Article],
               derived_from: Mapping[int, set[int]]) -> ClaimGroup:
    article_ids = [c.article_id for c in group]
    sources = independent_sources(article_ids, articles, derived_from)
    conflict = any(not _agree(a, b) for i, a in enumerate(group) for b in group[i + 1:])
    if conflict:
        verdict = "conflicting"
    elif len(sources) >= 2:
        verdict = "corroborated"
    else:
        verdict = "single_source"
    kind = group[0].kind
    evidence = tuple(_evidence(c, articles[c.article_id], derived_from) for c in
                     sorted(group, key=lambda c: (_published_key(articles[c.article_id]), c.article_id)))
    outlets = tuple(dict.fromkeys(e.outlet or f"article {e.article_id}" for e in evidence))
    return ClaimGroup(id=_group_id(group), kind=kind, about=_about(group), verdict=verdict, evidence=evidence,
                      independent_sources=len(sources), outlets=outlets, values=_values(group),
                      hedged=all(c.hedges for c in group))


def format_figure(value: float | None, value_max: float | None, qualifier: str | None,
                  fallback: str = "") -> str:
    """A reported figure as a reader sees it: "approximately 10,000", "50,000–100,000",
    "2.4 billion"."""
    text = format_number(value) if value is not None else fallback
    if value_max:
        text += f"–{format_number(value_max)}"
    return f"{qualifier} {text}" if qualifier else text


_LARGE = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


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


def _about(group: Sequence[Claim]) -> str:
    first = group[0]
    actors = []
    for claim in group:
        for actor in claim.actors:
            if actor not in actors:
                actors.append(actor)
    who = f" ({', '.join(actors[:3])})" if actors else ""
    # the words most of the outlets use, not whichever claim happens to come first
    verb = _most_common(c.event_word.lower() for c in group if c.event_word)
    if first.kind == "quantity":
        thing = _most_common(c.noun for c in group if c.noun) or _most_common(c.unit for c in group if c.unit)
        return f"{thing or 'figure'}{' ' + verb if verb else ''}{who}"
    if first.kind == "date":
        return f"{verb or 'event'}{who}"
    words = first.text.split()
    return " ".join(words[:10]) + ("…" if len(words) > 10 else "")


def _most_common(values) -> str | None:
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], v)) if counts else None


def _evidence(claim: Claim, article: Article, derived_from: Mapping[int, set[int]]) -> Evidence:
    return Evidence(
        article_id=claim.article_id, outlet=article.outlet, title=article.title, url=article.url,
        published=article.published_iso(), sentence=claim.text, value_text=claim.value_text,
        value=claim.value, value_max=claim.value_max, qualifier=claim.qualifier,
        date=_date_text(claim) if claim.date else None, granularity=claim.granularity,
        hedges=claim.hedges, attributed_to=claim.attributed_to,
        derived_from=tuple(sorted(derived_from.get(claim.article_id, ()))))


def _published_key(article: Article) -> str:
    return article.published_iso() or "9999"


def _group_id(group: Sequence[Claim]) -> str:
    key = "|".join(sorted(f"{c.article_id}:{c.sentence}:{c.start}" for c in group))
    return group[0].kind[0] + hashlib.sha1(key.encode()).hexdigest()[:10]
