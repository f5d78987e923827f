"""Web pages at 10,000 cases / 100,000 documents (issue 15): p50 / p95 / max of every page, per role, through
the real server, against GET /login in the same run.

    .venv/bin/python bench/bench_web.py [--runs 20] [--profile] [--record]

The data root is bench/webcorpus.py's (built first when not cached under bench/out/). `daiban serve` runs
it (waitress, 8 threads) on 127.0.0.1 in its own process; this process is the client: requests, one session
per role logged in through /login with its CSRF token, each page requested a few times untimed and then
--runs times in a row (a page slower than 2 s is timed a quarter as often, at least 5 times). What a page
shows depends on who asks: an administrator reaches all 10,000 cases, the 项目长 his ~250, the enterprise
its own five; the case, item and file of a role are the reachable ones with the most items. A page still
answering 501 (not built yet) is listed apart. The baseline is GET /login without a session, three times
before each page and role so that it samples the whole run: what any request costs before a page's own
work. Goal: every page's p95 under 1 s.

--profile runs each page that misses the goal once more, in this process through the Flask test client
under cProfile, and prints where the time goes and how many SQL statements the request ran. --record
appends the figures to bench/RESULTS.md. Every request is a real one and the views it records (case.viewed,
search, …) are appended to the event log, as they would be: to a copy of the catalog made for the run (its
folders and index linked), so that every run starts from the archive as built.
"""

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from corpus import PLACES, percentile
from sqlalchemy import Select, create_engine, func, select
from webcorpus import DAIBAN, WebCorpus, ensure

from archive.base.terms import CaseStatus, UserRole
from archive.catalog.access import Access, case_clause, handed_over
from archive.catalog.schema import cases, items

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fixtures.web import csrf_token, free_port  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
REPOSITORY = Path(__file__).resolve().parents[1]
GOAL_MS = 1000.0
WARM = 2
SLOW_MS = 2000.0
HTMX = (("HX-Request", "true"),)
RANGE = (("Range", "bytes=0-1023"),)
STAFF_SIDE = ("admin", "staff", "archivist", "auditor")
SEARCH_WORD = "规划许可"


@dataclass(frozen=True)
class Page:
    """A page to time: its path (with {case} {item} {doc} {q} {word} filled per role), who asks, extra headers."""

    path: str
    roles: tuple[str, ...]
    headers: tuple[tuple[str, str], ...] = ()


# One line per page; a page not built yet answers 501 and is listed apart.
PAGES = (
    Page("/", STAFF_SIDE),
    Page("/cases", ("admin", "staff", "enterprise")),
    Page("/cases?q={q}", ("admin", "staff", "enterprise")),
    Page("/cases?status=办理", ("admin", "staff")),
    Page("/cases/{case}", ("admin", "staff", "enterprise")),
    Page("/cases/{case}/audit", ("admin", "staff"), HTMX),
    Page("/cases/{case}/ledger", ("admin", "staff"), HTMX),
    Page("/cases/{case}/items/{item}", ("admin", "staff", "enterprise")),
    Page("/files/{doc}", ("admin", "enterprise"), RANGE),
    Page("/viewer/{doc}", ("admin", "enterprise")),
    Page("/search?q={word}", ("admin", "staff", "enterprise")),
    Page("/cases/{case}/forms", ("staff",)),
    Page("/scans", ("archivist",)),
    Page("/review", ("archivist",)),
    Page("/cases/{case}/dossier", ("admin", "archivist")),
    Page("/portal", ("enterprise",)),
    Page("/admin/users", ("admin",)),
)


@dataclass(frozen=True)
class Targets:
    """What a role's pages are about: its busiest reachable case, an item of it and its PDF, a name fragment."""

    reachable: int
    case: str
    item: int
    doc: int
    q: str
    word: str = SEARCH_WORD

    def url(self, page: Page) -> str:
        """The page's path for this role."""
        return page.path.format(case=self.case, item=self.item, doc=self.doc, q=self.q, word=self.word)


