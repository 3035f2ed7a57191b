"""Read models built from the store, once per request, for every face.

`Queries` owns the story summaries cache (a summary depends only on its story's
members, so it is rebuilt only when they change), keeps the story pages last asked
for until the store changes, and asks `results` (the cross-check and briefing
service) for verdicts, so a story's counts are computed in one place.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from ..analyze.outlets import source_key, source_label
from ..brief.coverage import first_report
from ..links import safe_url
from ..records import Analysis, Article, Briefing, ClaimGroup, TimelineEvent, VerdictCounts
from ..store import Store
from .behaviour import OutletBehaviour, StoryResult, between_outlets, outlet_behaviour, outlet_names
from .claimreview import claim_reviews, script_json
from .format import text_diff
from .models import (ArticleRow, ArticleSentenceView, ArticleView, OutletPage, OutletRow, Page, RevisionView, SearchHit, StoryCard,
                     StoryDetail, StoryPage, StorySummary, shown_groups)


PAGES_KEPT = 128  # story pages kept built; a big story's page is a few hundred kB


class Results(Protocol):
    def cross_check(self, story_id: int) -> tuple[int, list[ClaimGroup], list[TimelineEvent]] | None: ...

    def briefing(self, story_id: int) -> Briefing | None: ...


def representative_title(members: list[Article]) -> str:
    """The real title whose words the story's other titles share most."""
    titles = [a.title for a in members if a.title and not a.title_derived] or \
             [a.title for a in members if a.title]
    if not titles:
        return "(untitled)"
    words = [set(t.lower().split()) for t in titles]

    def shared(i: int) -> float:
        return sum(len(words[i] & w) / (len(words[i] | w) or 1) for j, w in enumerate(words) if j != i)

    return titles[max(range(len(titles)), key=lambda i: (shared(i), -len(titles[i])))]


def summarize_story(story_id: int, members: list[Article]) -> StorySummary:
    dated = sorted((a for a in members if a.published), key=Article.publication_order)
    outlets = {source_key(a): source_label(a) for a in members}
    return StorySummary(id=story_id, title=representative_title(members), articles=len(members),
                        outlets=tuple(sorted(outlets.values())), first=dated[0].published_iso() if dated else None,
                        last=dated[-1].published_iso() if dated else None)


def article_row(article: Article) -> ArticleRow:
    return ArticleRow(id=article.id, external_id=article.external_id, outlet=source_label(article),
                      title=article.title, published=article.published_iso(), url=safe_url(article.url))


