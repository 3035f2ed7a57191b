"""Briefing summaries: what crosscheck's extractive summary promises, beside two baselines.

The summary promises to say what the outlets agree on, to draw on many outlets,
not to say the same thing twice, and to show only real sentences of real
articles. Each promise is measured per story, on every story of at least
MIN_ARTICLES articles, then averaged over the stories:

- coverage: the share of the story's corroborated claim groups
  (Engine.cross_check) that the summary covers. A summary covers a group when
  one of its sentences is one of the group's evidence sentences (same article,
  same sentence) or has cosine >= COVER_COSINE with one. Stories with no
  corroborated group are left out of this average only.
- outlets: distinct sources among the summary's articles; a source is the
  article's outlet, or the article itself when it names none (ECB+ names none).
- redundancy: the largest cosine between two summary sentences (0 for one).
- faithfulness: the share of summary sentences whose displayed text is found
  verbatim in its article's text. It must be 100% for every system.

Cosines use the sentence vectors crosscheck stored (unit rows). Every system
gets the same word budget; a sentence that would exceed it is skipped and the
next one tried, as crosscheck does. The systems, all run here on the same
stories and the same sentence split (the one crosscheck stored):

- crosscheck: Engine.briefing(story).summary.
- LexRank (sumy, TF-IDF cosine graph, threshold 0.1) over every sentence of the
  story's articles, with a Snowball stemmer and the stop words below, taken in
  LexRank order. Exact repeats of a sentence are given once: sumy's document
  model treats sentences with equal text as one sentence anyway.
- Lead: the first sentences of the story's earliest article (earliest
  published; undated articles after dated ones, then by lowest id).

Data: the bundled sample corpus, and ECB+ dev from ../shared when it is there
(it has no outlets and no dates, so there a source is an article and the lead
article is the lowest id).
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ECB_DEV, save  # noqa: E402

BUDGET = 120  # words, crosscheck's default
COVER_COSINE = 0.8
MIN_ARTICLES = 3
SYSTEMS = ("crosscheck", "lexrank", "lead")

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having
he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
nor not now of off on once only or other our ours ourselves out over own same she should so some such than
that the their theirs them themselves then there these they this those through to too under until up very
was we were what when where which while who whom why will with would you your yours yourself yourselves
said says say told according mr mrs ms
""".split())


@dataclass(frozen=True)
class Picked:
    """One summary sentence: where it comes from, and what a reader is shown."""
    article_id: int
    index: int  # position among the article's stored sentences; -1 when not among them
    source: str  # the source sentence
    shown: str  # the displayed text (crosscheck may trim a dateline or credit wrapper)

    @property
    def words(self) -> int:
        return len(self.shown.split())


# -- summaries -----------------------------------------------------------------

def fit_budget(candidates: Iterable[Picked], words: int = BUDGET) -> list[Picked]:
    """Candidates in order, skipping any that would take the summary past the budget."""
    chosen, used = [], 0
    for candidate in candidates:
        if used + candidate.words > words:
            continue
        chosen.append(candidate)
        used += candidate.words
    return chosen


def lead_summary(article_id: int, sentences: Sequence[str], words: int = BUDGET) -> list[Picked]:
    """The lead baseline: one article's sentences from the top, within the budget."""
    return fit_budget((Picked(article_id, i, s, s) for i, s in enumerate(sentences) if s.strip()), words)


class RegexTokenizer:
    """Words for sumy without NLTK's punkt data: runs of letters and digits."""

    language = "english"

    @staticmethod
    def to_words(text: str) -> tuple[str, ...]:
        return tuple(_WORD.findall(text))

    @staticmethod
    def to_sentences(text: str) -> tuple[str, ...]:  # never called: sentences come pre-split
        return (text,)


