"""Who reuses whom: near-duplicate articles and sentence-level reuse.

Near-duplicates come from MinHash LSH over word shingles (datasketch signatures, their
band buckets kept in the store), which finds rewrites across the whole store without
comparing every pair. Sentence
reuse compares two articles sentence by sentence: the same words (verbatim,
allowing small edits) or the same meaning in other words (paraphrase, by
embedding similarity). The earlier publication is the source. Citations are
found by `citations.py`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from datasketch import MinHash, MinHashLSH

from ..analyze.outlets import source_key, squash
from ..records import Article, SentenceReuse

NUM_PERM = 128
SHINGLE_WORDS = 5
NEAR_DUPLICATE_THRESHOLD = 0.3  # estimated Jaccard of 5-word shingles; a rewrite that drops
# a few paragraphs and edits the rest scores about 0.45, independent reports under 0.05
# A wire story run by hundreds of outlets has hundreds of near-duplicates; comparing each new copy
# sentence by sentence with all of them grows with the store. The closest ones tell who it reuses.
NEAR_DUPLICATE_LIMIT = 10
VERBATIM_JACCARD = 0.6  # word-trigram overlap for "the same sentence, lightly edited"
PARAPHRASE_COSINE = 0.84  # embedding similarity for "the same statement, reworded"
MIN_SENTENCE_WORDS = 6  # shorter sentences ("Conclusion", "He agreed.") match by accident

_WORD = re.compile(r"\w+")


def word_tokens(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


# Stored signatures must be rebuilt with the scheme that made them.
MINHASH_SCHEME = "affine32"


def minhash_signature(text: str) -> MinHash:
    words = word_tokens(text)
    shingles = {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    signature = MinHash(num_perm=NUM_PERM, scheme=MINHASH_SCHEME)
    signature.update_batch([s.encode("utf-8") for s in shingles])
    return signature


def signature_bytes(signature: MinHash) -> bytes:
    return signature.hashvalues.astype(np.uint64).tobytes()


def signature_from_bytes(data: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, hashvalues=np.frombuffer(data, dtype=np.uint64), scheme=MINHASH_SCHEME)


def _lsh_bands() -> tuple[int, int]:
    """Bands and rows per band for the threshold: datasketch's choice, balancing false
    positives against false negatives."""
    lsh = MinHashLSH(threshold=NEAR_DUPLICATE_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


LSH_BANDS, LSH_ROWS = _lsh_bands()


def lsh_buckets(signature: MinHash) -> list[int]:
    """The signature's LSH buckets, one per band: signed 64-bit hashes of the band number and
    its rows. Two articles sharing a bucket are near-duplicate candidates."""
    values = signature.hashvalues.astype(np.uint64)
    buckets = []
    for band in range(LSH_BANDS):
        digest = hashlib.blake2b(values[band * LSH_ROWS:(band + 1) * LSH_ROWS].tobytes(), digest_size=8,
                                 person=band.to_bytes(2, "little") + b"band").digest()
        buckets.append(int.from_bytes(digest, "little", signed=True))
    return buckets


def closest_near_duplicates(signature: MinHash, candidates: dict[int, bytes], exclude: int | None = None,
                            limit: int = NEAR_DUPLICATE_LIMIT) -> list[tuple[int, float]]:
    """The (at most `limit`) candidates (stored signatures, as signature_bytes gives them) most
    like this one, of those whose estimated shingle Jaccard reaches the threshold; on a tie the
    earlier stored first. The estimate is MinHash's: the share of equal hash values."""
    ids = [other for other in candidates if other != exclude]
    if not ids:
        return []
    theirs = np.frombuffer(b"".join(candidates[other] for other in ids), dtype=np.uint64).reshape(len(ids), -1)
    similarity = (theirs == signature.hashvalues.astype(np.uint64)).mean(axis=1)
    found = [(other, float(sim)) for other, sim in zip(ids, similarity) if sim >= NEAR_DUPLICATE_THRESHOLD]
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))[:limit]


@dataclass(frozen=True, slots=True)
class ArticleSentences:
    """An article as sentence reuse sees it."""

    article_id: int
    published: datetime | None
    sentences: tuple[str, ...]
    vectors: np.ndarray  # (len(sentences), dim), unit rows
    # kept with the sentences: a wire copy is compared with up to 10 others as they arrive
    words: _Words = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", _Words(self.sentences))


def source_and_derived(a: ArticleSentences, b: ArticleSentences) -> tuple[ArticleSentences, ArticleSentences]:
    """(source, derived): the earlier publication is the source; without dates, the earlier stored."""
    if a.published and b.published and _comparable(a.published) != _comparable(b.published):
        return (a, b) if _comparable(a.published) < _comparable(b.published) else (b, a)
    return (a, b) if a.article_id < b.article_id else (b, a)


def _comparable(value: datetime) -> datetime:
    return value.replace(tzinfo=None) - (value.utcoffset() or (value - value))


