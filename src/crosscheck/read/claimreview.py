"""A story's claim groups as schema.org ClaimReview (JSON-LD), the format fact-checking tools and
search engines read.

One ClaimReview per claim group a reader is shown (models.shown_groups) that more than one
source speaks to: corroborated, conflicting or updated; a single-source claim was not weighed
against anything, so it is no review. What it reviews is
a sentence of a real article, verbatim, never a summary the tool wrote; the claim's
appearances are the articles that make it; the rating is named from the verdict and its
evidence ("Conflicting: 41 (Meridian Wire) vs 43 (Lakeside Observer)").
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ..brief.summarize import clean_for_display
from ..links import safe_url
from ..records import ClaimGroup, Evidence, plain

REVIEWER = {"@type": "Organization", "name": "crosscheck"}


def rating_name(group: ClaimGroup) -> str:
    """The verdict as a reader-facing rating: what was found, with its count or sides."""
    sides = " vs ".join(f"{value} ({', '.join(who)})" for value, who, _ in group.sides)
    sources = f"{group.independent_sources} independent source{'' if group.independent_sources == 1 else 's'}"
    if group.verdict == "conflicting":
        return f"Conflicting: {sides}" if sides else "Conflicting"
    if group.verdict == "updated":
        return f"Updated as the story went on: {' then '.join(v for v, _, _ in group.sides)}" if sides else "Updated"
    if group.verdict == "corroborated":
        return f"Corroborated by {sources}"
    return "Single source"


def _article_node(evidence: Evidence) -> dict[str, Any]:
    """The article a claim appears in, once per document; appearances refer to it by @id."""
    work: dict[str, Any] = {"@type": "NewsArticle", "@id": f"/articles/{evidence.article_id}",
                            "headline": evidence.title or evidence.sentence[:110]}
    url = safe_url(evidence.url)
    if url:
        work["url"] = url
    if evidence.published:
        work["datePublished"] = evidence.published
    if evidence.outlet:
        work["publisher"] = {"@type": "Organization", "name": evidence.outlet}
    return work


def _publication_order(evidence: Evidence) -> tuple:
    """Earliest first, in UTC (ISO strings of different offsets do not sort in time order); an
    undated article last."""
    if not evidence.published:
        return (True, datetime.max.replace(tzinfo=UTC), evidence.article_id)
    when = datetime.fromisoformat(evidence.published)
    return (False, when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC), evidence.article_id)


def claim_reviews(groups: Iterable[ClaimGroup], story_url: str | None = None) -> dict[str, Any]:
    """A JSON-LD document: the articles claims appear in, and one ClaimReview per group in the
    order given, whose appearances refer to those articles by @id (a big story's claims appear
    in the same articles again and again). `story_url`: where the review is published (the
    story's page), when known; a relative one resolves against the page that embeds it."""
    articles: dict[int, dict[str, Any]] = {}
    reviews = []
    for group in groups:
        if not group.evidence or group.verdict == "single_source":
            continue  # one source and no other to weigh it against: nothing was reviewed
        evidence = sorted(group.evidence, key=_publication_order)
        for e in evidence:
            articles.setdefault(e.article_id, _article_node(e))
        first = evidence[0]
        review: dict[str, Any] = {
            "@type": "ClaimReview",
            "claimReviewed": clean_for_display(first.sentence),
            "itemReviewed": {
                "@type": "Claim",
                "appearance": [{"@id": f"/articles/{a}"} for a in dict.fromkeys(e.article_id for e in evidence)],
                "firstAppearance": {"@id": f"/articles/{first.article_id}"},
            },
            "reviewRating": {"@type": "Rating", "alternateName": rating_name(group)},
            "author": REVIEWER,
            "about": group.about,
            "identifier": group.id,
        }
        if first.published:
            review["itemReviewed"]["datePublished"] = first.published
        if story_url:
            review["url"] = f"{story_url}#claims"
        reviews.append(review)
    return {"@context": "https://schema.org", "@graph": plain([*articles.values(), *reviews])}


def script_json(document: dict[str, Any]) -> str:
    """JSON for a <script type="application/ld+json"> element: no "</script>" or "<!--" in any
    text an outlet wrote can end the element or open a comment."""
    return (json.dumps(document, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026"))
