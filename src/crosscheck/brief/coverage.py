"""Who reported what, when: outlets and how long each took to pick the story up, its first
report, who took from whom (reuse and credit), most cited outlets, independent vs dependent."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from ..analyze.outlets import source_key, source_label
from ..links import safe_url
from ..records import Article, Contribution, Coverage, FirstReport, OutletCoverage, Pickup, Rewrite, SentenceReuse
from ..stories.provenance import credited_sources, lag_minutes


def coverage(articles: Mapping[int, Article], reuse: Sequence[SentenceReuse],
             citations: Sequence[tuple[int, str, str, int]], derived_from: Mapping[int, set[int]],
             contributions: Sequence[Contribution] = ()) -> Coverage:
    """`derived_from`: article -> the articles it rewrites or credits (provenance.derived_sources)."""
    first = first_report(articles)
    by_outlet: dict[str, list[Article]] = defaultdict(list)  # one outlet however it is named
    for article in articles.values():
        by_outlet[source_key(article)].append(article)
    outlets = []
    for items in by_outlet.values():
        outlet = source_label(min(items, key=lambda a: a.id))
        dated = sorted((a for a in items if a.published), key=Article.publication_order)
        # by first report, then name (an undated outlet last)
        when = dated[0].publication_order()[:2] if dated else (True,)
        outlets.append((when, outlet, OutletCoverage(
            outlet=outlet, articles=len(items), first=dated[0].published_iso() if dated else None,
            last=dated[-1].published_iso() if dated else None, article_ids=tuple(sorted(a.id for a in items)),
            lag_minutes=lag_minutes(articles[first.article_id], dated[0]) if first and dated else None)))
    outlets.sort(key=lambda row: row[:2])

    pairs: dict[tuple[int, int], list[SentenceReuse]] = defaultdict(list)
    for r in reuse:
        pairs[(r.article_id, r.source_id)].append(r)
    rewrites = [Rewrite(article_id=a, outlet=source_label(articles[a]), source_id=s,
                        source_outlet=source_label(articles[s]),
                        sentences=len(rows), verbatim=sum(r.kind == "verbatim" for r in rows))
                for (a, s), rows in sorted(pairs.items()) if a in articles and s in articles]
    # counted from a set, whose order changes from one process to the next: ties are put in
    # name order below, so every process shows the same list
    cited = Counter(source for _, source, kind, _ in {(a, s, k, n) for a, s, k, n in citations} if kind == "outlet")
    dependent = tuple(sorted(a for a in articles if derived_from.get(a)))
    independent = tuple(sorted(a for a in articles if a not in dependent))
    listing = tuple({"id": a.id, "outlet": source_label(a), "title": a.title, "url": safe_url(a.url),
                     "published": a.published_iso()}
                    for a in sorted(articles.values(), key=Article.publication_order))
    most_cited = sorted(cited.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    return Coverage(outlets=tuple(row[2] for row in outlets), rewrites=tuple(rewrites),
                    most_cited=tuple(most_cited), independent=independent, dependent=dependent,
                    articles=listing,
                    first_report=first,
                    pickup=pickup(articles, pairs, credited_sources(articles, citations), derived_from),
                    contributions=tuple(contributions))


def first_report(articles: Mapping[int, Article]) -> FirstReport | None:
    """The earliest dated article; None when no article is dated, or when which came first is
    not known: a bare date on the earliest day could be any time of it."""
    dated = sorted((a for a in articles.values() if a.published), key=Article.publication_order)
    if not dated:
        return None
    first = dated[0]
    day = first.publication_order()[1].date()
    if any(other.publication_order()[1].date() == day and not (first.published_has_time and
                                                              other.published_has_time)
           for other in dated[1:]):
        return None
    return FirstReport(article_id=first.id, outlet=source_label(first), published=first.published_iso())


def pickup(articles: Mapping[int, Article], reused: Mapping[tuple[int, int], Sequence[SentenceReuse]],
           credited: Mapping[int, set[int]], derived_from: Mapping[int, set[int]]) -> tuple[Pickup, ...]:
    """Who took from whom, in the order the taking articles were published: each pair the
    story's provenance counts (derived_from), with the sentences reused and whether it credits."""
    rows = []
    for article_id, sources in derived_from.items():
        if article_id not in articles:
            continue
        article = articles[article_id]
        for source_id in sources:
            if source_id not in articles:
                continue
            source, taken = articles[source_id], reused.get((article_id, source_id), ())
            rows.append((article.publication_order(), source.publication_order(), Pickup(
                article_id=article_id, outlet=source_label(article), source_id=source_id,
                source_outlet=source_label(source), sentences=len(taken),
                verbatim=sum(r.kind == "verbatim" for r in taken),
                credits=source_id in credited.get(article_id, ()), lag_minutes=lag_minutes(source, article))))
    return tuple(row[2] for row in sorted(rows, key=lambda row: row[:2]))
