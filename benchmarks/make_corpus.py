"""Build a synthetic corpus of any size, with known stories, for the scale benchmarks.

Seeds are the stories of the bundled sample and, when ../shared is beside the clone,
of the ECB+ dev articles. Each copy of a seed story is a new story: its entities get
new (made-up) names, its figures are scaled by one factor, and its years and
publication dates move by one offset, the same for all its articles, so the copy's
articles still agree and disagree with each other as the seed's did.

    python benchmarks/make_corpus.py 10000 -o corpus.jsonl [--gold gold.json] [--seed 1]

Each JSONL row is an article crosscheck reads (id, outlet, title, published, text)
plus its gold `story`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import ECB_DEV  # noqa: E402

SYLLABLES = ["ka", "ran", "vel", "mor", "ti", "sa", "len", "dor", "bri", "ost", "ha", "mir", "quel", "na",
             "dra", "fen", "lo", "sun", "var", "ek", "il", "to", "ba", "rik", "ze", "um", "pa", "gor"]
NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w,]*\d)")
YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def seed_stories() -> dict[str, list[dict]]:
    """story -> its articles as rows (text, title, outlet, published), from the sample and ECB+."""
    from crosscheck.engine import sample_corpus_path
    from crosscheck.ingest import ReadOptions, discover, read_file

    gold = json.loads((HERE / "gold" / "sample_gold.json").read_text())["articles"]
    stories: dict[str, list[dict]] = defaultdict(list)
    for path in discover([sample_corpus_path()]):
        for article in read_file(path, ReadOptions()):
            key = article.external_id if article.external_id in gold else path.name
            if key in gold:
                stories[f"sample:{gold[key]['story']}"].append({
                    "text": article.text, "title": article.title, "outlet": article.outlet,
                    "published": article.published.isoformat() if article.published else None})
    if ECB_DEV.exists():
        for line in ECB_DEV.open(encoding="utf-8"):
            row = json.loads(line)
            stories[f"ecb:{row['story']}"].append({"text": row["text"], "title": None, "outlet": None,
                                                   "published": None})
    return dict(stories)


def made_up_name(rng: random.Random, words: int) -> str:
    return " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
                    for _ in range(words))


KEEP = {"The", "Of", "And", "For", "New", "North", "South", "East", "West", "Saint", "San", "De", "Del", "La", "Le"}


def entity_words(texts: list[str], recognizer) -> list[str]:
    """The capitalised words of a story's entity names. Renaming word by word keeps a story
    consistent: "Tara Reid" and the later "Reid" become the same made-up person."""
    from crosscheck.analyze.sentences import split_sentences

    found: dict[str, None] = {}
    for text in texts:
        for mention in recognizer.recognize(text, split_sentences(text)):
            for word in re.findall(r"[A-Z][\w'’]+", text[mention.start:mention.end]):
                if len(word) > 2 and word not in KEEP:
                    found[word] = None
    return list(found)


def perturb(text: str, renames: dict[str, str], factor: float, years: int) -> str:
    if renames:
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(renames, key=len, reverse=True))) + r")\b")
        text = pattern.sub(lambda m: renames[m.group(1)], text)
    text = YEAR.sub(lambda m: str(int(m.group(1)) + years), text)

    def scale(match: re.Match) -> str:
        whole = match.group(1)
        value = int(whole.replace(",", ""))
        if 1950 <= value <= 2100 + years and "," not in whole:
            return match.group(0)  # a year (already moved)
        if value < 10 and not match.group(2):
            return match.group(0)  # small counts ("two", "3 days") read oddly when scaled
        scaled = max(1, round(value * factor))
        body = f"{scaled:,}" if "," in whole else str(scaled)
        return body + (f".{match.group(2)}" if match.group(2) else "")

    return NUMBER.sub(scale, text)


def build(size: int, seed: int = 1, only: list[str] | None = None) -> tuple[list[dict], dict[str, str]]:
    """`size` articles (copies of the seed stories, round robin; of `only` those when given)
    and their gold stories."""
    from crosscheck.analyze.entities import get_recognizer

    rng = random.Random(seed)
    seeds = seed_stories()
    if only is not None:
        seeds = {story: seeds[story] for story in only}
    recognizer = get_recognizer()
    names = {story: entity_words([r["text"] for r in rows], recognizer) for story, rows in seeds.items()}
    order = sorted(seeds)
    rows: list[dict] = []
    gold: dict[str, str] = {}
    base = datetime(2020, 1, 1)
    copy = 0
    while len(rows) < size:
        story = order[copy % len(order)]
        variant = f"{story}#{copy // len(order)}@{seed}"
        copy += 1
        renames = {word: made_up_name(rng, 1) for word in names[story]}
        factor, years, days = rng.uniform(0.5, 2.0), rng.randint(1, 30), rng.randint(0, 364)
        outlets = {}
        for index, seed_row in enumerate(seeds[story]):
            if len(rows) >= size:
                break
            outlet = seed_row["outlet"]
            outlet = outlets.setdefault(outlet, made_up_name(rng, 2)) if outlet else made_up_name(rng, 2)
            if seed_row["published"]:
                published = datetime.fromisoformat(seed_row["published"]).replace(tzinfo=None)
                published = published.replace(year=min(published.year + years, 2099)) + timedelta(days=days)
            else:
                published = base + timedelta(days=days + 365 * years + index)
            article_id = f"{variant}/{index}"
            rows.append({"id": article_id, "outlet": outlet,
                         "title": perturb(seed_row["title"], renames, factor, years) if seed_row["title"] else None,
                         "published": published.isoformat(timespec="minutes"),
                         "text": perturb(seed_row["text"], renames, factor, years), "story": variant})
            gold[article_id] = variant
    return rows, gold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int, help="number of articles")
    parser.add_argument("-o", "--output", type=Path, required=True, help="JSONL file to write")
    parser.add_argument("--gold", type=Path, help="also write {article id: story} as JSON here")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows, gold = build(args.size, args.seed)
    with args.output.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.gold:
        args.gold.write_text(json.dumps(gold, indent=1))
    print(f"wrote {len(rows)} articles in {len(set(gold.values()))} stories to {args.output}")


if __name__ == "__main__":
    main()
