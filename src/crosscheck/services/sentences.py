"""Sentence vectors: the embedder, the store's vectors of sentences already embedded, and a
cache of recently used articles' sentences with their vectors (for reuse detection and
cross-checking)."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Sequence

import numpy as np

from ..store import Store
from ..stories.provenance import ArticleSentences

CACHED_ARTICLES = 1000


class Sentences:
    def __init__(self, store: Store, embedder_name: str = "auto"):
        self.store = store
        self.embedder_name = embedder_name
        self._embedder = None
        self._cache: OrderedDict[int, ArticleSentences] = OrderedDict()

    @property
    def embedder(self):
        if self._embedder is None:
            from ..analyze.embed import get_embedder

            self._embedder = get_embedder(self.embedder_name)
        return self._embedder

    def embed(self, texts: list[Sequence[str]], computed: dict[str, np.ndarray] | None = None) -> list[np.ndarray]:
        """Each article's sentence vectors, given its sentence texts: stored ones where the store
        has them, else from `computed` (a Dask worker's) or the embedder; new ones are stored."""
        model = self.embedder.vector_key
        hashes = [[_text_hash(t) for t in article_texts] for article_texts in texts]
        cached = self.store.sentence_vectors([h for hs in hashes for h in hs], model)
        todo: dict[str, str] = {}
        for article_texts, article_hashes in zip(texts, hashes):
            for text, text_hash in zip(article_texts, article_hashes):
                if text_hash not in cached:
                    todo.setdefault(text_hash, text)
        if todo:
            texts_todo = list(todo.values())
            encoded = [computed[t] for t in texts_todo] if computed is not None else self.embedder.encode(texts_todo)
            fresh = dict(zip(todo, encoded))
            self.store.save_sentence_vectors(fresh, model)
            cached.update({h: v.astype(np.float16).astype(np.float32) for h, v in fresh.items()})
        dim = self.embedder.dim
        return [np.stack([cached[h] for h in hs]) if hs else np.zeros((0, dim), np.float32) for hs in hashes]

    def word_vectors(self, words) -> dict[str, np.ndarray]:
        words = list(words)
        return dict(zip(words, self.embedder.encode(words))) if words else {}

    def of(self, article_id: int) -> ArticleSentences | None:
        """An article's sentences and their vectors (None for an article not analysed)."""
        if article_id not in self._cache:
            self.load([article_id])
        entry = self._cache.get(article_id)
        if entry is not None:
            self._cache.move_to_end(article_id)
        return entry

    def load(self, article_ids: Iterable[int]) -> None:
        """Bring these articles' sentences and vectors into the cache, in a few queries for all of
        them: a wire copy's near-duplicates are spread over the whole store, so most are not
        cached, and loading them one by one cost a third of an article's placing at 6k stored."""
        missing = [a for a in article_ids if a not in self._cache]
        if not missing:
            return
        found = self.store.sentence_texts(missing)
        vectors = self.embed([texts for _, texts in found.values()])
        for (article_id, (published, texts)), matrix in zip(found.items(), vectors):
            self.put(ArticleSentences(article_id, published, texts, matrix))

    def put(self, entry: ArticleSentences) -> None:
        self._cache[entry.article_id] = entry
        while len(self._cache) > CACHED_ARTICLES:
            self._cache.popitem(last=False)

    def vectors_of(self, members: Iterable[int]) -> dict[tuple[int, int], np.ndarray]:
        """(article, sentence index) -> vector, for a story's members."""
        vectors: dict[tuple[int, int], np.ndarray] = {}
        for article_id in members:
            sentences = self.of(article_id)
            if sentences is not None:
                for index, vector in enumerate(sentences.vectors):
                    vectors[(article_id, index)] = vector
        return vectors


def _text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