def find_reuse(source: ArticleSentences, derived: ArticleSentences) -> list[SentenceReuse]:
    """Sentences of `derived` that reuse sentences of `source`, each matched at most once."""
    if not source.sentences or not derived.sentences:
        return []
    cosine = derived.vectors @ source.vectors.T
    # Only pairs similar enough to be either kind are looked at, strongest first, so each
    # source sentence goes to its best reuser. Two copies of a wire story have many such
    # pairs; words and trigrams are worked out once per sentence, and only for these.
    rows, cols = np.nonzero(cosine >= min(PARAPHRASE_COSINE, 0.5))
    similarity = cosine[rows, cols]
    order = np.argsort(-similarity, kind="stable").tolist()
    rows, cols, similarity = rows.tolist(), cols.tolist(), similarity.tolist()
    derived_words, source_words = derived.words, source.words
    found: list[SentenceReuse] = []
    used_sources: set[int] = set()
    used_derived: set[int] = set()
    for k in order:
        i, j = rows[k], cols[k]
        if j in used_sources or i in used_derived:
            continue
        if derived_words.count(i) < MIN_SENTENCE_WORDS or source_words.count(j) < MIN_SENTENCE_WORDS:
            continue
        overlap = _jaccard(derived_words.trigrams(i), source_words.trigrams(j))
        if overlap >= VERBATIM_JACCARD:
            kind, score = "verbatim", overlap
        elif similarity[k] >= PARAPHRASE_COSINE:
            kind, score = "paraphrase", similarity[k]
        else:
            continue
        used_sources.add(j)
        used_derived.add(i)
        found.append(SentenceReuse(article_id=derived.article_id, sentence=i, source_id=source.article_id,
                                   source_sentence=j, kind=kind, score=round(float(score), 4)))
    return sorted(found, key=lambda r: r.sentence)


class _Words:
    """Each sentence's word count and word trigrams, worked out when first asked for. Trigrams
    are kept as hashes (compared only within one process): a cached article's trigram sets
    were its biggest part, and the cache is what an ingest process's memory is made of."""

    def __init__(self, sentences: tuple[str, ...]):
        self._sentences = sentences
        self._counts: dict[int, int] = {}
        self._trigrams: dict[int, frozenset[int]] = {}

    def count(self, index: int) -> int:
        if index not in self._counts:
            self._trigrams_of(index)
        return self._counts[index]

    def trigrams(self, index: int) -> frozenset[int]:
        if index not in self._trigrams:
            self._trigrams_of(index)
        return self._trigrams[index]

    def _trigrams_of(self, index: int) -> None:
        words = word_tokens(self._sentences[index])
        self._counts[index] = len(words)
        self._trigrams[index] = frozenset(hash(tuple(words[n:n + 3])) for n in range(max(1, len(words) - 2)))


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def article_sentences(article: Article, sentences: list[str], vectors: np.ndarray) -> ArticleSentences:
    return ArticleSentences(article_id=article.id, published=article.published, sentences=tuple(sentences),
                            vectors=vectors)


def credited_sources(articles: Mapping[int, Article],
                     citations: Iterable[tuple[int, str, str, int]]) -> dict[int, set[int]]:
    """article -> the articles of its story, not published after it, from the outlets it
    credits ("AP reported"). `citations`: (article, source, kind, mentions) as stored."""
    credited: dict[int, set[int]] = {}
    by_outlet: dict[str, list[int]] = {}
    for article in articles.values():
        if article.outlet or article.url:
            by_outlet.setdefault(source_key(article), []).append(article.id)
    for article_id, source, kind, _ in citations:
        if kind != "outlet" or article_id not in articles:
            continue
        for cited in by_outlet.get(squash(source), []):
            if cited != article_id and _not_later(articles[cited], articles[article_id]):
                credited.setdefault(article_id, set()).add(cited)
    return credited


def derived_sources(credited: Mapping[int, set[int]], reuse: Iterable[SentenceReuse]) -> dict[int, set[int]]:
    """article -> the articles of its story it rewrites or credits, so is not independent of:
    those it credits, and those it reuses two sentences of, or one verbatim."""
    derived = {article: set(sources) for article, sources in credited.items()}
    reused: dict[tuple[int, int], list[SentenceReuse]] = {}
    for r in reuse:
        reused.setdefault((r.article_id, r.source_id), []).append(r)
    for (article_id, source_id), rows in reused.items():
        # one paraphrased sentence can be coincidence; two, or a verbatim copy, is reuse
        if len(rows) >= 2 or any(r.kind == "verbatim" for r in rows):
            derived.setdefault(article_id, set()).add(source_id)
    return derived


def _not_later(cited: Article, citing: Article) -> bool:
    """Whether `cited` could be the source of `citing`: not published after it."""
    if cited.published is None or citing.published is None:
        return True
    return cited.publication_order()[1] <= citing.publication_order()[1]


def lag_minutes(earlier: Article, later: Article) -> int | None:
    """Minutes from one article's publication to another's; None unless both give a time of day
    (a bare date says nothing of minutes)."""
    if not (earlier.published and later.published and earlier.published_has_time and later.published_has_time):
        return None
    return round((later.publication_order()[1] - earlier.publication_order()[1]).total_seconds() / 60)