@dataclass(frozen=True)
class Timing:
    """The timed requests of one page for one role (ms), the status and size of the answer."""

    page: Page
    role: str
    url: str
    ms: list[float]
    status: int
    size: int

    @property
    def p50(self) -> float:
        """Median."""
        return statistics.median(self.ms)

    @property
    def p95(self) -> float:
        """Nearest-rank 95th percentile."""
        return percentile(self.ms, 0.95)


# ---------------------------------------------------------------- what each role looks at

def _reached(account) -> Select:
    """The ids of the cases an account reaches, by the rule the server enforces (catalog.access.case_clause)."""
    access = Access(account.login, UserRole.parse(account.role), account.name, account.credit_code)
    query = select(cases.c.id).where(cases.c.status != CaseStatus.AGENCY_FILE)
    clause = case_clause(access)
    return query if clause is None else query.where(clause)


def targets(corpus: WebCorpus, role: str) -> Targets:
    """The busiest case the role reaches, its item with the most renditions (handed over, for an enterprise)
    and that item's PDF, and the trade name of the big case's enterprise as the listing's fragment."""
    reached = _reached(corpus.accounts[role])
    engine = create_engine(f"sqlite:///file:{corpus.root / 'daiban.sqlite'}?mode=ro&uri=true")
    with engine.connect() as conn:
        ids = conn.execute(reached).scalars().all()
        case_id, case_no = conn.execute(
            select(cases.c.id, cases.c.case_no).join(items, items.c.case_id == cases.c.id)
            .where(cases.c.id.in_(reached)).group_by(cases.c.id).order_by(func.count().desc(), cases.c.id).limit(1)
        ).one()
    engine.dispose()
    db = sqlite3.connect(f"file:{corpus.root / 'daiban.sqlite'}?mode=ro", uri=True)
    rows = db.execute("SELECT item_no, form_id, count(*) AS n, max(CASE WHEN path LIKE '%.pdf' THEN id END) "
                      "FROM documents WHERE case_id = ? AND state = 'filed' GROUP BY item_no ORDER BY n DESC, item_no",
                      (case_id,)).fetchall()
    item_no, _form, _n, doc = next(r for r in rows if r[3] and (role != "enterprise" or handed_over(r[1])))
    unit = db.execute("SELECT unit FROM cases WHERE case_no = ?", (corpus.manifest["big_case"],)).fetchone()[0]
    db.close()
    place = next(p for p in PLACES if unit.startswith(p))
    return Targets(len(set(ids)), case_no, item_no, doc, unit[len(place):len(place) + 2])


# ---------------------------------------------------------------- the server and the sessions

def run_root(corpus: WebCorpus) -> Path:
    """The root this run serves: copies of the built catalog and settings files, links to its folders."""
    run = corpus.root.parent / "run"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir()
    for entry in corpus.root.iterdir():
        if entry.is_dir():
            (run / entry.name).symlink_to(entry)
        else:
            shutil.copy2(entry, run / entry.name)
    return run


