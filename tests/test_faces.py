"""One story, told the same way by every face: CLI, REST API, briefing and web pages.

Counts of articles, outlets and verdicts come from one computation (read models), sources
are named by one rule (their outlet, else their site, else their file), and no face
shows a placeholder ("None", "?", "article 7") for the seeds, which name no outlet.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import run_cli
from crosscheck import Engine
from crosscheck.web import create_app

SRC = Path(__file__).resolve().parent.parent / "src" / "crosscheck"
PLACEHOLDER = re.compile(r"\bNone\b|\barticle \d+\b|>\s*\?\s*<|\(\?\)|#\d+ \?|\? to \?|Unknown outlet|\(unknown\)")


def _counts_cli(db: str, story_id: int) -> tuple:
    result = run_cli("story", str(story_id), "--db", db, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return data["articles"], data["outlet_count"], data["verdicts"]


def _counts_api(client: TestClient, story_id: int) -> tuple:
    data = client.get(f"/api/v1/stories/{story_id}").json()
    assert len(data["outlets"]) == data["outlet_count"]
    return data["articles"], data["outlet_count"], data["verdicts"]


def _counts_briefing(db: str, story_id: int) -> tuple:
    result = run_cli("brief", str(story_id), "--db", db, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return data["articles"], len(data["coverage"]["outlets"]), data["verdicts"]


@pytest.mark.parametrize("corpus", ["sample", "seeds"])
def test_cli_api_and_briefing_give_the_same_counts(stores, corpus):
    db = getattr(stores, corpus)()
    client = TestClient(create_app(db, secure_cookies=False))
    with Engine(db) as engine:
        story_ids = [s.id for s in engine.stories()]
    assert story_ids
    for story_id in story_ids:
        cli, api, brief = _counts_cli(db, story_id), _counts_api(client, story_id), _counts_briefing(db, story_id)
        assert cli == api == brief, (story_id, cli, api, brief)
        # the story list says the same as the story
        listed = json.loads(run_cli("stories", "--db", db, "--json", "--limit", "100").stdout)["items"]
        row = next(r for r in listed if r["id"] == story_id)
        assert (row["articles"], row["outlet_count"], row["verdicts"]) == cli
        # and the CLI lists the claim groups the story page lists
        shown = run_cli("claims", str(story_id), "--db", db, "--format", "csv").stdout.splitlines()[1:]
        page = client.get(f"/stories/{story_id}").text
        groups_on_page = len(re.findall(r'<details><summary><span class="badge', page)) + \
            len(re.findall(r'<details open><summary><span class="badge', page))
        assert len({line.split(",")[1] for line in shown}) == groups_on_page


def test_no_placeholder_names_for_articles_without_an_outlet(stores):
    db = stores.seeds()
    client = TestClient(create_app(db, secure_cookies=False))
    with Engine(db) as engine:
        story_id = engine.stories()[0].id
        article_ids = [a.id for a in engine.articles()]
        assert all(a.outlet is None for a in engine.articles())  # the seeds name no outlet
    pages = ["/", "/stories", f"/stories/{story_id}", "/outlets", "/search?q=treaty",
             *(f"/articles/{a}" for a in article_ids)]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        text = re.sub(r"<(script|style)\b.*?</\1>", "", response.text, flags=re.S)
        assert not PLACEHOLDER.findall(text), (path, PLACEHOLDER.findall(text)[:5])
    for args in (["story", str(story_id)], ["claims", str(story_id), "--all"], ["timeline", str(story_id)],
                 ["brief", str(story_id)], ["brief", str(story_id), "--format", "html"], ["stories"],
                 ["articles"], ["search", "treaty"]):
        result = run_cli(*args, "--db", db)
        assert result.returncode == 0, (args, result.stderr)
        assert not PLACEHOLDER.findall(result.stdout), (args, PLACEHOLDER.findall(result.stdout)[:5])
    detail = client.get(f"/api/v1/stories/{story_id}").json()
    assert {a["outlet"] for a in detail["articles_detail"]} == set(detail["outlets"])
    assert all(name.endswith(".txt") for name in detail["outlets"])  # their files, one outlet each


def test_a_correction_shows_everywhere(stores):
    db = stores.seeds()
    with Engine(db) as engine:
        story_id = engine.stories()[0].id
        before = engine.story(story_id)
        first, second = before.articles_detail[0].id, before.articles_detail[1].id
    result = run_cli("article", str(first), "--db", db, "--outlet", "Harbor Ledger")
    assert result.returncode == 0, result.stderr
    assert "Harbor Ledger" in result.stdout
    client = TestClient(create_app(db, secure_cookies=False))
    page = client.get(f"/stories/{story_id}").text
    assert "Harbor Ledger" in page
    assert "Harbor Ledger" in client.get(f"/articles/{first}").text
    # two articles of one outlet are one source: the story has one outlet fewer
    assert run_cli("article", str(second), "--db", db, "--outlet", "harbor ledger").returncode == 0
    after = json.loads(run_cli("story", str(story_id), "--db", db, "--json").stdout)
    assert after["outlet_count"] == len(before.outlets) - 1
    brief = json.loads(run_cli("brief", str(story_id), "--db", db, "--format", "json").stdout)
    assert len(brief["coverage"]["outlets"]) == after["outlet_count"]
    # a bad date is refused, naming the field, and nothing changes
    bad = run_cli("article", str(first), "--db", db, "--published", "next blursday")
    assert bad.returncode == 1 and "--published" in bad.stderr
    assert json.loads(run_cli("article", str(first), "--db", db, "--json").stdout)["outlet"] == "Harbor Ledger"


def test_read_commands_refuse_a_store_that_does_not_exist(tmp_path):
    missing = tmp_path / "missing.db"
    for args in (["stories"], ["story", "1"], ["claims", "1"], ["brief", "1"], ["articles"], ["search", "x"],
                 ["export"], ["article", "1", "--outlet", "X"]):
        result = run_cli(*args, "--db", str(missing))
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert str(missing) in result.stderr
        assert not missing.exists()


def test_faces_never_import_the_store():
    faces = [SRC / "cli.py", *sorted((SRC / "web").glob("*.py"))]
    for path in faces:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                level = getattr(node, "level", 0)
                parts = name.split(".")
                assert "store" not in parts or (level == 0 and parts[0] != "crosscheck"), \
                    f"{path.name} imports {'.' * level}{name}"


def test_only_an_admin_corrects_an_article_over_the_web(stores):
    from datetime import datetime

    from crosscheck.web.security import hash_password

    db = stores.seeds()
    client = TestClient(create_app(db, secure_cookies=False))
    assert client.patch("/api/v1/articles/1", json={"outlet": "X"}).status_code == 401
    store = client.app.state.discussion.store
    password = "a long enough passphrase 1"
    store.create_user("editor", hash_password(password), now=datetime(2026, 1, 1), is_admin=True)
    store.create_user("reader", hash_password(password), now=datetime(2026, 1, 1), is_admin=False)

    def signed_in(name: str) -> tuple[TestClient, str]:
        browser = TestClient(client.app)
        token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/signin").text).group(1)
        response = browser.post("/signin", data={"username": name, "password": password, "csrf_token": token,
                                                 "next": "/"}, follow_redirects=False)
        assert response.status_code == 303, response.text[:300]
        return browser, browser.get("/api/v1/session").json()["csrf_token"]

    reader, reader_token = signed_in("reader")
    assert reader.patch("/api/v1/articles/1", json={"outlet": "X"},
                        headers={"X-CSRF-Token": reader_token}).status_code == 403
    editor, editor_token = signed_in("editor")
    assert editor.patch("/api/v1/articles/1", json={"outlet": "X"}).status_code == 403  # no CSRF token
    response = editor.patch("/api/v1/articles/1", json={"outlet": "Kesh Standard", "published": "2024-11-12"},
                            headers={"X-CSRF-Token": editor_token})
    assert response.status_code == 200 and response.json()["outlet"] == "Kesh Standard"
    bad = editor.patch("/api/v1/articles/1", json={"published": "someday"}, headers={"X-CSRF-Token": editor_token})
    assert bad.status_code == 422 and "published" in bad.json()["error"]["message"]
    assert editor.patch("/api/v1/articles/999", json={"outlet": "X"},
                        headers={"X-CSRF-Token": editor_token}).status_code == 404
    page = editor.get("/articles/1").text
    assert 'action="/articles/1/correct"' in page and "Kesh Standard" in page
    assert 'action="/articles/1/correct"' not in reader.get("/articles/1").text


def test_first_and_last_are_in_time_order_across_time_zones():
    """A story's span and its outlets' order compare instants, not ISO strings: 10:00 in Seoul
    (01:00 UTC) came before 05:00 UTC, and an offset-less time is read as UTC."""
    from datetime import datetime, timedelta, timezone

    from crosscheck.brief.coverage import coverage
    from crosscheck.read.queries import summarize_story
    from crosscheck.records import Article

    seoul = Article(text="a", title="Treaty ratified", outlet="Seoul Daily", id=1, published_has_time=True,
                    published=datetime(2026, 7, 22, 10, 0, tzinfo=timezone(timedelta(hours=9))))
    london = Article(text="b", title="Treaty ratified", outlet="London Wire", id=2, published_has_time=True,
                     published=datetime(2026, 7, 22, 5, 0, tzinfo=timezone.utc))
    plain = Article(text="c", title="Treaty ratified", outlet="Plain Post", id=3, published_has_time=True,
                    published=datetime(2026, 7, 22, 3, 0))
    undated = Article(text="d", title="Treaty ratified", outlet="Aardvark News", id=4)
    summary = summarize_story(9, [london, undated, plain, seoul])
    assert (summary.first, summary.last) == (seoul.published_iso(), london.published_iso())
    covered = coverage({a.id: a for a in (london, undated, plain, seoul)}, [], [], {})
    assert [o.outlet for o in covered.outlets] == ["Seoul Daily", "Plain Post", "London Wire", "Aardvark News"]
    assert [a["id"] for a in covered.articles] == [1, 3, 2, 4]


def test_the_cli_story_view_counts_one_in_the_singular(stores):
    db = stores.seeds()
    with Engine(db) as engine:
        story_id = engine.stories()[0].id
    result = run_cli("story", str(story_id), "--db", db)
    assert result.returncode == 0, result.stderr
    shown = " ".join(result.stdout.split())  # as read, whatever the terminal's wrapping
    assert "1 article)" in shown and "reuses 1 sentence of" in shown
    assert not re.search(r"\b1 (articles|sentences)\b", shown)
