"""Cross-check quality: conflict precision and recall, corroboration recall and verdict
accuracy, on the bundled sample and on ECB+ dev against hand-written gold.

Gold:
- the sample: benchmarks/gold/sample_gold.json, written with the corpus;
- ECB+ dev: benchmarks/gold/ecb_dev/topic_N.json (see claims_gold.py), written by
  reading the articles, never from the tool's output. Each file also lists hard
  negatives (figures that look alike but are not one claim) and reviewed false
  conflicts.

Both corpora go through the engine as a user runs it (ingest, stories,
cross-check), and every story's claim groups are scored:
- a gold group is matched by the predicted group holding most of its claims (two
  at least, and half of them);
- conflict recall: gold conflicts whose match is "conflicting"; corroboration
  recall likewise; verdict accuracy: matched gold groups with the gold verdict;
- conflict precision: every predicted conflict is judged. It is right when it
  holds two disagreeing claims of a gold conflict; wrong when it holds claims of a
  gold group with another verdict, of two different gold groups, both sides of a
  hard negative, or two claims of a reviewed false conflict; otherwise it is
  unreviewed, counted as wrong, and listed so that someone reviews it.
"""

from __future__ import annotations

import json
import math
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ECB_DEV, save  # noqa: E402

GOLD = Path(__file__).resolve().parent / "gold" / "sample_gold.json"
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12}
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
_SPACE = re.compile(r"\s+")
# The forms of figure the tool reads. Scores ("88-72"), win-loss records, clock times,
# ordinals ("the seventh round") and durations are not read as claims; the gold keeps
# them and the report shows how many there are, but recall and accuracy are over these.
FORMS_READ = frozenset({"count", "money", "percent", "measure", "age", "date"})


@dataclass(frozen=True)
class Target:
    """A gold claim: in which article, and how to recognise its evidence."""

    article_id: int
    matches: Callable[[object], bool]  # Evidence -> bool
    label: str


@dataclass
class Gold:
    groups: list[tuple[str, str, str, list[Target]]] = field(default_factory=list)  # story, kind, verdict, claims
    abouts: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    negatives: list[tuple[Target, Target, str]] = field(default_factory=list)
    false_conflicts: list[tuple[list[Target], str]] = field(default_factory=list)


def _gold_number(text: str) -> float | None:
    found = _NUMBER.search(text.replace(",", ""))
    if found:
        value = float(found.group(0))
        scale = next((s for w, s in _SCALE.items() if w in text), 1.0)
        return value * scale
    word = next((w for w in _WORDS if re.search(rf"\b{w}\b", text.lower())), None)
    return float(_WORDS[word]) if word else None


def _value_matches(evidence, kind: str, value) -> bool:
    if kind == "date":
        return bool(evidence.date) and (evidence.date.startswith(value[:10]) or value[:10].startswith(evidence.date))
    if evidence.value is None:
        return False
    if isinstance(value, tuple):
        high = evidence.value_max if evidence.value_max is not None else evidence.value
        return math.isclose(evidence.value, value[0], rel_tol=0.01) and math.isclose(high, value[1], rel_tol=0.01)
    return math.isclose(evidence.value, value, rel_tol=0.01) or (
        evidence.value_max is not None and evidence.value <= value <= evidence.value_max)


def _squash(text: str) -> str:
    return _SPACE.sub("", text).casefold()


def sample_gold(ids: dict[str, int]) -> Gold:
    gold = Gold()
    for group in json.loads(GOLD.read_text())["claim_groups"]:
        targets = []
        for key, text in group["values"].items():
            value = text[:10] if group["kind"] == "date" else _gold_number(text)
            targets.append(Target(ids[key], lambda e, k=group["kind"], v=value: _value_matches(e, k, v), text))
        gold.groups.append((group["story"], group["kind"], group["verdict"], targets))
        gold.abouts.append(group["about"])
        gold.forms.append("date" if group["kind"] == "date" else "count")
    return gold


def dev_gold(ids: dict[str, int]) -> Gold:
    from claims_gold import GOLD_DIR, dev_articles, load

    articles = dev_articles(ECB_DEV)

    def target(claim, kind: str) -> Target:
        quote = _squash(claim.quote)

        def matches(evidence) -> bool:
            sentence = _squash(evidence.sentence)
            return (quote in sentence or sentence in quote) and _value_matches(evidence, kind, claim.value)
        # an article whose text duplicates another is stored once, under the first id
        return Target(ids.get(claim.article, -1), matches, f"{claim.article}: {claim.quote}")

    groups, negatives = load(articles=articles)
    gold = Gold()
    for group in groups:
        gold.groups.append((group.story, group.kind, group.verdict, [target(c, group.kind) for c in group.claims]))
        gold.abouts.append(group.about)
        gold.forms.append(group.form)
    gold.negatives = [(target(n.a, n.kind), target(n.b, n.kind), n.why) for n in negatives]
    for path in sorted(GOLD_DIR.glob("topic_*.json")):
        for entry in json.loads(path.read_text()).get("false_conflicts", []):
            from claims_gold import _claim
            claims = [_claim(c, entry["kind"], entry["story"], articles, f"{path.name} false_conflicts")
                      for c in entry["claims"]]
            gold.false_conflicts.append(([target(c, entry["kind"]) for c in claims], entry.get("why", "")))
    return gold