def lexrank_order(paragraphs: Sequence[Sequence[str]]) -> list[tuple[int, int]]:
    """(paragraph, sentence) positions of every distinct sentence, best LexRank score first.

    Each paragraph is one article's sentences. sumy builds its own document
    from these; ties keep document order.
    """
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.summarizers.lex_rank import LexRankSummarizer

    tokenizer = RegexTokenizer()
    positions: list[tuple[int, int]] = []
    seen: set[str] = set()
    document_paragraphs = []
    for p, sentences in enumerate(paragraphs):
        kept = []
        for s, text in enumerate(sentences):
            key = text.strip()
            if not key or key in seen or not tokenizer.to_words(key):
                continue
            seen.add(key)
            kept.append(Sentence(text, tokenizer))
            positions.append((p, s))
        if kept:
            document_paragraphs.append(Paragraph(kept))
    if not positions:
        return []
    summarizer = LexRankSummarizer(_stemmer())
    summarizer.stop_words = STOP_WORDS
    ranked = []

    def keep_all(infos):  # sumy hands its count the sentences sorted by rating, best first
        ranked.extend(infos)
        return infos

    summarizer(ObjectDocumentModel(document_paragraphs), keep_all)
    return [positions[info.order] for info in ranked]


def _stemmer():
    try:
        from sumy.nlp.stemmers import Stemmer

        stemmer = Stemmer("english")
        stemmer("ratified")
        return stemmer
    except Exception:  # no NLTK snowball: fall back to lower-casing only
        from sumy.nlp.stemmers import null_stemmer

        return null_stemmer


def lexrank_summary(article_ids: Sequence[int], sentences: Mapping[int, Sequence[str]],
                    words: int = BUDGET) -> list[Picked]:
    """The LexRank baseline over the articles' sentences (articles in the given order)."""
    paragraphs = [sentences[a] for a in article_ids]
    order = lexrank_order(paragraphs)
    return fit_budget((Picked(article_ids[p], s, paragraphs[p][s], paragraphs[p][s]) for p, s in order), words)


# -- measures ------------------------------------------------------------------

def covers(summary: Sequence[tuple[int, str, np.ndarray | None]],
           evidence: Sequence[tuple[int, str, np.ndarray | None]], threshold: float = COVER_COSINE) -> bool:
    """Whether a summary (article id, source sentence, vector) holds one of a group's
    evidence sentences, or one as close as `threshold` in cosine."""
    for article_id, text, vector in summary:
        for e_article, e_text, e_vector in evidence:
            if article_id == e_article and text == e_text:
                return True
            if vector is not None and e_vector is not None and float(vector @ e_vector) >= threshold:
                return True
    return False


def coverage(summary: Sequence[tuple[int, str, np.ndarray | None]],
             groups: Sequence[Sequence[tuple[int, str, np.ndarray | None]]],
             threshold: float = COVER_COSINE) -> float | None:
    """The share of groups (each its evidence sentences) the summary covers; None with no group."""
    if not groups:
        return None
    return sum(covers(summary, g, threshold) for g in groups) / len(groups)


def redundancy(vectors: Sequence[np.ndarray]) -> float:
    """The largest cosine between two of the (unit) vectors; 0 for fewer than two."""
    if len(vectors) < 2:
        return 0.0
    matrix = np.stack([np.asarray(v, dtype=np.float64) for v in vectors])
    cosine = matrix @ matrix.T
    np.fill_diagonal(cosine, -np.inf)
    return float(cosine.max())


def source_of(outlet: str | None, article_id: int) -> str:
    return outlet or f"article {article_id}"


def outlets_cited(article_ids: Iterable[int], outlets: Mapping[int, str | None]) -> int:
    """Distinct sources among the articles: the outlet, or the article when it names none."""
    return len({source_of(outlets.get(a), a) for a in article_ids})


def faithfulness(shown_and_article: Sequence[tuple[str, str]]) -> float:
    """The share of (displayed text, its article's text) pairs where the text is verbatim in
    the article; 1.0 for an empty summary (nothing was misquoted)."""
    if not shown_and_article:
        return 1.0
    return sum(shown in article for shown, article in shown_and_article) / len(shown_and_article)


# -- one dataset ---------------------------------------------------------------

def _published_key(article):
    published = article.published
    if published is not None and published.tzinfo is not None:
        published = published.astimezone(timezone.utc).replace(tzinfo=None)
    return (published is None, published.isoformat() if published else "", article.id)


