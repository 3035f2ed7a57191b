"""Who reported what, when: outlets, rewrites, most cited outlets, independent vs derivative."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from ..analyze.outlets import source_key, source_label
from ..links import safe_url
from ..records import Article, Coverage, OutletCoverage, Rewrite, SentenceReuse


def coverage(articles: Mapping[int, Article], reuse: Sequence[SentenceReuse],
             citations: Sequence[tuple[int, str, str, int]], derived_from: Mapping[int, set[int]]) -> Coverage:
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
            last=dated[-1].published_iso() if dated else None, article_ids=tuple(sorted(a.id for a in items)))))
    outlets.sort(key=lambda row: row[:2])

    pairs: dict[tuple[int, int], list[SentenceReuse]] = defaultdict(list)
    for r in reuse:
        pairs[(r.article_id, r.source_id)].append(r)
    rewrites = [Rewrite(article_id=a, outlet=source_label(articles[a]), source_id=s,
                        source_outlet=source_label(articles[s]),
                        sentences=len(rows), verbatim=sum(r.kind == "verbatim" for r in rows))
                for (a, s), rows in sorted(pairs.items()) if a in articles and s in articles]
    cited = Counter(source for _, source, kind, _ in {(a, s, k, n) for a, s, k, n in citations} if kind == "outlet")
    derivative = tuple(sorted(a for a in articles if derived_from.get(a)))
    independent = tuple(sorted(a for a in articles if a not in derivative))
    listing = tuple({"id": a.id, "outlet": source_label(a), "title": a.title, "url": safe_url(a.url),
                     "published": a.published_iso()}
                    for a in sorted(articles.values(), key=Article.publication_order))
    return Coverage(outlets=tuple(row[2] for row in outlets), rewrites=tuple(rewrites),
                    most_cited=tuple(cited.most_common(10)), independent=independent, derivative=derivative,
                    articles=listing)