def _covered(group, targets: list[Target]) -> list[Target]:
    return [t for t in targets if any(e.article_id == t.article_id and t.matches(e) for e in group.evidence)]


def score(predicted: list, gold: Gold, names: dict[int, str] | None = None) -> dict:
    predicted = [g for g in predicted if g.kind in ("quantity", "date")]
    rows, matched = [], {}
    for index, (_, kind, verdict, targets) in enumerate(gold.groups):
        needed = max(min(2, len(targets)), math.ceil(len(targets) / 2))
        best, best_cover = None, 0
        for group in predicted:
            if group.kind == kind:
                cover = len(_covered(group, targets))
                if cover > best_cover:
                    best, best_cover = group, cover
        if best is not None and best_cover >= needed:
            matched[index] = best
            rows.append((gold.abouts[index], verdict, best.verdict, ", ".join(best.values)))
        else:
            rows.append((gold.abouts[index], verdict, "(not found)", ""))

    read = [i for i in range(len(gold.groups)) if not gold.forms or gold.forms[i] in FORMS_READ]

    def recall(verdict: str) -> tuple[float, int]:
        wanted = [i for i in read if gold.groups[i][2] == verdict]
        hit = sum(1 for i in wanted if i in matched and matched[i].verdict == verdict)
        return (hit / len(wanted) if wanted else 1.0), len(wanted)

    by_form = {}
    for form in sorted(set(gold.forms)):
        these = [i for i, f in enumerate(gold.forms) if f == form]
        by_form[form] = {"groups": len(these), "matched": sum(1 for i in these if i in matched),
                         "right": sum(1 for i in these if i in matched and matched[i].verdict == gold.groups[i][2])}

    right, wrong, unreviewed = [], [], []
    for group in (g for g in predicted if g.verdict == "conflicting"):
        verdict_of = _judge_conflict(group, gold)
        (right if verdict_of == "right" else unreviewed if verdict_of == "unreviewed" else wrong).append(
            (group, verdict_of))
    reported = len(right) + len(wrong) + len(unreviewed)
    # hard negatives (things that look alike but are not one claim) that a predicted group joins
    by_article: dict[int, list[int]] = {}
    for index, group in enumerate(predicted):
        for evidence in group.evidence:
            by_article.setdefault(evidence.article_id, []).append(index)

    def holding(target: Target) -> set[int]:
        return {i for i in by_article.get(target.article_id, ()) if _covered(predicted[i], [target])}

    merged = [why for a, b, why in gold.negatives if holding(a) & holding(b)]
    conflict_recall, conflicts = recall("conflicting")
    corroboration_recall, corroborations = recall("corroborated")
    accuracy = sum(1 for i in read if i in matched and matched[i].verdict == gold.groups[i][2]) / len(read) \
        if read else 1.0
    matched_accuracy = sum(1 for i in read if i in matched and matched[i].verdict == gold.groups[i][2]) / \
        max(1, sum(1 for i in read if i in matched))
    return {
        "gold_groups": len(gold.groups), "matched": len(matched),
        "conflict_precision": len(right) / reported if reported else 1.0,
        "conflicts_reported": reported, "conflicts_right": len(right), "conflicts_unreviewed": len(unreviewed),
        "conflict_recall": conflict_recall, "gold_conflicts": conflicts,
        "corroboration_recall": corroboration_recall, "gold_corroborations": corroborations,
        "hard_negatives": len(gold.negatives), "hard_negatives_joined": len(merged),
        "verdict_accuracy": accuracy, "verdict_accuracy_matched": matched_accuracy, "groups_read": len(read),
        "by_form": by_form,
        "wrong_conflicts": [f"[{why}] {_describe(g, names)}" for g, why in wrong],
        "unreviewed_conflicts": [_describe(g, names) for g, _ in unreviewed],
        "unreviewed": [_as_row(g, names) for g, _ in unreviewed],
        "wrong": [{**_as_row(g, names), "why": why} for g, why in wrong],
        "rows": rows,
    }


