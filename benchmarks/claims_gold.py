"""The hand-written claim gold for ECB+ dev stories (benchmarks/gold/ecb_dev/topic_N.json).

Each file holds, for one topic, the claim groups that two or more of a story's
articles state, with the verdict a careful reader gives them; hard negatives:
pairs of figures or dates that look alike but are not one claim; and
false_conflicts: conflicts the tool once reported that a reviewer, reading the
articles, found false (with why), so that a later run is judged without a
second review.
Every claim is located by a quote that occurs exactly once in its article.

    python benchmarks/claims_gold.py [FILE ...]   # check files (all when none given)
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

GOLD_DIR = Path(__file__).resolve().parent / "gold" / "ecb_dev"
DEV = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "ecbplus-dev.jsonl"
VERDICTS = ("corroborated", "conflicting", "updated", "single_source")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class GoldClaim:
    article: str
    quote: str
    start: int  # of the quote in the article text
    end: int
    value: float | tuple[float, float] | str


@dataclass(frozen=True)
class GoldGroup:
    story: str
    kind: str
    about: str
    verdict: str
    claims: tuple[GoldClaim, ...]
    form: str = ""  # count, money, percent, measure, age, duration, date, score, record, clock, ordinal


@dataclass(frozen=True)
class HardNegative:
    story: str
    kind: str
    a: GoldClaim
    b: GoldClaim
    why: str


def dev_articles(path: Path = DEV) -> dict[str, dict]:
    return {row["id"]: row for row in map(json.loads, path.read_text().splitlines())}


def _claim(raw: dict, kind: str, story: str, articles: dict[str, dict], where: str) -> GoldClaim:
    for field in ("article", "quote", "value"):
        if field not in raw:
            raise ValueError(f"{where}: missing field {field!r}")
    article = articles.get(raw["article"])
    if article is None:
        raise ValueError(f"{where}: unknown article {raw['article']!r}")
    if article["story"] != story:
        raise ValueError(f"{where}: article {raw['article']} belongs to story {article['story']}, not {story}")
    text, quote = article["text"], raw["quote"]
    count = text.count(quote)
    if count != 1:
        raise ValueError(f"{where}: quote {quote!r} occurs {count} times in {raw['article']} (needs exactly once)")
    value = raw["value"]
    if kind == "quantity":
        if isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
            value = (float(value[0]), float(value[1]))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            value = float(value)
        else:
            raise ValueError(f"{where}: a quantity's value is a number or [low, high], not {value!r}")
    elif not (isinstance(value, str) and _DATE.match(value)):
        raise ValueError(f"{where}: a date's value is YYYY-MM-DD, YYYY-MM or YYYY, not {value!r}")
    start = text.index(quote)
    return GoldClaim(raw["article"], quote, start, start + len(quote), value)


def load(paths: list[Path] | None = None, articles: dict[str, dict] | None = None
         ) -> tuple[list[GoldGroup], list[HardNegative]]:
    articles = articles if articles is not None else dev_articles()
    groups: list[GoldGroup] = []
    negatives: list[HardNegative] = []
    for path in paths or sorted(GOLD_DIR.glob("topic_*.json")):
        data = json.loads(path.read_text())
        for n, raw in enumerate(data.get("claim_groups", []), 1):
            where = f"{path.name} claim_groups[{n}]"
            kind, verdict = raw.get("kind"), raw.get("verdict")
            if kind not in ("quantity", "date"):
                raise ValueError(f"{where}: kind must be quantity or date, not {kind!r}")
            if verdict not in VERDICTS:
                raise ValueError(f"{where}: verdict must be one of {VERDICTS}, not {verdict!r}")
            claims = tuple(_claim(c, kind, raw["story"], articles, f"{where} claim {i}")
                           for i, c in enumerate(raw.get("claims", []), 1))
            if len({c.article for c in claims}) != len(claims) or len(claims) < 2:
                raise ValueError(f"{where}: needs claims from two or more articles, one claim per article")
            groups.append(GoldGroup(raw["story"], kind, raw.get("about", ""), verdict, claims, raw.get("form", "")))
        for n, raw in enumerate(data.get("hard_negatives", []), 1):
            where = f"{path.name} hard_negatives[{n}]"
            kind = raw.get("kind")
            if kind not in ("quantity", "date"):
                raise ValueError(f"{where}: kind must be quantity or date, not {kind!r}")
            a = _claim(raw["a"], kind, raw["story"], articles, f"{where} a")
            b = _claim(raw["b"], kind, raw["story"], articles, f"{where} b")
            negatives.append(HardNegative(raw["story"], kind, a, b, raw.get("why", "")))
        for n, raw in enumerate(data.get("false_conflicts", []), 1):
            where = f"{path.name} false_conflicts[{n}]"
            if raw.get("kind") not in ("quantity", "date") or not raw.get("why"):
                raise ValueError(f"{where}: needs kind (quantity or date) and why")
            claims = [_claim(c, raw["kind"], raw["story"], articles, f"{where} claim {i}")
                      for i, c in enumerate(raw.get("claims", []), 1)]
            if len({c.article for c in claims}) < 2:
                raise ValueError(f"{where}: needs claims from two or more articles")
    return groups, negatives


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or None
    try:
        groups, negatives = load(paths)
    except (ValueError, KeyError, json.JSONDecodeError) as error:
        print(f"invalid: {error}")
        return 1
    verdicts = {v: sum(g.verdict == v for g in groups) for v in VERDICTS}
    print(f"ok: {len(groups)} claim groups {verdicts}, {len(negatives)} hard negatives")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
