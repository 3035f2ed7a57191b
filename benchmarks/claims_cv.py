"""Alignment thresholds by cross-validation over ECB+ dev topics, against the claim gold.

The dev articles go through the engine once (ingest, stories, analysis); each
candidate setting then re-runs only the cross-check. Topics are split into three
folds; a setting is chosen on two folds and scored on the third, by conflict
precision plus verdict accuracy (precision first: a false conflict costs a
reader's trust).

    python benchmarks/claims_cv.py
"""

from __future__ import annotations

import itertools
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_claims as bc  # noqa: E402
from common import ECB_DEV, save  # noqa: E402

GRID = {"quantity_threshold": [0.35, 0.4, 0.45, 0.5], "date_threshold": [0.35, 0.45]}


def _stories(engine) -> list[tuple]:
    from crosscheck.claims import copies_of

    found = []
    for story in engine.stories():
        members = engine.store.story_members(story.id)
        articles = engine.store.articles_by_id(members)
        analyses = engine.store.analyses_by_id(members)
        vectors = {}
        for member in members:
            sentences = engine.sentences.of(member)
            for index, vector in enumerate(sentences.vectors):
                vectors[(member, index)] = vector
        copies = copies_of(engine.store.reuse_among(members))
        found.append(([(articles[m], analyses[m]) for m in members if m in analyses], vectors,
                      engine.results.cited(members, articles), copies))
    return found


def _fold_gold(gold: bc.Gold, keep) -> bc.Gold:
    rows = [i for i, group in enumerate(gold.groups) if keep(group[3][0].article_id)]
    return bc.Gold(groups=[gold.groups[i] for i in rows], abouts=[gold.abouts[i] for i in rows],
                   forms=[gold.forms[i] for i in rows], negatives=[n for n in gold.negatives if keep(n[0].article_id)],
                   false_conflicts=[f for f in gold.false_conflicts if keep(f[0][0].article_id)])


def main() -> None:
    from crosscheck import Engine
    from crosscheck.claims import AlignConfig, cross_check

    with tempfile.TemporaryDirectory() as tmp, Engine(str(Path(tmp) / "dev.db")) as engine:
        rows = [json.loads(line) for line in ECB_DEV.read_text().splitlines()]
        data = Path(tmp) / "dev.jsonl"
        data.write_text("".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in rows))
        engine.ingest([str(data)])
        ids = {a.external_id: a.id for a in engine.articles()}
        names = {v: k for k, v in ids.items()}
        topic_of = {i: int(key.split("_")[0]) for key, i in ids.items()}
        stories = _stories(engine)
        gold = bc.dev_gold(ids)
        topics = sorted(set(topic_of.values()))
        folds = [topics[0::3], topics[1::3], topics[2::3]]
        scores: dict[tuple, list[dict]] = {}
        for values in itertools.product(*GRID.values()):
            config = AlignConfig(**dict(zip(GRID, values)))
            predicted = [g for items, vectors, cited, copies in stories
                         for g in cross_check(items, vectors, engine.sentences.word_vectors, cited, copies, config)[0]]
            scores[values] = []
            for fold in folds:
                def keep(article_id, fold=fold):
                    return topic_of.get(article_id) in fold
                result = bc.score([g for g in predicted if keep(g.evidence[0].article_id)], _fold_gold(gold, keep),
                                  names)
                scores[values].append({k: result[k] for k in ("conflict_precision", "conflict_recall",
                                                              "corroboration_recall", "verdict_accuracy")})
            print(values, [round(f["conflict_precision"] + f["verdict_accuracy"], 3) for f in scores[values]],
                  flush=True)

    def objective(fold_scores: dict) -> float:
        return fold_scores["conflict_precision"] + fold_scores["verdict_accuracy"]

    held_out = []
    for k in range(len(folds)):
        chosen = max(scores, key=lambda v: sum(objective(s) for i, s in enumerate(scores[v]) if i != k))
        held_out.append({"fold": k, "chosen": dict(zip(GRID, chosen)), **scores[chosen][k]})
        print(f"fold {k}: chose {dict(zip(GRID, chosen))}, held out {scores[chosen][k]}")
    print(f"saved {save('claims_cv', {'grid': {str(v): s for v, s in scores.items()}, 'held_out': held_out})}")


if __name__ == "__main__":
    main()