def _judge_conflict(group, gold: Gold) -> str:
    hit = {i for i, (_, kind, _, targets) in enumerate(gold.groups)
           if kind == group.kind and _covered(group, targets)}
    for i in hit:
        story, kind, verdict, targets = gold.groups[i]
        covered = _covered(group, targets)
        if verdict == "conflicting" and len(covered) >= 2:
            values = {tuple(e.value_text for e in group.evidence if e.article_id == t.article_id and t.matches(e))
                      for t in covered}
            if len({v for vs in values for v in vs}) >= 2 or len(values) >= 2:
                return "right"
    if len(hit) >= 2:
        return "two gold claims"
    for i in hit:
        if gold.groups[i][2] != "conflicting" and len(_covered(group, gold.groups[i][3])) >= 2:
            return f"gold says {gold.groups[i][2]}"
    for a, b, why in gold.negatives:
        if _covered(group, [a]) and _covered(group, [b]):
            return f"hard negative: {why}"
    for targets, why in gold.false_conflicts:
        if len(_covered(group, targets)) >= 2:
            return f"reviewed false: {why}"
    return "unreviewed"


def _describe(group, names: dict[int, str] | None = None) -> str:
    lines = [f"{group.about}: {', '.join(group.values)}"]
    for e in group.evidence:
        who = (names or {}).get(e.article_id, e.article_id)
        lines.append(f"    [{who}] {e.value_text!r} ({e.date or e.value}) :: {e.sentence[:160]}")
    return "\n".join(lines)


def _as_row(group, names: dict[int, str] | None) -> dict:
    return {"about": group.about, "kind": group.kind, "values": list(group.values),
            "evidence": [{"article": (names or {}).get(e.article_id, e.article_id), "value_text": e.value_text,
                          "value": e.date or e.value, "sentence": e.sentence} for e in group.evidence]}


def score_engine(engine, gold_of: Callable[[dict[str, int]], Gold]) -> dict:
    """Every story of a store cross-checked and scored against a gold."""
    ids = {a.external_id: a.id for a in engine.articles()}
    predicted = []
    for story in engine.stories():
        _, groups, _ = engine.cross_check(story.id)
        predicted.extend(groups)
    return score(predicted, gold_of(ids), {v: k for k, v in ids.items()})


def run(inputs: list[str], gold_of: Callable[[dict[str, int]], Gold]) -> tuple[dict, float]:
    from crosscheck import Engine

    with tempfile.TemporaryDirectory() as tmp, Engine(str(Path(tmp) / "claims.db")) as engine:
        engine.ingest(inputs)
        start = time.perf_counter()
        result = score_engine(engine, gold_of)
        seconds = time.perf_counter() - start
    return result, seconds


def report(name: str, result: dict, seconds: float) -> None:
    print(f"\n== {name}")
    print(f"{'gold group':48} {'gold':14} {'predicted':14} values")
    for about, want, got, values in result["rows"]:
        mark = " " if want == got else "x"
        print(f"{mark} {about[:46]:46} {want:14} {got:14} {values[:60]}")
    for alarm in result["wrong_conflicts"]:
        print(f"x false conflict: {alarm}")
    for alarm in result["unreviewed_conflicts"]:
        print(f"? unreviewed conflict: {alarm}")
    print(f"{name}: conflict precision {result['conflict_precision']:.3f} ({result['conflicts_right']}/"
          f"{result['conflicts_reported']}, {result['conflicts_unreviewed']} unreviewed), "
          f"conflict recall {result['conflict_recall']:.3f} of {result['gold_conflicts']}, "
          f"corroboration recall {result['corroboration_recall']:.3f} of {result['gold_corroborations']}, "
          f"verdict accuracy {result['verdict_accuracy']:.3f} over {result['groups_read']} groups of forms read "
          f"({result['verdict_accuracy_matched']:.3f} of those matched; {result['matched']}/{result['gold_groups']} "
          f"gold groups matched in all); cross-check {seconds:.1f}s")
    if result["hard_negatives"]:
        print(f"    hard negatives joined in one group: {result['hard_negatives_joined']} of {result['hard_negatives']}")
    for form, row in result["by_form"].items():
        read = "" if form in FORMS_READ else " (not read)"
        print(f"    {form:10} {row['groups']:4} groups, {row['matched']:4} matched, {row['right']:4} right{read}")


def main() -> None:
    from crosscheck import sample_corpus_path

    results = {}
    sample, seconds = run([str(sample_corpus_path())], sample_gold)
    report("sample", sample, seconds)
    results["sample"] = {k: v for k, v in sample.items() if k not in ("rows", "unreviewed", "wrong")}
    if ECB_DEV.exists():
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "dev.jsonl"
            rows = [json.loads(line) for line in ECB_DEV.read_text().splitlines()]
            data.write_text("".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in rows))
            dev, seconds = run([str(data)], dev_gold)
        report("ECB+ dev", dev, seconds)
        results["ecb_dev"] = {k: v for k, v in dev.items() if k not in ("rows", "unreviewed", "wrong")}
        # for whoever reviews them next: every conflict the gold does not yet judge
        (Path(__file__).resolve().parent / "out" / "claims_unreviewed.json").write_text(
            json.dumps({"unreviewed": dev["unreviewed"], "judged_wrong": dev["wrong"]}, indent=1))
    print(f"saved {save('claims', results)}")


if __name__ == "__main__":
    main()
