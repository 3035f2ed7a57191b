"""How each outlet behaves, measured from its stories, never rated.

Every figure is a sum over the stories' own results (brief.coverage: first report, pickup,
what each article adds; claims: verdicts), so an outlet's page and a story's page cannot
disagree, and every figure keeps the articles (or claim groups) behind it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import median

from ..analyze.outlets import source_key, source_label
from ..records import VERDICTS, Article, ClaimGroup, Coverage, SentenceReuse


@dataclass(frozen=True, slots=True)
class OutletLink:
    """Another outlet, how many sentences (or articles) pass between the two, and the articles."""

    outlet: str
    count: int
    article_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class OutletBehaviour:
    outlet: str
    article_ids: tuple[int, ...]
    story_ids: tuple[int, ...]
    first_reports: tuple[int, ...]  # stories whose first report is its article
    # (story, its first article there, minutes after the story's first report): stories it
    # did not report first, where both carry a time of day
    lags: tuple[tuple[int, int, int], ...]
    sentences: int  # its articles' sentences of substance
    reused: int  # of those, how many reuse an earlier article of another outlet (brief.contributions)
    # sentences passing between outlets, as stored (provenance's reuse rows)
    reused_from: tuple[OutletLink, ...]  # whose sentences it reuses (its articles)
    reused_by: tuple[OutletLink, ...]  # who reuses its sentences (their articles)
    cited_by: tuple[OutletLink, ...]  # who credits it by name (their articles)
    derivative: tuple[int, ...]  # its articles flagged derivative
    unsourced: tuple[int, ...]  # its articles flagged as carrying unsourced additions
    # its figure and date claims by the verdict of their group: verdict -> ((story, group id), ...)
    figures: tuple[tuple[str, tuple[tuple[int, str], ...]], ...]

    @property
    def median_lag_minutes(self) -> int | None:
        return round(median(m for _, _, m in self.lags)) if self.lags else None

    @property
    def reused_share(self) -> float | None:
        return self.reused / self.sentences if self.sentences else None

    def figure_count(self, verdict: str) -> int:
        return next((len(groups) for v, groups in self.figures if v == verdict), 0)


@dataclass(frozen=True, slots=True)
class StoryResult:
    """What one story contributes to its outlets' behaviour."""

    story_id: int
    coverage: Coverage
    groups: tuple[ClaimGroup, ...]
    reuse: tuple[SentenceReuse, ...]  # the story's sentence reuse (store.reuse_among)


def outlet_names(heads: Mapping[int, Article]) -> dict[int, tuple[str, str]]:
    """article id -> (outlet key, label): one outlet however it is named (source_key), and named
    by the label of its earliest stored article, as every list of outlets names it."""
    label: dict[str, tuple[int, str]] = {}
    for article_id, article in heads.items():
        key = source_key(article)
        if key not in label or article_id < label[key][0]:
            label[key] = (article_id, source_label(article))
    return {a: (source_key(h), label[source_key(h)][1]) for a, h in heads.items()}


