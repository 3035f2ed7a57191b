"""The clusterer's stories, kept in the store instead of memory.

A process no longer reads every article when it starts. Story states (stories.cluster.StoryState)
and the entity/term postings are read from the store when a candidate story is scored, and a
bounded cache keeps the recent and hot ones. The centroid vector index is saved beside the
store and loaded at start, then brought up to date from the states changed since it was saved;
a missing, unreadable or stale index is rebuilt from the stored states.
"""

from __future__ import annotations

import hashlib
import logging
import os
import struct
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from ..store import Store, story_key
from ..stories.cluster import FeatureLoader, MemberTime, StoryBook, StoryState, new_index, unit
from ..stories.provenance import lsh_buckets, signature_from_bytes

log = logging.getLogger(__name__)

# Bumped whenever what a state holds, or how keys and buckets are made, changes: stored states
# of another layout (or summing other attributes, see layout()) are rebuilt from the articles'
# features when placement opens the store.
PLACEMENT_INDEX_VERSION = "3"  # 3: states packed in binary (pack_state), no longer JSON
# Members summed over the cached states: a bound on the cache's memory (a decoded state takes
# about 4 kB per member), so that what a process holds does not grow with the store.
STATE_CACHE_MEMBERS = 5_000
POSTINGS_CACHED = 50_000  # index keys whose postings are kept
SAVE_EVERY = 5000  # placements between saves of the vector index, besides the one at close
INDEX_DIR_VAR = "CROSSCHECK_INDEX_DIR"


def layout(summed: Sequence[str]) -> str:
    """What the stored states are: this module's version and the sparse attributes summed."""
    return f"{PLACEMENT_INDEX_VERSION}:{','.join(summed)}"


def state_row(state: StoryState) -> dict:
    """A state as the store keeps it. Its index keys go to the postings table, not the row:
    the full set when known (the store writes the difference), else the keys `plus` added."""
    return {"story_id": state.story_id, "size": len(state.members),
            "vector_sum": np.asarray(state.vector_sum, np.float32).tobytes(), "data": pack_state(state),
            "keys": list(state.keys) if state.keys is not None else None, "added_keys": list(state.added_keys)}


def absorbed_row(story_id: int) -> dict:
    """What the store keeps of a story absorbed into another: nothing but the fact."""
    return {"story_id": story_id, "size": 0, "vector_sum": None, "data": None, "keys": []}


def state_from_row(story_id: int, vector_sum: bytes, data: bytes) -> StoryState:
    return unpack_state(story_id, np.frombuffer(vector_sum, dtype=np.float32).copy(), bytes(data))


# A packed state is named sections of bytes: numbers as little-endian arrays, and each summed
# attribute's keys as one NUL-joined string beside an array of its sums. Scoring reads the
# states of every candidate story it has not cached, so decoding them is on the path of every
# article placed, and it grows with the stories: JSON took 5 ms an article at 100k stored.
_PACKED_MAGIC = b"CCS1"
_SECTION = struct.Struct("<HI")  # name length, payload length
_KEY_SEPARATOR = "\x00"  # never in a key: ingest removes NULs from the text keys come from


def pack_state(state: StoryState) -> bytes:
    times = state.times
    sections = {
        "members": np.asarray(state.members, "<i8"),
        "years_count": np.array([len(t.years) for t in times], "<i4"),
        "years": np.array([year for t in times for year in sorted(t.years)], "<i4"),
        "day": np.array([t.day or 0 for t in times], "<i8"),  # 0: none (an ordinal is at least 1)
        "event_count": np.array([len(t.event) for t in times], "<i4"),
        "event": np.array([day for t in times for span in t.event for day in span], "<i8"),
    }
    parts = [_PACKED_MAGIC]
    for name, array in sections.items():
        parts += _section(name, array.tobytes())
    for attribute, total in state.sums.items():
        keys = _KEY_SEPARATOR.join(total)
        if keys.count(_KEY_SEPARATOR) != max(len(total) - 1, 0):
            raise ValueError(f"story {state.story_id}: a {attribute} key holds a NUL character")
        parts += _section(f"keys:{attribute}", keys.encode())
        parts += _section(f"sums:{attribute}", np.fromiter(total.values(), "<f8", len(total)).tobytes())
    return b"".join(parts)


