"""Web app and REST API latency and throughput at 10,000 articles, on loopback.

The store is built once from the bundled sample and the ECB+ dev articles,
repeated: copy k renames every capitalised name and acronym consistently
("Reid" -> "Reidar"), shifts publication dates and dates in the text by
k*30 days and other figures by k, and moves URLs under /copy-k/, so every copy
is a distinct article and the copies form their own stories instead of
merging with the originals. The rows go through the real pipeline
(Engine.ingest) into benchmarks/out/web_store.db, which later runs reuse.

`crosscheck serve` then runs in its own process on 127.0.0.1 and a small
asyncio + httpx client measures it: latency one request at a time (p50/p95)
for story pages, the API mix and the home page, and requests per second at
concurrency 16. Every measured path is requested once first, so the figures
are for warm caches; the cold first request of a few story pages (cached
results removed beforehand) is reported beside them. Each scenario stops after
a fixed number of requests or a time cap, whichever comes first.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ECB_DEV, OUT, save  # noqa: E402

STORE = OUT / "web_store.db"
BUILD_LOG = OUT / "web_store_build.json"  # how the cached store was built, reported when it is reused
TARGET_ARTICLES = 10_000
HOST = "127.0.0.1"  # loopback only, always
STORY_SAMPLE = 50
CONCURRENCY = 16
LATENCY_REQUESTS, LATENCY_CAP_S = 600, 60.0  # one at a time
HOME_REQUESTS, HOME_CAP_S = 100, 60.0
THROUGHPUT_REQUESTS, THROUGHPUT_CAP_S = 2000, 60.0  # at CONCURRENCY
COLD_STORIES = 5
STORY_P95_TARGET_MS, API_P95_TARGET_MS = 50.0, 20.0
SEARCH_TERMS = ["earthquake", "treaty", "ferry", "police", "rehab", "election", "fire", "arrested",
                "hospital", "river", "killed", "court"]

# -- building the store ------------------------------------------------------------------

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
KEEP = set(MONTHS) | {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
SYLLABLES = ["ar", "en", "is", "ol", "un", "ek", "av", "or", "im", "us", "et", "al", "on", "ir", "ax", "el",
             "od", "ur", "an", "iv", "es", "ot", "ab", "ey"]
MONTH_RE = "|".join(MONTHS)
DATE_RE = re.compile(rf"\b(?:(?P<m1>{MONTH_RE}) (?P<d1>\d{{1,2}})(?P<y1>, \d{{4}})?"
                     rf"|(?P<d2>\d{{1,2}}) (?P<m2>{MONTH_RE})(?P<y2> \d{{4}})?)\b")
TOKEN_RE = re.compile(r"\b(?:[A-Z][a-z]+|[A-Z]{2,})\b|\d+")


def suffix(k: int) -> str:
    return SYLLABLES[k % len(SYLLABLES)] + (SYLLABLES[(k // len(SYLLABLES)) % len(SYLLABLES)]
                                            if k >= len(SYLLABLES) else "")


class Perturber:
    """Copy k of a text: consistent per-copy names, figures shifted by k, dates by k*30 days."""

    def __init__(self, texts: list[str]):
        # a capitalised word whose lower-case form the corpus also uses is an ordinary word
        self.common = {w for t in texts for w in re.findall(r"\b[a-z]+\b", t)}

    def text(self, value: str | None, k: int) -> str | None:
        if not value or k == 0:
            return value
        days = timedelta(days=30 * k)
        out, last = [], 0
        for match in DATE_RE.finditer(value):
            out.append(self._tokens(value[last:match.start()], k))
            out.append(self._date(match, days))
            last = match.end()
        out.append(self._tokens(value[last:], k))
        return "".join(out)

    def _date(self, match: re.Match, days: timedelta) -> str:
        month = match["m1"] or match["m2"]
        day = int(match["d1"] or match["d2"])
        year_text = match["y1"] or match["y2"]
        year = int(year_text.strip(", ")) if year_text else 2001
        try:
            shifted = date(year, MONTHS.index(month) + 1, day) + days
        except ValueError:
            return match.group(0)
        name = MONTHS[shifted.month - 1]
        if match["m1"]:
            return f"{name} {shifted.day}" + (f", {shifted.year}" if year_text else "")
        return f"{shifted.day} {name}" + (f" {shifted.year}" if year_text else "")

    def _tokens(self, value: str, k: int) -> str:
        def swap(match: re.Match) -> str:
            word = match.group(0)
            if word.isdigit():
                number = int(word)
                if 1900 <= number <= 2100 and len(word) == 4:  # a year moves with the dates
                    return str(number + (30 * k) // 365)
                return f"{number + k:0{len(word)}d}"
            if word.capitalize() in KEEP or word.lower() in self.common:
                return word
            return word + (suffix(k).upper() if word.isupper() else suffix(k))
        return TOKEN_RE.sub(swap, value)


def base_rows() -> list[dict]:
    """The sample corpus (read back from a scratch store) and the ECB+ dev articles."""
    from crosscheck import Engine, sample_corpus_path

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        with Engine(str(Path(tmp) / "sample.db")) as engine:
            engine.ingest([str(sample_corpus_path())], analyze=False)
            for row in engine.export_rows():
                rows.append({key: row[key] for key in ("id", "outlet", "url", "title", "published", "author",
                                                       "text") if row[key]})
    if ECB_DEV.exists():
        rows += [{"id": r["id"], "text": r["text"]} for r in map(json.loads, open(ECB_DEV, encoding="utf-8"))]
    return rows


def perturbed_rows(rows: list[dict], copies: int) -> list[dict]:
    perturber = Perturber([r["text"] for r in rows] + [r.get("title") or "" for r in rows])
    out = []
    for k in range(copies):
        for row in rows:
            new = dict(row)
            new["id"] = f"{row['id']}~{k}"
            new["text"] = perturber.text(row["text"], k)
            if row.get("title"):
                new["title"] = perturber.text(row["title"], k)
            if row.get("author"):
                new["author"] = perturber.text(row["author"], k)
            if row.get("url") and k:
                scheme, rest = row["url"].split("://", 1)
                host, _, path = rest.partition("/")
                new["url"] = f"{scheme}://{host}/copy-{k}/{path}"
            if row.get("published") and k:
                new["published"] = (datetime.fromisoformat(row["published"]) + timedelta(days=30 * k)).isoformat()
            out.append(new)
    return out


def build_store(path: str) -> dict:
    """Runs in a child process: write the perturbed rows and ingest them with the real pipeline."""
    from crosscheck import Engine

    rows = base_rows()
    copies = math.ceil(TARGET_ARTICLES * 1.02 / len(rows))
    data = perturbed_rows(rows, copies)
    target = Path(path)
    for suffix_ in ("", "-wal", "-shm"):
        Path(str(target) + suffix_).unlink(missing_ok=True)
    jsonl = target.with_suffix(".jsonl")
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in data), encoding="utf-8")
    start = time.perf_counter()
    last = [start]

    def progress(phase, done, total, _label):
        if phase == "analyze" and time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            print(f"  analysed {done}/{total} ({done / (last[0] - start):.1f}/s)", file=sys.stderr, flush=True)

    with Engine(path) as engine:
        report = engine.ingest([str(jsonl)], progress=progress)
        seconds = time.perf_counter() - start
        articles = engine.store.count_articles()
    jsonl.unlink()
    return {"base_articles": len(rows), "copies": copies, "rows": len(data), "stored": len(report.stored),
            "duplicates": len(report.already_stored), "rejected": len(report.rejected),
            "articles": articles, "seconds": seconds}


def store_shape(path: Path) -> dict:
    """Articles, stories and their sizes, and whether any story mixes copies."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT sa.story_id, a.external_id FROM story_articles sa "
                            "JOIN articles a ON a.id = sa.article_id").fetchall()
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        conn.close()
    copies_of = defaultdict(set)
    sizes = defaultdict(int)
    for story, external in rows:
        sizes[story] += 1
        copies_of[story].add((external or "~?").rsplit("~", 1)[-1])
    ordered = sorted(sizes.values())
    return {"articles": articles, "stories": len(sizes),
            "story_size": {"median": ordered[len(ordered) // 2], "p90": ordered[int(len(ordered) * 0.9)],
                           "max": ordered[-1], "singletons": sum(1 for s in ordered if s == 1)},
            "stories_mixing_copies": sum(1 for c in copies_of.values() if len(c) > 1)}


def ensure_store() -> dict:
    if STORE.exists():
        try:
            shape = store_shape(STORE)
        except sqlite3.Error:
            shape = {"articles": 0}
        if shape["articles"] >= TARGET_ARTICLES:
            built = json.loads(BUILD_LOG.read_text()) if BUILD_LOG.exists() else None
            how = (f"; built earlier from {built['base_articles']} articles x {built['copies']} copies in "
                   f"{built['seconds']:.0f}s ({built['stored'] / built['seconds']:.1f} articles/s)" if built else "")
            print(f"store: reused {STORE} ({shape['articles']} articles{how})")
            return {"reused": True, "build": built, **shape}
    OUT.mkdir(exist_ok=True)
    print(f"store: building {STORE} (about 25 articles/s; cached in benchmarks/out for later runs)", flush=True)
    proc = subprocess.run([sys.executable, __file__, "build", str(STORE)], stdout=subprocess.PIPE, text=True,
                          check=True)
    built = json.loads(proc.stdout.strip().splitlines()[-1])
    BUILD_LOG.write_text(json.dumps(built, indent=2))
    print(f"store: built from {built['base_articles']} articles x {built['copies']} copies: {built['stored']} stored "
          f"({built['duplicates']} duplicates) in {built['seconds']:.0f}s "
          f"({built['stored'] / built['seconds']:.1f} articles/s)")
    return {"reused": False, "build": built, **store_shape(STORE)}


# -- serving and measuring ---------------------------------------------------------------

def pick_stories(path: Path) -> tuple[list[int], list[int], list[int], dict[int, int]]:
    """~50 stories spread over the size distribution, a few others to time cold, and articles."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        sizes = dict(conn.execute("SELECT story_id, count(*) FROM story_articles GROUP BY story_id"))
        ordered = sorted(sizes, key=lambda s: (sizes[s], s))
        n = len(ordered)
        sample = sorted({ordered[round(i * (n - 1) / (STORY_SAMPLE - 1))] for i in range(STORY_SAMPLE)})
        rest = [s for s in ordered if s not in set(sample) and sizes[s] > 1]
        cold = [rest[round((i + 0.5) * (len(rest) - 1) / COLD_STORIES)] for i in range(COLD_STORIES)]
        marks = ",".join("?" * len(sample))
        members = conn.execute(f"SELECT article_id FROM story_articles WHERE story_id IN ({marks})",
                               sample).fetchall()
    finally:
        conn.close()
    articles = sorted(random.Random(1).sample([m for (m,) in members], min(STORY_SAMPLE, len(members))))
    return sample, cold, articles, sizes


def forget_cached(path: Path, story_ids: list[int]) -> None:
    """Drop the cached claim checks and briefings of these stories, so their first request is cold."""
    conn = sqlite3.connect(str(path))
    try:
        conn.executemany("DELETE FROM story_cache WHERE story_id = ?", [(s,) for s in story_ids])
        conn.commit()
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(port: int, log) -> subprocess.Popen:
    binary = Path(sys.executable).parent / "crosscheck"
    command = [str(binary)] if binary.exists() else [sys.executable, "-c",
                                                     "from crosscheck.cli import main; main()"]
    return subprocess.Popen(command + ["serve", "--db", str(STORE), "--host", HOST, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def figures(latencies: list[float]) -> dict:
    ms = [v * 1000 for v in latencies]
    return {"requests": len(ms), "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
            "p99_ms": percentile(ms, 99), "max_ms": max(ms), "mean_ms": sum(ms) / len(ms)}


async def load(client, plan: list[tuple[str, str]], limit: int, cap_s: float, concurrency: int) -> dict:
    """Request plan[0], plan[1], ... (cycled) from `concurrency` workers until `limit` requests or `cap_s`."""
    import httpx

    results: list[tuple[str, float]] = []
    errors: list[str] = []
    position = 0
    deadline = time.perf_counter() + cap_s

    async def worker():
        nonlocal position
        while position < limit and time.perf_counter() < deadline:
            kind, url = plan[position % len(plan)]
            position += 1
            began = time.perf_counter()
            try:
                status = (await client.get(url)).status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            elapsed = time.perf_counter() - began
            if status != 200:
                errors.append(f"{status} {url}")
            results.append((kind, elapsed))

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - began
    by_kind: dict[str, list[float]] = defaultdict(list)
    for kind, elapsed in results:
        by_kind[kind].append(elapsed)
    return {"concurrency": concurrency, "seconds": seconds, "rps": len(results) / seconds, "errors": len(errors),
            "error_examples": errors[:3], "capped": len(results) < limit,
            **figures([e for _, e in results]),
            "by_kind": {k: figures(v) for k, v in sorted(by_kind.items())} if len(by_kind) > 1 else {}}


def plans(stories: list[int], articles: list[int]) -> dict[str, list[tuple[str, str]]]:
    rng = random.Random(7)
    api_kinds = {
        "stories list": [f"/api/v1/stories?limit=20&offset={o}" for o in (0, 0, 0, 20, 40)],
        "story": [f"/api/v1/stories/{s}" for s in stories],
        "briefing": [f"/api/v1/stories/{s}/briefing" for s in stories],
        "claims": [f"/api/v1/stories/{s}/claims" for s in stories],
        "article": [f"/api/v1/articles/{a}" for a in articles],
        "search": [f"/api/v1/search?q={t}" for t in SEARCH_TERMS],
    }
    names = list(api_kinds)
    return {
        "story page": [("story page", f"/stories/{rng.choice(stories)}") for _ in range(1000)],
        "API mix": [(names[i % len(names)], rng.choice(api_kinds[names[i % len(names)]])) for i in range(1200)],
        "home page": [("home page", "/")],
        "_warm": ([("", f"/stories/{s}") for s in stories] + [("", u) for us in api_kinds.values() for u in us]
                  + [("", "/")]),
    }


async def measure(port: int, stories: list[int], cold: list[int], articles: list[int]) -> dict:
    import httpx

    base = f"http://{HOST}:{port}"
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits, trust_env=False) as client:
        began = time.perf_counter()
        while True:  # ready when the app answers at all
            try:
                if (await client.get("/api/v1/openapi.json")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.perf_counter() - began > 120:
                raise RuntimeError("server did not answer within 120 s")
            await asyncio.sleep(0.2)
        startup = time.perf_counter() - began
        cold_pages = []
        for story in cold:
            t0 = time.perf_counter()
            response = await client.get(f"/stories/{story}")
            cold_pages.append({"story": story, "status": response.status_code,
                               "ms": (time.perf_counter() - t0) * 1000})
        t0 = time.perf_counter()
        await client.get("/")
        cold_home_ms = (time.perf_counter() - t0) * 1000
        plan = plans(stories, articles)
        t0 = time.perf_counter()
        warm = await load(client, plan["_warm"], len(plan["_warm"]), 600, 1)
        warm_seconds = time.perf_counter() - t0
        results = {
            "latency": {
                "story page": await load(client, plan["story page"], LATENCY_REQUESTS, LATENCY_CAP_S, 1),
                "API mix": await load(client, plan["API mix"], LATENCY_REQUESTS, LATENCY_CAP_S, 1),
                "home page": await load(client, plan["home page"], HOME_REQUESTS, HOME_CAP_S, 1),
            },
            "throughput": {
                "story page": await load(client, plan["story page"], THROUGHPUT_REQUESTS, THROUGHPUT_CAP_S,
                                         CONCURRENCY),
                "API mix": await load(client, plan["API mix"], THROUGHPUT_REQUESTS, THROUGHPUT_CAP_S, CONCURRENCY),
            },
        }
    return {"startup_s": startup, "cold_story_pages": cold_pages, "cold_home_ms": cold_home_ms,
            "warm_up": {"requests": warm["requests"], "seconds": warm_seconds, "errors": warm["errors"]},
            **results}


def main() -> None:
    store = ensure_store()
    print(f"store: {store['articles']} articles, {store['stories']} stories (median size "
          f"{store['story_size']['median']}, p90 {store['story_size']['p90']}, max {store['story_size']['max']}, "
          f"{store['story_size']['singletons']} single-article); stories mixing copies: "
          f"{store['stories_mixing_copies']}")
    stories, cold, articles, sizes = pick_stories(STORE)
    forget_cached(STORE, cold)
    port = free_port()
    with tempfile.TemporaryFile("w+") as log:
        server = start_server(port, log)
        try:
            result = asyncio.run(measure(port, stories, cold, articles))
        except BaseException:
            log.seek(0)
            print("server log (tail):\n" + log.read()[-3000:], file=sys.stderr)
            raise
        finally:
            stop_server(server)
    sample_sizes = sorted(sizes[s] for s in stories)
    print(f"served by `crosscheck serve` on {HOST}:{port} (ready in {result['startup_s']:.1f}s); client: asyncio + "
          f"httpx in this process, on the same machine")
    print(f"sample: {len(stories)} stories of {sample_sizes[0]}-{sample_sizes[-1]} articles "
          f"(median {sample_sizes[len(sample_sizes) // 2]}), {len(articles)} articles, {len(SEARCH_TERMS)} queries")
    cold_text = ", ".join(f"{c['ms']:.0f}" for c in result["cold_story_pages"])
    print(f"cold first requests (cached results removed; the first also loads the model): story pages "
          f"[{cold_text}] ms (sizes {[sizes[c] for c in cold]}); home page {result['cold_home_ms']:.0f} ms")
    print(f"warm-up: {result['warm_up']['requests']} requests in {result['warm_up']['seconds']:.1f}s; "
          f"figures below are for warm caches")
    print(f"\n{'scenario':28} {'conc':>4} {'reqs':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>7} {'errors':>6}")
    rows = []
    for phase in ("latency", "throughput"):
        for name, fig in result[phase].items():
            rows.append((name, fig))
            for kind, sub in fig["by_kind"].items():
                rows.append((f"  {kind}", {**sub, "concurrency": fig["concurrency"], "rps": None, "errors": None}))
    for name, fig in rows:
        rps = f"{fig['rps']:7.1f}" if fig["rps"] is not None else f"{'':7}"
        errors = f"{fig['errors']:6d}" if fig["errors"] is not None else f"{'':6}"
        capped = " (time cap)" if fig.get("capped") else ""
        print(f"{name:28} {fig['concurrency']:4d} {fig['requests']:5d} {fig['p50_ms']:8.1f} {fig['p95_ms']:8.1f} "
              f"{fig['p99_ms']:8.1f} {rps} {errors}{capped}")
    story_p95 = result["latency"]["story page"]["p95_ms"]
    api_p95 = result["latency"]["API mix"]["p95_ms"]
    verdicts = {"story_page_p95": story_p95 <= STORY_P95_TARGET_MS, "api_p95": api_p95 <= API_P95_TARGET_MS}
    print(f"\nverdict (one request at a time, warm, {store['articles']} articles, this machine):")
    print(f"  story page p95 {story_p95:.1f} ms <= {STORY_P95_TARGET_MS:.0f} ms: "
          f"{'PASS' if verdicts['story_page_p95'] else 'FAIL'}")
    print(f"  API p95 {api_p95:.1f} ms <= {API_P95_TARGET_MS:.0f} ms: {'PASS' if verdicts['api_p95'] else 'FAIL'}")
    print(f"saved {save('web', {'store': store, 'sample_story_sizes': sample_sizes, 'targets_ms': {'story_page_p95': STORY_P95_TARGET_MS, 'api_p95': API_P95_TARGET_MS}, 'pass': verdicts, **result})}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "build":
        print(json.dumps(build_store(sys.argv[2])))
    else:
        main()