def evaluate_story(engine, story_id: int, words: int = BUDGET) -> dict:
    """Every system's summary of one story, measured."""
    members = sorted(engine.store.story_memberships()[story_id])
    articles = engine.store.articles_by_id(members)
    stored = {a: engine.sentences.of(a) for a in members}
    stored = {a: s for a, s in stored.items() if s is not None}
    texts = {a: tuple(s.sentences) for a, s in stored.items()}
    outlets = {a: articles[a].outlet for a in members}

    def vector(article_id: int, index: int) -> np.ndarray | None:
        return stored[article_id].vectors[index] if index >= 0 and article_id in stored else None

    def index_of(article_id: int, sentence: str) -> int:
        try:
            return texts.get(article_id, ()).index(sentence)
        except ValueError:
            return -1

    _, groups, _ = engine.cross_check(story_id)
    corroborated = [[(e.article_id, e.sentence, vector(e.article_id, index_of(e.article_id, e.sentence)))
                     for e in g.evidence] for g in groups if g.verdict == "corroborated"]

    briefing = engine.briefing(story_id, words=words)
    ordered = sorted((articles[a] for a in stored), key=_published_key)
    summaries = {
        "crosscheck": [Picked(s.article_id, index_of(s.article_id, s.source_text), s.source_text, s.text)
                       for s in briefing.summary],
        "lexrank": lexrank_summary([a.id for a in ordered], texts, words),
        "lead": lead_summary(ordered[0].id, texts[ordered[0].id], words) if ordered else [],
    }
    result = {"story": story_id, "articles": len(members), "corroborated_groups": len(corroborated)}
    for name, summary in summaries.items():
        vectors = [vector(p.article_id, p.index) for p in summary]
        result[name] = {
            "coverage": coverage([(p.article_id, p.source, v) for p, v in zip(summary, vectors)], corroborated),
            "outlets": outlets_cited([p.article_id for p in summary], outlets),
            "redundancy": redundancy([v for v in vectors if v is not None]),
            "faithfulness": faithfulness([(p.shown, articles[p.article_id].text) for p in summary]),
            "sentences": len(summary),
            "words": sum(p.words for p in summary),
            "unfaithful": [p.shown for p in summary if p.shown not in articles[p.article_id].text],
        }
    return result


def evaluate(engine, words: int = BUDGET) -> dict:
    """Every story of at least MIN_ARTICLES articles, measured, and the averages."""
    stories = [s for s in engine.stories() if s.articles >= MIN_ARTICLES]
    per_story = [evaluate_story(engine, s.id, words) for s in stories]
    averages = {}
    for name in SYSTEMS:
        rows = [r[name] for r in per_story]
        covered = [r["coverage"] for r in rows if r["coverage"] is not None]
        averages[name] = {
            "coverage": statistics.fmean(covered) if covered else None,
            "coverage_stories": len(covered),
            **{m: statistics.fmean(r[m] for r in rows) if rows else None
               for m in ("outlets", "redundancy", "faithfulness", "sentences", "words")},
            "stories": len(rows),
        }
    return {"stories": len(per_story), "averages": averages, "verdict": verdict(averages), "per_story": per_story}


def verdict(averages: Mapping[str, Mapping[str, float | None]]) -> dict:
    ours, lex, lead = averages["crosscheck"], averages["lexrank"], averages["lead"]

    def more(measure: str) -> bool | None:
        if any(s[measure] is None for s in (ours, lex, lead)):
            return None
        return ours[measure] > lex[measure] and ours[measure] > lead[measure]

    return {
        "more_coverage_than_both": more("coverage"),
        "more_outlets_than_both": more("outlets"),
        "redundancy_not_above_lexrank": (ours["redundancy"] <= lex["redundancy"]
                                         if ours["redundancy"] is not None else None),
        "all_faithful": all(s["faithfulness"] in (None, 1.0) for s in (ours, lex, lead)),
    }


