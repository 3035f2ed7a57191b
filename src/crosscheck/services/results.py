"""A story's cross-check (claim groups, verdicts, timeline) and briefing, computed for one
story when asked for and stored until the story, its articles' dates or a correction
change them. Recently used results are kept decoded in memory."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from ..analyze import ANALYZER_VERSION
from ..brief import DEFAULT_WORDS, build_briefing
from ..brief.render import to_json
from ..claims import copies_of, cross_check
from ..read.queries import representative_title
from ..records import Article, Briefing, ClaimGroup, SentenceReuse, TimelineEvent
from ..store import Store
from ..stories.provenance import credited_sources, derived_sources
from ..store.codec import briefing_from_json, crosscheck_from_json, crosscheck_to_json
from .sentences import Sentences

CLAIMS_VERSION = 13  # bump when claim extraction, alignment or verdicts change: cached results are rebuilt
BRIEF_VERSION = 10  # bump when briefing selection or its JSON changes
DECODED_RESULTS = 256  # stored claim checks and briefings kept decoded in memory (immutable records)


class Results:
    def __init__(self, store: Store, sentences: Sentences):
        self.store = store
        self.sentences = sentences
        # (story id, kind) -> (key, decoded result) for the most recently used stored results
        self._decoded: OrderedDict[tuple[int, str], tuple[str, Any]] = OrderedDict()

    def forget(self) -> None:
        """Drop decoded results (their keys would still match after a correction in this process)."""
        self._decoded.clear()

    def cross_check(self, story_id: int) -> tuple[int, list[ClaimGroup], list[TimelineEvent]] | None:
        """(resolved story id, claim groups with verdicts, timeline); None for an unknown story.

        Computed for one story only, and cached until that story's articles or
        their analyses change.
        """
        resolved = self.store.resolve_story(story_id)
        if resolved is None:
            return None
        groups, timeline = self._checked(resolved, self.store.story_members(resolved))
        return resolved, groups, timeline

    def _checked(self, resolved: int, members: list[int]) -> tuple[list[ClaimGroup], list[TimelineEvent]]:
        """The cross-check of these members (sorted by id): one read of a story that other
        processes may be changing, shared by whatever is built from it (a briefing)."""
        anchors = self.store.date_anchors(members)
        key = hashlib.sha1(json.dumps([CLAIMS_VERSION, ANALYZER_VERSION, members, self.store.corrections(),
                                       [str(anchors.get(m)) for m in members]]).encode()).hexdigest()
        cached = self._stored_result(resolved, "crosscheck", key, crosscheck_from_json)
        if cached is not None:
            groups, timeline = cached
            return list(groups), list(timeline)
        articles = self.store.articles_by_id(members)
        analyses = self.store.analyses_by_id(members)
        items = [(articles[m], analyses[m]) for m in members if m in analyses]
        vectors = self.sentences.vectors_of(members)
        # a figure counts once however often it is copied: independence is judged per
        # sentence (who copied this sentence) and by credit (who cites whom), not by whether
        # two articles share some other sentence
        copies = copies_of(self.store.reuse_among(members))
        groups, timeline = cross_check(items, vectors, self.sentences.word_vectors, self.cited(members, articles),
                                       copies)
        self.store.save_cached(resolved, "crosscheck", key, crosscheck_to_json(groups, timeline))
        return groups, timeline

    def briefing(self, story_id: int, words: int = DEFAULT_WORDS) -> Briefing | None:
        """The story's briefing, rebuilt only when the story has changed."""
        resolved = self.store.resolve_story(story_id)
        if resolved is None:
            return None
        # the cross-check and the briefing of the same members, even while another process
        # moves articles in or out of the story
        members = self.store.story_members(resolved)  # sorted by id
        groups, timeline = self._checked(resolved, members)
        key = hashlib.sha1(json.dumps([BRIEF_VERSION, CLAIMS_VERSION, members, words, self.store.corrections(),
                                       [str(a) for a in self.store.date_anchors(members).values()]])
                           .encode()).hexdigest()
        cached = self._stored_result(resolved, f"brief:{words}", key, briefing_from_json)
        if cached is not None:
            return cached
        articles = self.store.articles_by_id(members)
        sentences: dict[int, tuple[str, ...]] = {}
        vectors: dict[tuple[int, int], np.ndarray] = {}
        for article_id in members:
            found = self.sentences.of(article_id)
            if found is not None:
                sentences[article_id] = found.sentences
                vectors.update({(article_id, i): v for i, v in enumerate(found.vectors)})
        reuse = self.store.reuse_among(members)
        briefing = build_briefing(
            resolved, representative_title(list(articles.values())), articles, sentences,
            vectors, groups, timeline, self.derived_from(members, articles, reuse),
            reuse, self.store.citations_of(members), words=words)
        self.store.save_cached(resolved, f"brief:{words}", key, to_json(briefing))
        return briefing

    def _stored_result(self, story_id: int, kind: str, key: str, decode: Callable[[str], Any]) -> Any:
        """A story's stored result (store.cached) decoded, or None; recently used ones are kept
        decoded in memory under the same key, so they are neither read nor parsed again."""
        held = self._decoded.get((story_id, kind))
        if held is not None and held[0] == key:
            self._decoded.move_to_end((story_id, kind))
            return held[1]
        data = self.store.cached(story_id, kind, key)
        if data is None:
            return None
        value = decode(data)
        self._decoded[(story_id, kind)] = (key, value)
        self._decoded.move_to_end((story_id, kind))
        while len(self._decoded) > DECODED_RESULTS:
            self._decoded.popitem(last=False)
        return value

    def derived_from(self, members: list[int], articles: dict[int, Article],
                     reuse: list[SentenceReuse]) -> dict[int, set[int]]:
        """article -> the articles of its story it rewrites or cites (so is not independent of)."""
        return derived_sources(self.cited(members, articles), reuse)

    def cited(self, members: list[int], articles: dict[int, Article]) -> dict[int, set[int]]:
        """article -> the earlier articles of its story from outlets it credits ("AP reported")."""
        return credited_sources(articles, self.store.citations_of(members))
