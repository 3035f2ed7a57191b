"""Records to and from the JSON the store keeps them in."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

from ..records import Analysis, Citation, DateMention, EntityMention, Quantity, Sentence


def analysis_to_json(analysis: Analysis) -> str:
    def default(value):
        if isinstance(value, date):
            return value.isoformat()
        raise TypeError(type(value))

    return json.dumps(asdict(analysis), default=default, ensure_ascii=False, separators=(",", ":"))


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
