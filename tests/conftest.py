from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from crosscheck import Engine

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
ECB_DEV = SHARED / "bench" / "ecbplus-dev.jsonl"


# PostgreSQL test stores keep their story vector indexes here, not in the user's cache (every test
# database has a URL of its own, and so a directory of its own).
if "CROSSCHECK_INDEX_DIR" not in os.environ:
    import tempfile

    os.environ["CROSSCHECK_INDEX_DIR"] = tempfile.mkdtemp(prefix="crosscheck-test-index-")


# Debian's Chromium driven by Playwright; Playwright's own browser download fails here.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run",
                 "--disable-component-update", "--disable-sync"]


def require(path: Path) -> Path:
    """Skip (cleanly, with the reason) when ../shared is not beside the clone."""
    if not path.exists():
        pytest.skip(f"{path} is not available (a user's clone has no ../shared)")
    return path


@pytest.fixture
def seeds_dir() -> Path:
    return require(SEEDS)


# Every test that takes `db_path` (or `engine`) runs on each backend: SQLite, and PostgreSQL in
# a schema of its own in the database CROSSCHECK_TEST_PG names (`.ci/run` starts the server).
# CROSSCHECK_TEST_BACKENDS=sqlite (or postgresql) runs one of them only.
PG_ADMIN = os.environ.get("CROSSCHECK_TEST_PG", "postgresql://root@127.0.0.1:5432/test")
BACKENDS = [b for b in os.environ.get("CROSSCHECK_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]
_pg_problem: list[str | None] = []


def skip_without_postgres() -> None:
    """Skip, saying why, when PostgreSQL cannot be used; CI (CROSSCHECK_REQUIRE_POSTGRES=1) fails instead,
    so that a green CI always means both backends passed."""
    problem = postgres_problem()
    if problem and os.environ.get("CROSSCHECK_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{problem}, and CROSSCHECK_REQUIRE_POSTGRES=1 asks for it", pytrace=False)
    if problem:
        pytest.skip(problem)


def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used for tests here, or None when it can (asked once)."""
    if not _pg_problem:
        try:
            import psycopg

            with psycopg.connect(PG_ADMIN, connect_timeout=3) as conn:
                conn.execute("select 1")
            _pg_problem.append(None)
        except Exception as exc:  # any failure means: skip, saying why
            _pg_problem.append(f"no PostgreSQL at {PG_ADMIN} ({type(exc).__name__}: {str(exc).strip()[:120]})")
    return _pg_problem[0]


def postgres_db() -> tuple[str, "Callable[[], None]"]:
    """A fresh, empty PostgreSQL store URL (a schema of its own) and the function that drops it."""
    skip_without_postgres()
    schema = _pg_name()
    _pg_admin_run(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in PG_ADMIN else "?"
    return (f"{PG_ADMIN}{separator}options=-csearch_path%3D{schema}",
            lambda: _pg_admin_run(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))


def _pg_name() -> str:
    import uuid

    return f"cc_{uuid.uuid4().hex[:16]}"


def _pg_admin_run(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(statement)


def postgres_database(template: str | None = None) -> tuple[str, "Callable[[], None]"]:
    """A PostgreSQL database of its own (a copy of `template`'s database when given): unlike a
    schema, a whole database can be copied in one statement, which is how a store built once
    per session is handed to every module that needs one."""
    from sqlalchemy.engine import make_url

    skip_without_postgres()
    name = _pg_name()
    _pg_admin_run(f"CREATE DATABASE {name}" + (f" TEMPLATE {make_url(template).database}" if template else ""))
    url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    return url, lambda: _pg_admin_run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def copy_store(source: str, directory: Path) -> tuple[str, "Callable[[], None]"]:
    """A copy of a closed store (an SQLite file, or a PostgreSQL database of its own), so that
    a test may write to it, and the function that removes the copy."""
    if "://" not in source:
        import sqlite3
        import uuid

        target = directory / f"copy-{uuid.uuid4().hex[:8]}.db"
        reader, writer = sqlite3.connect(source), sqlite3.connect(target)
        try:
            reader.backup(writer)
        finally:
            reader.close()
            writer.close()
        return str(target), lambda: None
    return postgres_database(template=source)


class BuiltStores:
    """Stores built once per session and backend (the sample, the seeds), copied for each user."""

    def __init__(self, backend: str, directory: Path):
        self.backend, self.directory = backend, directory
        self.built: dict[str, str] = {}
        self.drops: list[Callable[[], None]] = []

    def copy(self, name: str, build: Callable[[Engine], None]) -> str:
        """A copy of store `name`, built by `build(engine)` on first use; dropped at session end."""
        if name not in self.built:
            source = self.empty()
            with Engine(source) as engine:
                build(engine)
            self.built[name] = source  # closed: a PostgreSQL template must have no one connected
        url, drop = copy_store(self.built[name], self.directory)
        self.drops.append(drop)
        return url

    def empty(self) -> str:
        """A new, empty store of this backend; dropped at session end."""
        import uuid

        if self.backend == "sqlite":
            return str(self.directory / f"empty-{uuid.uuid4().hex[:8]}.db")
        url, drop = postgres_database()
        self.drops.append(drop)
        return url

    def sample(self) -> str:
        """A copy of a store holding the bundled sample, ingested and analysed."""
        from crosscheck import sample_corpus_path

        return self.copy("sample", lambda engine: _ingest_ok(engine, sample_corpus_path()))

    def seeds(self) -> str:
        """A copy of a store holding the five real seed articles (skips without ../shared)."""
        seeds = require(SEEDS)
        return self.copy("seeds", lambda engine: _ingest_ok(engine, seeds))


def _ingest_ok(engine: Engine, path: Path) -> None:
    report = engine.ingest([path])
    assert report.ok, report.rejected[:3]


@pytest.fixture(scope="session", params=BACKENDS)
def stores(request, tmp_path_factory) -> BuiltStores:
    """Per backend: `stores.sample()` / `stores.seeds()` give a test its own copy of a built store."""
    if request.param == "postgresql":
        skip_without_postgres()
    built = BuiltStores(request.param, tmp_path_factory.mktemp(f"stores-{request.param}"))
    yield built
    failed = []
    for drop in reversed(built.drops):
        try:
            drop()
        except Exception as exc:  # drop the rest all the same, then say what was left behind
            failed.append(exc)
    assert not failed, f"could not drop test stores: {failed}"


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_path(tmp_path, backend) -> str:
    if backend == "sqlite":
        yield str(tmp_path / "test.db")
        return
    url, drop = postgres_db()
    try:
        yield url
    finally:
        drop()


def sql(db: str, statement: str, params: dict | None = None) -> list[tuple]:
    """Run SQL on a test store of either backend (rows for a query, [] otherwise)."""
    from sqlalchemy import create_engine, text

    from crosscheck.store import resolve_db_url

    engine = create_engine(resolve_db_url(db))
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params or {})
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


def dump_store(db: str) -> str:
    """Every row of every table of a test store, as text (to show what a store keeps)."""
    from sqlalchemy import MetaData, create_engine, select

    from crosscheck.store import resolve_db_url

    engine = create_engine(resolve_db_url(db))
    try:
        tables = MetaData()
        tables.reflect(engine)
        with engine.connect() as conn:
            return "\n".join(repr(tuple(row)) for table in tables.sorted_tables for row in conn.execute(select(table)))
    finally:
        engine.dispose()


@pytest.fixture
def engine(db_path):
    with Engine(db_path) as eng:
        yield eng


def run_cli(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed console script the way a user would."""
    exe = Path(sys.executable).with_name("crosscheck")
    full_env = {k: v for k, v in os.environ.items() if k != "CROSSCHECK_DB"}
    full_env.update({"COLUMNS": "200", **(env or {})})
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=full_env,
                          cwd=cwd, timeout=300)


@pytest.fixture
def webhook():
    """A webhook receiver on 127.0.0.1 that records what it is sent (see live_site.py)."""
    from live_site import Webhook, serve_webhook

    hook = Webhook()
    server = serve_webhook(hook)
    yield hook
    server.close()


@pytest.fixture(scope="module")
def sync_playwright():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium; `make test` does it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (it is in the dev extra; `make test` installs it)")
    return sync_playwright


@contextlib.contextmanager
def served_app(app, **config):
    """`app` served by uvicorn on 127.0.0.1 (a port the OS picks) in a background thread;
    yields its base URL. `config`: more uvicorn.Config options."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off",
                                           **config))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # only a readiness wait, not a measurement
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    assert host == "127.0.0.1"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


class LoopbackOnly:
    """A Playwright route handler that lets requests to `base` through and refuses (and
    records) every other."""

    def __init__(self, base: str):
        self.base = base
        self.refused: list[str] = []

    def __call__(self, route) -> None:
        if route.request.url.startswith(self.base + "/"):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()
