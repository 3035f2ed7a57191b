"""The one object every face (CLI, Python API, REST API, web app) calls: a thin facade over
the services in `services/` and the read models of `read/`.

Ingest stores each article first, on its own; analysis then picks up every
stored article that has none yet. So an interrupted run resumes where it
stopped: nothing reported as stored is lost, and nothing is analysed twice.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from .analyze import reresolve_dates
from .brief import DEFAULT_WORDS
from .errors import NotFound
from .ingest import InputError, ReadOptions
from .ingest.decode import DEFAULT_MAX_BYTES
from .ingest.published import parse_published
from .ingest.urls import Fetcher
from .live.webhooks import DeliveryRound
from .read.behaviour import OutletBehaviour
from .read.models import ArticleView, OutletPage, OutletRow, Page, RevisionView, StoryDetail, StoryPage, StorySummary
from .read.queries import Queries
from .records import Article, Briefing, ClaimGroup, IngestReport, TimelineEvent
from .services.analysis import Analyzer, Progress
from .services.following import Following
from .services.placement import Placement
from .services.results import BRIEF_VERSION, CLAIMS_VERSION, Results  # noqa: F401  (versions re-exported)
from .services.sentences import Sentences
from .services.sources import Sources
from .store import Store
from .store.discussion import DiscussionStore
from .store.live import Follow, LiveStore
from .stories.cluster import ClusterConfig


def sample_corpus_path() -> Path:
    """The bundled sample corpus of fictional articles (installed with the package)."""
    return Path(str(resources.files("crosscheck") / "sample"))


class Engine:
    def __init__(self, db: str | None = None, *, embedder: str = "auto",
                 cluster_config: ClusterConfig | None = None, create: bool = True):
        """`create=False`: open an existing store only (NotFound otherwise), for commands that read."""
        self.store = Store(db, create=create)
        self.live = LiveStore(self.store.engine)
        self.cluster_config = cluster_config or ClusterConfig()
        self.sentences = Sentences(self.store, embedder)
        self.placement = Placement(self.store, self.sentences, self.cluster_config)
        self.analysis = Analyzer(self.store, self.sentences, self.placement)
        self.sources = Sources(self.store, self.live)
        self.results = Results(self.store, self.sentences)
        self.queries = Queries(self.store, self.results)
        self.following = Following(self.store, self.live, self.results, self.queries)

    # -- ingest and analysis ------------------------------------------------------
    def ingest(self, paths: Iterable[str | Path], *, outlet: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None,
               analyze: bool = True, allow_private: bool = False, respect_robots: bool = False,
               fetcher: Fetcher | None = None, stop: Callable[[], bool] | None = None, dask=None) -> IngestReport:
        """Read every input (files, directories, http(s) URLs of pages or feeds, files listing
        feeds), store each new article in its own transaction, then analyse and queue alerts.

        `stop` is asked between articles; once it says yes, the rest is left for a later run
        (a feed read only in part keeps no validators, so the next poll reads it in full).
        With a Dask client (scale.connect), files are read and articles analysed on its
        workers; storing and placing stay here, in input order."""
        options = ReadOptions(outlet=outlet, max_bytes=max_bytes)
        fetcher = fetcher or Fetcher(allow_private=allow_private, respect_robots=respect_robots, max_bytes=max_bytes)
        report = self.sources.read(paths, options, fetcher, progress=progress, stop=stop, dask=dask)
        if analyze:
            report.analysed = self.analyze_pending(progress=progress, dask=dask)
            self.check_alerts()
        if report.revised:  # a title or a day may have changed, as with a correction
            self.queries.forget()
            self.results.forget()
        return report

    def analyze_pending(self, progress: Progress | None = None, dask=None) -> int:
        """Analyse and place in stories every stored article without an analysis; how many."""
        return self.analysis.analyze_pending(progress=progress, dask=dask)

    @property
    def embedder(self):
        return self.sentences.embedder

    # -- what the faces show --------------------------------------------------------
    def articles(self, *, limit: int | None = None, offset: int = 0) -> list[Article]:
        return self.store.articles(limit=limit, offset=offset)

    def article_page(self, limit: int = 20, offset: int = 0) -> Page:
        return self.queries.article_page(limit, offset)

    def article_view(self, article_id: int) -> ArticleView | None:
        return self.queries.article(article_id)

    def stories(self) -> list[StorySummary]:
        """Every story, the biggest first."""
        return self.queries.stories()

    def story_list(self, **filters) -> Page:
        """A page of story cards; see Queries.story_list for the filters."""
        return self.queries.story_list(**filters)

    def story(self, story_id: int) -> StoryDetail | None:
        """A story with its articles, entities, dates, reuse and citations; merged ids redirect."""
        return self.queries.story(story_id)

    def story_page(self, story_id: int) -> StoryPage | None:
        return self.queries.story_page(story_id)

    def search(self, query: str, limit: int = 20, offset: int = 0) -> Page:
        return self.queries.search(query, limit, offset)

    def outlets(self) -> list[OutletRow]:
        return self.queries.outlets()

    def recent_urls(self, within_s: float) -> list[str]:
        """The URLs of the articles stored in the last `within_s` seconds (watch fetches them again)."""
        return self.store.recent_urls(datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=within_s))

    def revisions(self, article: int | str) -> tuple[int, tuple[RevisionView, ...]]:
        """(article id, its texts oldest first with what each changed) for an article given by its
        number or its URL."""
        if isinstance(article, int) or str(article).strip().isdigit():
            article_id = int(article)
        else:
            known = self.store.find_url(str(article).strip())
            if known is None:
                raise NotFound(f"no article with the URL {article}")
            article_id = known.article.id
        found = self.queries.revisions(article_id)
        if not found:
            raise NotFound(f"no article {article_id}")
        return article_id, found

    def outlet(self, name: str) -> OutletPage | None:
        return self.queries.outlet(name)

    def outlet_behaviour(self, progress: Callable[[int, int], None] | None = None) -> list[OutletBehaviour]:
        """Every outlet's measured behaviour over every story (computing any story's cross-check
        and briefing not stored yet; `progress(done, total)` after each story)."""
        return self.queries.outlet_behaviour(progress=progress)

    def cross_check(self, story_id: int) -> tuple[int, list[ClaimGroup], list[TimelineEvent]] | None:
        """(resolved story id, claim groups with verdicts, timeline); None for an unknown story."""
        return self.results.cross_check(story_id)

    def briefing(self, story_id: int, words: int = DEFAULT_WORDS) -> Briefing | None:
        return self.results.briefing(story_id, words)

    def resolve_story(self, story_id: int) -> int | None:
        """The id a story now has (merged and split stories redirect); None if unknown."""
        return self.store.resolve_story(story_id)

    def discussion_store(self) -> DiscussionStore:
        """The reader discussion's tables in this store, for the web app."""
        return DiscussionStore(self.store.engine)

    # -- corrections ----------------------------------------------------------------
    def correct_article(self, article_id: int, *, outlet: str | None = None, title: str | None = None,
                        published: str | None = None) -> Article:
        """Set an article's outlet, title or publication time (the ones given; "" clears outlet
        or title). Verdicts, briefings and summaries that depend on them are rebuilt when next
        asked for; a new publication day re-dates the article's relative dates."""
        fields: dict[str, Any] = {}
        if outlet is not None:
            fields["outlet"] = outlet.strip() or None
        if title is not None:
            fields["title"] = title.strip() or None
        if published is not None:
            try:
                fields["published"] = parse_published(published) if published.strip() else None
            except InputError as exc:
                raise InputError(f"--published: {exc}") from exc
        if not fields:
            raise InputError("nothing to correct: give --outlet, --title or --published")
        article = self.store.correct_article(article_id, **fields)
        if article is None:
            raise NotFound(f"no article {article_id}")
        if "published" in fields:
            analysis = self.store.analysis(article_id)
            anchor = article.published.date() if article.published else None
            if analysis is not None and anchor is not None:
                self.store.update_dates(article_id, reresolve_dates(article, analysis, anchor, False), anchor, False)
            self.placement.forget_day(article_id)
        self.queries.forget()
        self.results.forget()
        return article

    # -- follows, alerts, feeds, export ---------------------------------------------
    def follow(self, story_id: int, webhook: str, *, user_id: int | None = None,
               allow_private: bool = False, checked: bool = False) -> Follow:
        return self.following.follow(story_id, webhook, user_id=user_id, allow_private=allow_private,
                                     checked=checked)

    def unfollow(self, follow_id: int, *, user_id: int | None = None) -> bool:
        return self.live.remove_follow(follow_id, user_id=user_id)

    def follows(self, *, user_id: int | None = None) -> list[Follow]:
        return self.live.follows(user_id=user_id)

    def check_alerts(self, story_url: Callable[[int], str] | None = None) -> int:
        return self.following.check_alerts(story_url)

    def deliver_alerts(self, *, sleep: Callable[[float], None] = time.sleep, **post_options) -> DeliveryRound:
        return self.following.deliver_alerts(sleep=sleep, **post_options)

    def stories_atom(self, base_url: str, *, limit: int = 50) -> str:
        return self.following.stories_atom(base_url, limit=limit)

    def story_atom(self, story_id: int, base_url: str, *, limit: int = 100) -> str | None:
        return self.following.story_atom(story_id, base_url, limit=limit)

    def export_rows(self) -> Iterator[dict[str, Any]]:
        return self.following.export_rows()

    def close(self) -> None:
        self.placement.close()
        self.store.close()

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