def _fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def report(label: str, result: dict, ingest_seconds: float, eval_seconds: float) -> None:
    averages = result["averages"]
    used = averages["crosscheck"]["coverage_stories"]
    print(f"data: {label}: {result['stories']} stories of >= {MIN_ARTICLES} articles "
          f"(coverage over the {used} with a corroborated claim group); budget {BUDGET} words; "
          f"ingest {ingest_seconds:.1f}s, evaluation {eval_seconds:.1f}s")
    print(f"  {'system':12} {'coverage':>9} {'outlets':>8} {'redundancy':>11} {'faithful':>9} "
          f"{'words':>6} {'stories':>8}")
    for name in SYSTEMS:
        s = averages[name]
        print(f"  {name:12} {_fmt(s['coverage'], '>9.1%')} {_fmt(s['outlets'], '>8.2f')} "
              f"{_fmt(s['redundancy'], '>11.3f')} {_fmt(s['faithfulness'], '>9.1%')} "
              f"{_fmt(s['words'], '>6.1f')} {s['stories']:>8}")
    ours, lex, lead = averages["crosscheck"], averages["lexrank"], averages["lead"]
    v = result["verdict"]

    def yes(flag: bool | None) -> str:
        return "n/a" if flag is None else ("yes" if flag else "NO")

    print(f"  crosscheck covers more corroborated groups than both baselines: {yes(v['more_coverage_than_both'])} "
          f"({_fmt(ours['coverage'], '.1%')} vs LexRank {_fmt(lex['coverage'], '.1%')}, "
          f"lead {_fmt(lead['coverage'], '.1%')})")
    print(f"  crosscheck cites more outlets than both baselines: {yes(v['more_outlets_than_both'])} "
          f"({ours['outlets']:.2f} vs LexRank {lex['outlets']:.2f}, lead {lead['outlets']:.2f})")
    print(f"  crosscheck redundancy no higher than LexRank's: {yes(v['redundancy_not_above_lexrank'])} "
          f"({ours['redundancy']:.3f} vs {lex['redundancy']:.3f})")
    print(f"  every summary sentence verbatim in its article: {yes(v['all_faithful'])}")
    for row in result["per_story"]:
        for name in SYSTEMS:
            for text in row[name]["unfaithful"]:
                print(f"  x not verbatim ({name}, story {row['story']}): {text[:90]}")


def run_dataset(paths: Sequence[str | Path]) -> tuple[dict, float, float]:
    from crosscheck import Engine

    with tempfile.TemporaryDirectory() as tmp, Engine(str(Path(tmp) / "brief.db")) as engine:
        start = time.perf_counter()
        engine.ingest([str(p) for p in paths])
        ingest_seconds = time.perf_counter() - start
        start = time.perf_counter()
        result = evaluate(engine)
        eval_seconds = time.perf_counter() - start
    return result, ingest_seconds, eval_seconds


def main() -> None:
    from crosscheck import sample_corpus_path

    payload: dict = {"budget_words": BUDGET, "cover_cosine": COVER_COSINE, "min_articles": MIN_ARTICLES,
                     "datasets": {}}
    result, ingest_s, eval_s = run_dataset([sample_corpus_path()])
    report("bundled sample corpus", result, ingest_s, eval_s)
    payload["datasets"]["sample"] = {**result, "ingest_seconds": ingest_s, "eval_seconds": eval_s}

    if not ECB_DEV.exists():
        print(f"skipped ECB+: {ECB_DEV} not found (the benchmark data lives in ../shared)")
        payload["datasets"]["ecbplus-dev"] = {"skipped": f"{ECB_DEV} not found"}
    else:
        with tempfile.TemporaryDirectory() as tmp:
            # only id and text: the gold topic and story labels stay out of the store
            data = Path(tmp) / "ecbplus-dev.jsonl"
            rows = [json.loads(line) for line in ECB_DEV.open(encoding="utf-8") if line.strip()]
            data.write_text("".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in rows))
            result, ingest_s, eval_s = run_dataset([data])
        print()
        report(f"{ECB_DEV.name} ({len(rows)} articles)", result, ingest_s, eval_s)
        payload["datasets"]["ecbplus-dev"] = {**result, "ingest_seconds": ingest_s, "eval_seconds": eval_s}
    print(f"saved {save('brief', payload)}")


if __name__ == "__main__":
    main()
