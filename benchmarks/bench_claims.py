"""Verdict precision and recall on the bundled sample, against its gold set.

The gold set (benchmarks/gold/sample_gold.json) was written with the corpus and
lists, by construction, the claim groups it contains and their verdicts. A
predicted group matches a gold group when it holds the gold values from at
least half of the gold group's articles. Recall: gold groups whose match has
the gold verdict. Precision: of the predicted groups that match a gold group,
plus every predicted conflict that matches none (a false alarm), those with the
gold verdict.
"""

from __future__ import annotations

import json
import math
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import save  # noqa: E402

GOLD = Path(__file__).resolve().parent / "gold" / "sample_gold.json"
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12}
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


def _gold_number(text: str) -> float | None:
    found = _NUMBER.search(text.replace(",", ""))
    if found:
        value = float(found.group(0))
        scale = next((s for w, s in _SCALE.items() if w in text), 1.0)
        return value * scale
    word = next((w for w in _WORDS if re.search(rf"\b{w}\b", text.lower())), None)
    return float(_WORDS[word]) if word else None


def _covers(evidence, gold_value: str, kind: str) -> bool:
    if kind == "date":
        return bool(evidence.date) and (evidence.date.startswith(gold_value[:10]) or
                                        gold_value[:10].startswith(evidence.date))
    number = _gold_number(gold_value)
    return number is not None and evidence.value is not None and math.isclose(evidence.value, number, rel_tol=0.01)


def score(engine) -> dict:
    gold = json.loads(GOLD.read_text())
    ids = {a.external_id: a.id for a in engine.articles()}
    predicted = []
    for story in engine.stories():
        _, groups, _ = engine.cross_check(story.id)
        predicted.extend(g for g in groups if g.kind in ("quantity", "date"))
    matched: dict[str, tuple[str, str]] = {}  # predicted group id -> (gold about, gold verdict)
    rows = []
    hits = 0
    for gold_group in gold["claim_groups"]:
        entries = {ids[key]: value for key, value in gold_group["values"].items()}
        needed = max(1, math.ceil(len(entries) / 2))
        best, best_cover = None, 0
        for group in predicted:
            if group.kind != gold_group["kind"]:
                continue
            cover = sum(1 for e in group.evidence if e.article_id in entries
                        and _covers(e, entries[e.article_id], group.kind))
            if cover > best_cover:
                best, best_cover = group, cover
        if best is not None and best_cover >= needed:
            matched[best.id] = (gold_group["about"], gold_group["verdict"])
            ok = best.verdict == gold_group["verdict"]
            hits += ok
            rows.append((gold_group["about"], gold_group["verdict"], best.verdict, ", ".join(best.values)))
        else:
            rows.append((gold_group["about"], gold_group["verdict"], "(not found)", ""))
    correct = sum(1 for gid, (_, verdict) in matched.items()
                  if next(g for g in predicted if g.id == gid).verdict == verdict)
    false_alarms = [g for g in predicted if g.verdict == "conflicting" and g.id not in matched]
    judged = len(matched) + len(false_alarms)
    return {"precision": correct / judged if judged else 0.0, "recall": hits / len(gold["claim_groups"]),
            "gold_groups": len(gold["claim_groups"]), "matched": len(matched), "false_alarms":
            [f"{g.about}: {', '.join(g.values)}" for g in false_alarms], "rows": rows}


def main() -> None:
    from crosscheck import Engine, sample_corpus_path

    with tempfile.TemporaryDirectory() as tmp, Engine(str(Path(tmp) / "sample.db")) as engine:
        engine.ingest([sample_corpus_path()])
        start = time.perf_counter()
        result = score(engine)
        seconds = time.perf_counter() - start
    print(f"{'gold group':48} {'gold':14} {'predicted':14} values")
    for about, want, got, values in result["rows"]:
        mark = " " if want == got else "x"
        print(f"{mark} {about[:46]:46} {want:14} {got:14} {values}")
    for alarm in result["false_alarms"]:
        print(f"x false conflict: {alarm}")
    print(f"verdict precision {result['precision']:.3f}, recall {result['recall']:.3f} "
          f"({result['matched']}/{result['gold_groups']} gold groups matched; cross-check of 4 stories {seconds:.1f}s)")
    print(f"saved {save('claims', {k: v for k, v in result.items() if k != 'rows'})}")


if __name__ == "__main__":
    main()
