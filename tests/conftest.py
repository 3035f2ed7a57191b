from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crosscheck import Engine

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
ECB_DEV = SHARED / "bench" / "ecbplus-dev.jsonl"


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


@pytest.fixture
def db_path(tmp_path) -> str:
    return str(tmp_path / "test.db")


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


@pytest.fixture(scope="module")
def sync_playwright():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium; `make test` does it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (it is in the dev extra; `make test` installs it)")
    return sync_playwright