def unpack_state(story_id: int, vector_sum: np.ndarray, packed: bytes) -> StoryState:
    if not packed.startswith(_PACKED_MAGIC):
        raise ValueError(f"story {story_id}: its stored state is not a packed state")
    sections: dict[str, memoryview] = {}
    view, at = memoryview(packed), len(_PACKED_MAGIC)
    while at < len(packed):
        name_length, length = _SECTION.unpack_from(packed, at)
        at += _SECTION.size
        name = bytes(view[at:at + name_length]).decode()
        at += name_length
        sections[name] = view[at:at + length]
        at += length
    members = np.frombuffer(sections["members"], "<i8").tolist()
    sums = {}
    for name, payload in sections.items():
        if name.startswith("sums:"):
            attribute = name[5:]
            values = np.frombuffer(payload, "<f8").tolist()
            keys = bytes(sections[f"keys:{attribute}"]).decode().split(_KEY_SEPARATOR) if values else []
            sums[attribute] = dict(zip(keys, values))
    years = np.frombuffer(sections["years"], "<i4").tolist()
    event = np.frombuffer(sections["event"], "<i8").tolist()
    times, at_year, at_event = [], 0, 0
    for year_count, day, event_count in zip(np.frombuffer(sections["years_count"], "<i4").tolist(),
                                            np.frombuffer(sections["day"], "<i8").tolist(),
                                            np.frombuffer(sections["event_count"], "<i4").tolist()):
        spans = event[at_event:at_event + 2 * event_count]
        times.append(MemberTime(frozenset(years[at_year:at_year + year_count]), day or None,
                                tuple(zip(spans[::2], spans[1::2]))))
        at_year += year_count
        at_event += 2 * event_count
    return StoryState(story_id=story_id, members=tuple(members), vector_sum=vector_sum, sums=sums, keys=None,
                      times=tuple(times))


def _section(name: str, payload: bytes) -> tuple[bytes, bytes, bytes]:
    encoded = name.encode()
    return _SECTION.pack(len(encoded), len(payload)), encoded, payload