class Queries:
    def __init__(self, store: Store, results: Results):
        self.store = store
        self.results = results
        # story id -> (its members, their summary), for stories()
        self._summaries: dict[int, tuple[tuple[int, ...], StorySummary]] = {}
        self._ranked: list[StorySummary] | None = None  # their summaries, the biggest story first
        # the same summaries, the latest first, kept with _ranked: sorting every story again
        # was most of a home page's time in a store of 100k articles
        self._latest: list[StorySummary] | None = None
        self._seen = (-1, -1)  # the store's placement generation and corrections they reflect
        self._pages: OrderedDict[int, tuple[tuple[int, int], StoryPage]] = OrderedDict()
        self._outlets: tuple[tuple[int, int], list[OutletRow]] | None = None  # with the store version
        # story id -> (its members, the store's corrections, its verdict counts), for cards
        self._verdicts: dict[int, tuple[tuple[int, ...], int, VerdictCounts]] = {}

    # -- stories ---------------------------------------------------------------------------
    def stories(self) -> list[StorySummary]:
        """Every story, the biggest first. Kept between calls: while no article is placed or
        corrected, nothing is read again, and after placements only the stories they changed
        are, so a page does not read every membership of a big store."""
        return list(self._ranking())

    def _ranking(self, order: str = "biggest") -> list[StorySummary]:
        """Every story, the latest first for order "latest" and the biggest first otherwise,
        as kept: not to be changed."""
        ranked = self._ranked_now()
        if order != "latest":
            return ranked
        if self._latest is None:
            self._latest = sorted(ranked, key=lambda s: (s.last or "", s.id), reverse=True)
        return self._latest

    def _ranked_now(self) -> list[StorySummary]:
        seen = self._store_version()
        if self._ranked is not None and seen == self._seen:
            return self._ranked
        if self._ranked is None or seen[1] != self._seen[1]:
            memberships = {story: tuple(members) for story, members in self.store.story_memberships().items()}
            gone = self._summaries.keys() - memberships.keys()
        else:
            changed = self.store.stories_changed_since(self._seen[0])
            memberships = {story: tuple(members) for story, members in self.store.story_memberships(changed).items()}
            gone = set(changed) - memberships.keys()
        stale = {story: members for story, members in memberships.items()
                 if self._summaries.get(story, ((), None))[0] != members}
        if stale or gone or self._ranked is None:
            articles = self.store.article_heads([a for ms in stale.values() for a in ms])
            for story, members in stale.items():
                self._summaries[story] = (members, summarize_story(story, [articles[a] for a in members]))
            for story in gone:
                self._summaries.pop(story, None)
            self._ranked = sorted((summary for _, summary in self._summaries.values()),
                                  key=lambda s: (-s.articles, s.id))
            self._latest = None
        self._seen = seen
        return self._ranked

    def _store_version(self) -> tuple[int, int]:
        """What a kept story list or page reflects: the store's placements and corrections."""
        return self.store.version()

    def forget(self) -> None:
        """Drop cached summaries after an article was corrected (verdict counts are keyed on the
        corrections already)."""
        self._summaries.clear()
        self._ranked = None
        self._latest = None
        self._pages.clear()
        self._outlets = None

    def card(self, summary: StorySummary, corrections: int | None = None) -> StoryCard:
        """A story's card. Its verdict counts are kept while the story's members and the store's
        corrections stay the same (what its cross-check depends on), so a list of cards does
        not read every story's stored cross-check again."""
        members = self._summaries.get(summary.id, ((), None))[0]
        corrections = self.store.corrections() if corrections is None else corrections
        held = self._verdicts.get(summary.id)
        if held is not None and held[:2] == (members, corrections) and members:
            verdicts = held[2]
        else:
            checked = self.results.cross_check(summary.id)
            verdicts = VerdictCounts.of(checked[1]) if checked else VerdictCounts()
            self._verdicts[summary.id] = (members, corrections, verdicts)
        return StoryCard(summary=summary, verdicts=verdicts)

    def story_list(self, *, limit: int = 20, offset: int = 0, order: str = "biggest", since: str | None = None,
                   until: str | None = None, outlet: str | None = None, conflicts: bool = False,
                   query: str | None = None) -> Page:
        """A page of story cards, filtered by date range (a story's last article), outlet, title
        words and whether it has conflicts, the biggest or the latest first."""
        stories = self._ranking(order)
        corrections = self._seen[1]  # what the ranking was just checked against
        if since:
            stories = [s for s in stories if s.last and s.last[:10] >= since]
        if until:
            stories = [s for s in stories if s.first and s.first[:10] <= until]
        if outlet:
            wanted = outlet.casefold()
            stories = [s for s in stories if any(wanted == o.casefold() for o in s.outlets)]
        if query:
            words = query.casefold().split()
            stories = [s for s in stories if all(w in s.title.casefold() for w in words)]
        if conflicts:
            cards = [c for c in (self.card(s, corrections) for s in stories) if c.has_conflicts]
            return Page(items=tuple(cards[offset:offset + limit]), total=len(cards), limit=limit, offset=offset)
        return Page(items=tuple(self.card(s, corrections) for s in stories[offset:offset + limit]),
                    total=len(stories), limit=limit, offset=offset)

    def story(self, story_id: int) -> StoryDetail | None:
        found = self._story(story_id)
        return found[0] if found else None

    def _story(self, story_id: int) -> tuple[StoryDetail, tuple] | None:
        """The detail, and the cross-check it counted (so a page reads the story once)."""
        resolved = self.store.resolve_story(story_id)
        if resolved is None:
            return None
        members = self.store.story_members(resolved)
        articles = self.store.articles_by_id(members)
        ordered = sorted(articles.values(), key=Article.publication_order)
        analyses = self.store.analyses_by_id(members)
        reuse_counts: dict[tuple[int, int], dict[str, int]] = {}
        for article_id, source_id, kind, count in self.store.reuse_counts_among(members):
            counts = reuse_counts.setdefault((article_id, source_id), {"verbatim": 0, "paraphrase": 0})
            counts[kind] += count
        dates = []
        for article in ordered:
            for d in analyses.get(article.id, Analysis(sentences=())).dates:
                if d.value is not None:
                    dates.append({"article_id": article.id, "text": d.text, "date": d.value.isoformat(),
                                  "granularity": d.granularity, "relative": d.relative, "inferred": d.inferred})
        checked = self.results.cross_check(resolved)
        briefing = self.results.briefing(resolved)
        return StoryDetail(
            summary=summarize_story(resolved, ordered), requested_id=story_id,
            verdicts=VerdictCounts.of(checked[1]) if checked else VerdictCounts(),
            articles_detail=tuple(article_row(a) for a in ordered),
            entities=tuple({"name": n, "label": lab, "articles": c, "mentions": m}
                           for n, lab, c, m in self.store.story_entities(members)),
            dates=tuple(dates),
            reuse=tuple({"article_id": a, "source_id": s, **counts, "sentences": counts["verbatim"] + counts["paraphrase"]}
                        for (a, s), counts in sorted(reuse_counts.items())),
            near_duplicates=tuple({"article_id": a, "other_id": o, "similarity": sim}
                                  for a, o, sim in self.store.near_duplicates_among(members) if o in articles),
            citations=tuple({"article_id": a, "source": s, "kind": k, "mentions": n}
                            for a, s, k, n in self.store.citations_of(members)),
            # where articles that once were here went: the story split, or they fit another better
            moved_out=tuple({"story_id": to, "articles": ids} for to, ids in self.store.moved_out(resolved).items()),
            first_report=briefing.coverage.first_report if briefing else None,
            pickup=briefing.coverage.pickup if briefing else (),
            contributions=briefing.coverage.contributions if briefing else (),
        ), checked

    def story_page(self, story_id: int) -> StoryPage | None:
        """A story's page. Kept (the last PAGES_KEPT asked for) until an article is placed or
        corrected anywhere: until then nothing it shows can have changed."""
        seen = self._store_version()
        held = self._pages.get(story_id)
        if held is not None and held[0] == seen:
            self._pages.move_to_end(story_id)
            return held[1]
        page = self._story_page(story_id)
        if page is not None:
            self._pages[story_id] = (seen, page)
            while len(self._pages) > PAGES_KEPT:
                self._pages.popitem(last=False)
        return page

    def _story_page(self, story_id: int) -> StoryPage | None:
        found = self._story(story_id)
        if found is None:
            return None
        detail, (_, groups, timeline) = found
        briefing = self.results.briefing(detail.id)
        rows = {a.id: a for a in detail.articles_detail}
        dependent = set(briefing.coverage.dependent)
        figures, statements, hidden = shown_groups(groups)
        # its URL relative to the page, which JSON-LD resolves against the page's own address
        reviews = script_json(claim_reviews([*figures, *statements], story_url=f"/stories/{detail.id}"))
        return StoryPage(claim_review=reviews,
            detail=detail, briefing=briefing, groups=figures, statements=statements, hidden_statements=len(hidden),
            timeline=tuple(timeline),
            reuse=tuple({**r, "article": rows.get(r["article_id"]), "source": rows.get(r["source_id"])}
                        for r in detail.reuse),
            citations=tuple({**c, "article": rows.get(c["article_id"])} for c in detail.citations
                            if c["kind"] == "outlet"),
            independent=tuple(a for a in detail.articles_detail if a.id not in dependent),
            dependent=tuple(a for a in detail.articles_detail if a.id in dependent),
            entities=tuple(e for e in detail.entities if e["articles"] > 1)[:20],
        )

    # -- articles ----------------------------------------------------------------------------
    def article(self, article_id: int) -> ArticleView | None:
        article = self.store.get_article(article_id)
        if article is None:
            return None
        analysis = self.store.analysis(article_id)
        story_id = self.store.story_of([article_id]).get(article_id)
        reused_by: dict[int, list[dict]] = defaultdict(list)  # sentence -> later articles reusing it
        reuses: dict[int, dict] = {}  # sentence -> the earlier sentence it reuses
        claim_sentences: dict[str, str] = {}  # sentence text -> verdict of a claim group it feeds
        contribution = None
        revisions = self.revisions(article_id)
        if story_id is not None:
            members = self.store.story_members(story_id)
            others = self.store.article_heads(members)
            for r in self.store.reuse_among(members):
                if r.source_id == article_id:
                    reused_by[r.source_sentence].append({"article_id": r.article_id, "kind": r.kind,
                                                         "outlet": source_label(others[r.article_id])})
                elif r.article_id == article_id:
                    reuses[r.sentence] = {"article_id": r.source_id, "kind": r.kind,
                                          "outlet": source_label(others[r.source_id]), "sentence": r.source_sentence}
            checked = self.results.cross_check(story_id)
            if checked:
                for group in checked[1]:
                    for evidence in group.evidence:
                        if evidence.article_id == article_id:
                            claim_sentences[evidence.sentence] = group.verdict
            briefing = self.results.briefing(story_id)
            if briefing:
                contribution = next((c for c in briefing.coverage.contributions if c.article_id == article_id), None)
        paragraphs: list[list[ArticleSentenceView]] = []
        for sentence in (analysis.sentences if analysis else ()):
            while len(paragraphs) <= sentence.paragraph:
                paragraphs.append([])
            paragraphs[sentence.paragraph].append(ArticleSentenceView(
                index=sentence.index, text=sentence.text, reused_by=tuple(reused_by.get(sentence.index, [])),
                reuses=reuses.get(sentence.index), verdict=claim_sentences.get(sentence.text)))
        return ArticleView(id=article.id, title=article.title, outlet=source_label(article),
                           stored_outlet=article.outlet, author=article.author, url=safe_url(article.url),
                           published=article.published_iso(), story_id=story_id,
                           paragraphs=tuple(tuple(p) for p in paragraphs if p), text=article.text,
                           contribution=contribution, revisions=revisions if len(revisions) > 1 else ())

    def revisions(self, article_id: int) -> tuple[RevisionView, ...]:
        """An article's texts, oldest first, each with what changed from the one before."""
        found = self.store.revisions(article_id)
        return tuple(RevisionView(
            revision=r.revision, title=r.title,
            published=Article(text="", published=r.published, published_has_time=r.published_has_time).published_iso(),
            stored_at=r.stored_at.isoformat(), current=r.current,
            diff=tuple(text_diff(found[i - 1].text, r.text)) if i else ())
            for i, r in enumerate(found))

    def article_page(self, limit: int, offset: int) -> Page:
        rows = self.store.articles(limit=limit, offset=offset)
        return Page(items=tuple(article_row(a) for a in rows), total=self.store.count_articles(), limit=limit,
                    offset=offset)

    def search(self, query: str, limit: int = 20, offset: int = 0) -> Page:
        """Full-text search over articles, with the story each is in. `total` counts this
        page and whether there is more: one row past the page is asked for."""
        hits = self.store.search(query, limit=limit + 1, offset=offset)
        more = len(hits) > limit
        hits = hits[:limit]
        articles = self.store.article_heads([a for a, _ in hits])
        stories = self.store.story_of([a for a, _ in hits])
        items = tuple(SearchHit(article_id=a, title=articles[a].title, outlet=source_label(articles[a]),
                                published=articles[a].published_iso(), story_id=stories.get(a), snippet=snippet)
                      for a, snippet in hits if a in articles)
        return Page(items=items, total=offset + len(items) + (1 if more else 0), limit=limit, offset=offset)

    # -- outlets -----------------------------------------------------------------------------
    def outlets(self) -> list[OutletRow]:
        """Per outlet (one per source_key): articles, stories covered, how often it gave a
        story's first report, how many of its sentences other outlets reused. Kept until an
        article is placed or corrected anywhere: it reads every stored article's head."""
        seen = self._store_version()
        if self._outlets is None or self._outlets[0] != seen:
            self._outlets = (seen, self._outlet_rows())
        return list(self._outlets[1])

    def _outlet_rows(self) -> list[OutletRow]:
        memberships = self.store.story_memberships()
        articles = self.store.article_heads([a for ms in memberships.values() for a in ms])
        outlet_of = outlet_names(articles)
        rows: dict[str, dict] = {}
        for story_id, members in memberships.items():
            for m in members:
                key, label = outlet_of[m]
                row = rows.setdefault(key, {"outlet": label, "articles": 0, "stories": set(), "first": 0,
                                            "reused": 0})
                row["articles"] += 1
                row["stories"].add(story_id)
            first = first_report({m: articles[m] for m in members if m in articles})
            if first:
                rows[outlet_of[first.article_id][0]]["first"] += 1
        # an article is in one story, so reuse counted per taking article is the same read
        # story by story or all at once
        for _, source, sentences in between_outlets(self.store.reuse_within_stories(), outlet_of):
            rows[source]["reused"] += sentences
        return sorted((OutletRow(outlet=r["outlet"], articles=r["articles"], stories=len(r["stories"]),
                                 first=r["first"], reused=r["reused"], story_ids=tuple(sorted(r["stories"])))
                       for r in rows.values()), key=lambda r: (-r.articles, r.outlet))

    def outlet_behaviour(self, story_ids: Iterable[int] | None = None,
                         progress: Callable[[int, int], None] | None = None) -> list[OutletBehaviour]:
        """How each outlet of the given stories (default: all) behaves, summed over those stories'
        cross-checks and briefings (computed for any story that has none stored yet)."""
        memberships = self.store.story_memberships()
        if story_ids is not None:
            memberships = {s: memberships[s] for s in story_ids if s in memberships}
        outlet_of = outlet_names(self.store.article_heads([a for ms in memberships.values() for a in ms]))

        def results() -> Iterator[StoryResult]:
            for done, (story_id, members) in enumerate(sorted(memberships.items()), 1):
                checked = self.results.cross_check(story_id)
                briefing = self.results.briefing(story_id)
                if checked and briefing:
                    yield StoryResult(story_id=story_id, coverage=briefing.coverage, groups=tuple(checked[1]),
                                      reuse=tuple(self.store.reuse_among(members)))
                if progress:
                    progress(done, len(memberships))

        return sorted(outlet_behaviour(results(), outlet_of).values(),
                      key=lambda b: (-len(b.article_ids), b.outlet))

    def outlet(self, name: str) -> OutletPage | None:
        """One outlet (by its label, in any case), the stories it covered and how it behaves in
        them."""
        row = next((r for r in self.outlets() if r.outlet.casefold() == name.casefold()), None)
        if row is None:
            return None
        summaries = {s.id: s for s in self.stories()}
        corrections = self.store.corrections()
        behaviour = next(b for b in self.outlet_behaviour(row.story_ids) if b.outlet == row.outlet)
        return OutletPage(row=row, cards=tuple(self.card(summaries[s], corrections) for s in row.story_ids
                                               if s in summaries), behaviour=behaviour)