def start_server(root: Path, port: int, log: Path) -> subprocess.Popen:
    """`daiban serve` on the root, once it accepts connections."""
    server = subprocess.Popen([str(DAIBAN), "serve", "--root", str(root), "--port", str(port)],
                              stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"daiban serve ended ({server.returncode}): {log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("daiban serve did not start within 120 s")


def stop_server(server: subprocess.Popen) -> None:
    """End the server this benchmark started."""
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def session(base: str, login: str, password: str) -> requests.Session:
    """A session logged in through /login with the page's CSRF token."""
    client = requests.Session()
    token = csrf_token(client.get(f"{base}/login").text)
    answer = client.post(f"{base}/login", data={"login": login, "password": password, "csrf_token": token},
                         allow_redirects=False)
    if answer.status_code != 302:
        raise SystemExit(f"login {login} failed: {answer.status_code} {answer.text[:300]}")
    return client


# ---------------------------------------------------------------- timing

def fetch(client: requests.Session, url: str, headers: dict) -> tuple[float, requests.Response]:
    """One request, body read; its time in ms."""
    started = time.perf_counter()
    answer = client.get(url, headers=headers, allow_redirects=False)
    _ = answer.content
    return (time.perf_counter() - started) * 1000, answer


def time_page(client: requests.Session, base: str, page: Page, role: str, url: str, runs: int) -> Timing:
    """Warm the page up, then time it runs times (fewer when it is slow); stop early on a refusal or 501."""
    headers = dict(page.headers)
    warm = [fetch(client, base + url, headers) for _ in range(WARM)]
    first_ms, answer = warm[-1]
    if answer.status_code not in (200, 206):
        return Timing(page, role, url, [first_ms], answer.status_code, len(answer.content))
    count = runs if first_ms < SLOW_MS else max(5, runs // 4)
    ms = [fetch(client, base + url, headers)[0] for _ in range(count)]
    return Timing(page, role, url, ms, answer.status_code, len(answer.content))


BASELINE_PAGE = Page("/login", ())


def measure(corpus: WebCorpus, root: Path, runs: int) -> tuple[Timing, list[Timing], dict[str, Targets]]:
    """Start the server, log every role in, time every page; the baseline (GET /login without a session, three
    requests before each page so that it samples the whole run), the timings, each role's targets."""
    port = free_port()
    log = corpus.root.parent / "serve.log"
    found = {role: targets(corpus, role) for role in corpus.accounts}
    server = start_server(root, port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        sessions = {role: session(base, a.login, corpus.manifest["password"]) for role, a in corpus.accounts.items()}
        anonymous = requests.Session()
        first = time_page(anonymous, base, BASELINE_PAGE, "—", "/login", 3)
        baseline_ms, timings = list(first.ms), []
        for page in PAGES:
            for role in page.roles:
                baseline_ms += [fetch(anonymous, base + "/login", {})[0] for _ in range(3)]
                timings.append(time_page(sessions[role], base, page, role, found[role].url(page), runs))
                t = timings[-1]
                print(f"  {t.url} {role}: {t.status} p50 {t.p50:.0f} ms p95 {t.p95:.0f} ms (n={len(t.ms)})",
                      file=sys.stderr, flush=True)
    finally:
        stop_server(server)
    return Timing(BASELINE_PAGE, "—", "/login", baseline_ms, first.status, first.size), timings, found


# ---------------------------------------------------------------- report

def table(base: Timing, timings: list[Timing], found: dict[str, Targets]) -> str:
    """The figures as Markdown: measured pages, then those not built yet or refused."""
    lines = [f"Baseline GET /login (no session, 3 requests before each page and role): p50 {base.p50:.1f} ms, "
             f"p95 {base.p95:.1f} ms (n={len(base.ms)}).", "",
             "| page | role (cases reached) | n | p50 ms | p95 ms | max ms | p50 / baseline | KB | p95 < 1 s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for t in timings:
        if t.status in (200, 206):
            lines.append(f"| `{t.page.path}` | {t.role} ({found[t.role].reachable:,}) | {len(t.ms)} | {t.p50:.1f} | "
                         f"{t.p95:.1f} | {max(t.ms):.1f} | {t.p50 / base.p50:.1f}× | {t.size / 1024:.1f} | "
                         f"{'yes' if t.p95 < GOAL_MS else '**no**'} |")
    missing = sorted({t.page.path for t in timings if t.status == 501})
    refused = [f"`{t.url}` as {t.role}: {t.status}" for t in timings if t.status not in (200, 206, 501)]
    if missing:
        lines += ["", "Not built yet (501) when measured: " + ", ".join(f"`{p}`" for p in missing) + "."]
    if refused:
        lines += ["", "Answered with an error: " + "; ".join(refused) + "."]
    return "\n".join(lines)


def corpus_summary(corpus: WebCorpus) -> str:
    """One paragraph on the data root: what it holds and how long it took to build."""
    m = corpus.manifest
    statuses = ", ".join(f"{s} {n:,}" for s, n in sorted(m["statuses"].items(), key=lambda kv: -kv[1]))
    phases = "; ".join(f"{name} {s:.0f} s" for name, s in m["seconds"].items() if name != "total")
    return (f"Corpus (`bench/webcorpus.py`, built {m['built'][:10]} in {m['seconds']['total']:.0f} s: {phases}): "
            f"{m['cases']:,} cases ({statuses}), {m['items']:,} 件 in {m['documents']:,} files "
            f"({m['files_mb']:.0f} MB), {m['matters']:,} matters, {m['events']:,} events at build time, "
            f"catalog {m['catalog_mb']:.0f} MB, tantivy index; `daiban verify` "
            f"{'passed on it' if m['verified'] else 'not run'}. The accounts' targets: the busiest case each "
            f"reaches (the same {m['big_case']} for the administrator, the 项目长 and the enterprise).")


def record(corpus: WebCorpus, command: str, text: str, load: tuple[float, float]) -> None:
    """Append a section with the command, the date and the machine's load to bench/RESULTS.md."""
    size = f"{corpus.manifest['cases']:,} cases / {corpus.manifest['items']:,} documents"
    section = (f"\n## Web pages at {size} (issue 15)\n\n    {command}\n\n"
               f"Measured {dt.date.today()} on the 2-core build machine while other engineers ran tests and builds "
               f"(load average {load[0]:.1f} at the start, {load[1]:.1f} at the end): absolute times are "
               f"indicative, the ratios to the baseline come from the same run.\n\n{text}\n")
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(section)


# ---------------------------------------------------------------- profiling a page that misses the goal

def profile(corpus: WebCorpus, root: Path, timing: Timing, top: int = 25) -> str:
    """One request of the page through the Flask test client under cProfile: the functions of daiban that take
    the time, and the SQL statements the request ran."""
    from sqlalchemy import event

    from archive.web.app import create_app

    app = create_app(root)
    client = app.test_client()
    account = corpus.accounts[timing.role]
    token = csrf_token(client.get("/login").text)
    client.post("/login", data={"login": account.login, "password": corpus.manifest["password"], "csrf_token": token})
    headers = dict(timing.page.headers)
    client.get(timing.url, headers=headers)
    statements: list[float] = []
    engine = app.extensions["daiban"].archive.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _started(conn, cursor, statement, parameters, context, executemany):
        conn.info["daiban.bench.t"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _ended(conn, cursor, statement, parameters, context, executemany):
        statements.append(time.perf_counter() - conn.info.pop("daiban.bench.t"))

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(client.get, timing.url, headers=headers)
    elapsed = time.perf_counter() - started
    app.extensions["daiban"].archive.close()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(re.escape(str(REPOSITORY)) + "/(archive|index|docgen)/", top)
    return (f"### {timing.url} as {timing.role}: {elapsed * 1000:.0f} ms under cProfile, {len(statements):,} SQL "
            f"statements taking {sum(statements) * 1000:.0f} ms\n\n" + out.getvalue())


def main() -> None:
    """Build or reuse the corpus, time every page, print (and record) the table, profile what misses the goal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="profile each page that misses the goal")
    parser.add_argument("--record", action="store_true", help="append the figures to bench/RESULTS.md")
    args = parser.parse_args()
    corpus = ensure(args.cases, args.items)
    root = run_root(corpus)
    load_before = os.getloadavg()[0]
    base, timings, found = measure(corpus, root, args.runs)
    text = corpus_summary(corpus) + "\n\n" + table(base, timings, found)
    print(text)
    if args.record:
        command = " ".join([".venv/bin/python bench/bench_web.py", *sys.argv[1:]])
        record(corpus, command, text, (load_before, os.getloadavg()[0]))
    if args.profile:
        for t in timings:
            if t.status in (200, 206) and t.p95 >= GOAL_MS:
                print("\n" + profile(corpus, root, t))


if __name__ == "__main__":
    main()