def index_directory(url: str) -> Path | None:
    """Where the vector index of the store at `url` (as resolve_db_url gives it) is saved: beside
    an SQLite file; for a database server, in $CROSSCHECK_INDEX_DIR or else the user's cache,
    under a name taken from the URL (each machine keeps its own copy); None for an in-memory
    database."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        return None if not path or path == ":memory:" else Path(f"{path}.index")
    base = Path(os.environ.get(INDEX_DIR_VAR) or
                Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "crosscheck")
    return base / hashlib.sha256(url.encode()).hexdigest()[:16]


class StoredStoryBook(StoryBook):
    # Not StoryBook's in-memory states and postings: only its centroid search (nearest) is shared.
    def __init__(self, store: Store, dim: int = 384, cache_members: int | None = None):
        self.index = new_index(dim)
        self.store = store
        self.dim = dim
        self._cache: OrderedDict[int, StoryState] = OrderedDict()
        self._cache_members = 0
        self._cache_limit = STATE_CACHE_MEMBERS if cache_members is None else cache_members
        self._directory = index_directory(store.url)
        self._token = store.store_token()
        self.generation = 0  # the placement generation the index reflects
        self._saved = -1  # the generation of the index file on disk (-1: none usable)
        self._unsaved = 0  # placements since this process last saved
        self.rebuilt = False  # whether opening had to rebuild the vector index (tests, benchmarks)
        self.caught_up = 0  # stories taken in from the store when the saved index was loaded
        # key -> (stories holding it, which ones; None when more than the limit): the postings
        # read, kept in line with this process's own writes and dropped when others write
        self._postings: OrderedDict[str, tuple[int, set[int] | None]] = OrderedDict()
        self._postings_limit = -1

    # -- opening ----------------------------------------------------------------
    def open(self, generation: int, load_features: FeatureLoader, summed: Sequence[str]) -> None:
        """Load the saved vector index and catch up to `generation`, or rebuild it (call under the
        placement lock). A store whose states are missing or of another layout gets them first."""
        if self.store.meta_value("placement_index") != layout(summed):
            self._fill_store(load_features, summed)
            self._rebuild(generation)
            return
        loaded = self._load_saved(generation)
        if loaded is None:
            self._rebuild(generation)
            return
        self.index, saved = loaded
        self.generation = self._saved = saved
        self.caught_up = self.catch_up(generation)
        if len(self.index) != self.store.live_story_count():  # saved by a store's other history
            log.info("vector index at %s does not match the store; rebuilding it", self._directory)
            self._rebuild(generation)

    def _fill_store(self, load_features: FeatureLoader, summed: Sequence[str]) -> None:
        """Every story's state and every article's LSH buckets, from the stored memberships,
        features and signatures: once, for a store written before they were kept."""
        memberships = self.store.story_memberships()
        log.info("indexing %d stored stories for placement (once per store)", len(memberships))

        def states() -> Iterator[dict]:
            for batch in _batches(sorted(memberships.items()), 500):
                features = load_features([a for _, members in batch for a in members])
                for story_id, members in batch:
                    yield state_row(StoryState.of(story_id, [features[a] for a in members], summed))

        buckets = ((bucket, article_id) for article_id, blob in self.store.minhashes().items()
                   for bucket in lsh_buckets(signature_from_bytes(blob)))
        self.store.replace_placement_index(states(), buckets, layout(summed))

    def _files(self) -> list[tuple[int, Path]]:
        if self._directory is None or not self._directory.is_dir():
            return []
        found = []
        for path in self._directory.glob(f"stories-{self._token}-*.usearch"):
            generation = path.stem.rsplit("-", 1)[-1]
            if generation.isdigit():
                found.append((int(generation), path))
        return sorted(found)

    def _load_saved(self, generation: int):
        from usearch.index import Index

        # an index newer than the store is from a history the store does not have (a restored backup)
        usable = [(g, path) for g, path in self._files() if g <= generation]
        if not usable:
            return None
        saved, path = usable[-1]
        try:
            index = Index.restore(str(path))
        except Exception as exc:  # a truncated or foreign file: rebuilt, never trusted
            log.warning("cannot read the vector index %s (%s); rebuilding it", path, exc)
            return None
        if index is None or index.ndim != self.dim:
            return None
        return index, saved

    def _rebuild(self, generation: int) -> None:
        self.index = new_index(self.dim)
        keys, vectors = [], []
        for story_id, _, vector_sum in self.store.story_vectors():
            keys.append(story_id)
            vectors.append(unit(np.frombuffer(vector_sum, dtype=np.float32)))
            if len(keys) >= 10_000:
                self.index.add(np.array(keys, np.uint64), np.stack(vectors))
                keys, vectors = [], []
        if keys:
            self.index.add(np.array(keys, np.uint64), np.stack(vectors))
        self.generation = generation
        self.rebuilt = True

    def catch_up(self, generation: int) -> int:
        """Take in the stories other processes changed since this one last looked; how many."""
        if generation == self.generation:
            return 0
        changed = 0
        self._postings.clear()  # another process changed stories: their keys are not known here
        for story_id, size, vector_sum in self.store.story_vectors(since=self.generation):
            self._forget(story_id)
            self._set_centroid(story_id, unit(np.frombuffer(vector_sum, dtype=np.float32)) if size else None)
            changed += 1
        self.generation = generation
        return changed

    def save(self, force: bool = False) -> None:
        """Write the vector index (atomically), named by the generation it reflects, and remove
        older ones; every SAVE_EVERY placements, and at close."""
        if self._directory is None or self.generation == self._saved:
            return
        if not force and self._unsaved < SAVE_EVERY:
            return
        self._directory.mkdir(parents=True, exist_ok=True)
        target = self._directory / f"stories-{self._token}-{self.generation}.usearch"
        partial = target.with_suffix(".partial")
        self.index.save(str(partial))
        os.replace(partial, target)
        ours = {path for _, path in self._files()}
        for path in self._directory.glob("stories-*.usearch"):
            # a recreated store's, or an older one of ours (another process may have saved a newer one)
            if path not in ours or int(path.stem.rsplit("-", 1)[-1]) < self.generation:
                path.unlink(missing_ok=True)
        self._saved = self.generation
        self._unsaved = 0

    # -- the StoryBook interface --------------------------------------------------
    def get(self, story_ids: Iterable[int]) -> dict[int, StoryState]:
        wanted = list(story_ids)
        found = {}
        missing = []
        for story_id in wanted:
            state = self._cache.get(story_id)
            if state is None:
                missing.append(story_id)
            else:
                self._cache.move_to_end(story_id)
                found[story_id] = state
        for story_id, (vector_sum, data) in self.store.story_states(missing).items():
            found[story_id] = self._keep(state_from_row(story_id, vector_sum, data))
        return found

    def put(self, state: StoryState) -> None:
        self._forget(state.story_id)
        self._keep(state)
        self._set_centroid(state.story_id, state.direction)

    def drop(self, story_id: int) -> None:
        self._forget(story_id)
        self._set_centroid(story_id, None)

    def _set_centroid(self, story_id: int, direction: np.ndarray | None) -> None:
        """Replace a story's centroid in the index (None: remove it)."""
        if self.index.contains(story_id):
            self.index.remove(story_id)
        if direction is not None:
            self.index.add(story_id, direction)

    def postings(self, keys: Iterable[str], limit: int) -> dict[str, list[int]]:
        """From the cache of postings, reading from the store only the keys not in it."""
        keys = {story_key(key) for key in keys}
        if limit != self._postings_limit:
            self._postings.clear()
            self._postings_limit = limit
        missing = [key for key in keys if key not in self._postings]
        for key, entry in self.store.story_postings(missing, limit).items():
            self._postings[key] = (entry[0], set(entry[1]) if entry[1] is not None else None)
        found = {}
        for key in keys:
            count, stories = self._postings[key]
            self._postings.move_to_end(key)
            if stories:
                found[key] = list(stories)
        while len(self._postings) > POSTINGS_CACHED:
            self._postings.popitem(last=False)
        return found

    def keys_changed(self, changes: Iterable[tuple[int, list[str], list[str]]]) -> None:
        """Bring cached postings in line with the keys stories gained and lost (as stored)."""
        for story_id, added, removed in changes:
            for key, step in [*((k, 1) for k in added), *((k, -1) for k in removed)]:
                entry = self._postings.get(key)
                if entry is None:
                    continue
                count, stories = entry[0] + step, entry[1]
                if stories is not None:
                    stories = stories | {story_id} if step > 0 else stories - {story_id}
                if count > self._postings_limit:
                    stories = None
                if stories is None and count <= self._postings_limit:
                    del self._postings[key]  # back under the limit: which stories, read again
                else:
                    self._postings[key] = (count, stories)

    def all_members(self) -> dict[int, list[int]]:
        return {story: list(members) for story, members in self.store.story_memberships().items()}

    def placed(self) -> None:
        """One more placement stored (its states are in the store now)."""
        self.generation += 1
        self._unsaved += 1
        self.save()

    # -- the cache ------------------------------------------------------------------
    def _keep(self, state: StoryState) -> StoryState:
        self._cache[state.story_id] = state
        self._cache_members += len(state.members)
        while self._cache_members > self._cache_limit and len(self._cache) > 1:
            _, evicted = self._cache.popitem(last=False)
            self._cache_members -= len(evicted.members)
        return state

    def _forget(self, story_id: int) -> None:
        state = self._cache.pop(story_id, None)
        if state is not None:
            self._cache_members -= len(state.members)


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
