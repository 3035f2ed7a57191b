"""A long-running server builds its story list before the first reader asks, and keeps what it
holds out of the garbage collector's full walks, so that a page's pauses do not grow with the
store (see web/heap.py and the story page p95 in bench_scale)."""

from __future__ import annotations

import gc
import time
import weakref

import pytest
from fastapi.testclient import TestClient

from crosscheck.store import Store
from crosscheck.web import create_app
from crosscheck.web.heap import HeapSettler


@pytest.fixture
def unfrozen():
    """Whatever a test freezes goes back to the collector after it (tests share one process)."""
    yield
    gc.unfreeze()


def test_a_settled_server_has_its_story_list_before_the_first_request(stores, monkeypatch, unfrozen):
    app = create_app(stores.sample(), create=False, settle_heap=True)
    with TestClient(app) as client:
        assert gc.get_freeze_count() > 0 and app.state.settler.settled == 1

        def read_every_story(*args, **kwargs):
            raise AssertionError("the home page read every membership: the story list was not built at start")

        monkeypatch.setattr(Store, "story_memberships", read_every_story)
        home = client.get("/")
        assert home.status_code == 200 and "/stories/" in home.text


def test_a_plain_app_leaves_the_collector_alone(stores, unfrozen):
    gc.unfreeze()
    app = create_app(stores.sample())
    with TestClient(app) as client:
        assert client.get("/").status_code == 200
    assert app.state.settler is None and gc.get_freeze_count() == 0


def test_the_settler_freezes_what_survives_and_frees_garbage_cycles(unfrozen):
    class Node:
        pass

    gc.unfreeze()
    kept = [Node() for _ in range(100)]
    cycle = Node()
    cycle.me = cycle  # garbage only the collector can free
    freed = weakref.ref(cycle)
    del cycle
    settler = HeapSettler(every_s=0.05)
    settler.start()
    try:
        frozen = gc.get_freeze_count()
        assert frozen >= len(kept)
        assert freed() is None  # collected before the freeze, not frozen with the rest
        assert not any(isinstance(o, Node) for o in gc.get_objects())  # the kept ones are out of its walks
        deadline = time.monotonic() + 5
        while settler.settled < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert settler.settled >= 3  # settles again while the server runs
    finally:
        settler.stop()
    assert not settler.running