def outlet_behaviour(results: Iterable[StoryResult], outlet_of: Mapping[int, tuple[str, str]]
                     ) -> dict[str, OutletBehaviour]:
    """Per outlet key, summed over `results`. `outlet_of`: outlet_names of the stories' articles."""
    rows: dict[str, dict] = {}

    def row(article_id: int) -> dict:
        key, label = outlet_of[article_id]
        return rows.setdefault(key, {
            "outlet": label, "articles": set(), "stories": set(), "first": set(), "lags": [], "sentences": 0,
            "reused": 0, "reused_from": defaultdict(lambda: [0, set()]), "reused_by": defaultdict(lambda: [0, set()]),
            "cited_by": defaultdict(lambda: [0, set()]), "derivative": set(), "unsourced": set(),
            "figures": defaultdict(set)})

    def key(article_id: int) -> str:
        return outlet_of[article_id][0]

    for result in results:
        coverage = result.coverage
        members = [a["id"] for a in coverage.articles if a["id"] in outlet_of]
        for article_id in members:
            r = row(article_id)
            r["articles"].add(article_id)
            r["stories"].add(result.story_id)
        first = coverage.first_report
        if first and first.article_id in outlet_of:
            row(first.article_id)["first"].add(result.story_id)
        # each outlet's first article in the story, and its lag (coverage.outlets, by the same key)
        for o in coverage.outlets:
            if o.lag_minutes and o.article_ids and o.article_ids[0] in outlet_of and first:
                earliest = min(o.article_ids, key=lambda a: _position(coverage, a))
                row(earliest)["lags"].append((result.story_id, earliest, o.lag_minutes))
        for c in coverage.contributions:
            if c.article_id not in outlet_of:
                continue
            r = row(c.article_id)
            r["sentences"] += c.sentences
            r["reused"] += sum(n for source_id, _, n in c.reused_from
                               if source_id in outlet_of and key(source_id) != key(c.article_id))
            if c.derivative:
                r["derivative"].add(c.article_id)
            if c.unsourced:
                r["unsourced"].add(c.article_id)
        for article_id, source, n in between_outlets(result.reuse, outlet_of):
            if source not in rows:
                continue  # an article no longer in the story
            taken = row(article_id)["reused_from"][source]
            taken[0] += n
            taken[1].add(article_id)
            given = rows[source]["reused_by"][key(article_id)]
            given[0] += n
            given[1].add(article_id)
        for p in coverage.pickup:
            if p.credits and p.source_id in outlet_of and p.article_id in outlet_of \
                    and key(p.source_id) != key(p.article_id):
                credit = row(p.source_id)["cited_by"][key(p.article_id)]
                if p.article_id not in credit[1]:
                    credit[0] += 1
                    credit[1].add(p.article_id)
        for group in result.groups:
            if group.kind == "statement":
                continue
            for article_id in {e.article_id for e in group.evidence if e.article_id in outlet_of}:
                row(article_id)["figures"][group.verdict].add((result.story_id, group.id))

    def links(table: Mapping[str, list]) -> tuple[OutletLink, ...]:
        found = [OutletLink(outlet=rows[k]["outlet"] if k in rows else k, count=n, article_ids=tuple(sorted(ids)))
                 for k, (n, ids) in table.items()]
        return tuple(sorted(found, key=lambda link: (-link.count, link.outlet)))

    return {k: OutletBehaviour(
        outlet=r["outlet"], article_ids=tuple(sorted(r["articles"])), story_ids=tuple(sorted(r["stories"])),
        first_reports=tuple(sorted(r["first"])), lags=tuple(sorted(r["lags"])), sentences=r["sentences"],
        reused=r["reused"], reused_from=links(r["reused_from"]), reused_by=links(r["reused_by"]),
        cited_by=links(r["cited_by"]), derivative=tuple(sorted(r["derivative"])),
        unsourced=tuple(sorted(r["unsourced"])),
        figures=tuple((v, tuple(sorted(r["figures"][v]))) for v in VERDICTS if r["figures"].get(v)))
        for k, r in rows.items()}


def between_outlets(reuse: Iterable[SentenceReuse], outlet_of: Mapping[int, tuple[str, str]]
                    ) -> list[tuple[int, str, int]]:
    """(article, source outlet's key, sentences) of the reuse between articles of two different
    outlets: an outlet's reuse of its own earlier report is not reuse of another's, and a
    sentence taken from two articles of one outlet (a wire story and its update) counts once."""
    taken: dict[tuple[int, str], set[int]] = defaultdict(set)
    for r in reuse:
        if r.article_id in outlet_of and r.source_id in outlet_of \
                and outlet_of[r.article_id][0] != outlet_of[r.source_id][0]:
            taken[(r.article_id, outlet_of[r.source_id][0])].add(r.sentence)
    return [(article, source, len(sentences)) for (article, source), sentences in sorted(taken.items())]


def _position(coverage: Coverage, article_id: int) -> int:
    """An article's place in the story's publication order (coverage.articles is in it)."""
    return next(i for i, a in enumerate(coverage.articles) if a["id"] == article_id)
