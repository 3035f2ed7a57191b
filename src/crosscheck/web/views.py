"""What each page shows, gathered from the engine as plain dicts for the templates."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from ..engine import Engine


def story_view(engine: Engine, story_id: int) -> dict[str, Any] | None:
    detail = engine.story(story_id)
    if detail is None:
        return None
    _, groups, timeline = engine.cross_check(detail["id"])
    dates = [a["published"] for a in detail["articles_detail"] if a["published"]]
    view = {
        "id": detail["id"], "requested_id": story_id, "title": detail["title"], "articles": detail["articles"],
        "outlets": detail["outlets"], "first": detail["first"], "last": detail["last"],
        "updated": max(dates) if dates else None, "moved_out": detail["moved_out"], **_verdict_counts(groups),
    }
    briefing = engine.briefing(detail["id"])
    articles = {a["id"]: a for a in detail["articles_detail"]}
    derivative = set(briefing.coverage.derivative)
    view.update(
        briefing=briefing,
        groups=[g for g in groups if g.kind != "statement"],
        statements=[g for g in groups if g.kind == "statement" and g.independent_sources > 1],
        timeline=timeline,
        reuse=[{**r, "article": articles.get(r["article_id"]), "source": articles.get(r["source_id"])}
               for r in detail["reuse"]],
        citations=[{**c, "article": articles.get(c["article_id"])} for c in detail["citations"]
                   if c["kind"] == "outlet"],
        independent=[a for a in detail["articles_detail"] if a["id"] not in derivative],
        derivative=[a for a in detail["articles_detail"] if a["id"] in derivative],
        entities=[e for e in detail["entities"] if e["articles"] > 1][:20],
    )
    return view


def story_card(engine: Engine, summary) -> dict[str, Any]:
    """What the home page shows of a story: its summary and verdict counts (both cached)."""
    _, groups, _ = engine.cross_check(summary.id)
    return {"id": summary.id, "title": summary.title, "articles": summary.articles, "outlets": summary.outlets,
            "updated": summary.last, **_verdict_counts(groups)}


def _verdict_counts(groups) -> dict[str, int]:
    """Badges of a story: its figure and date groups by verdict (statements are not badged)."""
    verdicts = Counter(g.verdict for g in groups if g.kind != "statement")
    return {"conflicts": verdicts["conflicting"], "updates": verdicts["updated"],
            "single_source": verdicts["single_source"], "corroborated": verdicts["corroborated"]}


def article_view(engine: Engine, article_id: int) -> dict[str, Any] | None:
    article = engine.store.get_article(article_id)
    analysis = engine.store.analysis(article_id)
    if article is None:
        return None
    story_id = engine.store.story_of([article_id]).get(article_id)
    reused_by: dict[int, list[dict]] = defaultdict(list)  # sentence -> later articles reusing it
    reuses: dict[int, dict] = {}  # sentence -> the earlier sentence it reuses
    claim_sentences: dict[str, str] = {}  # sentence text -> verdict of a claim group it feeds
    if story_id is not None:
        members = engine.store.story_members(story_id)
        others = engine.store.articles_by_id(members)
        for r in engine.store.reuse_among(members):
            if r.source_id == article_id:
                reused_by[r.source_sentence].append({"article_id": r.article_id, "kind": r.kind,
                                                     "outlet": others[r.article_id].outlet})
            elif r.article_id == article_id:
                reuses[r.sentence] = {"article_id": r.source_id, "kind": r.kind,
                                      "outlet": others[r.source_id].outlet, "sentence": r.source_sentence}
        checked = engine.cross_check(story_id)
        if checked:
            for group in checked[1]:
                for evidence in group.evidence:
                    if evidence.article_id == article_id:
                        claim_sentences[evidence.sentence] = group.verdict
    paragraphs: list[list[dict]] = []
    for sentence in (analysis.sentences if analysis else ()):
        while len(paragraphs) <= sentence.paragraph:
            paragraphs.append([])
        paragraphs[sentence.paragraph].append({
            "index": sentence.index, "text": sentence.text, "reused_by": reused_by.get(sentence.index, []),
            "reuses": reuses.get(sentence.index), "verdict": claim_sentences.get(sentence.text)})
    return {"id": article.id, "title": article.title, "outlet": article.outlet, "author": article.author,
            "url": article.url, "published": article.published_iso(), "story_id": story_id,
            "paragraphs": [p for p in paragraphs if p], "text": article.text}


def outlet_rows(engine: Engine) -> list[dict[str, Any]]:
    """Per outlet: articles, stories covered, how often first in a story, how often reused."""
    memberships = engine.store.story_memberships()
    articles = engine.store.articles_by_id([a for ms in memberships.values() for a in ms])
    rows: dict[str, dict[str, Any]] = {}
    for story_id, members in memberships.items():
        dated = sorted((articles[m].published_iso() or "9999", m) for m in members if m in articles)
        first = articles[dated[0][1]].outlet if dated and dated[0][0] != "9999" else None
        for m in members:
            outlet = articles[m].outlet or "(unknown)"
            row = rows.setdefault(outlet, {"outlet": outlet, "articles": 0, "stories": set(), "first": 0,
                                           "reused": 0})
            row["articles"] += 1
            row["stories"].add(story_id)
        if first:
            rows[first]["first"] += 1
        for _, source_id, _, sentences in engine.store.reuse_counts_among(members):
            source = articles[source_id].outlet or "(unknown)"
            if source in rows:
                rows[source]["reused"] += sentences
    return sorted(({**r, "stories": len(r["stories"])} for r in rows.values()),
                  key=lambda r: (-r["articles"], r["outlet"]))
