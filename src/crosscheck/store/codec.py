"""Records to and from the JSON the store keeps them in."""

from __future__ import annotations

import json
from datetime import date

from ..records import plain
from ..records import (Addition, Analysis, BriefSentence, Briefing, Citation, ClaimGroup, Contribution, Coverage,
                       DateMention, Disagreement, EntityMention, Evidence, FirstReport, OutletCoverage, Pickup,
                       Quantity, Rewrite, Sentence, TimelineEvent, VerdictCounts)


def analysis_to_json(analysis: Analysis) -> str:
    return json.dumps(plain(analysis), default=_default, ensure_ascii=False, separators=(",", ":"))


def analysis_from_json(data: str) -> Analysis:
    raw = json.loads(data)

    def dated(row: dict) -> DateMention:
        for key in ("value", "anchor"):
            if row.get(key):
                row[key] = date.fromisoformat(row[key])
        return DateMention(**row)

    return Analysis(
        sentences=tuple(Sentence(**row) for row in raw["sentences"]),
        dates=tuple(dated(row) for row in raw["dates"]),
        quantities=tuple(Quantity(**row) for row in raw["quantities"]),
        entities=tuple(EntityMention(**row) for row in raw["entities"]),
        citations=tuple(Citation(**row) for row in raw["citations"]),
    )


def _default(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value))


def crosscheck_to_json(groups: list[ClaimGroup], timeline: list[TimelineEvent]) -> str:
    return json.dumps({"groups": plain(groups), "timeline": plain(timeline)},
                      default=_default, ensure_ascii=False, separators=(",", ":"))


def _evidence(row: dict) -> Evidence:
    row = dict(row)
    for key in ("hedges", "attributed_to", "derived_from"):
        row[key] = tuple(row[key])
    return Evidence(**row)


def crosscheck_from_json(data: str) -> tuple[list[ClaimGroup], list[TimelineEvent]]:
    raw = json.loads(data)
    groups = [ClaimGroup(**{**g, "evidence": tuple(_evidence(e) for e in g["evidence"]),
                            "outlets": tuple(g["outlets"]), "values": tuple(g["values"]),
                            "sides": tuple((v, tuple(o), tuple(i)) for v, o, i in g.get("sides", ()))})
              for g in raw["groups"]]
    timeline = [_timeline_event(t) for t in raw["timeline"]]
    return groups, timeline


def _timeline_event(t: dict) -> TimelineEvent:
    return TimelineEvent(**{**t, "date": date.fromisoformat(t["date"]),
                            "evidence": tuple(_evidence(e) for e in t["evidence"]),
                            "outlets": tuple(t["outlets"]), "alternatives": tuple(t["alternatives"])})


def _brief_sentence(row: dict) -> BriefSentence:
    return BriefSentence(**{**row, "also": tuple(row["also"])})


def _contribution(row: dict) -> Contribution:
    return Contribution(**{**row, "reused_from": tuple(tuple(r) for r in row["reused_from"]),
                           "additions": tuple(Addition(**{**a, "figures": tuple(a["figures"]),
                                                          "sources": tuple(a["sources"])})
                                              for a in row["additions"])})


def briefing_from_json(data: str) -> Briefing:
    """Read back the JSON that brief.render.to_json writes."""
    raw = json.loads(data)
    raw.pop("schema", None)
    c = raw["coverage"]
    coverage = Coverage(
        outlets=tuple(OutletCoverage(**{**o, "article_ids": tuple(o["article_ids"])}) for o in c["outlets"]),
        rewrites=tuple(Rewrite(**r) for r in c["rewrites"]),
        most_cited=tuple((name, n) for name, n in c["most_cited"]),
        independent=tuple(c["independent"]), dependent=tuple(c["dependent"]),
        articles=tuple(c["articles"]),
        first_report=FirstReport(**c["first_report"]) if c.get("first_report") else None,
        pickup=tuple(Pickup(**p) for p in c.get("pickup", ())),
        contributions=tuple(_contribution(x) for x in c.get("contributions", ())))
    return Briefing(
        story_id=raw["story_id"], headline=raw["headline"], articles=raw["articles"], words=raw["words"],
        key_points=tuple(_brief_sentence(s) for s in raw["key_points"]),
        summary=tuple(_brief_sentence(s) for s in raw["summary"]),
        disagreements=tuple(Disagreement(about=d["about"], kind=d["kind"],
                                         sides=tuple((v, tuple(o), tuple(i)) for v, o, i in d["sides"]),
                                         evidence=tuple(_evidence(e) for e in d["evidence"]),
                                         verdict=d.get("verdict", "conflicting"))
                            for d in raw["disagreements"]),
        timeline=tuple(_timeline_event(t) for t in raw["timeline"]),
        background=tuple(_brief_sentence(s) for s in raw["background"]),
        coverage=coverage, verdicts=VerdictCounts(**raw["verdicts"]))
